"""Rate limits counted in the shared cache (django-ratelimit), so they hold across workers.

Vendors choose the numbers and the key (WooCommerce: per user, else per IP; FluentCart: 5 per
60 s) and render RateLimited their own way; this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_ratelimit.core import get_usage

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


def hit(request, *, group: str, key: str, limit: int, seconds: int) -> Usage:
    """Count one request against `key` in `group`; `blocked` once past `limit` per window."""
    usage = get_usage(
        request,
        group=group,
        key=lambda _group, _request: key,
        rate=(limit, seconds),
        increment=True,
    )
    if usage is None:  # RATELIMIT_ENABLE is off
        return Usage(limit, limit, clock.timestamp() + seconds, False)
    remaining = max(limit - usage["count"], 0)
    reset_at = clock.timestamp() + max(usage["time_left"], 0)
    return Usage(limit, remaining, reset_at, usage["should_limit"])


def check(request, *, group: str, key: str, limit: int, seconds: int) -> Usage:
    """`hit()`, raising RateLimited when blocked."""
    usage = hit(request, group=group, key=key, limit=limit, seconds=seconds)
    if usage.blocked:
        raise RateLimited(
            limit=usage.limit, remaining=0, reset_at=usage.reset_at, retry_after=usage.retry_after
        )
    return usage
