"""HWP's response envelope: `{data, meta}` on success, `{error: {code, message, details}, meta}`
on failure, and the one correlation id a request carries everywhere.

`meta` holds the trace id three times (`correlationId`, `correlation_id`, `request_id`: the
same value, sent for client compatibility, reference §2) and an ISO-8601 UTC `timestamp`; the
same id goes out as the `X-Correlation-Id` response header. The id is the hub's own per-request
correlation id (`checkout_hub.middleware`): the caller's sane `X-Correlation-Id` (or
`X-Request-Id`), else a new UUID4.
"""

from __future__ import annotations

import datetime as dt

from rest_framework.response import Response

from checkout_hub import clock
from checkout_hub.middleware import correlation_id_for

HEADER = "X-Correlation-Id"


def correlation_id(request) -> str:
    """The request's correlation id: the one the hub's middleware chose for the journal (the
    caller's sane X-Correlation-Id, else a new UUID4), so the reply and the journal agree."""
    django_request = getattr(request, "_request", request)
    value = getattr(django_request, "correlation_id", None)
    if value is None:  # a request that did not pass the middleware
        value = django_request.correlation_id = correlation_id_for(django_request)
    return value


def iso_utc(value: dt.datetime) -> str:
    """HWP's time format: ISO-8601 in UTC, whole seconds, `Z`."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp() -> str:
    return iso_utc(clock.now())


def meta(request, **extra) -> dict:
    trace = correlation_id(request)
    return {
        "correlationId": trace,
        "correlation_id": trace,
        "request_id": trace,
        "timestamp": timestamp(),
        **extra,
    }


def ok(request, data, status: int = 200, headers: dict | None = None, **meta_extra) -> Response:
    return Response({"data": data, "meta": meta(request, **meta_extra)}, status, headers=headers)


def error_body(request, code: str, message: str, details: dict | None = None) -> dict:
    return {
        "error": {"code": code, "message": message, "details": details or {}},
        "meta": meta(request),
    }
