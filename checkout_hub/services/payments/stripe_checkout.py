"""Hosted card payments through Stripe Checkout Sessions, for any vendor whose storefront
redirects the buyer to Stripe's payment page (FluentCart's hosted mode).

`start()` creates the session through the official SDK (`checkout.sessions.create`) with the
vendor's `success_url` / `cancel_url` (`{CHECKOUT_SESSION_ID}` is Stripe's placeholder) and a
pending Payment row whose reference is the session id; `settle()` reads the session back when
the buyer returns and marks the order paid once the session is. Safe to call again.
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from django.db import transaction

from checkout_hub.models import Order, Payment

from .. import statuses
from ..errors import OrderNotFound, PaymentFailed
from .stripe_gateway import StripeGateway, _error_facts, _message, client, pending_payment
from .stripe_onsite import wire

PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


@dataclass
class Settled:
    order: Order
    session: dict
    paid: bool


def line_items(order: Order) -> list[dict]:
    """The order as Checkout line items whose amounts add up to its total: one line per item
    when its price divides evenly and nothing was discounted, plus shipping and tax; else
    one line for the whole order."""
    currency = order.currency.lower()

    def line(name: str, unit_amount: int, quantity: int = 1) -> dict:
        return {
            "price_data": {
                "currency": currency,
                "unit_amount": unit_amount,
                "product_data": {"name": name[:250] or "Item"},
            },
            "quantity": quantity,
        }

    lines = []
    for item in order.items.all():
        if not item.quantity or item.total % item.quantity:
            break
        lines.append(line(item.name, item.total // item.quantity, item.quantity))
    else:
        if order.shipping_total:
            lines.append(line("Shipping", order.shipping_total))
        if order.tax_total:
            lines.append(line("Tax", order.tax_total))
        amounts = sum(li["price_data"]["unit_amount"] * li["quantity"] for li in lines)
        if lines and amounts == order.total:
            return lines
    return [line(f"Order #{order.number}", order.total)]


def start(
    order: Order, *, success_url: str, cancel_url: str | None = None, metadata: dict | None = None
) -> dict:
    """Create the Checkout Session for `order`; returns it (its `url` is the payment page)."""
    payment = pending_payment(order, flow="checkout_session")
    meta = {"order_id": str(order.pk), "order_number": order.number, **(metadata or {})}
    params = {
        "mode": "payment",
        "line_items": line_items(order),
        "success_url": success_url,
        "client_reference_id": str(order.pk),
        "metadata": meta,
        "payment_intent_data": {"metadata": meta, "description": f"Order #{order.number}"},
    }
    if cancel_url:
        params["cancel_url"] = cancel_url
    if order.billing_email:
        params["customer_email"] = order.billing_email
    try:
        session = client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"hub_payment_{payment.pk}_session"}
        )
    except stripe.StripeError as exc:
        raise PaymentFailed(
            _message(exc), **_error_facts(exc, payment, "checkout.sessions.create")
        ) from exc
    payment.reference = session.id
    payment.save(update_fields=["reference", "updated_at"])
    return wire(session)


def settle(session_id: str) -> Settled:
    """Bring the order of Checkout Session `session_id` in line with the session."""
    payment = (
        Payment.objects.filter(gateway=StripeGateway.id, reference=session_id).first()
        if isinstance(session_id, str) and session_id.startswith("cs_") and "\x00" not in session_id
        else None
    )
    if payment is None:
        raise OrderNotFound("No order was found for this checkout session.")
    try:
        session = wire(client().v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise PaymentFailed(
            _message(exc), **_error_facts(exc, payment, "checkout.sessions.retrieve")
        ) from exc
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        if locked.status == Payment.Status.SUCCEEDED:
            return Settled(order, session, paid=True)
        if session.get("payment_status") != "paid":
            return Settled(order, session, paid=False)
        intent_id = session.get("payment_intent") or ""
        locked.data = {**locked.data, "payment_intent": intent_id, "status": "succeeded"}
        statuses.transition_payment(locked, Payment.Status.SUCCEEDED)
        locked.save(update_fields=["status", "data", "updated_at"])
        statuses.transition(order, Order.Status.PROCESSING, paid=True)
        if not order.transaction_id:
            order.transaction_id = intent_id
            order.save(update_fields=["transaction_id", "updated_at"])
    return Settled(order, session, paid=True)
