"""Rate limits counted in the shared cache, so they hold across workers, on the hub's clock.

A window opens at a key's first request and lasts `seconds` by `checkout_hub.clock` (as
WooCommerce's own limiter stores `reset = time() + seconds`), so freezing or advancing the hub's
clock moves rate-limit windows too. RATELIMIT_ENABLE = False (django-ratelimit's setting)
switches counting off.

Vendors choose the numbers and the key (WooCommerce: per user, else per IP; FluentCart: 5 per
60 s) and render RateLimited their own way; this module only counts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from checkout_hub import clock

from .errors import RateLimited


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset_at: int  # unix time the window ends
    blocked: bool

    @property
    def retry_after(self) -> int:
        return max(self.reset_at - clock.timestamp(), 1)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def _window_key(group: str, key: str) -> str:
    digest = hashlib.sha256(f"{group}\0{key}".encode()).hexdigest()[:32]
    return f"hub:rl:{digest}"


def hit(request, *, group: str, key: str, limit: int, seconds: int) -> Usage:
    """Count one request against `key` in `group`; `blocked` once past `limit` per window."""
    now = clock.timestamp()
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return Usage(limit, limit, now + seconds, False)
    window = _window_key(group, key)
    # The cache's own expiry runs on real time: it only cleans up; the window's end is checked
    # against the hub's clock. Twice the window (at least a minute) survives a frozen clock.
    keep = max(seconds * 2, 60)
    started = cache.get(window)
    if started is None or not (started <= now < started + seconds):
        if started is None:
            cache.add(window, now, keep)
        else:
            cache.set(window, now, keep)
        started = cache.get(window, now)
    counter = f"{window}:{started}"
    cache.add(counter, 0, keep)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.set(counter, 1, keep)
        count = 1
    remaining = max(limit - count, 0)
    return Usage(limit, remaining, started + seconds, count > limit)


def check(request, *, group: str, key: str, limit: int, seconds: int) -> Usage:
    """`hit()`, raising RateLimited when blocked."""
    usage = hit(request, group=group, key=key, limit=limit, seconds=seconds)
    if usage.blocked:
        raise RateLimited(
            limit=usage.limit, remaining=0, reset_at=usage.reset_at, retry_after=usage.retry_after
        )
    return usage
