"""Payment gateways and the one entry point that runs a payment for an order.

Gateways register by id in GATEWAYS; settings.HUB_PAYMENT_METHODS says which are offered.
`pay()` lets a forced scenario fire where the real gateway would answer, records failures on
the order (failed, stock back) and raises PaymentDeclined/PaymentFailed with the order
attached, so each vendor can render its own failure shape.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from checkout_hub.models import Cart, Order, Payment

from .. import scenarios, statuses
from ..errors import InvalidPaymentMethod, PaymentDeclined, PaymentFailed, RefundNotPossible
from .base import Gateway, Outcome, PaymentOutcome
from .offline import Bacs, CashOnDelivery, Cheque
from .stripe_gateway import StripeGateway

GATEWAYS: dict[str, Gateway] = {}


def register(gateway: Gateway) -> None:
    GATEWAYS[gateway.id] = gateway


for _gateway in (StripeGateway(), Bacs(), Cheque(), CashOnDelivery()):
    register(_gateway)


def available() -> list[Gateway]:
    """The gateways the store offers (configured ones), in the order settings list them."""
    return [
        GATEWAYS[gid]
        for gid in settings.HUB_PAYMENT_METHODS
        if gid in GATEWAYS and GATEWAYS[gid].configured()
    ]


def get(gateway_id: str) -> Gateway:
    for gateway in available():
        if gateway.id == gateway_id:
            return gateway
    raise InvalidPaymentMethod(
        f'The selected payment method "{gateway_id}" is not available.',
        payment_method=gateway_id,
        available=[g.id for g in available()],
    )


def pay(order: Order, gateway_id: str, payment_data: dict | None = None) -> PaymentOutcome:
    """Charge `order` through `gateway_id` and move the order to the outcome's status."""
    gateway = get(gateway_id)
    try:
        if not gateway.handles_scenarios:
            scenarios.fire(scenarios.PAYMENT, gateway=gateway.id, order=order)
        outcome = gateway.process(order, payment_data or {})
    except (PaymentDeclined, PaymentFailed) as exc:
        fail(order, gateway.id, exc)
        exc.facts["order"] = order
        exc.facts.setdefault("gateway", gateway.id)
        raise
    with transaction.atomic():
        statuses.transition(order, outcome.order_status, paid=outcome.paid)
        if outcome.payment and outcome.payment.reference and not order.transaction_id:
            order.transaction_id = outcome.payment.reference
            order.save(update_fields=["transaction_id", "updated_at"])
    return outcome


@transaction.atomic
def fail(order: Order, gateway_id: str, exc: PaymentDeclined | PaymentFailed) -> None:
    """Record a refused payment: a failed Payment row (the gateway's own attempt when it made
    one), the order failed with its stock back, and the cart open again so the buyer can retry."""
    payment = exc.facts.get("payment") or Payment(
        order=order, gateway=gateway_id, amount=order.total, currency=order.currency
    )
    statuses.transition_payment(payment, Payment.Status.FAILED)
    payment.reference = exc.facts.get("reference") or payment.reference or ""
    payment.error_code = exc.facts.get("gateway_code") or exc.code
    payment.decline_code = exc.facts.get("decline_code") or ""
    # A gateway may echo what the buyer sent (an unknown id), NUL and all; PostgreSQL text
    # cannot hold one, so it is kept visibly escaped.
    payment.message = exc.message.replace("\x00", "\\u0000")
    payment.save()
    statuses.transition(order, Order.Status.FAILED)
    if order.cart_id:
        Cart.objects.filter(pk=order.cart_id).update(completed=False, completed_at=None)


def refund(order: Order, amount: int | None = None, reason: str = "") -> int:
    """Refund `amount` (default: all that is left) of `order`'s paid payments through their
    gateways, newest first. Returns the amount refunded. Raises PaymentFailed."""
    left = order.total - order.total_refunded if amount is None else amount
    if left <= 0 or left > order.total - order.total_refunded:
        raise RefundNotPossible(
            f"Order #{order.number} can be refunded up to "
            f"{order.total - order.total_refunded} (minor units).",
            order=order,
            requested=left,
        )
    done = 0
    for payment in order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-id"):
        gateway = GATEWAYS.get(payment.gateway)
        part = min(left - done, payment.amount - payment.amount_refunded)
        if part <= 0 or gateway is None or not gateway.supports_refunds:
            continue
        record = gateway.refund(payment, part, reason)
        with transaction.atomic():
            payment.amount_refunded += part
            if payment.amount_refunded >= payment.amount:
                statuses.transition_payment(payment, Payment.Status.REFUNDED)
            payment.data = {
                **payment.data,
                "refunds": [*payment.data.get("refunds", []), record["id"]],
            }
            payment.save()
            done += part
        if done >= left:
            break
    if not done:
        raise RefundNotPossible(
            f"Order #{order.number} has no payment that can be refunded.",
            order=order,
            requested=left,
        )
    with transaction.atomic():
        order.total_refunded += done
        full = order.total_refunded >= order.total
        order.payment_status = (
            Order.PaymentStatus.REFUNDED if full else Order.PaymentStatus.PARTIALLY_REFUNDED
        )
        order.save(update_fields=["total_refunded", "payment_status", "updated_at"])
        if full:
            statuses.transition(order, Order.Status.REFUNDED)
    return done


__all__ = [
    "GATEWAYS",
    "Gateway",
    "Outcome",
    "PaymentOutcome",
    "available",
    "fail",
    "get",
    "pay",
    "refund",
    "register",
]
