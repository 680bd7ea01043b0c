"""Latency: make the network feel real, per request or for every vendor route.

Three sources, the first that applies wins:
- the request: `X-Hub-Delay: 250` (milliseconds, or `realistic`), else the `__delay` query
  parameter (for people driving a UI, who cannot add headers);
- a stored scenario rule's `delay_ms` (scenario "delay" for a rule that only delays);
- the default HUB_LATENCY: off (empty, "0" or "off"), "realistic" (100-400 ms, as browsers see
  real stores) or a fixed number of milliseconds.
Every delay is capped at HUB_MAX_DELAY_MS. The hub's own /__hub/ endpoints are never delayed
by the default. Serving uses threads (runserver; gunicorn's gthread workers in bin/serve), so a
held request does not hold the others.
"""

from __future__ import annotations

import random
import time

from django.conf import settings

from . import errors

HEADER = "HTTP_X_HUB_DELAY"  # X-Hub-Delay
QUERY_PARAM = "__delay"
REALISTIC = "realistic"
REALISTIC_RANGE_MS = (100, 400)
_jitter = random.Random()  # not the hub's seeded id source: delays must not shift ids


def parse(value: str) -> int | None:
    """Milliseconds for a delay setting: None for off; raises ValueError when unreadable."""
    value = (value or "").strip().lower()
    if value in ("", "0", "off", "none"):
        return None
    if value == REALISTIC:
        return _jitter.randint(*REALISTIC_RANGE_MS)
    ms = int(value)
    if ms < 0:
        raise ValueError(value)
    return ms


def requested_ms(request, vendor: str, rule_ms: int | None) -> int | None:
    asked = request.META.get(HEADER, "").strip() or request.GET.get(QUERY_PARAM, "").strip()
    if asked:
        try:
            return parse(asked)
        except ValueError:
            raise errors.UnknownScenario(
                f'Invalid delay "{asked}": milliseconds or "{REALISTIC}".',
                name=asked,
                valid=["<milliseconds>", REALISTIC],
            ) from None
    if rule_ms:
        return rule_ms
    if vendor == "hub":
        return None
    return parse(settings.HUB_LATENCY)


def hold(request, vendor: str, rule_ms: int | None = None) -> int:
    """Sleep for the request's delay (capped); returns the milliseconds held."""
    ms = requested_ms(request, vendor, rule_ms)
    if not ms:
        return 0
    ms = min(ms, settings.HUB_MAX_DELAY_MS)
    time.sleep(ms / 1000)
    request.hub_delay_ms = ms
    return ms
