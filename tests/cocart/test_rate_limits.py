"""Rate limiting (reference §0, §4): off by default; enabled, writes count per user or per IP
in the shared cache and the one past the limit is HTTP 400 rate_limit_exceeded with the
RateLimit-* headers; staff are exempt; the Preview checkout has its own limits."""

import pytest
from django.contrib.auth import get_user_model

from .conftest import CUSTOMER, KEYS, PREVIEW, US_ADDRESS, Api, assert_error, basic


@pytest.fixture
def limited(settings):
    settings.COCART_RATE_LIMITING_ENABLED = True
    settings.COCART_RATE_LIMITING_LIMIT = 2
    settings.COCART_RATE_LIMITING_SECONDS = 10
    return settings


def test_off_by_default(api):
    for _ in range(30):
        reply = api.post("cart/add-item", {"id": 1})
        assert reply.status_code == 200
    assert "RateLimit-Limit" not in reply.headers


def test_writes_past_the_limit_are_400_with_the_headers(api, limited):
    first = api.post("cart/add-item", {"id": 1})
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
    assert int(first["RateLimit-Reset"]) > 0
    assert api.post("cart/add-item", {"id": 1})["RateLimit-Remaining"] == "0"
    blocked = api.post("cart/add-item", {"id": 1})
    assert_error(blocked, 400, "rate_limit_exceeded")
    assert blocked.json()["message"].startswith("Too many requests. Please wait ")
    assert blocked["RateLimit-Limit"] == "2" and blocked["RateLimit-Remaining"] == "0"
    assert int(blocked["RateLimit-Retry-After"]) >= 1
    # Reads are not counted.
    assert api.get("cart").status_code == 200
    assert api.get("cart").json()["item_count"] == 2


def test_keyed_on_the_user_else_the_ip(client, store, limited):
    guest = Api(client)
    for _ in range(2):
        guest.post("cart/add-item", {"id": 1})
    assert guest.post("cart/add-item", {"id": 1}).status_code == 400
    # Another IP has its own count; so has a logged-in customer on the same IP.
    other = client.post("/wp-json/cocart/v2/cart/add-item", {"id": 1}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    me = Api(client, auth=CUSTOMER)
    assert me.post("cart/add-item", {"id": 1}).status_code == 200


def test_proxy_support_counts_the_forwarded_address(client, store, limited):
    limited.COCART_RATE_LIMITING_PROXY_SUPPORT = True
    for _ in range(2):
        client.post("/wp-json/cocart/v2/cart/add-item", {"id": 1}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    blocked = client.post(
        "/wp-json/cocart/v2/cart/add-item", {"id": 1}, HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert blocked.status_code == 400
    fresh = client.post(
        "/wp-json/cocart/v2/cart/add-item", {"id": 1}, HTTP_X_FORWARDED_FOR="5.6.7.8"
    )
    assert fresh.status_code == 200


def test_staff_are_exempt(client, store, limited):
    admin = Api(client, auth=basic("admin", "admin"))
    for _ in range(5):
        assert admin.post("cart/add-item", {"id": 1}).status_code == 200


def test_checkout_limits(api, limited):
    limited.COCART_RATE_LIMITING_LIMIT = 100
    api.post("cart/add-item", {"id": 1})
    for _ in range(5):
        reply = api.checkout(
            "put", body={"billing_address": {"email": "x"}, "payment_method": "cod"}
        )
        assert reply.status_code == 400 and reply.json()["code"] != "rate_limit_exceeded"
        assert reply["RateLimit-Limit"] == "5"
    assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"}),
        400,
        "rate_limit_exceeded",
    )
    # GET checkout counts in its own group (20 a minute).
    assert api.checkout("get")["RateLimit-Limit"] == "20"
    assert api.checkout("get", "checkout/payment-methods")["RateLimit-Limit"] == "30"


def test_payment_methods_with_the_debug_block_is_one_a_minute(client, store, limited):
    client.force_login(get_user_model().objects.get(username="admin"))
    url = f"{PREVIEW}/checkout/payment-methods"
    first = client.get(url, HTTP_AUTHORIZATION=KEYS)
    assert first.status_code == 200 and first["RateLimit-Limit"] == "1"
    assert_error(client.get(url, HTTP_AUTHORIZATION=KEYS), 400, "rate_limit_exceeded")
