"""Removed cart lines that can be restored (WooCommerce's `removed_cart_contents`).

A line removed this way is kept on the cart (product, quantity, chosen attributes, item data,
under its line key) so the buyer can bring it back with `restore`; restoring re-adds it
through the cart service, so stock, sold-individually and quantity rules apply again. CoCart
lists them as `removed_items` and restores with PUT cart/item/{key}.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkout_hub.models import Cart, Product

from . import cart as cart_service
from .errors import CartItemNotFound

META_KEY = "removed_items"


class RemovedItemNotFound(CartItemNotFound):
    """`restore` of a key that was never removed (and is not in the cart). facts: key"""

    code = "removed_item_not_found"
    default_message = "Item was not found in removed items."


class ItemAlreadyRestored(CartItemNotFound):
    """`restore` of a key that is in the cart already. facts: key"""

    code = "item_already_restored"
    default_message = "Item is already in the cart."


@dataclass
class RemovedLine:
    key: str
    product: Product
    quantity: int
    variation: dict
    item_data: list | dict


def _stored(cart: Cart) -> dict:
    value = (cart.meta or {}).get(META_KEY)
    return value if isinstance(value, dict) else {}


def remove(cart: Cart, key: str) -> None:
    """Remove a line, keeping it restorable. Raises CartItemNotFound."""
    item = next((i for i in cart.items.all() if i.key == key), None)
    if item is None:
        raise CartItemNotFound(key=key)
    kept = _stored(cart)
    kept[key] = {
        "product_id": item.product_id,
        "quantity": item.quantity,
        "variation": item.variation,
        "item_data": item.item_data,
    }
    cart.meta = {**(cart.meta or {}), META_KEY: kept}
    cart.save(update_fields=["meta", "updated_at"])
    cart_service.remove_item(cart, key)


def restore(cart: Cart, key: str):
    """Put a removed line back; returns the line. Raises ItemAlreadyRestored,
    RemovedItemNotFound, or what adding it again raises (stock, purchasable)."""
    if any(i.key == key for i in cart.items.all()):
        raise ItemAlreadyRestored(key=key)
    kept = _stored(cart)
    entry = kept.get(key)
    if entry is None:
        raise RemovedItemNotFound(key=key)
    item = cart_service.add_item(
        cart,
        entry["product_id"],
        entry["quantity"],
        variation=entry.get("variation") or None,
        item_data=entry.get("item_data") or None,
    )
    kept.pop(key, None)
    cart.meta = {**(cart.meta or {}), META_KEY: kept}
    cart.save(update_fields=["meta", "updated_at"])
    return item


def forget(cart: Cart) -> None:
    """Drop every removed line (a cleared cart keeps none unless asked to)."""
    if cart.pk is not None and _stored(cart):
        cart.meta = {k: v for k, v in (cart.meta or {}).items() if k != META_KEY}
        cart.save(update_fields=["meta", "updated_at"])


def lines(cart: Cart) -> list[RemovedLine]:
    """The removed lines with their products, in one query whatever their number."""
    kept = _stored(cart)
    if not kept:
        return []
    ids = {entry.get("product_id") for entry in kept.values()}
    products = {
        p.pk: p
        for p in Product.objects.select_related("parent").filter(
            pk__in=[i for i in ids if isinstance(i, int)]
        )
    }
    found = []
    for key, entry in kept.items():
        product = products.get(entry.get("product_id"))
        if product is not None:
            found.append(
                RemovedLine(
                    key,
                    product,
                    int(entry.get("quantity") or 1),
                    entry.get("variation") or {},
                    entry.get("item_data") or [],
                )
            )
    return found
