"""Finding an order and deciding who may see it.

WooCommerce's rules (OrderAuthorizationTrait), which every vendor's order read and the hub's
order pages follow: a checkout-draft is not an order yet; an order whose customer is tied to a
user is that user's only; a guest order opens with its order key and, for APIs, its billing
email (ignoring case). Keys are compared in constant time.
"""

from __future__ import annotations

import hmac

from checkout_hub.models import Order, normalise_email

from .errors import InvalidBillingEmail, InvalidOrderKey, OrderNotFound, OrderOwnedByAnother

MAX_ID_DIGITS = 18  # an id with more digits cannot exist in a 64-bit column


def visible_orders():
    """Orders a buyer can be shown: everything but checkout drafts."""
    return Order.objects.exclude(status=Order.Status.CHECKOUT_DRAFT)


def find(order_id) -> Order:
    """The order with this id, or OrderNotFound (a checkout-draft is not an order yet)."""
    text = str(order_id)
    order = None
    if text.isdigit() and len(text) <= MAX_ID_DIGITS:
        order = visible_orders().select_related("customer").filter(pk=int(text)).first()
    if order is None:
        raise OrderNotFound(order_id=text)
    return order


def key_matches(order: Order, key: str) -> bool:
    key = (key or "").strip()
    return bool(key) and hmac.compare_digest(order.order_key.encode(), key.encode())


def authorize(order: Order, user, key: str, billing_email: str) -> None:
    """Raise why this caller may not see `order`: OrderOwnedByAnother, InvalidOrderKey or
    InvalidBillingEmail."""
    owner_id = order.customer.user_id if order.customer_id and order.customer else None
    if owner_id:
        if not (user and user.is_authenticated and user.pk == owner_id):
            raise OrderOwnedByAnother(order=order)
        return
    if not key_matches(order, key):
        raise InvalidOrderKey(order=order)
    if not billing_email or normalise_email(billing_email) != normalise_email(order.billing_email):
        raise InvalidBillingEmail(order=order)


def by_key(order_id, key: str) -> Order | None:
    """The order if `key` is its order key, else None: a page opened by key must read a wrong
    key exactly like an unknown order, so it never confirms order ids."""
    try:
        order = find(order_id)
    except OrderNotFound:
        return None
    return order if key_matches(order, key) else None
