"""Pancake's three credentials (reference §2), each deciding the environment its own way:

- API Key: `X-Merchant-Id`, `X-Timestamp` (seconds), `X-Signature` (RSA-SHA256 over
  `POST\\n<path>\\n<timestamp>\\n<base64 sha256(body)>`), verified with the merchant's
  registered public keys; the environment is the verifying key's.
- Bearer session token (`Authorization: Bearer <JWT>` from `auth/issue-session-token`): one
  store and one buyer identity; the environment header is required.
- Store Slug (`X-Store-Slug`): public checkout for one store; the environment header required.

The environment header is `X-Environment`; `X-Context-Environment`, as the seed names it, is
accepted too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.core.cache import cache

from checkout_hub import clock

from . import errors, keys
from .models import Environment, Merchant, MerchantKey, Store

API_KEY, STORE_SLUG, SESSION_TOKEN = "api_key", "store_slug", "session_token"
ENV_HEADERS = ("X-Environment", "X-Context-Environment")
TOKEN_TTL_SECONDS = 300
TOKEN_ISSUER = "checkout-hub-pancake"


@dataclass
class Credential:
    kind: str
    environment: str
    merchant: Merchant | None = None
    store: Store | None = None
    buyer_identity: str = ""

    @property
    def is_api_key(self) -> bool:
        return self.kind == API_KEY

    @property
    def test_mode(self) -> bool:
        return self.environment == Environment.TEST


def environment_header(request) -> str:
    """The environment header's value; raises the seed's 400 when missing or not test/prod."""
    for name in ENV_HEADERS:
        value = request.headers.get(name)
        if value is not None:
            if value.strip() in (Environment.TEST, Environment.PROD):
                return value.strip()
            break
    raise errors.bad_request(errors.ENVIRONMENT)


def authenticate(request, allowed=(API_KEY, STORE_SLUG, SESSION_TOKEN)) -> Credential:
    """The request's credential; raises 401 Unauthorized (or the environment header's 400)."""
    headers = request.headers
    if headers.get("X-Signature") or headers.get("X-Merchant-Id"):
        kind = API_KEY
    elif headers.get("Authorization", "").startswith("Bearer "):
        kind = SESSION_TOKEN
    elif headers.get("X-Store-Slug"):
        kind = STORE_SLUG
    else:
        raise errors.unauthorized()
    if kind not in allowed:
        raise errors.unauthorized()
    if kind == API_KEY:
        return _api_key(request)
    environment = environment_header(request)
    if kind == SESSION_TOKEN:
        return _session_token(headers["Authorization"][len("Bearer ") :].strip(), environment)
    store = Store.objects.select_related("merchant").filter(slug=headers["X-Store-Slug"]).first()
    if store is None:
        raise errors.not_found(errors.STORE_NOT_FOUND, errors.STORE)
    return Credential(STORE_SLUG, environment, merchant=store.merchant, store=store)


def _timestamp_ok(value: str) -> bool:
    if not value.isdigit() or len(value) > 16:
        return False
    stamp = int(value)
    if stamp > 10**12:  # milliseconds (the WooCommerce plugin's notes sign in ms)
        stamp //= 1000
    now = clock.timestamp()
    return (
        stamp - now <= settings.PANCAKE_SIGNATURE_FUTURE_SECONDS
        and now - stamp <= settings.PANCAKE_SIGNATURE_PAST_SECONDS
    )


def _api_key(request) -> Credential:
    merchant_id = request.headers.get("X-Merchant-Id", "").strip()
    timestamp = request.headers.get("X-Timestamp", "").strip()
    signature = request.headers.get("X-Signature", "").strip()
    if not (merchant_id and timestamp and signature) or not _timestamp_ok(timestamp):
        raise errors.unauthorized()
    merchant = Merchant.objects.filter(short_id=merchant_id).first()
    if merchant is None:
        raise errors.unauthorized()
    body = request._request.body
    # The SDK signs the path it was asked to call; behind a prefix that is the path inside.
    paths = dict.fromkeys([request._request.path_info, request._request.path])
    for key in MerchantKey.objects.filter(merchant=merchant, active=True).order_by("id"):
        try:
            public = keys.load_public(key.public_key)
        except ValueError:
            continue
        for path in paths:
            if keys.verify(public, keys.canonical("POST", path, timestamp, body), signature):
                return Credential(API_KEY, key.environment, merchant=merchant)
    raise errors.unauthorized()


# --- session tokens ---
def _token_key() -> str:
    return hashlib.sha256(f"pancake-session-token:{settings.SECRET_KEY}".encode()).hexdigest()


def issue_token(store: Store, buyer_identity: str) -> tuple[str, dt.datetime]:
    now = clock.timestamp()
    expires = now + TOKEN_TTL_SECONDS
    token = jwt.encode(
        {
            "iss": TOKEN_ISSUER,
            "sub": buyer_identity,
            "sto": store.short_id,
            "mer": store.merchant.short_id,
            "iat": now,
            "exp": expires,
            "jti": clock.random_hex(16),
        },
        _token_key(),
        algorithm="HS256",
    )
    return token, dt.datetime.fromtimestamp(expires, tz=dt.UTC)


def _session_token(token: str, environment: str) -> Credential:
    try:
        claims = jwt.decode(
            token,
            _token_key(),
            algorithms=["HS256"],
            issuer=TOKEN_ISSUER,
            options={"verify_exp": False, "require": ["exp", "sub", "sto"]},
        )
    except jwt.PyJWTError:
        raise errors.unauthorized() from None
    now = clock.timestamp()
    if not isinstance(claims.get("exp"), int):
        raise errors.unauthorized()
    # TTL 5 minutes, extended on each call (reference §2.2): the extension lives in the shared
    # cache under the token's id, so every worker sees it.
    key = f"pancake:token:{claims.get('jti', '')}"
    expires = max(claims["exp"], cache.get(key) or 0)
    if expires <= now:
        raise errors.unauthorized(errors.TOKEN_EXPIRED)
    cache.set(key, now + TOKEN_TTL_SECONDS, TOKEN_TTL_SECONDS + 60)
    store = Store.objects.select_related("merchant").filter(short_id=claims["sto"]).first()
    if store is None:
        raise errors.unauthorized()
    return Credential(
        SESSION_TOKEN,
        environment,
        merchant=store.merchant,
        store=store,
        buyer_identity=str(claims["sub"]),
    )
