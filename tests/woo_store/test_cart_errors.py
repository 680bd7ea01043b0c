"""Every Store API cart error code, reached over HTTP from its real cause (reference §5, §6):
the code, the status, a message, the data keys a client reads, and `data.cart` on every 409.
WordPress's own errors (routes, parameters, JSON), the nonce rule, scenarios and rate limits
are covered here too, since every cart route shares them."""

import json
import re

import pytest

from tests.factories import US_ADDRESS, ProductFactory
from tests.woo_store.conftest import BASE, assert_error, post

UNKNOWN_KEY = "0123456789abcdef0123456789abcdef"
TSHIRT, BELT, SUNGLASSES, SIGNED_POSTER, HOODIE = 1, 6, 7, 9, 13


def add(client, token, product_id, quantity=1, headers=None, **body):
    body = {"id": product_id, "quantity": quantity, **body}
    return post(client, "cart/add-item", body, token, **(headers or {}))


def item_key(client, token, product_id) -> str:
    cart = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()
    return next(i["key"] for i in cart["items"] if i["id"] == product_id)


# --- add-item ---
@pytest.mark.parametrize("body", [{"id": 99999}, {}, {"quantity": 1}])
def test_add_item_unknown_or_missing_id_is_invalid_product(client, token, body):
    reply = post(client, "cart/add-item", body, token)
    assert_error(reply, 400, "woocommerce_rest_cart_invalid_product")


def test_add_item_with_key_is_item_exists(client, token):
    reply = add(client, token, TSHIRT, key=UNKNOWN_KEY)
    assert_error(reply, 400, "woocommerce_rest_cart_item_exists")


@pytest.mark.parametrize("quantity", [0, -1])
def test_add_item_non_positive_quantity(client, token, quantity):
    reply = add(client, token, TSHIRT, quantity)
    assert_error(reply, 400, "woocommerce_rest_product_invalid_quantity")


def test_add_item_out_of_stock(client, token):
    reply = add(client, token, BELT)
    data = assert_error(reply, 400, "woocommerce_rest_product_out_of_stock")
    assert "cart" not in data
    assert "Belt" in reply.json()["message"]


def test_add_item_partially_out_of_stock(client, token):
    reply = add(client, token, SUNGLASSES, 5)
    assert_error(reply, 400, "woocommerce_rest_product_partially_out_of_stock")
    assert "2 remaining" in reply.json()["message"]


def test_add_item_draft_product_is_invalid_product(client, token):
    draft = ProductFactory(status="draft")
    assert_error(add(client, token, draft.pk), 400, "woocommerce_rest_cart_invalid_product")


def test_add_item_without_price_is_not_purchasable(client, token):
    priceless = ProductFactory(regular_price=None)
    reply = add(client, token, priceless.pk)
    assert_error(reply, 400, "woocommerce_rest_product_not_purchasable")


def test_add_sold_individually_twice_is_readonly_quantity(client, token):
    assert add(client, token, SIGNED_POSTER).status_code == 201
    assert_error(add(client, token, SIGNED_POSTER), 400, "readonly_quantity")


def test_update_sold_individually_to_two_is_readonly_quantity(client, token):
    assert add(client, token, SIGNED_POSTER).status_code == 201
    key = item_key(client, token, SIGNED_POSTER)
    reply = post(client, "cart/update-item", {"key": key, "quantity": 2}, token)
    assert_error(reply, 400, "readonly_quantity")


# --- variable products ---
@pytest.mark.parametrize(
    "variation, code",
    [
        ([], "woocommerce_rest_missing_variation_data"),
        ([{"attribute": "pa_color", "value": "Blue"}], "woocommerce_rest_missing_attributes"),
        (
            [{"attribute": "pa_color", "value": "Purple"}, {"attribute": "pa_size", "value": "M"}],
            "woocommerce_rest_invalid_variation_data",
        ),
        (
            # Every value is allowed, but no variation is Red in size S.
            [{"attribute": "pa_color", "value": "Red"}, {"attribute": "pa_size", "value": "S"}],
            "woocommerce_rest_variation_id_from_variation_data",
        ),
    ],
)
def test_variable_product_errors(client, token, variation, code):
    reply = add(client, token, HOODIE, variation=variation)
    assert_error(reply, 400, code)


def test_variable_product_with_full_variation_is_added(client, token):
    variation = [{"attribute": "pa_color", "value": "Blue"}, {"attribute": "pa_size", "value": "M"}]
    reply = add(client, token, HOODIE, variation=variation)
    assert reply.status_code == 201
    assert [i["id"] for i in reply.json()["items"]] == [15]


# --- quantity limits ---
def test_update_item_breaking_quantity_step_is_invalid_quantity(client, token):
    pairs = ProductFactory(quantity_step=2)
    assert add(client, token, pairs.pk, 2).status_code == 201
    key = item_key(client, token, pairs.pk)
    reply = post(client, "cart/update-item", {"key": key, "quantity": 3}, token)
    assert_error(reply, 400, "invalid_quantity")
    assert "multiple of 2" in reply.json()["message"]


def test_add_item_merging_past_the_quantity_step_is_invalid_quantity(client, token):
    pairs = ProductFactory(quantity_step=2)
    assert add(client, token, pairs.pk, 2).status_code == 201
    assert_error(add(client, token, pairs.pk, 1), 400, "invalid_quantity")


def test_add_item_merging_past_the_stock_is_partially_out_of_stock(client, token):
    assert add(client, token, SUNGLASSES, 2).status_code == 201
    reply = add(client, token, SUNGLASSES, 1)
    assert_error(reply, 400, "woocommerce_rest_product_partially_out_of_stock")


# --- unknown item keys ---
def test_update_item_unknown_key_is_409_with_cart(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/update-item", {"key": UNKNOWN_KEY, "quantity": 2}, token)
    data = assert_error(reply, 409, "woocommerce_rest_cart_invalid_key")
    assert [i["id"] for i in data["cart"]["items"]] == [TSHIRT]


def test_remove_item_unknown_key_is_409_with_cart(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/remove-item", {"key": UNKNOWN_KEY}, token)
    data = assert_error(reply, 409, "woocommerce_rest_cart_invalid_key")
    assert [i["id"] for i in data["cart"]["items"]] == [TSHIRT]


def test_update_item_without_quantity_and_unknown_key_is_200(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/update-item", {"key": UNKNOWN_KEY}, token)
    assert reply.status_code == 200
    assert [(i["id"], i["quantity"]) for i in reply.json()["items"]] == [(TSHIRT, 1)]


@pytest.mark.parametrize("method", ["get", "delete", "put", "patch", "post"])
def test_item_by_unknown_key_is_409(client, token, method):
    add(client, token, TSHIRT)
    path = f"{BASE}/cart/items/{UNKNOWN_KEY}"
    if method == "get":
        reply = client.get(path, HTTP_CART_TOKEN=token)
    else:
        body = json.dumps({"quantity": 2})
        reply = getattr(client, method)(
            path, body, content_type="application/json", HTTP_CART_TOKEN=token
        )
    data = assert_error(reply, 409, "woocommerce_rest_cart_invalid_key")
    assert [i["id"] for i in data["cart"]["items"]] == [TSHIRT]


# --- coupons ---
@pytest.mark.parametrize("code", ["nosuchcoupon", "expired", "usedup", "big20"])
def test_apply_coupon_refused(client, token, code):
    add(client, token, TSHIRT)  # $18.00: under big20's $50.00 minimum spend
    reply = post(client, "cart/apply-coupon", {"code": code}, token)
    data = assert_error(reply, 400, "woocommerce_rest_cart_coupon_error")
    assert "cart" not in data


def test_apply_coupon_twice_is_coupon_error(client, token):
    add(client, token, TSHIRT)
    assert post(client, "cart/apply-coupon", {"code": "10off"}, token).status_code == 200
    reply = post(client, "cart/apply-coupon", {"code": "10off"}, token)
    assert_error(reply, 400, "woocommerce_rest_cart_coupon_error")
    # CartController::apply_coupon's words.
    assert reply.json()["message"] == 'Coupon code "10off" has already been applied.'


def test_min_spend_coupon_applies_above_the_minimum(client, token):
    add(client, token, TSHIRT, 3)  # $54.00
    assert post(client, "cart/apply-coupon", {"code": "big20"}, token).status_code == 200


@pytest.mark.parametrize(
    "method, route",
    [
        ("post", "cart/apply-coupon"),
        ("post", "cart/remove-coupon"),
        ("post", "cart/coupons"),
        ("delete", "cart/coupons/10off"),
    ],
)
def test_coupons_disabled(client, token, settings, method, route):
    settings.HUB_COUPONS_ENABLED = False
    reply = getattr(client, method)(
        f"{BASE}/{route}",
        json.dumps({"code": "10off"}),
        content_type="application/json",
        HTTP_CART_TOKEN=token,
    )
    assert_error(reply, 404, "woocommerce_rest_cart_coupon_disabled")


def test_remove_coupon_not_applied_is_400(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/remove-coupon", {"code": "10off"}, token)
    data = assert_error(reply, 400, "woocommerce_rest_cart_coupon_invalid_code")
    assert reply.json()["message"] == (
        "Coupon cannot be removed because it is not already applied to the cart."
    )
    assert "cart" not in data


def test_remove_coupon_unknown_code_is_invalid_coupon_code(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/remove-coupon", {"code": "no-such-coupon"}, token)
    assert_error(reply, 400, "woocommerce_rest_cart_coupon_error")
    assert reply.json()["message"] == "Invalid coupon code."


@pytest.mark.parametrize("method", ["get", "delete"])
def test_coupon_by_code_not_applied_is_404(client, token, method):
    add(client, token, TSHIRT)
    reply = getattr(client, method)(f"{BASE}/cart/coupons/10off", HTTP_CART_TOKEN=token)
    data = assert_error(reply, 404, "woocommerce_rest_cart_coupon_invalid_code")
    assert "cart" not in data


# --- shipping ---
@pytest.mark.parametrize("body", [{}, {"rate_id": ""}, {"package_id": 0}])
def test_select_shipping_rate_without_rate_id(client, token, body):
    reply = post(client, "cart/select-shipping-rate", body, token)
    assert_error(reply, 400, "woocommerce_rest_cart_missing_rate_id")


def test_select_shipping_rate_with_shipping_disabled(client, token, settings):
    settings.HUB_SHIPPING_ENABLED = False
    reply = post(client, "cart/select-shipping-rate", {"rate_id": "flat_rate:1"}, token)
    assert_error(reply, 404, "woocommerce_rest_shipping_disabled")


def test_select_shipping_rate_unknown_rate_is_refused(client, token):
    add(client, token, TSHIRT)
    reply = post(client, "cart/select-shipping-rate", {"rate_id": "flat_rate:999"}, token)
    data = assert_error(reply, 400, "woocommerce_rest_invalid_shipping_option")
    assert data["rate_id"] == "flat_rate:999"
    cart = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()
    assert not any(r["selected"] for p in cart["shipping_rates"] for r in p["shipping_rates"])


def test_select_shipping_rate_not_offered_for_the_address_is_refused(client, token):
    add(client, token, TSHIRT)
    address = {"country": "US", "state": "TX", "postcode": "73301", "city": "Austin"}
    reply = post(client, "cart/update-customer", {"shipping_address": address}, token)
    assert reply.status_code == 200
    # Express (flat_rate:3) ships to California and New York only.
    reply = post(client, "cart/select-shipping-rate", {"rate_id": "flat_rate:3"}, token)
    assert_error(reply, 400, "woocommerce_rest_invalid_shipping_option")
    reply = post(client, "cart/select-shipping-rate", {"rate_id": "flat_rate:1"}, token)
    assert reply.status_code == 200


# --- update-customer ---
@pytest.mark.parametrize(
    "fields, detail_code",
    [
        ({"country": "XX"}, "invalid_country"),
        ({"country": "US", "postcode": "ABCDE"}, "invalid_postcode"),
        ({"email": "not-an-email"}, "invalid_email"),
    ],
)
def test_update_customer_invalid_billing_address(client, token, fields, detail_code):
    add(client, token, TSHIRT)  # needs shipping: billing is not copied into shipping
    billing = {**US_ADDRESS, **fields}
    reply = post(client, "cart/update-customer", {"billing_address": billing}, token)
    data = assert_error(reply, 400, "rest_invalid_param")
    assert reply.json()["message"] == "Invalid parameter(s): billing_address"
    assert list(data["params"]) == ["billing_address"]
    assert isinstance(data["params"]["billing_address"], str) and data["params"]["billing_address"]
    detail = data["details"]["billing_address"]
    assert detail["code"] == detail_code
    assert detail["message"] and detail["data"] == {"status": 400}


@pytest.mark.parametrize("fields", [{"country": "XX"}, {"country": "US", "postcode": "ABCDE"}])
def test_update_customer_invalid_billing_on_a_cart_without_shipping(client, token, fields):
    # Billing is copied into shipping when none is needed or sent, but its errors are
    # reported once, under the parameter the client sent.
    billing = {**US_ADDRESS, **fields}
    reply = post(client, "cart/update-customer", {"billing_address": billing}, token)
    data = assert_error(reply, 400, "rest_invalid_param")
    assert reply.json()["message"] == "Invalid parameter(s): billing_address"
    assert list(data["params"]) == ["billing_address"]
    assert list(data["details"]) == ["billing_address"]
    cart = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()
    assert cart["billing_address"]["country"] == "" and cart["shipping_address"]["country"] == ""


def test_update_customer_reports_every_problem(client, token):
    add(client, token, TSHIRT)
    billing = {**US_ADDRESS, "postcode": "ABCDE", "email": "nope"}
    reply = post(client, "cart/update-customer", {"billing_address": billing}, token)
    data = assert_error(reply, 400, "rest_invalid_param")
    detail = data["details"]["billing_address"]
    codes = {detail["code"]} | {e["code"] for e in detail["additional_errors"]}
    assert codes == {"invalid_postcode", "invalid_email"}


# --- WordPress argument validation ---
def test_remove_item_without_key_is_missing_callback_param(client, token):
    reply = post(client, "cart/remove-item", {}, token)
    data = assert_error(reply, 400, "rest_missing_callback_param")
    assert data["params"] == ["key"]


@pytest.mark.parametrize(
    "route, body, param",
    [
        ("cart/update-item", {"key": UNKNOWN_KEY, "quantity": "abc"}, "quantity"),
        ("cart/add-item", {"id": TSHIRT, "quantity": "abc"}, "quantity"),
        ("cart/add-item", {"id": "abc"}, "id"),
    ],
)
def test_wrong_type_is_invalid_param(client, token, route, body, param):
    reply = post(client, route, body, token)
    data = assert_error(reply, 400, "rest_invalid_param")
    assert list(data["params"]) == [param]
    assert data["details"][param]["code"] == "rest_invalid_type"


def test_bad_json_is_rest_invalid_json(client, token):
    reply = client.post(
        f"{BASE}/cart/add-item", "{not json", content_type="application/json", HTTP_CART_TOKEN=token
    )
    assert_error(reply, 400, "rest_invalid_json")


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "nope"),
        ("post", "nope"),
        ("delete", "cart"),
        ("put", "cart/add-item"),
        ("post", "cart/coupons/10off"),
    ],
)
def test_unknown_route_or_method_is_rest_no_route(client, token, method, path):
    reply = getattr(client, method)(f"{BASE}/{path}", HTTP_CART_TOKEN=token)
    # An unmatched path is no cart route: it has no session to report.
    assert_error(reply, 404, "rest_no_route", session_headers=not path.startswith("nope"))


# --- the nonce rule ---
def test_write_without_nonce_or_token_is_missing_nonce(client, store):
    reply = add(client, None, TSHIRT)
    assert_error(reply, 401, "woocommerce_rest_missing_nonce")
    assert len(reply.headers["Nonce"]) == 10
    assert reply.headers["Cart-Token"]


def test_write_with_bad_nonce_is_invalid_nonce(client, store):
    reply = add(client, None, TSHIRT, headers={"HTTP_NONCE": "0000000000"})
    assert_error(reply, 403, "woocommerce_rest_invalid_nonce")
    assert len(reply.headers["Nonce"]) == 10
    assert reply.headers["Cart-Token"]


def test_nonce_from_an_error_reply_lets_the_retry_through(client, store):
    refused = add(client, None, TSHIRT)
    assert refused.status_code == 401
    retry = add(client, None, TSHIRT, headers={"HTTP_NONCE": refused.headers["Nonce"]})
    assert retry.status_code == 201


def test_nonce_check_can_be_disabled(client, store, settings):
    settings.WOO_STORE_DISABLE_NONCE_CHECK = True
    assert add(client, None, TSHIRT).status_code == 201
    reply = add(client, None, TSHIRT, headers={"HTTP_NONCE": "0000000000"})
    assert reply.status_code == 201


def test_reads_need_no_nonce(client, store):
    assert client.get(f"{BASE}/cart").status_code == 200
    assert client.get(f"{BASE}/cart/items").status_code == 200


# --- scenarios ---
def test_scenario_out_of_stock_on_add_item(client, token):
    reply = add(client, token, TSHIRT, headers={"HTTP_X_HUB_SCENARIO": "out_of_stock"})
    assert_error(reply, 400, "woocommerce_rest_product_out_of_stock")


def test_scenario_rate_limited(client, token):
    reply = add(client, token, TSHIRT, headers={"HTTP_X_HUB_SCENARIO": "rate_limited"})
    assert_error(reply, 400, "rate_limit_exceeded")
    for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert reply.headers.get(name) is not None, name
    assert reply.headers["RateLimit-Retry-After"] == "60"
    assert "Retry-After" not in reply.headers


def test_scenario_server_error(client, token):
    reply = add(client, token, TSHIRT, headers={"HTTP_X_HUB_SCENARIO": "server_error"})
    assert_error(reply, 500, "woocommerce_rest_unknown_server_error")
    assert reply.headers["Cart-Token"]


def test_scenario_not_authenticated(client, token):
    reply = add(client, token, TSHIRT, headers={"HTTP_X_HUB_SCENARIO": "not_authenticated"})
    assert_error(reply, 401, "rest_not_logged_in")


def test_unknown_scenario_is_invalid_param(client, token):
    reply = add(client, token, TSHIRT, headers={"HTTP_X_HUB_SCENARIO": "no_such_scenario"})
    data = assert_error(reply, 400, "rest_invalid_param")
    assert "no_such_scenario" in data["params"]["X-Hub-Scenario"]


# --- rate limits ---
@pytest.fixture
def rate_limit(settings):
    settings.WOO_STORE_RATE_LIMIT_ENABLED = True
    settings.WOO_STORE_RATE_LIMIT = 2
    settings.WOO_STORE_RATE_LIMIT_SECONDS = 60


def test_third_write_is_rate_limited(client, token, rate_limit):
    first = add(client, token, TSHIRT)
    second = add(client, token, TSHIRT)
    for reply, remaining in ((first, "1"), (second, "0")):
        assert reply.status_code == 201
        assert reply.headers["RateLimit-Limit"] == "2"
        assert reply.headers["RateLimit-Remaining"] == remaining
        assert int(reply.headers["RateLimit-Reset"]) > 0
        assert "RateLimit-Retry-After" not in reply.headers
        assert "Retry-After" not in reply.headers

    third = add(client, token, TSHIRT)

    assert_error(third, 400, "rate_limit_exceeded")
    message = third.json()["message"]
    match = re.fullmatch(
        r"Too many requests\. Please wait (\d+) seconds before trying again\.", message
    )
    assert match and 1 <= int(match.group(1)) <= 60
    assert third.headers["RateLimit-Limit"] == "2"
    assert third.headers["RateLimit-Remaining"] == "0"
    assert int(third.headers["RateLimit-Reset"]) > 0
    assert third.headers["RateLimit-Retry-After"] == match.group(1)
    assert "Retry-After" not in third.headers
    # The blocked write changed nothing.
    cart = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token)
    assert cart.json()["items_count"] == 2


def test_reads_are_not_rate_limited(client, token, rate_limit):
    for _ in range(3):
        add(client, token, TSHIRT)
    for _ in range(3):
        reply = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token)
        assert reply.status_code == 200
        assert "RateLimit-Limit" not in reply.headers


@pytest.mark.parametrize("product_id", [99999999999999999999999, -5])
def test_add_item_with_an_id_no_product_can_have(client, token, product_id):
    reply = post(client, "cart/add-item", {"id": product_id}, token)
    assert_error(reply, 400, "woocommerce_rest_cart_invalid_product")


def test_add_a_variation_whose_parent_is_not_published(client, token):
    from checkout_hub.models import Product

    Product.objects.filter(pk=HOODIE).update(status=Product.Status.DRAFT)
    reply = post(client, "cart/add-item", {"id": 14}, token)
    assert_error(reply, 400, "woocommerce_rest_cart_invalid_parent_product")
