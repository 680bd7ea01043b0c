"""Pancake's wire formats: ISO 8601 UTC timestamps with milliseconds, display-string money."""

from __future__ import annotations

import datetime as dt

from checkout_hub.services import money


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def amount(minor: int | None, currency: str) -> str | None:
    """2900 USD -> "29.00"; 4500 JPY -> "4500"."""
    return None if minor is None else money.to_decimal_string(minor, currency)


def checkout_url(slug: str, session_id: str) -> str:
    from django.conf import settings

    return f"{settings.HUB_PUBLIC_URL}/store/{slug}/checkout/{session_id}"
