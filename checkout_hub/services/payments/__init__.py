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
from ..errors import InvalidPaymentMethod, PaymentDeclined, PaymentFailed
from .base import Gateway, PaymentOutcome
from .offline import Bacs, CashOnDelivery, Cheque

GATEWAYS: dict[str, Gateway] = {}


def register(gateway: Gateway) -> None:
    GATEWAYS[gateway.id] = gateway


for _gateway in (Bacs(), Cheque(), CashOnDelivery()):
    register(_gateway)


def available() -> list[Gateway]:
    """The gateways the store offers, in the order settings list them."""
    return [GATEWAYS[gid] for gid in settings.HUB_PAYMENT_METHODS if gid in GATEWAYS]


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
    """Record a refused payment: a failed Payment row, the order failed with its stock back,
    and the cart open again so the buyer can retry."""
    Payment.objects.create(
        order=order,
        gateway=gateway_id,
        amount=order.total,
        currency=order.currency,
        status=Payment.Status.FAILED,
        reference=exc.facts.get("reference") or "",
        error_code=exc.facts.get("gateway_code") or exc.code,
        decline_code=exc.facts.get("decline_code") or "",
        message=exc.message,
    )
    statuses.transition(order, Order.Status.FAILED)
    if order.cart_id:
        Cart.objects.filter(pk=order.cart_id).update(completed=False, completed_at=None)


__all__ = ["GATEWAYS", "Gateway", "PaymentOutcome", "available", "fail", "get", "pay", "register"]
