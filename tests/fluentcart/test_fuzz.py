"""Fuzz FluentCart's routes in the style of tests/test_fuzz.py: generated JSON and form bodies
and query strings (deep nesting, NUL, lone surrogates, huge strings, extreme numbers, secrets
in odd places). No reply is a 5xx or an HTML debug page, every reply is one of FluentCart's
envelopes, and the journal keeps no password or client secret."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkout_hub.wordpress import nonces
from tests.test_fuzz import (
    BODIES,
    FUZZ,
    JSON,
    LEAVES,
    TEXT,
    assert_journal_keeps_no_secret,
    serialise,
)

from .conftest import AJAX, REST

pytestmark = pytest.mark.django_db

SHAPES = {
    "checkout/place-order": {
        "billing_email": "ray@example.com",
        "billing_full_name": "Ray Stantz",
        "billing_country": "US",
        "billing_state": "NY",
        "fc_selected_shipping_method": "1",
        "payment_method": "cod",
        "order_notes": "n",
        "ship_to_different": "yes",
        "shipping_country": "CA",
        "user_tz": "America/New_York",
    },
    "user/login": {"user_login": "ray", "password": "hunter2-fuzz-password", "remember_me": "on"},
}
GET_ROUTES = {
    "public/products": ["per_page", "current_page", "include_ids", "exclude_ids"],
    "cart/add_item": ["item_id", "quantity"],
    "checkout/get-order-info": ["method"],
    "checkout/get-checkout-summary-view": ["shipping_method_id", "fct_cart_hash"],
    "checkout/get-available-shipping-methods": ["timezone", "country_code", "state"],
    "checkout/get-shipping-methods-list-view": ["timezone", "country_code", "state"],
    "checkout/get-country-info": ["timezone", "country_code"],
}
AJAX_ACTIONS = [
    "fluent_cart_cart_update",
    "fluent_cart_cart_status",
    "apply_coupon",
    "remove_coupon",
    "get_checkout_summary_view",
    "save_checkout_data",
    "get_shipping_methods_list_view",
    "get_country_info",
    "get_order_info",
    "nope",
]
AJAX_KEYS = ["item_id", "quantity", "by_input", "coupon_code", "shipping_method_id",
             "country_code", "timezone", "data_key", "data_value", "fct_cart_hash", "intentId",
             "billing_email", "utm_source"]  # fmt: skip
FLUENT_ENVELOPES = ({"status"}, {"message"}, {"code", "message", "data"}, {"success", "data"})


def assert_fluent(reply) -> None:
    assert reply.status_code < 500 or reply.json().get("data") == "", (
        reply.status_code,
        reply.content[:300],
    )
    if reply["Content-Type"].startswith("text/html"):
        assert reply.content == b"0" and reply.status_code == 400  # admin-ajax's unknown action
        return
    assert reply["Content-Type"].startswith("application/json"), reply.content[:300]
    body = reply.json()
    assert isinstance(body, dict), body
    if reply.status_code >= 400 or body.get("status") in ("failed", False):
        assert any(keys <= set(body) for keys in FLUENT_ENVELOPES), body


def shaped(route: str):
    base = SHAPES[route]
    return st.dictionaries(st.sampled_from(sorted(base)), LEAVES, max_size=len(base)).map(
        lambda values: serialise({**base, **values})
    )


def text_value():
    return st.one_of(TEXT, st.integers().map(str), st.sampled_from(["", "-1", "0", "9" * 40]))


@pytest.fixture
def store(db):
    from django.core.management import call_command

    call_command("seed_store", verbosity=0)


@pytest.mark.parametrize("route", sorted(SHAPES))
def test_json_writes(client, store, route, settings):
    settings.FLUENTCART_RATE_LIMIT = 0  # every example reaches the handler
    client.get(AJAX, {"action": "fluent_cart_checkout_routes",
                      "fc_checkout_action": "fluent_cart_cart_update", "item_id": 1,
                      "quantity": 1})  # fmt: skip
    nonce = nonces.make_nonce("", 0, action="wp_rest")

    @FUZZ
    @given(body=st.one_of(BODIES, shaped(route)))
    def run(body):
        reply = client.generic(
            "POST", f"{REST}/{route}", body.encode("utf-8", "surrogatepass"),
            content_type="application/json", HTTP_X_WP_NONCE=nonce,
        )  # fmt: skip
        assert_fluent(reply)

    run()
    assert_journal_keeps_no_secret()


@pytest.mark.parametrize("route", sorted(GET_ROUTES))
def test_reads(client, store, route):
    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(GET_ROUTES[route]), text_value(), max_size=4))
    def run(params):
        try:
            reply = client.get(f"{REST}/{route}", params)
        except UnicodeEncodeError:
            return  # a lone surrogate cannot be put in a URL at all
        assert_fluent(reply)

    run()


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_ajax(client, store, method, settings):
    settings.FLUENTCART_RATE_LIMIT = 0

    @FUZZ
    @given(
        action=st.sampled_from(AJAX_ACTIONS),
        params=st.dictionaries(st.sampled_from(AJAX_KEYS), text_value(), max_size=5),
        outer=st.sampled_from(
            [
                "fluent_cart_checkout_routes",
                "fluent_cart_place_order",
                "fluent_cart_confirm_stripe_payment",
                "",
            ]
        ),  # fmt: skip
    )
    def run(action, params, outer):
        data = {"action": outer, "fc_checkout_action": action, **params}
        try:
            reply = getattr(client, method)(AJAX, data)
        except UnicodeEncodeError:
            return
        assert_fluent(reply)

    run()


def test_admin_ajax_json_bodies(client, store, settings):
    settings.FLUENTCART_RATE_LIMIT = 0

    @FUZZ
    @given(body=st.one_of(BODIES, JSON.map(json.dumps)))
    def run(body):
        reply = client.generic(
            "POST", f"{AJAX}?action=fluent_cart_place_order",
            body.encode("utf-8", "surrogatepass"), content_type="application/json",
        )  # fmt: skip
        assert_fluent(reply)

    run()
