"""On-site card payments (Stripe Elements): the hub creates the PaymentIntent, the buyer's
browser confirms it with its `client_secret` (stripe.js), and the storefront then asks the hub
to settle the order from the intent (FluentCart's `fluent_cart_confirm_stripe_payment`).

The intent goes through the official SDK like every other Stripe call
(`stripe_gateway.client()`); the order's Payment row holds its id from the start, so
`confirm()` finds the order by the intent id the browser sends back. `confirm()` is safe to
call again: a settled payment answers its order as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from django.db import transaction

from checkout_hub.models import Order, Payment

from .. import statuses
from ..errors import OrderNotFound, PaymentDeclined, PaymentFailed
from .stripe_gateway import (
    StripeGateway,
    _error_facts,
    _message,
    client,
    intent_declined,
    pending_payment,
)

# Intent statuses the buyer has not finished with yet (nothing to settle).
UNFINISHED = {"requires_payment_method", "requires_confirmation", "requires_action"}


def wire(obj: stripe.StripeObject) -> dict:
    """A Stripe object as the API sent it (its JSON, keys in the API's order)."""
    response = obj.last_response
    return response.data if response is not None else obj.to_dict_recursive()


@dataclass
class Started:
    payment: Payment
    intent: dict


@dataclass
class Settled:
    order: Order
    intent: dict
    paid: bool
    declined: PaymentDeclined | None = None


def start(order: Order, *, metadata: dict | None = None) -> Started:
    """Create the PaymentIntent for `order` (unconfirmed) and its pending Payment row."""
    payment = pending_payment(order, flow="onsite")
    try:
        intent = client().v1.payment_intents.create(
            params={
                "amount": order.total,
                "currency": order.currency.lower(),
                "automatic_payment_methods": {"enabled": True},
                "description": f"Order #{order.number}",
                "receipt_email": order.billing_email or None,
                "metadata": {
                    "order_id": str(order.pk),
                    "order_number": order.number,
                    "source": order.source,
                    **(metadata or {}),
                },
            },
            options={"idempotency_key": f"hub_payment_{payment.pk}_create"},
        )
    except stripe.StripeError as exc:
        raise PaymentFailed(
            _message(exc), **_error_facts(exc, payment, "payment_intents.create")
        ) from exc
    payment.reference = intent.id
    payment.save(update_fields=["reference", "updated_at"])
    return Started(payment=payment, intent=wire(intent))


def setup_intent(*, metadata: dict | None = None) -> dict:
    """A new SetupIntent (what a storefront mounts Stripe Elements with before an order
    exists). Raises PaymentFailed when Stripe refuses."""
    try:
        return wire(
            client().v1.setup_intents.create(
                params={
                    "automatic_payment_methods": {"enabled": True},
                    "usage": "off_session",
                    "metadata": metadata or {},
                }
            )
        )
    except stripe.StripeError as exc:
        raise PaymentFailed(_message(exc), stripe_call="setup_intents.create") from exc


def payment_for(intent_id: str) -> Payment:
    """The hub's Payment for a PaymentIntent id; OrderNotFound when there is none."""
    payment = (
        Payment.objects.select_related("order")
        .filter(gateway=StripeGateway.id, reference=str(intent_id or "")[:200])
        .exclude(reference="")
        .first()
        if isinstance(intent_id, str) and "\x00" not in intent_id
        else None
    )
    if payment is None:
        raise OrderNotFound("No order was found for this payment.")
    return payment


def confirm(intent_id: str) -> Settled:
    """Settle the order of PaymentIntent `intent_id` from the intent as Stripe has it now:
    paid when it succeeded; a refused card is reported (`declined`) and recorded on the
    Payment, but the order stays pending, since the buyer may retry the same intent with
    another card (Stripe Elements does); a canceled intent fails the order (stock back, cart
    open); as it was while the buyer has not finished."""
    payment = payment_for(intent_id)
    try:
        intent = wire(client().v1.payment_intents.retrieve(payment.reference))
    except stripe.StripeError as exc:
        raise PaymentFailed(
            _message(exc), **_error_facts(exc, payment, "payment_intents.retrieve")
        ) from exc
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        status = intent["status"]
        if locked.status == Payment.Status.SUCCEEDED:
            return Settled(order, intent, paid=True)
        error = intent.get("last_payment_error") or {}
        if status in UNFINISHED and not error:
            return Settled(order, intent, paid=False)
        if status in ("requires_payment_method", "canceled"):
            declined = intent_declined(
                intent, locked, "payment_intent_payment_attempt_failed", order=order
            )
            if status == "canceled":
                if locked.status != Payment.Status.FAILED:
                    _fail(order, declined)
            else:
                locked.error_code = declined.facts["gateway_code"] or ""
                locked.decline_code = declined.facts["decline_code"] or ""
                locked.message = declined.message.replace("\x00", "\\u0000")
                locked.save(update_fields=["error_code", "decline_code", "message", "updated_at"])
            return Settled(order, intent, paid=False, declined=declined)
        outcome = StripeGateway().outcome(locked, intent)
        statuses.transition(order, outcome.order_status, paid=outcome.paid)
        if not order.transaction_id:
            order.transaction_id = intent["id"]
            order.save(update_fields=["transaction_id", "updated_at"])
    return Settled(order, intent, paid=outcome.paid)


def _fail(order: Order, exc: PaymentDeclined) -> None:
    from . import fail  # the package's failure bookkeeping

    fail(order, StripeGateway.id, exc)
