"""A cart line by product, as storefronts that name a purchasable (not a line key) change it.

FluentCart's cart takes a variation id and a quantity that is either a change (`+1`, `-1`) or,
with `by_input`, the new absolute quantity; zero or less removes the line, and a product sold
individually is held at one instead of being refused. The stock, quantity-limit and
variation rules stay `services.cart`'s.
"""

from __future__ import annotations

from checkout_hub.models import Cart, CartItem

from . import cart as cart_service


def line_for(cart: Cart, product_id: int) -> CartItem | None:
    """The cart's line for `product_id` (a simple product or a variation), from the prefetch."""
    return next((i for i in cart.items.all() if i.product_id == product_id), None)


def set_line_quantity(
    cart: Cart, product_id: int, quantity: int, *, absolute: bool = False
) -> CartItem | None:
    """Change the line of `product_id` by `quantity` (or to it, with `absolute`). Returns the
    line, or None when it is (or stays) gone. Raises the cart service's errors."""
    line = line_for(cart, product_id)
    current = line.quantity if line else 0
    wanted = quantity if absolute else current + quantity
    if line is not None and line.product.sold_individually:
        wanted = min(wanted, 1)
    if wanted <= 0:
        if line is not None:
            cart_service.remove_item(cart, line.key)
        return None
    if line is None:
        product, _ = cart_service.resolve_purchasable(product_id)
        if product.sold_individually:
            wanted = 1
        return cart_service.add_item(cart, product_id, wanted)
    if wanted == current:
        return line
    return cart_service.update_quantity(cart, line.key, wanted)
