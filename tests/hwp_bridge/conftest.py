"""Shared fixtures and helpers for the HWP bridge tests: a seeded store, the guest wp_rest
nonce, a checkout-session poster, and the envelope checks every reply must pass."""

import json
import re

import pytest
from django.core.management import call_command

BASE = "/wp-json/headlesswp/v1"
CHECKOUT = f"{BASE}/store/checkout-session"
META_KEYS = {"correlationId", "correlation_id", "request_id", "timestamp"}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

TSHIRT, BELT, SUNGLASSES, HOODIE = 1, 6, 7, 13
HOODIE_BLUE_S = 14


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


@pytest.fixture
def nonce(client, db) -> str:
    """The wp_rest nonce a guest gets from GET /nonce."""
    return client.get(f"{BASE}/nonce").json()["data"]["nonce"]


def post_checkout(client, body, *, nonce="", query="", raw=None, **headers):
    if nonce:
        headers["HTTP_X_WP_NONCE"] = nonce
    url = f"{CHECKOUT}?{query}" if query else CHECKOUT
    content = raw if raw is not None else json.dumps(body)
    return client.post(url, content, content_type="application/json", **headers)


def assert_meta(reply, correlation_id: str | None = None) -> dict:
    """HWP's meta on a reply: one trace id in three keys and the X-Correlation-Id header, and a
    UTC timestamp. Returns the body."""
    assert reply["Content-Type"].startswith("application/json"), reply.content
    body = reply.json()
    meta = body["meta"]
    assert set(meta) - {"tokens"} == META_KEYS, meta
    trace = meta["correlationId"]
    assert meta["correlation_id"] == meta["request_id"] == trace
    assert reply["X-Correlation-Id"] == trace
    assert TIMESTAMP.match(meta["timestamp"]), meta["timestamp"]
    if correlation_id is None:
        assert UUID4.match(trace), trace
    else:
        assert trace == correlation_id
    return body


def assert_ok(reply, status: int = 200, correlation_id: str | None = None) -> dict:
    """A success envelope `{data, meta}`; returns `data`."""
    assert reply.status_code == status, reply.content
    body = assert_meta(reply, correlation_id)
    assert set(body) == {"data", "meta"}
    return body["data"]


def assert_error(reply, status: int, code: str) -> dict:
    """An error envelope `{error: {code, message, details}, meta}`; returns `details`."""
    assert reply.status_code == status, reply.content
    body = assert_meta(reply)
    assert set(body) == {"error", "meta"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error["details"]


def field_errors(reply) -> dict:
    """The fieldErrors of a 422 VALIDATION_FAILED."""
    details = assert_error(reply, 422, "VALIDATION_FAILED")
    assert set(details) == {"formErrors", "fieldErrors"}
    return details["fieldErrors"]
