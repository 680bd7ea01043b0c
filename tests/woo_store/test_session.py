"""Session headers, Cart-Tokens, nonces, CORS and query counts of the cart and checkout
routes (reference §5)."""

import base64
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub import clock
from checkout_hub.models import Cart
from tests.factories import ProductFactory
from woo_store import session

API = "/wp-json/wc/store/v1"
SESSION_HEADERS = ["Nonce", "Nonce-Timestamp", "User-ID", "Cart-Token", "Cart-Hash"]
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


def b64json(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def post(client, path, body, **headers):
    return client.post(API + path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def product(db):
    return ProductFactory(regular_price=1000)


def test_every_cart_reply_carries_the_session_headers(client, db):
    reply = client.get(f"{API}/cart")
    for name in SESSION_HEADERS:
        assert name in reply.headers
    assert reply.headers["User-ID"] == "0"
    assert reply.headers["Cart-Hash"] == ""
    assert len(reply.headers["Nonce"]) == 10
    assert abs(int(reply.headers["Nonce-Timestamp"]) - clock.timestamp()) <= 1


def test_error_replies_carry_them_too(client, db):
    reply = post(client, "/cart/add-item", {"id": 1})
    assert reply.status_code == 401
    for name in SESSION_HEADERS:
        assert name in reply.headers


def test_cart_token_is_a_hs256_jwt_for_48_hours(client, db):
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    header, payload, signature = token.split(".")
    assert "=" not in token
    assert b64json(header) == {"alg": "HS256", "typ": "JWT"}
    claims = b64json(payload)
    assert set(claims) == {"user_id", "exp", "iss", "iat"}
    assert claims["user_id"].startswith("t_") and len(claims["user_id"]) == 32
    assert claims["exp"] - claims["iat"] == 172800
    assert claims["iss"] == "wc/store/v1"


def test_token_selects_the_cart_and_is_reissued(client, product):
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    client.cookies.clear()
    added = post(client, "/cart/add-item", {"id": product.pk}, HTTP_CART_TOKEN=token)
    assert added.status_code == 201
    key = b64json(token.split(".")[1])["user_id"]
    assert Cart.objects.get(key=key).items.count() == 1
    assert added.headers["Cart-Hash"] != ""
    # A new token for the same session on every reply.
    clock.advance(5)
    again = client.get(f"{API}/cart", HTTP_CART_TOKEN=token)
    assert again.headers["Cart-Token"] != token
    assert b64json(again.headers["Cart-Token"].split(".")[1])["user_id"] == key
    assert again.json()["items_count"] == 1


def test_invalid_or_expired_tokens_are_ignored(client, product):
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    client.cookies.clear()
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-2]}xx"
    reply = post(client, "/cart/add-item", {"id": product.pk}, HTTP_CART_TOKEN=forged)
    assert reply.status_code == 401  # no token, so the nonce rule applies
    assert reply.json()["code"] == "woocommerce_rest_missing_nonce"
    assert client.get(f"{API}/cart", HTTP_CART_TOKEN="not-a-token").status_code == 200

    clock.advance(172801)
    reply = post(client, "/cart/add-item", {"id": product.pk}, HTTP_CART_TOKEN=token)
    assert reply.status_code == 401


def test_issuer_is_not_checked(db):
    token = session.encode_token("t_abc", issuer="store-api")
    assert session.decode_token(token) == "t_abc"


def test_nonce_from_a_reply_authorises_the_cookie_session(client, product):
    nonce = client.get(f"{API}/cart").headers["Nonce"]
    reply = post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE=nonce)
    assert reply.status_code == 201
    # The legacy header name is accepted too.
    legacy = reply.headers["Nonce"]
    reply = post(client, "/cart/add-item", {"id": product.pk}, HTTP_X_WC_STORE_API_NONCE=legacy)
    assert reply.status_code == 201
    assert reply.json()["items_count"] == 2


def test_bad_nonce_is_403_with_fresh_headers_to_retry(client, product):
    client.get(f"{API}/cart")
    reply = post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE="0123456789")
    assert reply.status_code == 403
    assert reply.json() == {
        "code": "woocommerce_rest_invalid_nonce",
        "message": "Nonce is invalid.",
        "data": {"status": 403},
    }
    retry = post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE=reply.headers["Nonce"])
    assert retry.status_code == 201


def test_nonce_of_another_session_or_expired_tick_fails(client, product):
    client.get(f"{API}/cart")
    other = session.make_nonce("t_someone_else", 0)
    assert post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE=other).status_code == 403
    nonce = client.get(f"{API}/cart").headers["Nonce"]
    clock.advance(12 * 3600)  # one tick later: still valid
    assert post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE=nonce).status_code == 201
    clock.advance(24 * 3600)  # past two ticks
    assert post(client, "/cart/add-item", {"id": product.pk}, HTTP_NONCE=nonce).status_code == 403


def test_nonce_check_can_be_switched_off(client, product, settings):
    settings.WOO_STORE_DISABLE_NONCE_CHECK = True
    assert post(client, "/cart/add-item", {"id": product.pk}).status_code == 201


def test_products_and_order_routes_send_no_session_headers(client, db):
    for path in ("/products", "/order/1?key=wc_order_x&billing_email=a@example.com"):
        reply = client.get(API + path)
        for name in SESSION_HEADERS:
            assert name not in reply.headers, (path, name)


def test_cors_lets_a_dev_server_read_the_session_headers(client, db):
    origin = "http://localhost:3000"
    preflight = client.options(
        f"{API}/cart/add-item",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, cart-token, nonce",
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "cart-token" in allowed and "nonce" in allowed

    reply = client.get(f"{API}/cart", HTTP_ORIGIN=origin)
    assert reply.headers["Access-Control-Allow-Origin"] == origin
    exposed = reply.headers["Access-Control-Expose-Headers"].lower()
    for name in ("cart-token", "nonce", "nonce-timestamp", "user-id", "cart-hash"):
        assert name in exposed


# --- query counts: they do not grow with the number of lines ---
def _cart_with_lines(client, count: int) -> str:
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    for product in ProductFactory.create_batch(count, regular_price=500):
        post(client, "/cart/add-item", {"id": product.pk}, HTTP_CART_TOKEN=token)
    address = {**ADDRESS, "email": f"buyer{count}@example.com"}  # a new customer each time
    post(client, "/cart/update-customer", {"billing_address": address}, HTTP_CART_TOKEN=token)
    return token


def _queries(client, method, path, token, body=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        if body is None:
            reply = getattr(client, method)(API + path, HTTP_CART_TOKEN=token)
        else:
            reply = post(client, path, body, HTTP_CART_TOKEN=token)
    assert reply.status_code == 200, reply.json()
    return len(queries)


@pytest.fixture
def seeded(db):
    call_command("seed_store", verbosity=0)  # shipping zones, tax rates


def test_get_cart_queries_do_not_grow_with_lines(client, seeded):
    one = _queries(client, "get", "/cart", _cart_with_lines(client, 1))
    twenty = _queries(client, "get", "/cart", _cart_with_lines(client, 20))
    assert one == twenty


def test_post_checkout_queries_do_not_grow_with_lines(client, seeded):
    body = {"billing_address": {}, "payment_method": "bacs"}
    one = _queries(client, "post", "/checkout", _cart_with_lines(client, 1), body)
    twenty = _queries(client, "post", "/checkout", _cart_with_lines(client, 20), body)
    assert one == twenty


def test_browsable_api_lets_qa_shop_from_the_browser(product):
    """The HTML pages read without a nonce, and their forms write with Django's CSRF token."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"{API}/cart/add-item", HTTP_ACCEPT="text/html")
    assert page.status_code == 404  # GET is not a route, but the page shows the POST form
    assert b'<form action="/wp-json/wc/store/v1/cart/add-item"' in page.content
    token = browser.cookies["csrftoken"].value
    added = browser.post(
        f"{API}/cart/add-item",
        {"id": product.pk, "quantity": 2, "csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    assert added.status_code == 201, added.json()
    checkout = browser.get(f"{API}/checkout", HTTP_ACCEPT="text/html")
    assert checkout.status_code == 200
    # Without the CSRF token the nonce rule stands.
    bare = browser.post(f"{API}/cart/add-item", {"id": product.pk}, HTTP_ACCEPT="application/json")
    assert bare.status_code == 401


def test_reads_and_failed_writes_of_a_new_session_store_no_cart(client, db):
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    client.get(f"{API}/checkout", HTTP_CART_TOKEN=token)
    missing = "0123456789abcdef0123456789abcdef"
    assert (
        post(client, "/cart/remove-item", {"key": missing}, HTTP_CART_TOKEN=token).status_code
        == 409
    )
    assert (
        post(client, "/cart/remove-coupon", {"code": "x"}, HTTP_CART_TOKEN=token).status_code == 400
    )
    assert client.delete(f"{API}/cart/items/{missing}", HTTP_CART_TOKEN=token).status_code == 409
    assert not Cart.objects.exists()
