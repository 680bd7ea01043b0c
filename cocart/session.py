"""Which cart a CoCart request works on, and the cart headers of its reply (reference §0, §3).

- The key comes from the `CoCart-API-Cart-Key` header, else a `cart_key` query (or form)
  parameter; the header wins, and a `cart_key` inside a JSON body is not read. Keys are
  sanitize_key()'d (lowercase `[a-z0-9_-]`); custom keys up to 42 characters are allowed.
- A guest without a key gets a new one, `t_` + 30 hex (4.3.23+; plain 30-hex keys of older
  releases are read like any other). The cart row is only written on the first change.
- An authenticated user's cart key is their user id. A guest key sent with the user's
  credentials transfers that guest cart to the user (it replaces theirs), for customers only
  (not staff), as `init_session_cocart` does.
- The guards (kept as 4.8.0 answers them): a guest naming a registered user's id is 403
  `cocart_must_authenticate_user`; a user sending their own id is 403
  `cocart_already_authenticating_user`. A Preview checkout request carrying a consumer key may
  name a customer's cart by its id (the seed: the cart key gives the customer context).
- Expiry slides: every request pushes it to now + 2 days (guests) or 7 days (users), and the
  reply says when it starts expiring (now + 1 day) and when it expires.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from checkout_hub import clock
from checkout_hub.api.auth import user_of
from checkout_hub.models import Cart, Customer, Vendor
from checkout_hub.models.carts import new_cart_key
from checkout_hub.services import cart_identity
from checkout_hub.services.cart_identity import CartHandle

from .errors import SessionGuardError

HEADER = "CoCart-API-Cart-Key"
MAX_KEY_LENGTH = 42
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# How far a stored expiry may lag the sliding one before it is written again.
EXPIRY_SLACK = dt.timedelta(seconds=60)


def sanitize_key(value) -> str:
    """WordPress's sanitize_key: lowercase, only a-z, 0-9, "_" and "-"."""
    return re.sub(r"[^a-z0-9_-]", "", str(value or "").lower())


def key_given(request) -> str:
    """The cart key the request names (header, then query, then form body), sanitised."""
    value = request.headers.get(HEADER, "")
    if not value:
        value = request.query_params.get("cart_key", "")
    if not value and (request.content_type or "").startswith(FORM_TYPES):
        value = request._request.POST.get("cart_key", "")
    key = sanitize_key(value)
    return key if len(key) <= MAX_KEY_LENGTH else ""


@dataclass(kw_only=True)
class Session(CartHandle):
    vendor: str = Vendor.COCART
    user: object = None

    @property
    def user_id(self) -> int:
        return self.user.pk if self.user is not None else 0

    @property
    def ttl(self) -> int:
        if self.user is not None:
            return settings.COCART_CART_EXPIRATION_USER_SECONDS
        return settings.COCART_CART_EXPIRATION_SECONDS

    def customer(self) -> Customer | None:
        if self.user is None:
            return None
        return Customer.objects.filter(user=self.user).first()


def resolve(request, *, trusted_app: bool = False) -> Session:
    """The request's session. `trusted_app`: a consumer key authenticated the request, so a
    customer's cart may be named by its id without that customer's password."""
    user = user_of(request)
    given = key_given(request)
    if user is not None:
        own = str(user.pk)
        if given == own:
            raise SessionGuardError(
                "cocart_already_authenticating_user",
                "You are already authenticating as the customer. Cannot set cart key as your "
                "user ID.",
            )
        session = Session(key=own, user=user)
        if given and not user.is_staff:
            cart_identity.transfer(given, own, customer=session.customer())
        return session
    if given.isdigit() and get_user_model().objects.filter(pk=int(given)).exists():
        if trusted_app:
            customer = get_user_model().objects.get(pk=int(given))
            return Session(key=given, user=customer)
        raise SessionGuardError(
            "cocart_must_authenticate_user",
            "Must authenticate customer as the cart key provided is a registered customer.",
        )
    return Session(key=given or new_cart_key())


def expiry_times(session: Session) -> tuple[int, int]:
    """(expiring, expiration) as unix times: from now, as every request slides them."""
    now = clock.timestamp()
    return now + settings.COCART_CART_EXPIRING_SECONDS, now + session.ttl


def slide_expiry(session: Session) -> None:
    """Push a saved open cart's expiry to now + its TTL (one UPDATE, only when it lags)."""
    cart = session._cart
    if cart is None or cart.pk is None or cart.completed:
        return
    wanted = clock.now() + dt.timedelta(seconds=session.ttl)
    if abs(wanted - cart.expires_at) > EXPIRY_SLACK:
        Cart.objects.filter(pk=cart.pk).update(expires_at=wanted)
        cart.expires_at = wanted


def cart_headers(session: Session) -> dict[str, str]:
    expiring, expiration = expiry_times(session)
    headers = {
        "CoCart-API-Cart-Expiring": str(expiring),
        "CoCart-API-Cart-Expiration": str(expiration),
    }
    if session.key and session.key != "0":
        headers[HEADER] = session.key
    return headers
