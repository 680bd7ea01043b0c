"""SQL per request on the hot paths of every vendor: flat in the number of lines, and GET /cart
within its budget on a warm process (the journal's own INSERT left out).

A new vendor's cart read and add-to-cart get a row in CASES."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory

WOO = "/wp-json/wc/store/v1"
HWP = "/wp-json/headlesswp/v1"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "1 Main St",
    "city": "Albany",
    "state": "NY",
    "postcode": "12207",
    "country": "US",
    "email": "ada@example.com",
}
GET_CART_BUDGET = 3  # the cart, its lines with their products, and room for one more


@pytest.fixture
def seeded(db):
    call_command("seed_store", verbosity=0)  # shipping zones, tax rates, images


def woo(client, method, path, token, body=None):
    if body is None:
        return getattr(client, method)(WOO + path, HTTP_CART_TOKEN=token)
    return client.post(
        WOO + path, json.dumps(body), content_type="application/json", HTTP_CART_TOKEN=token
    )


def cart_with_lines(client, count: int) -> str:
    token = client.get(f"{WOO}/cart").headers["Cart-Token"]
    for product in ProductFactory.create_batch(count, regular_price=500):
        assert woo(client, "post", "/cart/add-item", token, {"id": product.pk}).status_code == 201
    woo(client, "post", "/cart/update-customer", token, {"billing_address": ADDRESS})
    return token


def queries(call) -> list[str]:
    """The SQL of one call, made twice: the second (a warm process) is counted."""
    call()
    with CaptureQueriesContext(connection) as captured:
        reply = call()
    assert reply.status_code < 300, reply.content[:300]
    return [q["sql"] for q in captured.captured_queries if "requestlog" not in q["sql"].lower()]


CASES = {
    "Store API GET /cart": lambda c, t: woo(c, "get", "/cart", t),
    "Store API GET /cart/items": lambda c, t: woo(c, "get", "/cart/items", t),
    "Store API POST /cart/add-item": lambda c, t: woo(c, "post", "/cart/add-item", t, {"id": 1}),
    "Store API POST /cart/select-shipping-rate": lambda c, t: woo(
        c, "post", "/cart/select-shipping-rate", t, {"package_id": 0, "rate_id": "flat_rate:1"}
    ),
    "HWP GET /store/wc/cart": lambda c, t: c.get(f"{HWP}/store/wc/cart", HTTP_CART_TOKEN=t),
}


@pytest.mark.parametrize("name", CASES)
def test_queries_do_not_grow_with_lines(client, seeded, name):
    call = CASES[name]
    small, big = cart_with_lines(client, 1), cart_with_lines(client, 20)
    one = queries(lambda: call(client, small))
    twenty = queries(lambda: call(client, big))
    assert len(one) == len(twenty), "\n".join(twenty)


def test_get_cart_stays_within_its_budget_warm(client, seeded):
    for lines in (1, 3, 20):
        token = cart_with_lines(client, lines)
        sql = queries(lambda t=token: woo(client, "get", "/cart", t))
        assert len(sql) <= GET_CART_BUDGET, "\n".join(sql)


def test_the_hwp_checkout_session_does_not_grow_with_items(client, seeded):
    nonce = client.get(f"{HWP}/nonce").json()["data"]["nonce"]
    ids = [p.pk for p in ProductFactory.create_batch(20, regular_price=500)]

    def session(count):
        body = {"items": [{"productId": pk, "quantity": 1} for pk in ids[:count]]}
        return lambda: client.post(
            f"{HWP}/store/checkout-session",
            json.dumps({**body, "strategy": "redirect_to_woo"}),
            content_type="application/json",
            HTTP_X_WP_NONCE=nonce,
        )

    assert len(queries(session(1))) == len(queries(session(20)))
