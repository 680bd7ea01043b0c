"""The stripe SDK's HTTP client for the embedded fake: each request is handed to
`engine.handle` in-process (no socket, no port).

    client = stripe.StripeClient("sk_test_hub_fake", http_client=EmbeddedHTTPClient())

The base address does not matter: everything before `/v1/` in the URL is dropped. A scenario
the caller has active (`scenarios.current()`) applies to the calls, as it would to an HTTP
request that carried it. Each call is written to the request journal (vendor Stripe, path
`/stripe/v1/…`, remote address empty), so admin shows the SDK's calls next to the API request
that made them.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Mapping
from urllib.parse import urlsplit

import stripe
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.datastructures import CaseInsensitiveMapping

from checkout_hub.models import Vendor
from checkout_hub.services import journal, scenarios

from . import engine


class EmbeddedHTTPClient(stripe.HTTPClient):
    name = "embedded"

    def request(self, method: str, url: str, headers: Mapping[str, str] | None, post_data=None):
        status, reply_headers, body = self._handle(method, url, headers, post_data)
        return body.decode("utf-8"), status, CaseInsensitiveMapping(reply_headers)

    def request_stream(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data=None
    ):
        status, reply_headers, body = self._handle(method, url, headers, post_data)
        return io.BytesIO(body), status, CaseInsensitiveMapping(reply_headers)

    def close(self) -> None:
        """No connection is ever opened, so there is none to close."""

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data=None
    ):
        return await sync_to_async(self.request)(method, url, headers, post_data)

    async def request_stream_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data=None
    ):
        status, reply_headers, body = await sync_to_async(self._handle)(
            method, url, headers, post_data
        )
        return _chunks(body), status, CaseInsensitiveMapping(reply_headers)

    async def close_async(self) -> None:
        """No connection is ever opened, so there is none to close."""

    def sleep_async(self, secs: float):
        return asyncio.sleep(secs)

    @staticmethod
    def _handle(method: str, url: str, headers, post_data) -> engine.Reply:
        parts = urlsplit(url)
        start = parts.path.find("/v1/")
        path = parts.path[start:] if start >= 0 else parts.path
        if isinstance(post_data, str):
            post_data = post_data.encode("utf-8")
        body = post_data or b""
        started = time.perf_counter()
        reply = engine.handle(method, path, parts.query, headers or {}, body)
        if settings.HUB_JOURNAL_ENABLED:
            _journal(method, path, parts.query, headers or {}, body, reply, started)
        return reply


def _journal(method, path, query, headers, body, reply: engine.Reply, started: float) -> None:
    status, reply_headers, reply_body = reply
    scenario = scenarios.current()
    journal.submit(
        journal.Entry(
            vendor=Vendor.STRIPE,
            method=method.upper(),
            path=f"/stripe{path}",
            query=query,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
            correlation_id=reply_headers.get("Request-Id", ""),
            scenario=scenario.name if scenario else "",
            request_headers=_printable(headers),
            request_body=body,
            request_content_type="application/x-www-form-urlencoded",
            response_headers=_printable(reply_headers),
            response_body=reply_body,
            response_content_type="application/json",
        )
    )


def _printable(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with any NUL escaped: an in-process caller can send one (no HTTP server lets it
    through), and the journal's PostgreSQL JSON cannot hold it."""
    return {name: str(value).replace("\x00", "\\u0000") for name, value in headers.items()}


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    yield body
