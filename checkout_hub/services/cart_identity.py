"""Cart identity: which cart a vendor's session key names.

Every cart API hands its client a key (the Store API's Cart-Token session, CoCart's
`cart_key`, FluentCart's `fct_cart_hash`) and finds the cart by it. The rules are the same for
all of them, so they live here once:

- the key names the open cart holding it; with none, an unsaved empty cart (browsing costs no
  row), which is saved on the first write;
- a completed or expired cart that held the key keeps its order history under a retired key
  (`<key>.<id>`) when the key starts a new cart;
- the new cart carries the customer over (addresses and customer of the cart that last held
  the key), as WooCommerce's session does after checkout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from checkout_hub import clock
from checkout_hub.models import Cart
from checkout_hub.models.prepared import PreparedQuery

from . import cart as cart_service

CARRIED_OVER = ("billing_address", "shipping_address", "customer_id")
# The cart that last held a key, what a new cart for the key carries over (after a checkout,
# and on every read of a key with no open cart).
_LAST_HOLDER = PreparedQuery(
    lambda key: Cart.objects.filter(key=key).only(*CARRIED_OVER)[:1],
    lambda connection, key: [key],
    sample=("t_sample",),
)


@dataclass
class CartHandle:
    """The cart a session key names, loaded once and reloaded on demand."""

    key: str
    vendor: str
    _cart: Cart | None = field(default=None, repr=False)

    @property
    def cart(self) -> Cart:
        """The key's open cart with its lines, or an unsaved empty one."""
        if self._cart is None:
            self._cart = cart_service.load(self.key) or self._new_cart()
        return self._cart

    def _new_cart(self) -> Cart:
        cart = Cart(key=self.key, vendor=self.vendor)
        for old in _LAST_HOLDER.fetch(self.key):
            for name in CARRIED_OVER:
                setattr(cart, name, getattr(old, name))
        return cart

    def reload(self) -> Cart:
        self._cart = None
        return self.cart

    def cart_for_write(self) -> Cart:
        """The key's cart, saved (created now if it was not yet)."""
        cart = self.cart
        if cart.pk is not None:
            return cart
        retire(self.key)
        try:
            with transaction.atomic():
                cart.save()
        except IntegrityError:  # a concurrent request with this key created it first
            pass
        self._cart = cart_service.load(self.key) or cart
        return self._cart


def retire(key: str) -> None:
    """Give the carts holding `key` (completed or expired ones) a retired key `<key>.<id>`."""
    Cart.objects.filter(key=key).update(
        key=Concat(F("key"), Value("."), Cast(F("id"), CharField()))
    )


@transaction.atomic
def transfer(from_key: str, to_key: str, *, customer=None) -> bool:
    """Give the open cart under `from_key` (a guest's) the key `to_key` (its customer's): it
    replaces whatever open cart `to_key` held, which ends now and keeps its history under a
    retired key (CoCart's guest-to-customer transfer on login). False when there is no such
    guest cart."""
    guest = Cart.objects.open().select_for_update().filter(key=from_key).first()
    if guest is None:
        return False
    Cart.objects.filter(key=to_key, completed=False).update(expires_at=clock.now())
    retire(to_key)
    guest.key = to_key
    fields = ["key", "updated_at"]
    if customer is not None:
        guest.customer = customer
        fields.append("customer")
    guest.save(update_fields=fields)
    return True
