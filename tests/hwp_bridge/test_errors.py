"""Every checkout-session error code from its real cause, over HTTP, and the order the checks
run in: RATE_LIMITED, CSRF_FAILED, NOT_AUTHENTICATED, VALIDATION_FAILED,
CHECKOUT_NOT_IMPLEMENTED, CHECKOUT_DISABLED, the token_handoff fields,
CHECKOUT_STRIPE_NOT_CONFIGURED, then the cart (CHECKOUT_FAILED)."""

import pytest
from django.test import override_settings

from checkout_hub.models import Cart, Order, Product
from tests.factories import UserFactory
from tests.hwp_bridge.conftest import (
    BASE,
    BELT,
    SUNGLASSES,
    TSHIRT,
    assert_error,
    assert_ok,
    field_errors,
    post_checkout,
)

ITEMS = {"items": [{"productId": TSHIRT, "quantity": 1}]}
BAD_BODY = {"items": [{"productId": "one", "quantity": 1}]}
TOKEN_BODY = {**ITEMS, "paymentToken": "pm_card_visa", "returnUrl": "https://shop.example.com/r"}


def nothing_written():
    return not Order.objects.exists() and not Cart.objects.exists()


# --- RATE_LIMITED ---
@override_settings(HWP_RATE_LIMIT=2, HWP_RATE_LIMIT_SECONDS=60)
def test_rate_limited_per_client_ip(client, store, nonce):
    for _ in range(2):
        assert_ok(post_checkout(client, ITEMS, nonce=nonce))
    reply = post_checkout(client, ITEMS, nonce=nonce)
    details = assert_error(reply, 429, "RATE_LIMITED")
    assert details["limit"] == 2
    assert 1 <= details["retryAfter"] <= 60
    assert reply["Retry-After"] == str(details["retryAfter"])
    # Counted before the nonce is checked.
    assert_error(post_checkout(client, ITEMS), 429, "RATE_LIMITED")
    # Another client IP has its own count.
    assert_ok(post_checkout(client, ITEMS, nonce=nonce, REMOTE_ADDR="10.9.8.7"))
    assert Order.objects.count() == 3


def test_rate_limit_is_off_by_default(client, store, nonce):
    for _ in range(5):
        assert_ok(post_checkout(client, ITEMS, nonce=nonce))


def test_rate_limited_scenario(client, store):
    reply = post_checkout(client, ITEMS, HTTP_X_HUB_SCENARIO="rate_limited")
    assert assert_error(reply, 429, "RATE_LIMITED") == {"retryAfter": 60, "limit": 0}
    assert reply["Retry-After"] == "60"


# --- CSRF_FAILED ---
def test_missing_nonce(client, store):
    reply = post_checkout(client, ITEMS)
    assert assert_error(reply, 403, "CSRF_FAILED") == {}
    assert "X-WP-Nonce" in reply.json()["error"]["message"]
    assert nothing_written()


def test_invalid_nonce(client, store):
    assert_error(post_checkout(client, ITEMS, nonce="deadbeef00"), 403, "CSRF_FAILED")


def test_csrf_is_checked_before_the_body(client, store):
    assert_error(post_checkout(client, None, raw="{nope"), 403, "CSRF_FAILED")


# --- NOT_AUTHENTICATED ---
@override_settings(HWP_GUEST_CHECKOUT=False)
def test_guest_checkout_off(client, store, nonce):
    reply = post_checkout(client, BAD_BODY, nonce=nonce)  # before validation
    assert assert_error(reply, 401, "NOT_AUTHENTICATED") == {}
    assert nothing_written()
    user = UserFactory()
    client.force_login(user)
    user_nonce = client.get(f"{BASE}/nonce").json()["data"]["nonce"]
    assert_ok(post_checkout(client, ITEMS, nonce=user_nonce))


@override_settings(HUB_GUEST_CHECKOUT=False)
def test_the_hubs_guest_switch_is_honoured(client, store, nonce):
    assert_error(post_checkout(client, ITEMS, nonce=nonce), 401, "NOT_AUTHENTICATED")


def test_not_authenticated_scenario(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO="not_authenticated")
    assert_error(reply, 401, "NOT_AUTHENTICATED")


# --- CHECKOUT_NOT_IMPLEMENTED ---
def test_unknown_strategy(client, store, nonce):
    reply = post_checkout(client, {**ITEMS, "strategy": "paypal_popup"}, nonce=nonce)
    details = assert_error(reply, 501, "CHECKOUT_NOT_IMPLEMENTED")
    assert details == {
        "strategy": "paypal_popup",
        "supportedStrategies": ["redirect_to_woo", "token_handoff"],
    }
    assert nothing_written()


def test_validation_comes_before_the_strategy(client, store, nonce):
    body = {**BAD_BODY, "strategy": "paypal_popup"}
    assert list(field_errors(post_checkout(client, body, nonce=nonce))) == ["items[0].productId"]


@override_settings(HUB_CHECKOUT_ENABLED=False)
def test_the_strategy_comes_before_checkout_disabled(client, store, nonce):
    reply = post_checkout(client, {**ITEMS, "strategy": "paypal_popup"}, nonce=nonce)
    assert_error(reply, 501, "CHECKOUT_NOT_IMPLEMENTED")


# --- CHECKOUT_DISABLED ---
@override_settings(HUB_CHECKOUT_ENABLED=False)
def test_checkout_switched_off(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce)
    assert assert_error(reply, 503, "CHECKOUT_DISABLED") == {}
    assert reply.json()["error"]["message"] == "Checkout is currently disabled."
    assert nothing_written()
    # ...before the token handoff fields are checked.
    body = {**ITEMS, "strategy": "token_handoff"}
    assert_error(post_checkout(client, body, nonce=nonce), 503, "CHECKOUT_DISABLED")


def test_checkout_disabled_scenario(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO="checkout_disabled")
    assert_error(reply, 503, "CHECKOUT_DISABLED")
    assert nothing_written()


# --- token_handoff needs its fields ---
def test_token_handoff_needs_a_token_and_a_return_url(client, store, nonce):
    body = {**ITEMS, "strategy": "token_handoff"}
    assert field_errors(post_checkout(client, body, nonce=nonce)) == {
        "paymentToken": ["Required for the token_handoff strategy."],
        "returnUrl": ["Required for the token_handoff strategy."],
    }
    assert nothing_written()


def test_a_payment_token_means_token_handoff(client, store, nonce):
    body = {**ITEMS, "paymentToken": "pm_card_visa"}
    assert field_errors(post_checkout(client, body, nonce=nonce)) == {
        "returnUrl": ["Required for the token_handoff strategy."]
    }


def test_redirect_to_woo_ignores_a_missing_return_url(client, store, nonce):
    body = {**ITEMS, "paymentToken": "pm_card_visa", "strategy": "redirect_to_woo"}
    assert_ok(post_checkout(client, body, nonce=nonce))


# --- CHECKOUT_STRIPE_NOT_CONFIGURED ---
@override_settings(HUB_PAYMENT_METHODS=["bacs", "cod"])
def test_token_handoff_without_stripe(client, store, nonce):
    reply = post_checkout(client, TOKEN_BODY, nonce=nonce)
    details = assert_error(reply, 503, "CHECKOUT_STRIPE_NOT_CONFIGURED")
    assert details == {"provider": "stripe", "strategy": "token_handoff"}
    assert nothing_written()
    # The token handoff fields are checked first.
    body = {**ITEMS, "strategy": "token_handoff"}
    assert list(field_errors(post_checkout(client, body, nonce=nonce))) == [
        "paymentToken",
        "returnUrl",
    ]
    # Redirects still work: the order-pay page offers the other methods.
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))


@override_settings(STRIPE_SECRET_KEY="")
def test_token_handoff_without_a_stripe_key(client, store, nonce):
    reply = post_checkout(client, TOKEN_BODY, nonce=nonce)
    assert_error(reply, 503, "CHECKOUT_STRIPE_NOT_CONFIGURED")
    assert nothing_written()


# --- CHECKOUT_FAILED: the cart cannot be bought ---
def test_out_of_stock(client, store, nonce):
    body = {"items": [{"productId": TSHIRT, "quantity": 1}, {"productId": BELT, "quantity": 1}]}
    reply = post_checkout(client, body, nonce=nonce)
    details = assert_error(reply, 409, "CHECKOUT_FAILED")
    assert details == {
        "safeReason": "out_of_stock",
        "phase": "checkout_session",
        "step": "cart",
        "productId": BELT,
        "itemIndex": 1,
        "requested": 1,
        "available": 0,
    }
    assert reply.json()["error"]["message"] == '"Belt" is out of stock and cannot be purchased.'
    assert nothing_written()


def test_too_many_for_the_stock_left(client, store, nonce):
    body = {"items": [{"productId": SUNGLASSES, "quantity": 3}]}
    details = assert_error(post_checkout(client, body, nonce=nonce), 409, "CHECKOUT_FAILED")
    assert (details["safeReason"], details["requested"], details["available"]) == (
        "out_of_stock",
        3,
        2,
    )


def test_lines_of_one_product_count_together(client, store, nonce):
    body = {
        "items": [{"productId": SUNGLASSES, "quantity": 2}]
        + [{"productId": SUNGLASSES, "quantity": 1}]
    }
    details = assert_error(post_checkout(client, body, nonce=nonce), 409, "CHECKOUT_FAILED")
    assert (details["itemIndex"], details["requested"], details["available"]) == (1, 3, 2)


def test_a_sold_individually_product_twice(client, store, nonce):
    body = {"items": [{"productId": 9, "quantity": 1}, {"productId": 9, "quantity": 1}]}
    details = assert_error(post_checkout(client, body, nonce=nonce), 409, "CHECKOUT_FAILED")
    assert details == {
        "safeReason": "too_many_in_cart",
        "phase": "checkout_session",
        "step": "cart",
        "productId": 9,
        "itemIndex": 1,
    }


def test_stock_gone_when_the_order_is_placed(client, store, nonce, monkeypatch):
    # Another buyer takes the last T-shirts between adding and placing the order.
    from checkout_hub.services import checkout

    real = checkout.place_order

    def sell_out_first(cart, **kwargs):
        Product.objects.filter(pk=TSHIRT).update(manage_stock=True, stock_quantity=0)
        return real(cart, **kwargs)

    monkeypatch.setattr(checkout, "place_order", sell_out_first)
    details = assert_error(post_checkout(client, ITEMS, nonce=nonce), 409, "CHECKOUT_FAILED")
    assert (details["safeReason"], details["step"], details["productId"]) == (
        "out_of_stock",
        "order",
        TSHIRT,
    )
    assert "itemIndex" not in details


@pytest.mark.parametrize(
    "scenario, reason, step",
    [("out_of_stock", "out_of_stock", "cart"), ("empty_cart", "empty_cart", "order")],
)
def test_cart_scenarios(client, store, nonce, scenario, reason, step):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO=scenario)
    details = assert_error(reply, 409, "CHECKOUT_FAILED")
    assert (details["safeReason"], details["phase"], details["step"]) == (
        reason,
        "checkout_session",
        step,
    )
    assert nothing_written()
