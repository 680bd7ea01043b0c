"""A guest's whole CoCart journey by cart key, at the HTTP boundary: add by id, by SKU and a
variation by attributes; update; remove and restore; a coupon; the customer; checkout with an
offline method and with Stripe test cards. Exact keys and money values (reference §2)."""

import re

import pytest
from django.contrib.auth import get_user_model

from checkout_hub.models import Cart, Order, Payment

from .conftest import US_ADDRESS, assert_error, basic

TSHIRT_KEY = "c4ca4238a0b923820dcc509a6f75849b"  # md5("1"): WooCommerce's generate_cart_id

CART_KEYS = [
    "cart_hash",
    "cart_key",
    "currency",
    "customer",
    "items",
    "item_count",
    "items_weight",
    "coupons",
    "needs_payment",
    "needs_shipping",
    "shipping",
    "fees",
    "taxes",
    "totals",
    "removed_items",
    "cross_sells",
    "notices",
]


def test_a_new_guest_gets_a_t_key_and_the_empty_cart(api):
    reply = api.get("cart")
    assert reply.status_code == 200
    key = reply.headers["CoCart-API-Cart-Key"]
    assert re.fullmatch(r"t_[0-9a-f]{30}", key)
    body = reply.json()
    assert list(body) == CART_KEYS
    assert body["cart_hash"] == "No items in cart so no hash"
    assert body["cart_key"] == key
    assert body["currency"] == {
        "currency_code": "USD",
        "currency_symbol": "$",
        "currency_symbol_pos": "left",
        "currency_minor_unit": 2,
        "currency_decimal_separator": ".",
        "currency_thousand_separator": ",",
        "currency_prefix": "$",
        "currency_suffix": "",
    }
    assert body["customer"]["billing_address"] == {
        f"billing_{k}": ""
        for k in (
            "first_name",
            "last_name",
            "company",
            "country",
            "address_1",
            "address_2",
            "city",
            "state",
            "postcode",
            "phone",
            "email",
        )
    }
    assert "shipping_phone" not in body["customer"]["shipping_address"]
    assert body["items"] == [] and body["item_count"] == 0 and body["items_weight"] == "0"
    assert body["shipping"] == [] and body["fees"] == [] and body["taxes"] == []
    assert set(body["totals"].values()) == {"0"}
    assert body["removed_items"] == [] and body["cross_sells"] == [] and body["notices"] == []
    # Browsing writes no row.
    assert not Cart.objects.filter(key=key).exists()


def test_add_by_id_renders_the_item_exactly(api):
    body = api.post("cart/add-item", {"id": "1", "quantity": "2"}).json()
    assert body["items"] == [
        {
            "item_key": TSHIRT_KEY,
            "id": 1,
            "name": "T-shirt",
            "title": "T-shirt",
            "price": "1800",
            "quantity": {"value": 2, "min_purchase": 1, "max_purchase": -1},
            # CoCart's quirk: subtotal in minor units as a string, the rest raw major units.
            "totals": {"subtotal": "3600", "subtotal_tax": 0, "total": 36, "tax": 0},
            "slug": "t-shirt",
            "meta": {
                "product_type": "simple",
                "sku": "HUB-TSHIRT",
                "dimensions": {"length": "", "width": "", "height": "", "unit": "cm"},
                "weight": "0.4",
                "variation": {},
            },
            "backorders": "",
            "cart_item_data": {},
            # The demo catalogue's images are the hub's own (issue 12).
            "featured_image": "http://127.0.0.1:8000/hub-media/placeholder/600x600/T-shirt.svg",
            "extensions": {},
        }
    ]
    assert body["item_count"] == 2
    assert body["items_weight"] == "0.4"
    assert body["notices"] == {"success": ["“T-shirt” has been added to your cart."]}
    assert body["totals"]["subtotal"] == "3600" and body["totals"]["total"] == "3600"
    assert re.fullmatch(r"[0-9a-f]{32}", body["cart_hash"])
    # The notice is returned once, then cleared.
    assert api.get("cart").json()["notices"] == []


def test_the_same_product_again_merges_into_one_line(api):
    api.post("cart/add-item", {"id": 1})
    body = api.post("cart/add-item", {"id": 1, "quantity": 3}).json()
    assert [(i["item_key"], i["quantity"]["value"]) for i in body["items"]] == [(TSHIRT_KEY, 4)]


def test_add_by_sku_and_a_variation_by_attributes(api):
    api.post("cart/add-item", {"id": "HUB-POLO"})
    body = api.post(
        "cart/add-item",
        {
            "id": "13",
            "quantity": 1,
            "variation": {"attribute_pa_color": "Blue", "attribute_pa_size": "M"},
        },
    ).json()
    polo, hoodie = body["items"]
    assert polo["id"] == 3 and polo["meta"]["sku"] == "HUB-POLO" and polo["price"] == "2000"
    assert hoodie["id"] == 15
    assert hoodie["name"] == "Hoodie - Blue, M" and hoodie["title"] == "Hoodie"
    assert hoodie["meta"]["product_type"] == "variation"
    assert hoodie["meta"]["variation"] == {"Color": "Blue", "Size": "M"}
    assert hoodie["quantity"] == {"value": 1, "min_purchase": 1, "max_purchase": 10}
    assert body["totals"]["subtotal"] == "6200"


def test_a_variation_id_as_id(api):
    body = api.post("cart/add-item", {"id": 17}).json()
    item = body["items"][0]
    # Red/M is on sale: 39.00.
    assert (item["id"], item["price"], item["meta"]["variation"]) == (
        17,
        "3900",
        {"Color": "Red", "Size": "M"},
    )


def test_update_remove_and_restore(api):
    api.post("cart/add-item", {"id": 1, "quantity": 2})
    body = api.post(f"cart/item/{TSHIRT_KEY}", {"quantity": 3}).json()
    assert body["items"][0]["quantity"]["value"] == 3
    assert body["items"][0]["totals"] == {
        "subtotal": "5400",
        "subtotal_tax": 0,
        "total": 54,
        "tax": 0,
    }
    assert body["notices"] == {"success": ["The quantity for “T-shirt” has increased to “3”."]}

    status = api.post(f"cart/item/{TSHIRT_KEY}", {"quantity": 1, "return_status": True}).json()
    assert status == {"message": "The quantity for “T-shirt” has decreased to “1”.", "quantity": 1}

    body = api.delete(f"cart/item/{TSHIRT_KEY}").json()
    assert body["items"] == []
    assert [(i["item_key"], i["quantity"]["value"]) for i in body["removed_items"]] == [
        (TSHIRT_KEY, 1)
    ]
    assert body["notices"] == {"success": ["“T-shirt” has been removed from cart."]}
    assert api.get("cart/items/count", {"removed_items": "true"}).json() == 1

    body = api.put(f"cart/item/{TSHIRT_KEY}").json()
    assert [(i["item_key"], i["quantity"]["value"]) for i in body["items"]] == [(TSHIRT_KEY, 1)]
    assert body["removed_items"] == []
    assert body["notices"] == {"success": ["“T-shirt” has been restored to your cart."]}


def test_update_quantity_zero_removes_the_item(api):
    api.post("cart/add-item", {"id": 1, "quantity": 2})
    body = api.post(f"cart/item/{TSHIRT_KEY}", {"quantity": 0}).json()
    assert body["items"] == [] and len(body["removed_items"]) == 1


def test_items_count_item_and_clear(api):
    api.post("cart/add-item", {"id": 1, "quantity": 2})
    api.post("cart/add-item", {"id": 4})
    items = api.get("cart/items").json()
    assert list(items) == [TSHIRT_KEY, "a87ff679a2f3e71d9181a67b7542122c"]
    assert api.get("cart/items/count").json() == 3
    item = api.get(f"cart/item/{TSHIRT_KEY}").json()
    assert item == items[TSHIRT_KEY]
    body = api.post("cart/clear").json()
    assert body["items"] == [] and body["removed_items"] == []
    assert body["notices"] == {"success": ["Cart is cleared."]}
    assert api.get("cart/items/count").json() == 0


def test_coupon_customer_shipping_and_totals(api):
    api.post("cart/add-item", {"id": 1, "quantity": 2})
    body = api.post("cart/apply-coupon", {"coupon": "10off"}).json()
    assert body["coupons"] == [
        {
            "coupon": "10off",
            "label": "Coupon: 10off",
            "discount_type": "percent",
            "saving": "360",
            "saving_html": "-$3.60",
        }
    ]
    assert body["notices"] == {"success": ["Coupon code applied successfully."]}
    body = api.post(
        "cart/update",
        {"namespace": "update-customer", **{f"billing_{k}": v for k, v in US_ADDRESS.items()}},
    ).json()
    billing = body["customer"]["billing_address"]
    assert billing["billing_city"] == "New York" and billing["billing_email"] == "peter@example.com"
    assert body["notices"] == {"success": ["Cart updated."]}
    # NY: 8.875% on 32.40 of items and on the 5.00 flat rate.
    assert body["totals"] == {
        "subtotal": "3600",
        "subtotal_tax": "320",
        "fee_total": "0",
        "fee_tax": "0",
        "discount_total": "360",
        "discount_tax": "32",
        "shipping_total": "500",
        "shipping_tax": "44",
        "total": "4072",
        "total_tax": "332",
    }
    assert body["items"][0]["totals"] == {
        "subtotal": "3600",
        "subtotal_tax": 3.2,
        "total": 32.4,
        "tax": 2.88,
    }
    assert body["taxes"] == {"US-NY-NY SALES TAX-1": {"name": "NY Sales Tax", "price": "332"}}
    package = body["shipping"]["packages"]["default"]
    assert body["shipping"]["has_calculated_shipping"] is True
    assert package["chosen_method"] == "flat_rate:1"
    assert package["rates"]["flat_rate:1"] == {
        "key": "flat_rate:1",
        "method_id": "flat_rate",
        "instance_id": 1,
        "label": "Flat rate",
        "cost": "500",
        "html": "Flat rate: $5.00",
        "taxes": "44",
        "chosen_method": True,
        "meta_data": {"items": "T-shirt &times; 2"},
    }
    body = api.post("cart/set-shipping-method", {"method_key": "flat_rate:3"}).json()
    assert body["totals"]["shipping_total"] == "1500"
    totals = api.get("cart/totals").json()
    assert totals["subtotal"] == 36 and totals["discount_total"] == 3.6
    assert totals["shipping_total"] == 15 and totals["total"] == 51.61
    html = api.get("cart/totals", {"html": "true"}).json()
    assert html["total"] == "$51.61" and html["subtotal"] == "$36.00"


def test_fields_and_thumb(api):
    api.post("cart/add-item", {"id": 1})
    body = api.get("cart", {"fields": "cart_key,totals:subtotal-total", "thumb": "false"}).json()
    assert list(body) == ["cart_key", "totals"]
    assert body["totals"] == {"subtotal": "1800", "total": "1800"}
    items = api.get("cart", {"thumb": "false"}).json()["items"]
    assert "featured_image" not in items[0]


def test_return_item(api):
    item = api.post("cart/add-item", {"id": 1, "return_item": True}).json()
    assert item["item_key"] == TSHIRT_KEY and item["quantity"]["value"] == 1


def test_email_and_phone_on_add_item_set_the_billing_contact(api):
    body = api.post(
        "cart/add-item", {"id": 1, "email": "ray@example.com", "phone": "5555550199"}
    ).json()
    billing = body["customer"]["billing_address"]
    assert (billing["billing_email"], billing["billing_phone"]) == (
        "ray@example.com",
        "5555550199",
    )


# --- checkout ---
def filled_cart(api):
    api.post("cart/add-item", {"id": 1, "quantity": 2})
    return api


def test_checkout_data(api):
    filled_cart(api)
    api.post("cart/update", {"namespace": "update-customer", **US_ADDRESS})
    body = api.checkout("get").json()
    assert body["cart_key"] == api.key
    assert body["currency"] == {
        "code": "USD",
        "symbol": "$",
        "base_currency": "USD",
        "exchange_rate": None,
    }
    assert body["cart_contents"][TSHIRT_KEY] == {
        "key": TSHIRT_KEY,
        "product_id": 1,
        "variation_id": 0,
        "quantity": 2,
        "product_name": "T-shirt",
        "product_title": "T-shirt",
        "product_price": "18.00",
        "line_total": "36.00",
        "line_subtotal": "36.00",
    }
    assert body["cart_totals"]["total"] == "44.64"
    assert body["shipping_methods"]["flat_rate:1"] == {
        "id": "flat_rate:1",
        "label": "Flat rate",
        "cost": "5.00",
        "method_id": "flat_rate",
        "instance_id": 1,
    }
    assert list(body["payment_methods"]) == ["stripe", "bacs", "cheque", "cod"]
    assert body["needs_payment"] is True and body["needs_shipping"] is True


def test_update_then_process_with_cheque(api):
    filled_cart(api)
    body = api.checkout(
        "post",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "cheque",
            "shipping_method": "flat_rate:3",
        },
    ).json()
    assert body["payment_method"] == "cheque"
    assert body["billing_address"]["email"] == "peter@example.com"
    assert body["cart_totals"]["shipping_total"] == "15.00"

    reply = api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cheque"})
    assert reply.status_code == 200, reply.content
    body = reply.json()
    order = Order.objects.get(pk=body["order_id"])
    assert body == {
        "order_id": order.pk,
        "status": "on-hold",
        "order_key": order.order_key,
        "order_number": str(order.pk),
        "payment_result": {
            "payment_status": "success",
            "redirect_url": (
                f"http://127.0.0.1:8000/checkout/order-received/{order.pk}/?key={order.order_key}"
            ),
            "message": "Order received. Thank you.",
        },
        "customer_id": 0,
        "billing_address": {
            **{k: "" for k in ("company", "address_2")},
            **US_ADDRESS,
        },
        "shipping_address": {
            "first_name": "Peter",
            "last_name": "Venkman",
            "company": "",
            "country": "US",
            "address_1": "550 Central Park West",
            "address_2": "",
            "city": "New York",
            "state": "NY",
            "postcode": "10023",
        },
        "cart_key": None,
    }
    assert order.source == "cocart" and order.total == 3600 + 1500 + 320 + 133
    # The key now names a new, empty cart.
    assert api.get("cart").json()["items"] == []

    received = api.checkout(
        "get", f"order-received/{order.pk}", {"order_key": order.order_key}
    ).json()
    assert received["order_id"] == order.pk and received["status_name"] == "On hold"
    assert received["total"] == "55.53"
    assert received["items"][0]["product_name"] == "T-shirt"


def test_process_with_a_stripe_test_card(api):
    filled_cart(api)
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "wc-stripe-payment-method", "value": "pm_card_visa"}],
        },
    )
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["status"] == "processing"
    assert body["payment_result"]["payment_status"] == "success"
    payment = Payment.objects.get(order_id=body["order_id"])
    assert payment.status == Payment.Status.SUCCEEDED and payment.reference.startswith("pi_")


@pytest.mark.parametrize(
    "card, code, decline",
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ],
)
def test_a_declined_card_is_cocart_payment_failed(api, card, code, decline):
    filled_cart(api)
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": card}],
        },
    )
    data = assert_error(reply, 400, "cocart_payment_failed")
    assert data["error_type"] == "payment_error"
    assert data["gateway_error"]["code"] == code
    assert data["gateway_error"]["decline_code"] == decline
    assert data["gateway_error"]["message"]
    order = Order.objects.get()
    assert order.status == "failed"
    # The cart is open again: a retry with a good card succeeds with the same order.
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
        },
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["order_id"] == order.pk and reply.json()["status"] == "processing"


def test_payment_context_makes_a_real_intent_that_checkout_confirms(api):
    filled_cart(api)
    reply = api.checkout("post", "checkout/payment-context", {"payment_method": "stripe"})
    assert reply.status_code == 200, reply.content
    context = reply.json()
    assert list(context) == [
        "gateway_id",
        "title",
        "cart_total",
        "currency",
        "client_secret",
        "payment_intent_id",
        "public_key",
    ]
    assert context["cart_total"] == "36.00" and context["currency"] == "USD"
    assert context["client_secret"].startswith(context["payment_intent_id"] + "_secret_")
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [
                {"key": "payment_intent_id", "value": context["payment_intent_id"]},
                {"key": "wc-stripe-payment-method", "value": "pm_card_visa"},
            ],
        },
    )
    assert reply.status_code == 200, reply.content
    payment = Payment.objects.get(order_id=reply.json()["order_id"])
    assert payment.reference == context["payment_intent_id"]
    assert payment.status == Payment.Status.SUCCEEDED


def test_a_coupon_that_stops_applying_is_dropped_with_an_error_notice(api):
    api.post("cart/add-item", {"id": 1, "quantity": 3})
    api.post("cart/apply-coupon", {"coupon": "big20"})
    # 18.00 is below the coupon's 50.00 minimum spend: the cart drops it, with a notice.
    body = api.post(f"cart/item/{TSHIRT_KEY}", {"quantity": 1}).json()
    assert body["coupons"] == []
    assert body["notices"]["error"] == ["The minimum spend for this coupon is $50.00."]
    assert api.get("cart").json()["notices"] == []


def test_default_true_is_woocommerces_raw_contents(api):
    api.post("cart/add-item", {"id": 17, "quantity": 2})
    contents = api.get("cart", {"default": "true"}).json()
    (key,) = contents
    assert contents[key] | {"data_hash": None, "line_tax_data": None} == {
        "key": key,
        "product_id": 13,
        "variation_id": 17,
        "variation": {"attribute_pa_color": "Red", "attribute_pa_size": "M"},
        "quantity": 2,
        "data_hash": None,
        "line_tax_data": None,
        "line_subtotal": 78,
        "line_subtotal_tax": 0,
        "line_total": 78,
        "line_tax": 0,
    }


def test_a_3d_secure_card_redirects_to_the_authentication_page(api):
    filled_cart(api)
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_threeDSecure2Required"}],
        },
    )
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["status"] == "pending"
    assert body["payment_result"]["payment_status"] == "success"
    assert body["payment_result"]["redirect_url"].startswith("http")
    assert "order-received" not in body["payment_result"]["redirect_url"]


def test_guest_checkout_switched_off(api, settings):
    filled_cart(api)
    settings.HUB_GUEST_CHECKOUT = False
    reply = api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"})
    assert_error(reply, 401, "cocart_rest_not_authorized")


def test_create_account_at_checkout(api):
    filled_cart(api)
    email = "new.buyer@example.com"
    body = {
        "billing_address": {**US_ADDRESS, "email": email},
        "payment_method": "cod",
        "create_account": True,
        "customer_password": "s3cret-pass",
    }
    reply = api.checkout("put", body=body)
    assert reply.status_code == 200, reply.content
    user = get_user_model().objects.get(email=email)
    assert reply.json()["customer_id"] == user.pk
    assert user.check_password("s3cret-pass")
    # The new customer logs in with it; the email cannot register twice.
    login = api.client.post(
        "/wp-json/cocart/v2/login", HTTP_AUTHORIZATION=basic(email, "s3cret-pass")
    )
    assert login.json()["user_id"] == str(user.pk)
    filled_cart(api)
    assert_error(api.checkout("put", body=body), 401, "cocart_rest_not_authorized")
    del body["customer_password"]
    assert_error(api.checkout("put", body=body), 400, "rest_missing_callback_param")


def test_a_refused_payment_makes_no_account(api):
    filled_cart(api)
    reply = api.checkout(
        "put",
        body={
            "billing_address": {**US_ADDRESS, "email": "declined@example.com"},
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_chargeDeclined"}],
            "create_account": True,
            "customer_password": "s3cret-pass",
        },
    )
    assert_error(reply, 400, "cocart_payment_failed")
    assert not get_user_model().objects.filter(email="declined@example.com").exists()
