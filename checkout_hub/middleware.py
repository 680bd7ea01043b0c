"""Per-request plumbing: correlation ids, the request journal, and scenario cleanup."""

from __future__ import annotations

import os
import re
import time

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig
from django.utils.functional import SimpleLazyObject, empty

from checkout_hub import clock
from checkout_hub.api import fallback
from checkout_hub.services import journal, scenarios

CORRELATION_HEADERS = ("HTTP_X_CORRELATION_ID", "HTTP_X_REQUEST_ID")
SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")


def correlation_id_for(request) -> str:
    """The caller's X-Correlation-Id (or X-Request-Id) when it is sane, else a new UUID."""
    for header in CORRELATION_HEADERS:
        value = request.META.get(header, "").strip()
        if value and SAFE_ID.match(value):
            return value
    return new_correlation_id()


def new_correlation_id() -> str:
    """What `str(uuid.uuid4())` gives (16 random bytes, version 4, RFC 4122 variant), written
    out directly: uuid.UUID's __init__ and __str__ are Python code with checks for every way of
    making one, most of what a small request's id cost."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class RequestJournalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.correlation_id = correlation_id_for(request)
        if not (settings.HUB_JOURNAL_ENABLED and journal.is_journaled(request.path)):
            try:
                return self.get_response(request)
            finally:
                scenarios.deactivate()

        started = time.perf_counter()
        try:
            # Read the body now so it can be journaled after the view has parsed it. Without a
            # Content-Length Django reads none (request.body is b""): nothing to read.
            raw_body = request.body if request.META.get("CONTENT_LENGTH") else b""
        except RequestDataTooBig:
            raw_body = b"[body too large to keep]"
        try:
            response = self.get_response(request)
        finally:
            scenarios.deactivate()
        # Journal what the client gets: the vendor's envelope if something escaped.
        response = fallback.guard(request, response)
        journal.submit(
            journal.Entry(
                vendor=getattr(request, "hub_vendor", "") or journal.vendor_for_path(request.path),
                method=request.method,
                path=request.path,
                query=request.META.get("QUERY_STRING", ""),
                status=response.status_code,
                duration_ms=(time.perf_counter() - started) * 1000,
                correlation_id=request.correlation_id,
                scenario=getattr(request, "hub_scenario", ""),
                remote_addr=request.META.get("REMOTE_ADDR"),
                request_headers=journal.request_header_items(request.META),
                request_body=raw_body,
                request_content_type=request.content_type or "",
                response_headers=journal.response_header_items(response),
                response_body=b"" if response.streaming else response.content,
                response_content_type=response.get("Content-Type", ""),
            )
        )
        return response


class HubClockMiddleware:
    """Takes the shared hub clock once per request (`clock.sync()`, one cache read) and tells
    the client the hub's time in `X-Hub-Time` on every reply."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        clock.sync()
        response = self.get_response(request)
        response[clock.HEADER] = clock.now().isoformat().replace("+00:00", "Z")
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the message storage made when something first uses it
    (admin, the pages): an API request never does, and making it builds two storages and a
    cookie signer on every request."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # never used: nothing to store
        return super().process_response(request, response)
