"""WordPress nonces (wp_create_nonce / wp_verify_nonce), per action.

A nonce is 10 hex characters of an HMAC over the 12-hour tick, the action, the user id and the
session token; it is valid for the current and the previous tick (so one to two days). The
Store API uses the action `wc_store_api`, WordPress's REST cookie auth (`X-WP-Nonce`, HWP,
CoCart, FluentCart) `wp_rest`. Every emulated plugin runs on one WordPress site, so they share
one salt (`settings.WOO_STORE_SECRET`, else derived from SECRET_KEY).
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

from checkout_hub import clock

NONCE_LIFE = 86400  # WordPress: a nonce lives one or two 12-hour ticks
REST_ACTION = "wp_rest"


def salt() -> bytes:
    """The site's signing key. WordPress signs with wp_salt(); WooCommerce's Cart-Token with
    "@" + wp_salt(). The hub derives its own from its settings."""
    return _salt_of(settings.WOO_STORE_SECRET or settings.SECRET_KEY)


@functools.lru_cache(maxsize=16)  # a Store API request asked for it three times
def _salt_of(configured: str) -> bytes:
    return hashlib.sha256(("@" + configured).encode()).digest()


def tick(at: int | None = None) -> int:
    at = clock.timestamp() if at is None else at
    return -(-at // (NONCE_LIFE // 2))  # ceil, as wp_nonce_tick()


def make_nonce(session_token: str, user_id: int, *, action: str, at_tick: int | None = None) -> str:
    """wp_create_nonce(action) for `user_id` (0 for guests) and the session token."""
    current = tick() if at_tick is None else at_tick
    return _nonce(current, action, user_id, session_token, salt())


@functools.lru_cache(maxsize=4096)  # the same session asks again within the tick (12 hours)
def _nonce(current: int, action: str, user_id: int, session_token: str, key: bytes) -> str:
    message = f"{current}|{action}|{user_id}|{session_token}"
    return hmac.new(key, message.encode(), hashlib.md5).hexdigest()[-12:-2]


def verify_nonce(nonce: str, session_token: str, user_id: int, *, action: str) -> bool:
    """wp_verify_nonce(): valid for this tick and the one before."""
    if not isinstance(nonce, str) or not nonce:
        return False
    current = tick()
    return any(
        hmac.compare_digest(nonce, make_nonce(session_token, user_id, action=action, at_tick=t))
        for t in (current, current - 1)
    )
