"""Every CoCart error code from its real cause (reference §1, §2, §5 and the seed), in
WordPress's envelope `{code, message, data: {status}}`."""

import pytest

from checkout_hub.models import Order, Product

from .conftest import US_ADDRESS, V2, assert_error

TSHIRT_KEY = "c4ca4238a0b923820dcc509a6f75849b"
UNKNOWN_KEY = "0" * 32


# --- add-item ---
@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"id": ""}, 404, "cocart_product_id_required"),
        ({}, 404, "cocart_product_id_required"),
        ({"id": "NO-SUCH-SKU"}, 404, "cocart_unknown_product_id"),
        ({"id": 1, "quantity": "lots"}, 405, "cocart_quantity_not_numeric"),
        ({"id": 1, "quantity": 0}, 405, "cocart_quantity_invalid_amount"),
        ({"id": 1, "quantity": -2}, 405, "cocart_quantity_invalid_amount"),
        ({"id": 99999}, 400, "cocart_invalid_product"),
        ({"id": 13}, 400, "cocart_missing_variation_data"),
        (
            {"id": 13, "variation": {"attribute_pa_color": "Purple", "attribute_pa_size": "S"}},
            400,
            "cocart_invalid_variation_data",
        ),
        (
            {"id": 13, "variation": {"attribute_pa_color": "Red", "attribute_pa_size": "S"}},
            404,
            "cocart_no_variation_found",
        ),
        ({"id": 6}, 404, "cocart_product_out_of_stock"),
        ({"id": 7, "quantity": 3}, 404, "cocart_not_enough_in_stock"),
        ({"id": 1, "variation": "blue"}, 400, "rest_invalid_param"),
    ],
)
def test_add_item_errors(api, body, status, code):
    assert_error(api.post("cart/add-item", body), status, code)


def test_stock_messages(api):
    message = api.post("cart/add-item", {"id": 7, "quantity": 3}).json()["message"]
    assert message == (
        "You cannot add that amount of “Sunglasses” to the cart because there is not enough "
        "stock (2 remaining)."
    )
    api.post("cart/add-item", {"id": 7, "quantity": 2})
    reply = api.post("cart/add-item", {"id": 7})
    data = assert_error(reply, 404, "cocart_not_enough_stock_remaining")
    assert data == {"status": 404}
    assert reply.json()["message"] == (
        "You cannot add that amount to the cart — we have 2 in stock and you already have 2 "
        "in your cart."
    )


def test_sold_individually(api):
    api.post("cart/add-item", {"id": 9})
    assert_error(api.post("cart/add-item", {"id": 9}), 403, "cocart_product_sold_individually")
    key = api.get("cart").json()["items"][0]["item_key"]
    assert_error(
        api.post(f"cart/item/{key}", {"quantity": 2}), 405, "cocart_can_not_increase_quantity"
    )


def test_not_purchasable_and_parent_gone(api):
    Product.objects.filter(pk=2).update(regular_price=None)
    assert_error(api.post("cart/add-item", {"id": 2}), 400, "cocart_cannot_be_purchased")
    Product.objects.filter(pk=13).update(status=Product.Status.DRAFT)
    assert_error(api.post("cart/add-item", {"id": 15}), 404, "cocart_cart_invalid_parent_product")


def test_grouped_add_items(api):
    assert_error(api.post("cart/add-items", {"id": 1}), 404, "cocart_grouped_product_failed")
    assert_error(
        api.post("cart/add-items", {"id": 1, "quantity": {"2": 0, "3": -1}}),
        404,
        "cocart_grouped_product_empty",
    )
    body = api.post("cart/add-items", {"id": 1, "quantity": {"2": 1, "3": 2, "4": 0}}).json()
    assert [(i["id"], i["quantity"]["value"]) for i in body["items"]] == [(2, 1), (3, 2)]
    # The docs' items[] form.
    items = api.post("cart/add-items", {"items": [{"id": 4, "quantity": 1}], "return_items": True})
    assert [i["id"] for i in items.json()] == [4]


# --- items ---
def test_item_errors(api):
    assert_error(api.get(f"cart/item/{UNKNOWN_KEY}"), 404, "cocart_item_not_in_cart")
    assert_error(api.delete(f"cart/item/{UNKNOWN_KEY}"), 404, "cocart_no_items")
    assert_error(api.get("cart/items"), 404, "cocart_no_items_in_cart")
    assert_error(api.get("cart/totals"), 404, "cocart_cart_totals_empty")
    # 4.8.0+: an item key is exactly 32 word characters; anything else is no route.
    assert_error(api.get("cart/item/abc"), 404, "rest_no_route")
    api.post("cart/add-item", {"id": 1})
    assert_error(api.delete(f"cart/item/{UNKNOWN_KEY}"), 404, "cocart_item_not_in_cart")
    assert_error(
        api.post(f"cart/item/{UNKNOWN_KEY}", {"quantity": 2}), 404, "cocart_item_not_in_cart"
    )
    assert_error(api.post(f"cart/item/{TSHIRT_KEY}", {}), 400, "rest_missing_callback_param")
    assert_error(
        api.post(f"cart/item/{TSHIRT_KEY}", {"quantity": "x"}), 405, "cocart_quantity_not_numeric"
    )
    # Restore: not removed is 404, already in the cart is 405 (one code).
    assert_error(api.put(f"cart/item/{UNKNOWN_KEY}"), 404, "cocart_item_restored_to_cart")
    assert_error(api.put(f"cart/item/{TSHIRT_KEY}"), 405, "cocart_item_restored_to_cart")


def test_restore_checks_stock_again(api):
    api.post("cart/add-item", {"id": 7, "quantity": 2})
    key = api.get("cart").json()["items"][0]["item_key"]
    api.delete(f"cart/item/{key}")
    Product.objects.filter(pk=7).update(stock_quantity=1)
    assert_error(api.put(f"cart/item/{key}"), 404, "cocart_not_enough_in_stock")


# --- update ---
def test_update_errors(api):
    assert_error(api.post("cart/update", {}), 404, "cocart_update_cart_no_namespace_error")
    assert_error(
        api.post("cart/update", {"namespace": "nope"}), 404, "cocart_update_cart_namespace_error"
    )
    assert_error(api.post("cart/update", {"namespace": "update-cart"}), 404, "cocart_cart_empty")
    api.post("cart/add-item", {"id": 1})
    assert_error(
        api.post("cart/update", {"namespace": "update-cart", "quantity": 3}),
        400,
        "cocart_update_cart_invalid_callback_error",
    )
    assert_error(
        api.post("cart/update", {"namespace": "update-cart", "quantity": {"": 2}}),
        404,
        "cocart_cart_item_key_required",
    )
    body = api.post("cart/update", {"namespace": "update-cart", "quantity": {TSHIRT_KEY: 5}}).json()
    assert body["items"][0]["quantity"]["value"] == 5
    data = assert_error(
        api.post("cart/update", {"namespace": "update-customer", "email": "not-an-email"}),
        400,
        "rest_invalid_param",
    )
    assert list(data["params"]) == ["billing_email"]


# --- coupons and shipping (CoCart Plus) ---
def test_coupon_and_shipping_errors(api):
    api.post("cart/add-item", {"id": 1})
    reply = api.post("cart/apply-coupon", {"coupon": "nosuch"})
    assert_error(reply, 400, "cocart_coupon_error")
    assert reply.json()["message"] == 'Coupon "nosuch" does not exist!'
    assert_error(api.post("cart/apply-coupon", {"coupon": "expired"}), 400, "cocart_coupon_error")
    assert_error(api.post("cart/apply-coupon", {}), 400, "cocart_coupon_required")
    assert_error(api.delete("cart/coupons/10off"), 404, "cocart_coupon_not_applied")
    data = assert_error(
        api.post("cart/set-shipping-method", {"method_key": "flat_rate:99"}),
        400,
        "cocart_invalid_shipping_method",
    )
    assert data["available"] == []
    api.post("cart/calculate/shipping", {"country": "US", "state": "CA", "postcode": "94110"})
    data = assert_error(
        api.post("cart/set-shipping-method", {"method_key": "flat_rate:99"}),
        400,
        "cocart_invalid_shipping_method",
    )
    assert data["available"] == ["flat_rate:1", "flat_rate:3"]


# --- products ---
def test_product_errors(client, store):
    assert_error(client.get(f"{V2}/products/99999"), 404, "cocart_product_not_found")
    assert_error(client.get(f"{V2}/products/no-such-slug"), 404, "cocart_product_slug_not_found")
    assert_error(client.get(f"{V2}/products", {"per_page": 500}), 400, "rest_invalid_param")


# --- the Preview checkout ---
def test_checkout_empty_cart(api):
    assert_error(api.checkout("get"), 400, "cocart_checkout_empty_cart")
    assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"}),
        400,
        "cocart_checkout_empty_cart",
    )
    assert_error(
        api.checkout("post", "checkout/payment-context", {"payment_method": "stripe"}),
        400,
        "cocart_checkout_empty_cart",
    )


def test_checkout_invalid_address_names_the_fields(api):
    api.post("cart/add-item", {"id": 1})
    for change, field in (
        ({"email": ""}, "billing_email"),
        ({"postcode": "ABC"}, "billing_postcode"),
    ):
        bad = {**US_ADDRESS, **change}
        reply = api.checkout("put", body={"billing_address": bad, "payment_method": "cod"})
        data = assert_error(reply, 400, "cocart_checkout_invalid_address")
        assert list(data["invalid_fields"]) == [field]
        assert data["invalid_fields"][field]
    # The update method validates what it is sent too.
    data = assert_error(
        api.checkout("post", body={"billing_address": {"email": "nope"}}),
        400,
        "cocart_checkout_invalid_address",
    )
    assert list(data["invalid_fields"]) == ["billing_email"]


def test_checkout_insufficient_stock_has_stock_data(api):
    api.post("cart/add-item", {"id": 7, "quantity": 2})
    Product.objects.filter(pk=7).update(stock_quantity=1)
    data = assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"}),
        400,
        "cocart_insufficient_stock",
    )
    assert data["stock_data"] == [
        {
            "product_id": 7,
            "product_name": "Sunglasses",
            "requested_quantity": 2,
            "available_quantity": 1,
        }
    ]


def test_checkout_payment_method_errors(api):
    api.post("cart/add-item", {"id": 1})
    assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS}),
        400,
        "cocart_checkout_missing_payment_method",
    )
    data = assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "bogus"}),
        400,
        "cocart_invalid_payment_method",
    )
    assert data["available"] == ["stripe", "bacs", "cheque", "cod"]
    assert_error(
        api.checkout("post", "checkout/payment-context", {"payment_method": "bogus"}),
        400,
        "cocart_invalid_payment_method",
    )
    assert_error(
        api.checkout("put", body={"payment_method": "cod"}), 400, "rest_missing_callback_param"
    )
    assert_error(api.checkout("post", body={"currency": "usd"}), 400, "rest_invalid_param")
    assert_error(
        api.checkout("post", body={"shipping_method": "flat_rate:99"}),
        400,
        "cocart_invalid_shipping_method",
    )


def test_checkout_disabled(api, settings):
    api.post("cart/add-item", {"id": 1})
    settings.HUB_CHECKOUT_ENABLED = False
    assert_error(
        api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"}),
        403,
        "cocart_checkout_disabled",
    )


def test_order_received_errors(api):
    assert_error(
        api.checkout("get", "order-received/12345", {"order_key": "x"}),
        404,
        "cocart_order_not_found",
    )
    api.post("cart/add-item", {"id": 1})
    order_id = api.checkout(
        "put", body={"billing_address": US_ADDRESS, "payment_method": "cod"}
    ).json()["order_id"]
    assert_error(
        api.checkout("get", f"order-received/{order_id}", {"order_key": "wc_order_wrong"}),
        403,
        "cocart_invalid_order_key",
    )
    assert_error(
        api.checkout("get", f"order-received/{order_id}"), 400, "rest_missing_callback_param"
    )


def test_pay_for_a_failed_order(api):
    api.post("cart/add-item", {"id": 1})
    failed = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_chargeDeclined"}],
        },
    )
    assert_error(failed, 400, "cocart_payment_failed")
    order = Order.objects.get()
    declined = api.checkout(
        "post",
        f"order-received/{order.pk}/pay",
        {
            "order_key": order.order_key,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_chargeDeclined"}],
        },
    )
    assert_error(declined, 400, "cocart_payment_failed")
    paid = api.checkout(
        "post",
        f"order-received/{order.pk}/pay",
        {
            "order_key": order.order_key,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
        },
    ).json()
    assert paid == {
        "success": True,
        "order_id": order.pk,
        "order_status": "processing",
        "redirect_url": (
            f"http://127.0.0.1:8000/checkout/order-received/{order.pk}/?key={order.order_key}"
        ),
    }


# --- WordPress's own answers ---
def test_bad_json_and_no_route(client, store):
    reply = client.post(f"{V2}/cart/add-item", "{", content_type="application/json")
    assert_error(reply, 400, "rest_invalid_json")
    assert_error(client.get(f"{V2}/nope"), 404, "rest_no_route")
    assert_error(client.get("/wp-json/cocart/v3/cart"), 404, "rest_no_route")
    assert_error(client.delete(f"{V2}/cart"), 404, "rest_no_route")


def test_an_unexpected_error_is_the_cocart_500(api, monkeypatch):
    from checkout_hub.services import cart as cart_service

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cart_service, "add_item", boom)
    assert_error(api.post("cart/add-item", {"id": 1}), 500, "cocart_unknown_server_error")
