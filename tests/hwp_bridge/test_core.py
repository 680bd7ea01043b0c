"""The bridge's GET routes over HTTP: health, the wp_rest nonce (and that it opens
checkout-session), and the Store API cart passthrough with its Cart-Token."""

import datetime as dt

from django.contrib.auth import get_user_model

from checkout_hub import clock
from tests.factories import UserFactory
from tests.hwp_bridge.conftest import (
    BASE,
    TSHIRT,
    assert_error,
    assert_ok,
    post_checkout,
)
from woo_store import session as store_session

STORE = "/wp-json/wc/store/v1"
ITEMS = {"items": [{"productId": TSHIRT, "quantity": 1}]}


# --- health ---
def test_health(client, db, settings):
    settings.DEBUG = True
    data = assert_ok(client.get(f"{BASE}/health"))
    assert data == {
        "status": "ok",
        "version": "0.0.0",
        "env": "development",
        "wpVersion": "6.8.0",
        "phpVersion": "8.2.0",
        "dependencies": {
            "woocommerce": "active",
            "restrictContentPro": "missing",
            "affiliateWp": "active",
        },
        "buildId": "dev",
        "buildFlavor": "full",
        "nonceBootstrapStrategy": "wp_validate_auth_cookie_globals_v1",
    }


def test_health_with_a_trailing_slash(client, db):
    assert_ok(client.get(f"{BASE}/health/"))


def test_health_env_follows_debug(client, db, settings):
    settings.DEBUG = False  # DEBUG=0 is the hub's production-ish mode
    assert assert_ok(client.get(f"{BASE}/health"))["env"] == "production"


def test_post_health_is_method_not_allowed(client, db):
    details = assert_error(client.post(f"{BASE}/health"), 405, "METHOD_NOT_ALLOWED")
    assert details == {"method": "POST"}


# --- nonce ---
def test_guest_nonce(client, db):
    data = assert_ok(client.get(f"{BASE}/nonce"))
    assert data == {
        "nonce": data["nonce"],
        "headerName": "X-WP-Nonce",
        "userLoggedIn": False,
        "user": None,
    }
    assert "userId" not in data
    # WordPress's wp_rest nonce: every guest shares it (user 0, no session token).
    assert data["nonce"] == store_session.make_nonce("", 0, action="wp_rest")
    assert data["nonce"] != store_session.make_nonce("", 0)  # not the Store API's action


def test_logged_in_nonce_carries_the_user(client, db):
    user = UserFactory(first_name="Ray", last_name="Stantz", email="ray@example.com")
    get_user_model().objects.filter(pk=user.pk).update(
        date_joined=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    )
    client.force_login(user)
    data = assert_ok(client.get(f"{BASE}/nonce"))
    assert data == {
        "nonce": data["nonce"],
        "headerName": "X-WP-Nonce",
        "userLoggedIn": True,
        "userId": user.pk,
        "user": {
            "id": user.pk,
            "email": "ray@example.com",
            "displayName": "Ray Stantz",
            "roles": ["customer"],
            "createdAt": "2024-05-06T07:08:09Z",
        },
    }
    assert data["nonce"] != store_session.make_nonce("", 0, action="wp_rest")


def test_staff_roles(client, staff_client):
    data = assert_ok(staff_client.get(f"{BASE}/nonce"))
    assert data["user"]["roles"] == ["administrator"]


def test_nonce_then_checkout(client, store):
    nonce = assert_ok(client.get(f"{BASE}/nonce"))["nonce"]
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))


def test_nonce_in_the_wpnonce_query_parameter(client, store, nonce):
    assert_ok(post_checkout(client, ITEMS, query=f"_wpnonce={nonce}"))


def test_logged_in_nonce_then_checkout(client, store):
    client.force_login(UserFactory())
    nonce = assert_ok(client.get(f"{BASE}/nonce"))["nonce"]
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))
    # The guest nonce is not the logged-in session's.
    guest = store_session.make_nonce("", 0, action="wp_rest")
    assert_error(post_checkout(client, ITEMS, nonce=guest), 403, "CSRF_FAILED")


def test_bad_nonce_is_csrf_failed(client, store):
    reply = post_checkout(client, ITEMS, nonce="0123456789")
    assert reply.json()["error"]["message"] == "Invalid or expired X-WP-Nonce nonce."
    assert_error(reply, 403, "CSRF_FAILED")


def test_store_api_nonce_is_not_a_wp_rest_nonce(client, store):
    store_nonce = store_session.make_nonce("", 0)
    assert_error(post_checkout(client, ITEMS, nonce=store_nonce), 403, "CSRF_FAILED")


def test_nonce_lives_one_to_two_ticks(client, store, nonce):
    clock.advance(12 * 3600)  # the next 12-hour tick: still valid
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))
    clock.advance(24 * 3600)
    assert_error(post_checkout(client, ITEMS, nonce=nonce), 403, "CSRF_FAILED")


def test_browsable_api_csrf_token_stands_in_for_the_nonce(store):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "a" * 32
    reply = post_checkout(browser, ITEMS, HTTP_X_CSRFTOKEN="a" * 32)
    assert_ok(reply)
    # A wrong token is no stand-in.
    reply = post_checkout(browser, ITEMS, HTTP_X_CSRFTOKEN="b" * 32)
    assert_error(reply, 403, "CSRF_FAILED")


# --- the Store API cart ---
def test_cart_without_a_token_is_a_new_empty_cart(client, store):
    reply = client.get(f"{BASE}/store/wc/cart")
    data = assert_ok(reply)
    assert data["items"] == [] and data["items_count"] == 0
    assert data["totals"]["total_price"] == "0"
    assert data["totals"]["currency_code"] == "USD"
    meta = reply.json()["meta"]
    assert set(meta["tokens"]) == {"cartToken", "nonce"}
    assert reply["Cart-Token"] == meta["tokens"]["cartToken"]
    key = store_session.decode_token(meta["tokens"]["cartToken"])
    assert key
    assert meta["tokens"]["nonce"] == store_session.make_nonce(key, 0)


def test_cart_passes_the_store_api_cart_through(client, store):
    token = client.get(f"{STORE}/cart").headers["Cart-Token"]
    added = client.post(
        f"{STORE}/cart/add-item",
        {"id": TSHIRT, "quantity": 2},
        content_type="application/json",
        HTTP_CART_TOKEN=token,
    )
    assert added.status_code == 201, added.content
    reply = client.get(f"{BASE}/store/wc/cart", HTTP_CART_TOKEN=token)
    data = assert_ok(reply)
    assert data == client.get(f"{STORE}/cart", HTTP_CART_TOKEN=token).json()
    assert [(i["id"], i["quantity"]) for i in data["items"]] == [(TSHIRT, 2)]
    assert data["totals"]["total_items"] == "3600"
    # The same session: its token and its Store API nonce.
    tokens = reply.json()["meta"]["tokens"]
    assert store_session.decode_token(tokens["cartToken"]) == store_session.decode_token(token)
    assert tokens["nonce"] == store_session.make_nonce(store_session.decode_token(token), 0)


def test_cart_ignores_an_invalid_token(client, store):
    reply = client.get(f"{BASE}/store/wc/cart", HTTP_CART_TOKEN="not.a.token")
    assert assert_ok(reply)["items"] == []
    assert reply["Cart-Token"] != "not.a.token"
