"""Shared fixtures and helpers for the Store API tests: a seeded store, a session token, and
the WordPress error envelope check."""

import json

import pytest
from django.core.management import call_command

BASE = "/wp-json/wc/store/v1"


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


@pytest.fixture
def token(client, store) -> str:
    """A fresh session's Cart-Token (a valid token needs no nonce)."""
    return client.get(f"{BASE}/cart").headers["Cart-Token"]


def post(client, route, body=None, token=None, **extra):
    if token:
        extra["HTTP_CART_TOKEN"] = token
    return client.post(
        f"{BASE}/{route}", json.dumps(body or {}), content_type="application/json", **extra
    )


def assert_error(reply, status: int, code: str, session_headers: bool = True) -> dict:
    """The WordPress envelope with this status and code; returns `data`. Cart and checkout
    replies carry the session headers, errors included."""
    assert reply.status_code == status, reply.content
    if session_headers:
        assert len(reply.headers.get("Nonce", "")) == 10
        assert reply.headers.get("Cart-Token", "").count(".") == 2
    body = reply.json()
    assert "detail" not in body  # never DRF's own shape
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert body["data"]["status"] == status
    if status == 409:
        cart = body["data"]["cart"]
        assert {"items", "totals", "errors", "coupons"} <= set(cart)
    return body["data"]
