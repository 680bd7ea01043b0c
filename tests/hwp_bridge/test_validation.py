"""VALIDATION_FAILED (422) from every kind of bad request, with zod flatten()-style
`fieldErrors` paths (`items[0].quantity`, `billingAddress.postcode`) and `formErrors`: the
allowlist, strict JSON types, limits, URLs, addresses, and what the request names that the
store does not have (products, variations, coupons). Nothing is left behind by a refusal."""

import pytest
from django.test import override_settings

from checkout_hub.models import Cart, Coupon, Order
from tests.hwp_bridge.conftest import (
    BELT,
    HOODIE,
    HOODIE_BLUE_S,
    TSHIRT,
    assert_ok,
    field_errors,
    post_checkout,
)

ITEM = {"productId": TSHIRT, "quantity": 1}
ITEMS = {"items": [ITEM]}
INTEGER = ["Expected an integer."]


def errors_for(client, nonce, body, **kwargs) -> dict:
    errors = field_errors(post_checkout(client, body, nonce=nonce, **kwargs))
    assert not Order.objects.exists() and not Cart.objects.exists()
    return errors


# --- the allowlist ---
def test_unknown_top_level_fields_are_refused(client, store, nonce):
    body = {**ITEMS, "mode": "redirect", "checkoutMode": "local", "total": 100}
    assert errors_for(client, nonce, body) == {
        "mode": ["Unknown field."],
        "checkoutMode": ["Unknown field."],
        "total": ["Unknown field."],
    }


def test_unknown_fields_are_reported_with_other_errors(client, store, nonce):
    body = {"items": [{"productId": 0, "quantity": 1}], "extra": 1}
    assert errors_for(client, nonce, body) == {
        "items[0].productId": ["Ensure this value is greater than or equal to 1."],
        "extra": ["Unknown field."],
    }


def test_every_documented_field_is_accepted(client, store, nonce):
    body = {
        "items": [ITEM],
        "couponCode": "10off",
        "couponCodes": ["5dollars"],
        "returnUrl": "https://shop.example.com/return",
        "cancelUrl": "http://localhost:3000/cart",
        "notes": "Hi",
        "customer": {"email": "a@example.com", "firstName": "A", "lastName": "B", "phone": "1"},
        "billingAddress": {"country": "US"},
        "shippingAddress": {"country": "US"},
        "strategy": "redirect_to_woo",
    }
    assert_ok(post_checkout(client, body, nonce=nonce))


# --- items ---
def test_items_are_required(client, store, nonce):
    assert errors_for(client, nonce, {}) == {"items": ["This field is required."]}


def test_an_empty_body_needs_items(client, store, nonce):
    reply = client.post(
        "/wp-json/headlesswp/v1/store/checkout-session",
        content_type="application/json",
        HTTP_X_WP_NONCE=nonce,
    )
    assert field_errors(reply) == {"items": ["This field is required."]}


@pytest.mark.parametrize(
    "items, expected",
    [
        ([], ["At least 1 item is required."]),
        ([ITEM] * 31, ["At most 30 items are allowed."]),
        ({"productId": 1}, ['Expected a list of items but got type "dict".']),
        (None, ["This field may not be null."]),
    ],
    ids=["empty", "31", "object", "null"],
)
def test_items_shape(client, store, nonce, items, expected):
    assert errors_for(client, nonce, {"items": items}) == {"items": expected}


@pytest.mark.parametrize(
    "item, expected",
    [
        ({"quantity": 1}, {"items[0].productId": ["This field is required."]}),
        ({"productId": 1}, {"items[0].quantity": ["This field is required."]}),
        ({"productId": True, "quantity": 1}, {"items[0].productId": INTEGER}),
        ({"productId": 1.0, "quantity": 1}, {"items[0].productId": INTEGER}),
        ({"productId": "1", "quantity": 1}, {"items[0].productId": INTEGER}),
        (
            {"productId": None, "quantity": 1},
            {"items[0].productId": ["This field may not be null."]},
        ),
        (
            {"productId": -3, "quantity": 1},
            {"items[0].productId": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"productId": 1, "quantity": 0},
            {"items[0].quantity": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"productId": 1, "quantity": 51},
            {"items[0].quantity": ["Ensure this value is less than or equal to 50."]},
        ),
        ({"productId": 1, "quantity": False}, {"items[0].quantity": INTEGER}),
        ({"productId": 1, "quantity": 2.5}, {"items[0].quantity": INTEGER}),
        ({"productId": 1, "quantity": "2"}, {"items[0].quantity": INTEGER}),
        ({"productId": 13, "quantity": 1, "variationId": "14"}, {"items[0].variationId": INTEGER}),
        (
            {"productId": 13, "quantity": 1, "variationId": 0},
            {"items[0].variationId": ["Ensure this value is greater than or equal to 1."]},
        ),
        (7, {"items[0]": ["Invalid data. Expected a dictionary, but got int."]}),
    ],
)
def test_item_fields(client, store, nonce, item, expected):
    assert errors_for(client, nonce, {"items": [item]}) == expected


def test_errors_name_the_failing_item(client, store, nonce):
    body = {"items": [ITEM, ITEM, {"productId": 2, "quantity": 99}, {"productId": True}]}
    assert errors_for(client, nonce, body) == {
        "items[2].quantity": ["Ensure this value is less than or equal to 50."],
        "items[3].productId": INTEGER,
        "items[3].quantity": ["This field is required."],
    }


# --- URLs ---
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://shop.example.com/file",
        "/checkout/return",
        "shop.example.com/return",
        "https://",
        "http:///path",
        "https://shop.example.com/a b",
        "data:text/html,hi",
    ],
)
@pytest.mark.parametrize("field", ["returnUrl", "cancelUrl"])
def test_only_http_urls(client, store, nonce, field, url):
    errors = errors_for(client, nonce, {**ITEMS, field: url})
    assert errors == {field: ["Expected an absolute http or https URL."]}


@pytest.mark.parametrize("field", ["returnUrl", "cancelUrl"])
def test_a_url_must_be_a_string(client, store, nonce, field):
    assert errors_for(client, nonce, {**ITEMS, field: 42}) == {field: ["Expected a string."]}


@pytest.mark.parametrize(
    "url", ["https://shop.example.com/return?x=1#top", "http://localhost:3000/r", "HTTPS://A.B/"]
)
def test_good_urls(client, store, nonce, url):
    assert_ok(post_checkout(client, {**ITEMS, "returnUrl": url}, nonce=nonce))


# --- other fields' types ---
@pytest.mark.parametrize(
    "field, value, path, message",
    [
        ("couponCode", 10, "couponCode", "Expected a string."),
        ("couponCodes", "10off", "couponCodes", 'Expected a list of items but got type "str".'),
        ("couponCodes", ["10off", 5], "couponCodes[1]", "Expected a string."),
        ("couponCodes", [""], "couponCodes[0]", "This field may not be blank."),
        ("notes", {"a": 1}, "notes", "Expected a string."),
        ("paymentToken", 123, "paymentToken", "Expected a string."),
        ("strategy", ["token_handoff"], "strategy", "Expected a string."),
        ("customer", "me", "customer", "Invalid data. Expected a dictionary, but got str."),
        ("customer", {"email": "nope"}, "customer.email", "Enter a valid email address."),
        ("customer", {"email": 5}, "customer.email", "Expected a string."),
        (
            "billingAddress",
            [],
            "billingAddress",
            "Invalid data. Expected a dictionary, but got list.",
        ),
        ("billingAddress", {"firstName": 1}, "billingAddress.firstName", "Expected a string."),
        ("shippingAddress", {"address_1": True}, "shippingAddress.address1", "Expected a string."),
    ],
)
def test_field_types(client, store, nonce, field, value, path, message):
    assert errors_for(client, nonce, {**ITEMS, field: value}) == {path: [message]}


# --- addresses, checked as WooCommerce checks them ---
@pytest.mark.parametrize(
    "field, address, path, message",
    [
        (
            "billingAddress",
            {"country": "US", "postcode": "ABC"},
            "billingAddress.postcode",
            "The provided postcode / ZIP is not valid.",
        ),
        (
            "billingAddress",
            {"country": "ZZ"},
            "billingAddress.country",
            "The provided country (ZZ) is not valid.",
        ),
        (
            "billingAddress",
            {"country": "US", "state": "Narnia"},
            "billingAddress.state",
            "The provided state (Narnia) is not valid.",
        ),
        (
            "billingAddress",
            {"email": "not-an-email"},
            "billingAddress.email",
            "Invalid email address",
        ),
        (
            "billingAddress",
            {"phone": "call me"},
            "billingAddress.phone",
            "The provided phone number is not valid.",
        ),
        (
            "shippingAddress",
            {"country": "GB", "postcode": "12345"},
            "shippingAddress.postcode",
            "The provided postcode / ZIP is not valid.",
        ),
    ],
)
def test_address_problems(client, store, nonce, field, address, path, message):
    assert errors_for(client, nonce, {**ITEMS, field: address}) == {path: [message]}


def test_snake_case_address_keys_report_camel_case_paths(client, store, nonce):
    body = {**ITEMS, "billingAddress": {"first_name": "Ray", "country": "US", "postcode": "x"}}
    assert errors_for(client, nonce, body) == {
        "billingAddress.postcode": ["The provided postcode / ZIP is not valid."]
    }


def test_invalid_address_scenario(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO="invalid_address")
    assert field_errors(reply) == {
        "billingAddress.postcode": ["The provided postcode / ZIP is not valid."]
    }
    assert not Order.objects.exists()


# --- what the store does not have ---
def test_unknown_product(client, store, nonce):
    body = {"items": [ITEM, {"productId": 9999, "quantity": 1}]}
    assert errors_for(client, nonce, body) == {
        "items[1].productId": ["This product cannot be found."]
    }


def test_unpublished_product(client, store, nonce):
    from checkout_hub.models import Product

    Product.objects.filter(pk=TSHIRT).update(status=Product.Status.DRAFT)
    assert errors_for(client, nonce, ITEMS) == {
        "items[0].productId": ["This product cannot be found."]
    }


def test_variable_product_needs_its_variation(client, store, nonce):
    errors = errors_for(client, nonce, {"items": [{"productId": HOODIE, "quantity": 1}]})
    assert list(errors) == ["items[0].variationId"]
    assert errors["items[0].variationId"][0].startswith("Missing variation data")


def test_a_variation_of_another_product(client, store, nonce):
    body = {"items": [{"productId": HOODIE, "quantity": 1, "variationId": BELT}]}
    assert errors_for(client, nonce, body) == {
        "items[0].variationId": ["Invalid variation ID provided."]
    }


def test_a_variation_by_its_own_id(client, store, nonce):
    assert_ok(
        post_checkout(client, {"items": [{"productId": HOODIE_BLUE_S, "quantity": 1}]}, nonce=nonce)
    )
    assert [i.variation_ref for i in Order.objects.get().items.all()] == [HOODIE_BLUE_S]


def test_unknown_coupon_code(client, store, nonce):
    body = {**ITEMS, "couponCode": "nope"}
    assert errors_for(client, nonce, body) == {"couponCode": ['Coupon "nope" does not exist!']}


def test_expired_coupon_in_coupon_codes(client, store, nonce):
    body = {**ITEMS, "couponCodes": ["10off", "expired"]}
    errors = errors_for(client, nonce, body)
    assert list(errors) == ["couponCodes[1]"]
    assert "expired" in errors["couponCodes[1]"][0].lower()


def test_minimum_spend_coupon(client, store, nonce):
    errors = errors_for(client, nonce, {**ITEMS, "couponCodes": ["big20"]})
    assert list(errors) == ["couponCodes[0]"]


def test_repeated_coupons_apply_once(client, store, nonce):
    body = {**ITEMS, "couponCode": "10off", "couponCodes": ["10OFF", " 10off "]}
    assert_ok(post_checkout(client, body, nonce=nonce))
    assert [line["code"] for line in Order.objects.get().coupon_lines] == ["10off"]


@override_settings(HUB_COUPONS_ENABLED=False)
def test_coupons_switched_off(client, store, nonce):
    assert errors_for(client, nonce, {**ITEMS, "couponCode": "10off"}) == {
        "couponCode": ["Coupons are disabled."]
    }


def test_invalid_coupon_scenario(client, store, nonce):
    reply = post_checkout(
        client, {**ITEMS, "couponCode": "10off"}, nonce=nonce, HTTP_X_HUB_SCENARIO="invalid_coupon"
    )
    assert field_errors(reply) == {"couponCode": ["This coupon has expired."]}


def test_a_coupon_used_up_meanwhile_names_its_field(client, store, nonce, monkeypatch):
    # The coupon applies to the cart, then its last use goes before the order is placed.
    from checkout_hub.services import cart as cart_service

    real = cart_service.apply_coupon

    def apply_then_use_up(cart, code):
        coupon = real(cart, code)
        Coupon.objects.filter(pk=coupon.pk).update(usage_limit=1, usage_count=1)
        return coupon

    monkeypatch.setattr(cart_service, "apply_coupon", apply_then_use_up)
    errors = errors_for(client, nonce, {**ITEMS, "couponCodes": ["10off"]})
    assert errors == {"couponCodes[0]": ["Coupon usage limit has been reached."]}
