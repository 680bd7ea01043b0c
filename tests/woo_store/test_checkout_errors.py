"""Every Store API checkout error code, reached over HTTP from its real cause (reference §3,
§5, §6): POST/PUT/GET /checkout and order-pay (POST /checkout/{id}). Each case checks the
code, the status, a message, the data keys a client reads, and `data.cart` on every 409."""

import datetime as dt
import json
import re

import pytest

from checkout_hub.models import Coupon, Order, Product
from tests.factories import US_ADDRESS
from tests.woo_store.conftest import BASE, assert_error, post

TSHIRT, SUNGLASSES = 1, 7
SHIPPING = {k: v for k, v in US_ADDRESS.items() if k != "email"}


@pytest.fixture
def cart(client, token) -> str:
    """A session whose cart holds one T-shirt; returns its Cart-Token."""
    assert post(client, "cart/add-item", {"id": TSHIRT, "quantity": 1}, token).status_code == 201
    return token


def put(client, route, body=None, token=None, **extra):
    if token:
        extra["HTTP_CART_TOKEN"] = token
    return client.put(
        f"{BASE}/{route}", json.dumps(body or {}), content_type="application/json", **extra
    )


def checkout(client, token, headers=None, **body):
    body = {"billing_address": US_ADDRESS, "payment_method": "bacs", **body}
    return post(client, "checkout", body, token, **(headers or {}))


def set_stock(product_id: int, quantity: int) -> None:
    product = Product.objects.get(pk=product_id)
    product.manage_stock, product.stock_quantity = True, quantity
    product.save()  # the stock status follows the quantity


def test_the_happy_path_places_an_order(client, cart):
    reply = checkout(client, cart)
    assert reply.status_code == 200, reply.content
    assert reply.json()["status"] == "on-hold"
    assert reply.json()["payment_result"]["payment_status"] == "success"


# --- arguments ---
def test_missing_billing_address(client, cart):
    reply = post(client, "checkout", {"payment_method": "bacs"}, cart)
    data = assert_error(reply, 400, "rest_missing_callback_param")
    assert data["params"] == ["billing_address"]


# --- the cart ---
def test_empty_cart_post(client, token):
    reply = checkout(client, token)
    assert_error(reply, 400, "woocommerce_rest_checkout_cart_empty")


def test_emptied_cart_post(client, cart):
    assert client.delete(f"{BASE}/cart/items", HTTP_CART_TOKEN=cart).status_code == 200
    assert_error(checkout(client, cart), 400, "woocommerce_rest_checkout_cart_empty")


def test_empty_cart_put_calc_totals(client, token):
    reply = put(client, "checkout?__experimental_calc_totals=true", {}, token)
    assert_error(reply, 400, "woocommerce_rest_cart_empty")


# --- addresses ---
@pytest.mark.parametrize(
    "billing, field, message",
    [
        ({**US_ADDRESS, "email": "not-an-email"}, "billing_address.email", "Invalid email"),
        (
            {k: v for k, v in US_ADDRESS.items() if k != "postcode"},
            "billing_address.postcode",
            "Postcode is required",
        ),
        ({**US_ADDRESS, "postcode": ""}, "billing_address.postcode", "Postcode is required"),
    ],
)
def test_invalid_billing_address(client, cart, billing, field, message):
    reply = checkout(client, cart, billing_address=billing, shipping_address=SHIPPING)
    data = assert_error(reply, 400, "woocommerce_rest_checkout_invalid_address")
    assert list(data["params"]) == [field]
    assert data["params"][field].startswith(message)
    assert "cart" not in data
    assert not Order.objects.exclude(status=Order.Status.CHECKOUT_DRAFT).exists()


def test_missing_postcode_without_a_shipping_address(client, cart):
    # Shipping defaults to billing, so both addresses lack the postcode.
    billing = {**US_ADDRESS, "postcode": ""}
    reply = checkout(client, cart, billing_address=billing)
    data = assert_error(reply, 400, "woocommerce_rest_checkout_invalid_address")
    assert sorted(data["params"]) == ["billing_address.postcode", "shipping_address.postcode"]
    assert reply.json()["message"] == "Invalid billing and shipping address provided."


# --- payment methods ---
def test_no_payment_method(client, cart):
    reply = checkout(client, cart, payment_method="")
    assert_error(reply, 400, "woocommerce_rest_checkout_missing_payment_method")
    body = {"billing_address": US_ADDRESS}
    reply = post(client, "checkout", body, cart)
    assert_error(reply, 400, "woocommerce_rest_checkout_missing_payment_method")


def test_payment_method_stored_by_put_is_used(client, cart):
    assert put(client, "checkout", {"payment_method": "cod"}, cart).status_code == 200
    reply = post(client, "checkout", {"billing_address": US_ADDRESS}, cart)
    assert reply.status_code == 200, reply.content
    assert reply.json()["payment_method"] == "cod"


def test_unknown_payment_method(client, cart):
    reply = checkout(client, cart, payment_method="foo")
    assert_error(reply, 400, "woocommerce_rest_checkout_payment_method_disabled")


@pytest.mark.parametrize(
    "switch", [{"HUB_PAYMENT_METHODS": ["bacs"]}, {"STRIPE_SECRET_KEY": ""}], ids=["off", "no key"]
)
def test_stripe_switched_off_is_a_disabled_method(client, cart, settings, switch):
    for name, value in switch.items():
        setattr(settings, name, value)
    reply = checkout(client, cart, payment_method="stripe")
    assert_error(reply, 400, "woocommerce_rest_checkout_payment_method_disabled")


def test_put_unknown_payment_method(client, cart):
    reply = put(client, "checkout", {"payment_method": "foo"}, cart)
    assert_error(reply, 400, "woocommerce_rest_checkout_payment_method_disabled")


# --- expected_total ---
def cart_total(client, token) -> str:
    body = {"billing_address": US_ADDRESS, "shipping_address": SHIPPING}
    assert post(client, "cart/update-customer", body, token).status_code == 200
    return client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()["totals"]["total_price"]


def test_expected_total_mismatch_creates_no_order(client, cart):
    total = cart_total(client, cart)
    wrong = str(int(total) + 1)

    reply = checkout(client, cart, expected_total=wrong)

    data = assert_error(reply, 409, "woocommerce_rest_checkout_total_mismatch")
    assert data["cart"]["totals"]["total_price"] == total
    assert data["expected_total"] == wrong and data["actual_total"] == total
    assert not Order.objects.exists()


def test_expected_total_match_places_the_order(client, cart):
    total = cart_total(client, cart)
    reply = checkout(client, cart, expected_total=total)
    assert reply.status_code == 200, reply.content
    assert Order.objects.get(pk=reply.json()["order_id"]).total == int(total)


# --- cart validation at checkout (409 with the cart) ---
def test_stock_gone_before_checkout(client, cart):
    set_stock(TSHIRT, 0)
    reply = checkout(client, cart)
    data = assert_error(reply, 409, "woocommerce_rest_product_out_of_stock")
    assert [i["id"] for i in data["cart"]["items"]] == [TSHIRT]
    assert not Order.objects.exists()


def test_two_problems_are_invalid_cart(client, cart):
    reply = post(client, "cart/add-item", {"id": SUNGLASSES, "quantity": 2}, cart)
    assert reply.status_code == 201
    set_stock(TSHIRT, 0)
    set_stock(SUNGLASSES, 1)

    reply = checkout(client, cart)

    data = assert_error(reply, 409, "woocommerce_rest_checkout_invalid_cart")
    codes = [e["code"] for e in data["additional_errors"]]
    assert sorted(codes) == [
        "woocommerce_rest_product_out_of_stock",
        "woocommerce_rest_product_partially_out_of_stock",
    ]
    for error in data["additional_errors"]:
        assert error["message"] and error["data"]["status"] == 409


def test_sold_individually_line_with_two_is_too_many_in_cart(client, token):
    poster = 8
    reply = post(client, "cart/add-item", {"id": poster, "quantity": 2}, token)
    assert reply.status_code == 201
    Product.objects.filter(pk=poster).update(sold_individually=True)

    reply = checkout(client, token)

    assert_error(reply, 409, "woocommerce_rest_product_too_many_in_cart")


def test_product_no_longer_purchasable_at_checkout(client, cart):
    Product.objects.filter(pk=TSHIRT).update(regular_price=None)
    assert_error(checkout(client, cart), 409, "woocommerce_rest_product_not_purchasable")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_calc_totals_validates_the_cart(client, cart, method):
    set_stock(TSHIRT, 0)
    reply = getattr(client, method)(
        f"{BASE}/checkout?__experimental_calc_totals=true",
        json.dumps({}),
        content_type="application/json",
        HTTP_CART_TOKEN=cart,
    )
    assert_error(reply, 409, "woocommerce_rest_product_out_of_stock")


def test_calc_totals_reports_an_invalid_coupon(client, cart):
    assert post(client, "cart/apply-coupon", {"code": "10off"}, cart).status_code == 200
    Coupon.objects.filter(code="10off").update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    reply = put(client, "checkout?__experimental_calc_totals=true", {}, cart)
    data = assert_error(reply, 409, "woocommerce_rest_cart_coupon_errors")
    assert data["removed_coupons"] == ["10off"]


def test_expected_total_not_a_number_is_invalid_param(client, cart):
    reply = checkout(client, cart, expected_total="12.50")
    data = assert_error(reply, 400, "rest_invalid_param")
    assert list(data["params"]) == ["expected_total"]


def test_coupon_invalid_at_checkout(client, cart):
    assert post(client, "cart/apply-coupon", {"code": "10off"}, cart).status_code == 200
    Coupon.objects.filter(code="10off").update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    reply = checkout(client, cart)

    data = assert_error(reply, 409, "woocommerce_rest_cart_coupon_errors")
    assert data["removed_coupons"] == ["10off"]


def test_unavailable_shipping_rate(client, cart):
    # Chosen before any address (any zone's rate is known then), not offered in the US.
    reply = post(client, "cart/select-shipping-rate", {"rate_id": "flat_rate:4"}, cart)
    assert reply.status_code == 200

    reply = checkout(client, cart)

    data = assert_error(reply, 400, "woocommerce_rest_invalid_shipping_option")
    assert data["rate_id"] == "flat_rate:4"


# --- switches ---
def test_guest_checkout_disabled(client, cart, settings):
    settings.HUB_GUEST_CHECKOUT = False
    assert_error(checkout(client, cart), 403, "woocommerce_rest_guest_checkout_disabled")


def test_checkout_disabled(client, cart, settings):
    settings.HUB_CHECKOUT_ENABLED = False
    assert_error(checkout(client, cart), 403, "woocommerce_rest_checkout_disabled")


# --- payment outcomes (a checkout body, its HTTP status from payment_status) ---
def test_declined_payment_then_retry_on_the_same_order(client, cart):
    declined = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "payment_declined"})

    assert declined.status_code == 400, declined.content
    body = declined.json()
    assert "code" not in body
    assert body["order_id"] and body["status"] == "failed"
    assert body["payment_result"]["payment_status"] == "failure"

    retry = checkout(client, cart)

    assert retry.status_code == 200, retry.content
    assert retry.json()["order_id"] == body["order_id"]
    assert retry.json()["status"] == "on-hold"
    assert Order.objects.exclude(status=Order.Status.CHECKOUT_DRAFT).count() == 1


def test_failed_payment_then_retry_on_the_same_order(client, cart):
    failed = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "payment_failed"})

    assert failed.status_code == 500, failed.content
    body = failed.json()
    assert body["order_id"] and body["status"] == "failed"
    assert body["payment_result"]["payment_status"] == "error"

    retry = checkout(client, cart)

    assert retry.status_code == 200, retry.content
    assert retry.json()["order_id"] == body["order_id"]
    assert retry.json()["status"] == "on-hold"


# --- scenarios at checkout ---
def test_scenario_out_of_stock(client, cart):
    reply = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "out_of_stock"})
    assert_error(reply, 409, "woocommerce_rest_product_out_of_stock")
    assert not Order.objects.exists()


def test_scenario_checkout_disabled(client, cart):
    reply = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "checkout_disabled"})
    assert_error(reply, 403, "woocommerce_rest_checkout_disabled")


def test_scenario_invalid_address(client, cart):
    reply = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "invalid_address"})
    data = assert_error(reply, 400, "woocommerce_rest_checkout_invalid_address")
    assert list(data["params"]) == ["billing_address.postcode"]


# --- rate limits and the nonce ---
def test_checkout_rate_limit(client, cart, settings):
    settings.WOO_STORE_RATE_LIMIT_CHECKOUT = True
    for remaining in ("2", "1", "0"):
        reply = post(client, "checkout", {}, cart)  # refused, but counted
        assert reply.status_code == 400
        assert reply.headers["RateLimit-Limit"] == "3"
        assert reply.headers["RateLimit-Remaining"] == remaining

    reply = checkout(client, cart)

    assert_error(reply, 400, "rate_limit_exceeded")
    assert re.fullmatch(
        r"Too many requests\. Please wait \d+ seconds before trying again\.",
        reply.json()["message"],
    )
    assert reply.headers["RateLimit-Limit"] == "3"
    assert reply.headers["RateLimit-Retry-After"]
    assert "Retry-After" not in reply.headers
    assert not Order.objects.exists()
    # Only POST /checkout counts in this group.
    assert put(client, "checkout", {"payment_method": "cod"}, cart).status_code == 200


def test_get_checkout_needs_a_nonce(client, store):
    reply = client.get(f"{BASE}/checkout")
    assert_error(reply, 401, "woocommerce_rest_missing_nonce")
    assert reply.headers["Nonce"] and reply.headers["Cart-Token"]


def test_get_checkout_with_a_token_needs_no_nonce(client, token):
    assert client.get(f"{BASE}/checkout", HTTP_CART_TOKEN=token).status_code == 200


# --- order-pay: POST /checkout/{id} ---
@pytest.fixture
def placed(client, cart) -> dict:
    """An on-hold order placed with bacs."""
    reply = checkout(client, cart)
    assert reply.status_code == 200
    return reply.json()


@pytest.fixture
def failed(client, cart) -> dict:
    """A failed order (declined payment)."""
    reply = checkout(client, cart, headers={"HTTP_X_HUB_SCENARIO": "payment_declined"})
    assert reply.status_code == 400
    return reply.json()


def pay(client, token, order: dict, **body):
    body = {
        "key": order["order_key"],
        "billing_email": US_ADDRESS["email"],
        "payment_method": "bacs",
        **body,
    }
    return post(client, f"checkout/{order['order_id']}", body, token)


def test_order_pay_wrong_key(client, cart, failed):
    reply = pay(client, cart, failed, key="wc_order_wrong")
    assert_error(reply, 401, "woocommerce_rest_invalid_order")


def test_order_pay_unknown_order(client, cart, failed):
    reply = pay(client, cart, {**failed, "order_id": 99999})
    assert_error(reply, 404, "woocommerce_rest_invalid_order")


def test_order_pay_wrong_billing_email(client, cart, failed):
    reply = pay(client, cart, failed, billing_email="someone@example.com")
    assert_error(reply, 401, "woocommerce_rest_invalid_billing_email")


def test_order_pay_already_placed_order(client, cart, placed):
    assert placed["status"] == "on-hold"
    reply = pay(client, cart, placed)
    assert_error(reply, 400, "invalid_order_update_status")


def test_order_pay_failed_order(client, cart, failed):
    reply = pay(client, cart, failed, billing_email=US_ADDRESS["email"].upper())
    assert reply.status_code == 200, reply.content
    assert reply.json()["order_id"] == failed["order_id"]
    assert reply.json()["status"] == "on-hold"
    assert Order.objects.get(pk=failed["order_id"]).status == "on-hold"
