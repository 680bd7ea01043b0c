"""Statuses as data: which status may follow which, checked in one place.

A `StatusTable` (the allowed moves of one kind of object) is the one check for orders,
payments and checkout sessions (`checkout_sessions.SESSIONS`). `transition()` is the only
writer of Order.status outside checkout's creation step; it also runs the side effects a status
change has (stock and coupon uses back on failure or cancellation, paid timestamps), as
django-oscar's order pipeline does. `transition_payment()` does the same for Payment.status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from checkout_hub import clock
from checkout_hub.models import Coupon, Order, Payment, Product
from checkout_hub.models.prepared import save_fields

from .errors import InvalidStatusTransition


@dataclass(frozen=True)
class StatusTable:
    """The allowed moves of one kind of object: status -> the statuses that may follow.
    `stay` says whether "moving" to the current status is allowed (a no-op)."""

    kind: str
    moves: dict[str, set[str]]
    stay: bool = True

    def allows(self, current: str, new: str) -> bool:
        return (self.stay and current == new) or new in self.moves.get(current, set())

    def check(self, current: str, new: str) -> None:
        """Raise InvalidStatusTransition unless `current` may move to `new`."""
        if not self.allows(current, new):
            article = "An" if self.kind[0] in "aeiou" else "A"
            raise InvalidStatusTransition(
                f"{article} {self.kind.replace('_', ' ')} cannot go from {current} to {new}.",
                kind=self.kind,
                current=current,
                requested=new,
            )

    @property
    def final(self) -> set[str]:
        return {status for status, following in self.moves.items() if not following}


S = Order.Status

ORDER_TRANSITIONS: dict[str, set[str]] = {
    S.CHECKOUT_DRAFT: {S.PENDING, S.PROCESSING, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.PENDING: {S.PROCESSING, S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED},
    S.FAILED: {S.PENDING, S.PROCESSING, S.ON_HOLD, S.COMPLETED, S.CANCELLED},
    S.ON_HOLD: {S.PENDING, S.PROCESSING, S.COMPLETED, S.FAILED, S.CANCELLED, S.REFUNDED},
    S.PROCESSING: {S.ON_HOLD, S.COMPLETED, S.FAILED, S.CANCELLED, S.REFUNDED},
    S.COMPLETED: {S.PROCESSING, S.REFUNDED},
    S.CANCELLED: {S.PENDING, S.PROCESSING},
    S.REFUNDED: set(),
}

ORDERS = StatusTable("order", ORDER_TRANSITIONS)

# Moving to one of these gives back the stock and coupon uses the order held.
RELEASES_STOCK = {S.FAILED, S.CANCELLED}
PAID_STATUSES = {S.PROCESSING, S.COMPLETED}


@transaction.atomic
def transition(order: Order, new: str, *, paid: bool | None = None) -> Order:
    """Move `order` to `new` (raises InvalidStatusTransition), with its side effects."""
    ORDERS.check(order.status, new)
    fields = ["status", "updated_at"]
    if new in RELEASES_STOCK:
        fields += release_holds(order)
    if paid:
        order.payment_status = Order.PaymentStatus.PAID
        order.paid_at = order.paid_at or clock.now()
        fields += ["payment_status", "paid_at"]
    elif new == S.FAILED:
        order.payment_status = Order.PaymentStatus.FAILED
        fields.append("payment_status")
    if new == S.COMPLETED and not order.completed_at:
        order.completed_at = clock.now()
        fields.append("completed_at")
    order.status = new
    save_fields(order, fields)
    return order


# --- what an order holds: stock and coupon uses ---
def release_holds(order: Order, products: dict[int, Product] | None = None) -> list[str]:
    """Give back the stock and coupon uses `order` holds; returns the order fields changed
    (the caller saves them). `products`: already row-locked products to adjust in place."""
    fields = []
    if order.stock_reduced:
        _move_stock(order, products, +1)
        order.stock_reduced = False
        fields.append("stock_reduced")
    if order.coupon_usage_counted:
        _count_coupons(order, -1)
        order.coupon_usage_counted = False
        fields.append("coupon_usage_counted")
    return fields


def take_holds(order: Order, products: dict[int, Product], items=None) -> None:
    """Take the order's quantities off managed stock and count its coupons once.
    `products` must be row-locked and hold every product the order buys; `items`, the order's
    lines when the caller has them (else they are read)."""
    if not order.stock_reduced:
        _move_stock(order, products, -1, items)
        order.stock_reduced = True
    if not order.coupon_usage_counted:
        _count_coupons(order, +1)
        order.coupon_usage_counted = True


def _move_stock(order: Order, products: dict[int, Product] | None, sign: int, items=None) -> None:
    """Add (sign +1) or take (-1) the order's quantities, in one UPDATE for all products."""
    items = list(order.items.all()) if items is None else items
    if products is None:
        ids = sorted({i.product_id for i in items if i.product_id})
        products = {
            p.pk: p
            for p in Product.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
        }
    changed = {}
    for item in items:
        product = products.get(item.product_id)
        if product is None or not product.manage_stock or product.stock_quantity is None:
            continue
        product.stock_quantity += sign * item.quantity
        product.stock_status = product.stock_status_for(product.stock_quantity)
        product.updated_at = clock.now()
        changed[product.pk] = product
    if changed:
        Product.objects.bulk_update(
            changed.values(), ["stock_quantity", "stock_status", "updated_at"]
        )


def _count_coupons(order: Order, step: int) -> None:
    codes = [line["code"] for line in order.coupon_lines]
    if codes:
        Coupon.objects.filter(code__in=codes).update(
            usage_count=Greatest(F("usage_count") + step, 0)
        )


# --- payments ---
P = Payment.Status

# A Payment is created pending (or, offline, stays pending until staff see the money); a
# gateway answer moves it on. Failed and cancelled are final: a retry is a new Payment row,
# as a new PaymentIntent confirmation is a new charge. A partial refund leaves it succeeded.
PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.REQUIRES_ACTION, P.PROCESSING, P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.REQUIRES_ACTION: {P.PROCESSING, P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.PROCESSING: {P.SUCCEEDED, P.FAILED, P.CANCELLED},
    P.SUCCEEDED: {P.REFUNDED},
    P.FAILED: set(),
    P.CANCELLED: set(),
    P.REFUNDED: set(),
}


PAYMENTS = StatusTable("payment", PAYMENT_TRANSITIONS)


def transition_payment(payment: Payment, new: str) -> Payment:
    """Move `payment` to `new` (raises InvalidStatusTransition, kind "payment"). Only sets the
    field: the caller saves it with the other fields the same gateway answer writes, in one
    UPDATE (include "status" in its update_fields)."""
    PAYMENTS.check(payment.status, new)
    payment.status = new
    return payment
