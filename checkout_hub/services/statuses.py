"""Order and payment statuses as data: which status may follow which, checked in one place.

`transition()` is the only writer of Order.status outside checkout's creation step; it also
runs the side effects a status change has (stock back on failure or cancellation, paid
timestamps), as django-oscar's order pipeline does.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from checkout_hub import clock
from checkout_hub.models import Order, Product

from .errors import InvalidStatusTransition

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

# Statuses that hold stock; leaving them for one of RELEASES_STOCK puts the stock back.
RELEASES_STOCK = {S.FAILED, S.CANCELLED}
PAID_STATUSES = {S.PROCESSING, S.COMPLETED}


def can_transition(current: str, new: str) -> bool:
    return current == new or new in ORDER_TRANSITIONS.get(current, set())


@transaction.atomic
def transition(order: Order, new: str, *, paid: bool | None = None) -> Order:
    """Move `order` to `new` (raises InvalidStatusTransition), with its side effects."""
    if not can_transition(order.status, new):
        raise InvalidStatusTransition(
            f"An order cannot go from {order.status} to {new}.",
            kind="order",
            current=order.status,
            requested=new,
        )
    fields = ["status", "updated_at"]
    if new in RELEASES_STOCK and order.stock_reduced:
        restore_stock(order)
        fields.append("stock_reduced")
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
    order.save(update_fields=fields)
    return order


def reduce_stock(order: Order, products: dict[int, Product]) -> None:
    """Take the order's quantities off managed stock. `products` must be row-locked."""
    for item in order.items.all():
        product = products.get(item.product_id)
        if product is None or not product.manage_stock or product.stock_quantity is None:
            continue
        product.stock_quantity -= item.quantity
        product.stock_status = product.stock_status_for(product.stock_quantity)
        product.save(update_fields=["stock_quantity", "stock_status", "updated_at"])
    order.stock_reduced = True


def restore_stock(order: Order) -> None:
    for item in order.items.all():
        if item.product_id is None:
            continue
        Product.objects.filter(pk=item.product_id, manage_stock=True).update(
            stock_quantity=F("stock_quantity") + item.quantity
        )
        product = Product.objects.get(pk=item.product_id)
        if product.manage_stock and product.stock_quantity is not None:
            status = product.stock_status_for(product.stock_quantity)
            if status != product.stock_status:
                Product.objects.filter(pk=product.pk).update(stock_status=status)
    order.stock_reduced = False
