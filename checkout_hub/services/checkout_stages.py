"""Where a cart stands after its order was placed, for storefronts that keep the cart open
until the order is paid (FluentCart: a cart stays `intended` while the card payment is being
made, and a free order leaves its cart open).

`keep_open` re-opens a cart whose order still waits for its payment (a retry reuses that
order, as `checkout.place_order` reuses a pending order of the cart); `finish` closes it once
paid; `refuse_if_paid` is the check such a storefront runs before placing the order again.
"""

from __future__ import annotations

from checkout_hub.models import Cart, Order

from .errors import CartCompleted


class OrderAlreadyPaid(CartCompleted):
    """The cart is still open but the order it became is already paid (or being fulfilled).
    facts: order"""

    code = "order_already_paid"
    default_message = "You have already completed this order."


PAID_STATUSES = {Order.Status.PROCESSING, Order.Status.COMPLETED}


def refuse_if_paid(cart: Cart) -> None:
    """Raise OrderAlreadyPaid when the cart's linked order is paid or being fulfilled."""
    order = cart.draft_order if cart.pk else None
    if order is None:
        return
    if order.status in PAID_STATUSES or order.payment_status == Order.PaymentStatus.PAID:
        raise OrderAlreadyPaid(order=order)


def keep_open(cart_id: int) -> None:
    """Re-open the cart an order was just placed from (its order stays linked)."""
    Cart.objects.filter(pk=cart_id).update(completed=False, completed_at=None)


def finish(order: Order) -> None:
    """Close the cart `order` came from, now that the order is paid."""
    from checkout_hub import clock

    if order.cart_id:
        Cart.objects.filter(pk=order.cart_id, completed=False).update(
            completed=True, completed_at=clock.now()
        )
