"""Which cart a FluentCart request works on (reference §2), through the hub's cart identity.

- a `fct_cart_hash` request parameter names an **instant** cart (instant checkout) and is
  final: an unknown hash means no cart;
- else the `fct_cart_hash` cookie names the **global** cart;
- else the logged-in customer's latest open global cart;
- else a new, unsaved one. The row and the cookie (12 hours, SameSite=Lax, not HttpOnly) are
  written on the first change, with a fresh hash md5("fct_global_cart_" + uuid4 + time).

The hash is the shared Cart's key; `meta["cart_group"]` says "global" or "instant".
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from checkout_hub import clock
from checkout_hub.api.auth import user_of
from checkout_hub.models import Cart, Vendor
from checkout_hub.services.cart_identity import CartHandle

COOKIE = "fct_cart_hash"
COOKIE_MAX_AGE = 24 * 60 * 30  # seconds: the plugin's "minutes" filter gives 12 hours
PARAM = "fct_cart_hash"
GLOBAL, INSTANT = "global", "instant"
HASH = re.compile(r"^[a-f0-9]{32}$")


def new_hash() -> str:
    seed = f"fct_global_cart_{uuid.uuid4()}{clock.timestamp()}"
    return hashlib.md5(seed.encode()).hexdigest()


def _valid(value) -> str:
    value = value if isinstance(value, str) else ""
    return value if HASH.match(value) else ""


@dataclass(kw_only=True)
class FluentSession(CartHandle):
    vendor: str = Vendor.FLUENTCART
    group: str = GLOBAL
    # A request parameter named an instant cart (found or not): no other cart is used.
    from_param: bool = False
    created: bool = False

    @property
    def cart(self) -> Cart:
        cart = super().cart
        if cart.pk is not None and cart.meta.get("cart_group", GLOBAL) != self.group:
            # The key names a cart of the other group: not this lookup's cart.
            self._cart = Cart(key=new_hash(), vendor=self.vendor)
            cart = self._cart
        return cart

    @property
    def exists(self) -> bool:
        return self.cart.pk is not None

    def cart_for_write(self) -> Cart:
        """The cart, saved; a new one gets a fresh hash (and the cookie is set)."""
        cart = self.cart
        if cart.pk is not None:
            return cart
        self.key = cart.key = new_hash()
        cart.meta = {**cart.meta, "cart_group": self.group}
        self.created = True
        return super().cart_for_write()


def for_request(request, *, params: dict | None = None) -> FluentSession:
    """The cart this request names (see the module docstring)."""
    params = params if params is not None else {}
    given = params.get(PARAM)
    if given is None:
        given = request.GET.get(PARAM)
    if given is not None:
        key = _valid(given) or new_hash()
        return FluentSession(key=key, group=INSTANT, from_param=True)
    cookie = _valid(request.COOKIES.get(COOKIE))
    if cookie:
        return FluentSession(key=cookie)
    user = user_of(request)
    if user is not None:
        latest = (
            Cart.objects.open()
            .filter(vendor=Vendor.FLUENTCART, customer__user=user, meta__cart_group=GLOBAL)
            .values_list("key", flat=True)
            .first()
        )
        if latest:
            return FluentSession(key=latest)
    return FluentSession(key=new_hash())


def set_cookie(response, session: FluentSession, request) -> None:
    """Write the fct_cart_hash cookie when this request created the global cart."""
    if session.created and session.group == GLOBAL:
        response.set_cookie(
            COOKIE,
            session.key,
            max_age=COOKIE_MAX_AGE,
            path="/",
            samesite="Lax",
            httponly=False,
            secure=request.is_secure(),
        )
