"""The Store API session: which cart a request works on, and the headers every cart and
checkout reply carries (Nonce, Nonce-Timestamp, User-ID, Cart-Token, Cart-Hash).

A session is found, in WooCommerce's order, from a valid `Cart-Token` (a HS256 JWT whose
`user_id` is the session key), else the session cookie, else the logged-in user, else a new
guest key. Invalid or expired tokens are ignored, never an error (reference §5). The session
key is the cart's key; the cart row is only written on the first change, so browsing costs
nothing.

Nonces are WordPress nonces: 10 hex characters of an HMAC over the 12-hour tick, the action
`wc_store_api`, the user and the session, valid for the current and the previous tick.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from checkout_hub import clock
from checkout_hub.models import Cart, Vendor
from checkout_hub.models.carts import new_cart_key
from checkout_hub.services import cart as cart_service

COOKIE = "wp_woocommerce_session_hub"
COOKIE_SALT = "woo_store.session"
TOKEN_TTL = 172800  # 48 h, wc_session_expiration
NONCE_ACTION = "wc_store_api"
NONCE_LIFE = 86400  # WordPress: a nonce lives one or two 12-hour ticks
ISSUER = "wc/store/v1"


def _secret() -> bytes:
    # WooCommerce signs with "@" + wp_salt(); the hub derives its own from SECRET_KEY.
    configured = settings.WOO_STORE_SECRET or settings.SECRET_KEY
    return hashlib.sha256(("@" + configured).encode()).digest()


# --- Cart-Token: WooCommerce's JsonWebToken, HS256, base64url without padding ---
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(message: str) -> str:
    return _b64(hmac.new(_secret(), message.encode(), hashlib.sha256).digest())


def encode_token(session_key: str, *, issuer: str = ISSUER) -> str:
    now = clock.timestamp()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(
        json.dumps(
            {"user_id": session_key, "exp": now + TOKEN_TTL, "iss": issuer, "iat": now},
            separators=(",", ":"),
        ).encode()
    )
    return f"{header}.{payload}.{_sign(f'{header}.{payload}')}"


def decode_token(token: str) -> str | None:
    """The session key of a valid token, else None. Like WooCommerce, `iss` is not checked."""
    parts = (token or "").strip().split(".")
    if len(parts) != 3:
        return None
    header_b64, payload_b64, signature = parts
    try:
        header = json.loads(_unb64(header_b64))
        payload = json.loads(_unb64(payload_b64))
    except (ValueError, TypeError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    if header.get("alg") != "HS256" or header.get("typ") != "JWT":
        return None
    if not hmac.compare_digest(signature, _sign(f"{header_b64}.{payload_b64}")):
        return None
    exp = payload.get("exp")
    if not isinstance(exp, int) or exp < clock.timestamp():
        return None
    key = payload.get("user_id")
    return str(key) if key not in (None, "") else None


# --- nonces ---
def _tick(at: int | None = None) -> int:
    at = clock.timestamp() if at is None else at
    return -(-at // (NONCE_LIFE // 2))  # ceil, as wp_nonce_tick()


def make_nonce(
    session_key: str, user_id: int, tick: int | None = None, *, action: str = NONCE_ACTION
) -> str:
    """wp_create_nonce(): `action` is the Store API's by default; WordPress's REST cookie
    nonce (HWP's X-WP-Nonce) uses "wp_rest"."""
    tick = _tick() if tick is None else tick
    message = f"{tick}|{action}|{user_id}|{session_key}"
    return hmac.new(_secret(), message.encode(), hashlib.md5).hexdigest()[-12:-2]


def verify_nonce(nonce: str, session_key: str, user_id: int, *, action: str = NONCE_ACTION) -> bool:
    tick = _tick()
    return any(
        hmac.compare_digest(nonce, make_nonce(session_key, user_id, t, action=action))
        for t in (tick, tick - 1)
    )


# --- the session ---
@dataclass
class Session:
    key: str
    user_id: int
    token_valid: bool = False  # a valid Cart-Token chose this session (no nonce needed)
    from_cookie: bool = False
    _cart: Cart | None = field(default=None, repr=False)

    @property
    def cart(self) -> Cart:
        """The session's open cart with its lines, or an unsaved empty one."""
        if self._cart is None:
            self._cart = cart_service.load(self.key) or self._new_cart()
        return self._cart

    def _new_cart(self) -> Cart:
        """An unsaved cart for this key. After checkout the session keeps its customer, as
        WooCommerce's does: the addresses of the cart that last held the key carry over."""
        cart = Cart(key=self.key, vendor=Vendor.WOO_STORE)
        previous = Cart.objects.filter(key=self.key).only(
            "billing_address", "shipping_address", "customer_id"
        )
        for old in previous[:1]:
            cart.billing_address = old.billing_address
            cart.shipping_address = old.shipping_address
            cart.customer_id = old.customer_id
        return cart

    def reload(self) -> Cart:
        self._cart = None
        return self.cart

    def cart_for_write(self) -> Cart:
        """The session's cart, saved. A completed or expired cart that held this key keeps
        its order history under a retired key ("<key>.<id>")."""
        cart = self.cart
        if cart.pk is not None:
            return cart
        Cart.objects.filter(key=self.key).update(
            key=Concat(F("key"), Value("."), Cast(F("id"), CharField()))
        )
        try:
            with transaction.atomic():
                cart.save()
        except IntegrityError:  # a concurrent request of this session created it first
            cart = cart_service.load(self.key)
        self._cart = cart_service.load(self.key) or cart
        return self._cart


def _user_id(request) -> int:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else 0


def resolve(request) -> Session:
    user_id = _user_id(request)
    token = request.headers.get("Cart-Token", "")
    if token:
        key = decode_token(token)
        if key:
            return Session(key=key, user_id=user_id, token_valid=True)
    cookie = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    if cookie:
        return Session(key=cookie, user_id=user_id, from_cookie=True)
    if user_id:
        return Session(key=f"u_{user_id}", user_id=user_id)
    return Session(key=new_cart_key(), user_id=user_id)


def nonce_given(request) -> str:
    # The legacy X-WC-Store-API-Nonce header is still read: harmless, and older clients send it.
    return request.headers.get("Nonce") or request.headers.get("X-WC-Store-API-Nonce") or ""


def session_headers(session: Session) -> dict[str, str]:
    """Nonce, Nonce-Timestamp, User-ID, Cart-Token and Cart-Hash for a reply."""
    cart = session.cart
    return {
        "Nonce": make_nonce(session.key, session.user_id),
        "Nonce-Timestamp": str(clock.timestamp()),
        "User-ID": str(session.user_id),
        "Cart-Token": encode_token(session.key),
        "Cart-Hash": cart_service.contents_hash(cart) if cart.pk else "",
    }


def apply(response, session: Session) -> None:
    for name, value in session_headers(session).items():
        response[name] = value
    if not session.token_valid:
        response.set_signed_cookie(
            COOKIE,
            session.key,
            salt=COOKIE_SALT,
            max_age=TOKEN_TTL,
            httponly=True,
            samesite="Lax",
        )
