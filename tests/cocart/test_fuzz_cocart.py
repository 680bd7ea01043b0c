"""Fuzz CoCart's routes with generated bodies and query strings (the style of
tests/test_fuzz.py, whose strategies this reuses): deep nesting, control characters, NUL, lone
surrogates, huge strings, extreme numbers, secrets in odd places.

No reply is a 5xx, every error is WordPress's envelope (or the 4.8.0 guard's), and the journal
keeps no consumer secret, password, Authorization value or card number."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz import BODIES, FUZZ, JSON, TEXT, assert_journal_keeps_no_secret, serialise

from .conftest import CS, KEYS, PREVIEW, US_ADDRESS, V2

pytestmark = pytest.mark.django_db

ITEM = "c4ca4238a0b923820dcc509a6f75849b"
SHAPES = {
    ("post", V2, "cart/add-item"): {"id": "1", "quantity": "2", "variation": {"a": "b"}},
    ("post", V2, "cart/add-items"): {"id": 1, "quantity": {"2": 1, "3": 1}},
    ("post", V2, f"cart/item/{ITEM}"): {"quantity": 2, "return_status": True},
    ("put", V2, f"cart/item/{ITEM}"): {},
    ("delete", V2, f"cart/item/{ITEM}"): {"return_status": True},
    ("post", V2, "cart/clear"): {"keep_removed_items": True},
    ("post", V2, "cart/calculate"): {"return_totals": True},
    ("post", V2, "cart/update"): {"namespace": "update-cart", "quantity": {ITEM: 3}},
    ("post", V2, "cart/apply-coupon"): {"coupon": "10off"},
    ("delete", V2, "cart/coupons"): {},
    ("post", V2, "cart/set-shipping-method"): {"method_key": "flat_rate:1"},
    ("post", V2, "cart/calculate/shipping"): {"country": "US", "state": "NY"},
    ("post", V2, "login"): {"username": "customer", "password": "hunter2-fuzz-password"},
    ("post", PREVIEW, "checkout"): {"billing_address": US_ADDRESS, "payment_method": "cod"},
    ("put", PREVIEW, "checkout"): {
        "billing_address": US_ADDRESS,
        "payment_method": "stripe",
        "payment_data": [{"key": "wc-stripe-payment-method", "value": "pm_card_visa"}],
    },
    ("post", PREVIEW, "checkout/payment-context"): {"payment_method": "stripe"},
    ("post", PREVIEW, "order-received/1/pay"): {"order_key": "x", "payment_method": "cod"},
}


def shaped(template: dict):
    def fill(values):
        out = json.loads(json.dumps(template))
        nodes, i = [out], 0
        while nodes:
            node = nodes.pop()
            for key in list(node) if isinstance(node, dict) else range(len(node)):
                if isinstance(node[key], dict | list):
                    nodes.append(node[key])
                elif values:
                    node[key] = values[i % len(values)]
                    i += 1
        return serialise(out)

    return st.lists(JSON, min_size=1, max_size=4).map(fill)


def assert_cocart(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    assert reply["Content-Type"].startswith("application/json"), reply.content[:300]
    assert "CoCart-Timestamp" in reply.headers
    if reply.status_code >= 400:
        body = reply.json()
        if body.get("success") is False:  # the 4.8.0 cart-key guards
            assert {"code", "message"} <= set(body["data"][0])
            return
        assert {"code", "message", "data"} <= set(body), body
        assert body["data"]["status"] == reply.status_code


@pytest.fixture
def filled(client, store):
    key = client.post(
        f"{V2}/cart/add-item", json.dumps({"id": 1}), content_type="application/json"
    )["CoCart-API-Cart-Key"]
    return key


@pytest.mark.parametrize("method, base, route", list(SHAPES), ids=lambda v: str(v))
def test_cocart_writes(client, filled, method, base, route):
    @FUZZ
    @given(body=st.one_of(BODIES, shaped(SHAPES[(method, base, route)])))
    def run(body):
        reply = getattr(client, method)(
            f"{base}/{route}",
            body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            HTTP_COCART_API_CART_KEY=filled,
            HTTP_AUTHORIZATION=KEYS if base == PREVIEW else "Bearer fuzz-auth-value",
        )
        assert_cocart(reply)

    run()
    assert_journal_keeps_no_secret(CS, KEYS.split()[1], "fuzz-auth-value")


QUERY_KEYS = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "cart_key",
            "fields",
            "thumb",
            "default",
            "html",
            "removed_items",
            "page",
            "per_page",
            "orderby",
            "order",
            "category",
            "sku",
            "min_price",
            "stock_status",
            "on_sale",
            "include",
            "_skip_cache",
            "order_key",
            "consumer_key",
            "consumer_secret",
        ]
    ),
)
QUERY_VALUES = st.one_of(TEXT, st.integers().map(str), st.sampled_from(["true", "-1", "1e99"]))
QUERIES = st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=6)


@pytest.mark.parametrize(
    "base, route",
    [
        (V2, "cart"),
        (V2, "cart/items"),
        (V2, "cart/items/count"),
        (V2, "cart/totals"),
        (V2, "products"),
        (V2, "products/hoodie"),
        (PREVIEW, "checkout"),
        (PREVIEW, "order-received/1"),
    ],
)
def test_cocart_reads(client, filled, base, route):
    @FUZZ
    @given(pairs=QUERIES, header=st.one_of(st.none(), TEXT))
    def run(pairs, header):
        safe = [
            (
                k.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                v.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            )
            for k, v in pairs
        ]
        extra = {"HTTP_AUTHORIZATION": KEYS} if base == PREVIEW else {}
        if header is not None:
            extra["HTTP_COCART_API_CART_KEY"] = header.encode("utf-8", "replace").decode("latin-1")
        reply = client.get(f"{base}/{route}?{urlencode(safe)}", **extra)
        assert_cocart(reply)

    run()
    assert_journal_keeps_no_secret(CS)
