"""The Store API session: which cart a request works on, and the headers every cart and
checkout reply carries (Nonce, Nonce-Timestamp, User-ID, Cart-Token, Cart-Hash).

A session is found, in WooCommerce's order, from a valid `Cart-Token` (a HS256 JWT whose
`user_id` is the session key), else the session cookie, else the logged-in user, else a new
guest key. Invalid or expired tokens are ignored, never an error (reference §5). The session
key is the cart's key; the cart row is only written on the first change, so browsing costs
nothing.

Nonces are WordPress nonces (`checkout_hub.wordpress.nonces`) with the action `wc_store_api`;
which cart a key names is the shared cart-identity service's rule.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jwt
from django.conf import settings

from checkout_hub import clock
from checkout_hub.models import Vendor
from checkout_hub.models.carts import new_cart_key
from checkout_hub.services import cart as cart_service
from checkout_hub.services.cart_identity import CartHandle
from checkout_hub.wordpress import nonces

COOKIE = "wp_woocommerce_session_hub"
COOKIE_SALT = "woo_store.session"
TOKEN_TTL = 172800  # 48 h, wc_session_expiration
NONCE_ACTION = "wc_store_api"
ISSUER = "wc/store/v1"


# --- Cart-Token: WooCommerce's JsonWebToken, HS256 ---
# A client sends the same token on every request, and the hub hands out the same token for a
# key within a second: both ends are cached (signing and checking are pure functions of the
# token, the salt and the second), so a cart request costs no JWT work after the first.
def encode_token(session_key: str, *, issuer: str = ISSUER) -> str:
    return _encode(session_key, issuer, clock.timestamp(), nonces.salt())


@functools.lru_cache(maxsize=4096)
def _encode(session_key: str, issuer: str, now: int, salt: bytes) -> str:
    payload = {"user_id": session_key, "exp": now + TOKEN_TTL, "iss": issuer, "iat": now}
    return jwt.encode(payload, salt, algorithm="HS256")


def decode_token(token: str) -> str | None:
    """The session key of a valid token, else None. Like WooCommerce, `iss` is not checked;
    expiry is checked against the hub's clock, not the machine's."""
    claims = _verified_claims((token or "").strip(), nonces.salt())
    if claims is None:
        return None
    key, exp = claims
    return key if exp >= clock.timestamp() else None


@functools.lru_cache(maxsize=4096)
def _verified_claims(token: str, salt: bytes) -> tuple[str, int] | None:
    """(session key, exp) of a token with a good signature and those claims, else None."""
    try:
        if jwt.get_unverified_header(token).get("typ") != "JWT":
            return None
        payload = jwt.decode(
            token,
            salt,
            algorithms=["HS256"],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError:
        return None
    exp, key = payload.get("exp"), payload.get("user_id")
    if not isinstance(exp, int) or isinstance(exp, bool) or key in (None, ""):
        return None
    return str(key), exp


# --- nonces (WordPress's, with the Store API's action) ---
def make_nonce(session_key: str, user_id: int, *, action: str = NONCE_ACTION) -> str:
    return nonces.make_nonce(session_key, user_id, action=action)


def verify_nonce(nonce: str, session_key: str, user_id: int, *, action: str = NONCE_ACTION) -> bool:
    return nonces.verify_nonce(nonce, session_key, user_id, action=action)


# --- the session ---
@dataclass(kw_only=True)
class Session(CartHandle):
    """A Store API session: its key names the cart (see `cart_identity`)."""

    vendor: str = Vendor.WOO_STORE
    user_id: int
    token_valid: bool = False  # a valid Cart-Token chose this session (no nonce needed)
    from_cookie: bool = False


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
        # Lax by default (a browser app on another port of the same host, localhost:3000 with
        # the hub on localhost:8000, is same-site); SameSite=None needs Secure, so HTTPS.
        samesite = settings.WOO_STORE_COOKIE_SAMESITE
        response.set_signed_cookie(
            COOKIE,
            session.key,
            salt=COOKIE_SALT,
            max_age=TOKEN_TTL,
            httponly=True,
            samesite=samesite,
            secure=samesite == "None",
        )


# --- CORS (WooCommerce's Authentication::send_cors_headers) ---
STORE_API_PREFIX = "/wp-json/wc/store/"


def cors_allows(sender=None, request=None, **kwargs) -> bool:
    """django-cors-headers' `check_request_enabled` hook: on Store API paths the request's
    origin is allowed for a preflight (a token cannot be checked there) and for any request
    carrying a valid Cart-Token, whatever the origin; an invalid token earns nothing beyond
    the configured origins."""
    if request is None or not request.path.startswith(STORE_API_PREFIX):
        return False
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return True
    token = request.headers.get("Cart-Token", "")
    return bool(token) and decode_token(token) is not None
