"""The cart a FluentCart storefront fills (reference §1b, §1c, §6): admin-ajax cart actions,
the fct_cart_hash cookie, the instant-checkout URL and the legacy REST cart/add_item."""

import pytest

from checkout_hub.models import Cart, Product
from tests.factories import CouponFactory

from .conftest import AJAX, REST, ajax, cart_update


def lines(reply):
    return [(i["object_id"], i["quantity"]) for i in reply.json()["data"]["cart"]["cart_data"]]


def test_quantity_is_a_change_by_input_sets_it_and_zero_removes(client, store):
    assert lines(cart_update(client, 1, 2)) == [(1, 2)]
    assert lines(cart_update(client, 1, 3)) == [(1, 5)]
    assert lines(cart_update(client, 1, -1)) == [(1, 4)]
    assert lines(cart_update(client, 1, 2, by_input=1)) == [(1, 2)]
    assert lines(cart_update(client, 8, 1)) == [(1, 2), (8, 1)]
    # quantity defaults to 0: the line goes
    r = client.get(
        AJAX,
        {"action": "fluent_cart_checkout_routes", "fc_checkout_action": "fluent_cart_cart_update",
         "item_id": 1},
    )  # fmt: skip
    assert lines(r) == [(8, 1)]
    assert Cart.objects.count() == 1


def test_cart_update_reply_shape_cents_and_fragments(client, store):
    r = cart_update(client, 16, 1)  # a Hoodie variation
    body = r.json()
    assert set(body) == {"message", "data", "fragments", "_bench"}
    assert isinstance(body["_bench"], float)
    cart = body["data"]["cart"]
    assert set(cart) == {
        "cart_hash", "checkout_data", "cart_data", "utm_data", "coupons", "first_name",
        "last_name", "email", "stage", "cart_group", "user_agent", "ip_address", "completed_at",
        "deleted_at", "created_at", "updated_at",
    }  # fmt: skip
    line = cart["cart_data"][0]
    variation = Product.objects.get(pk=16)
    assert line["object_id"] == 16 and line["post_id"] == 13
    assert line["post_title"] == "Hoodie" and line["title"] == variation.display_name
    assert line["unit_price"] == variation.price and isinstance(line["unit_price"], int)
    assert line["variation_type"] == "simple_variations"
    assert line["view_url"].endswith("/product/hoodie/?selected=16")
    assert [f["selector"] for f in body["fragments"]] == [
        "[data-fluent-cart-cart-list]",
        "[data-fluent-cart-cart-badge-count]",
    ]
    assert body["fragments"][1]["content"] == "1"


def test_missing_or_zero_item_is_422_invalid_item(client, store):
    r = cart_update(client, 0)
    assert (r.status_code, r.json()) == (422, {"message": "Invalid item."})
    r = ajax(client, "fluent_cart_cart_update")
    assert (r.status_code, r.json()) == (422, {"message": "Invalid item."})
    assert "fct_cart_hash" not in client.cookies


def test_unknown_item_answers_200_unchanged_and_still_creates_the_cart(client, store):
    r = cart_update(client, 99999, 1)
    assert r.status_code == 200
    assert r.json()["data"]["cart"]["cart_data"] == []
    assert client.cookies["fct_cart_hash"].value == r.json()["data"]["cart"]["cart_hash"]


def test_sold_individually_is_held_at_one(client, store):
    assert lines(cart_update(client, 9, 3)) == [(9, 1)]
    assert lines(cart_update(client, 9, 1)) == [(9, 1)]


def test_stock_shortfall_is_422(client, store):
    r = cart_update(client, 7, 3)  # sunglasses: 2 left
    assert r.status_code == 422
    assert "2 remaining" in r.json()["message"]
    r = cart_update(client, 6, 1)  # belt: out of stock
    assert (r.status_code, r.json()) == (422, {"message": "Product is out of stock"})


def test_cart_status(client, store):
    r = ajax(client, "fluent_cart_cart_status")
    assert r.status_code == 200 and set(r.json()) == {"_bench"}
    cart_update(client, 1, 2)
    body = ajax(client, "fluent_cart_cart_status").json()
    assert body["cart_hash"] == client.cookies["fct_cart_hash"].value
    assert [(i["object_id"], i["quantity"]) for i in body["cart_data"]] == [(1, 2)]
    assert body["cart_user"] is None


def test_coupons(client, store):
    r = ajax(client, "apply_coupon", coupon_code="10off")
    assert (r.status_code, r.json()) == (422, {"message": "No active cart found"})
    cart_update(client, 1, 2)
    r = ajax(client, "apply_coupon", coupon_code="10off")
    body = r.json()
    assert r.status_code == 200, body
    assert body["applied_coupons"] == ["10off"]
    assert body["total"] == 3240 and body["formatted_total"] == "$32.40"
    assert body["cart"]["cart_data"][0]["coupon_discount"] == 360
    r = ajax(client, "apply_coupon", coupon_code="nope")
    assert r.status_code == 422 and "nope" in r.json()["message"].lower()
    r = ajax(client, "remove_coupon", coupon_code="10off")
    body = r.json()
    assert "cart" not in body and body["applied_coupons"] == [] and body["total"] == 3600


def test_summary_action_saves_the_shipping_choice(client, store):
    cart_update(client, 1, 1)
    body = ajax(client, "get_checkout_summary_view", shipping_method_id=3).json()
    assert body["shipping_charge"] == 1500
    assert body["formatted_shipping_charge"] == "$15.00"
    assert body["total"] == 3300 and body["shipping_method_id"] == "3"
    cart = Cart.objects.get()
    assert cart.meta["checkout_data"]["shipping_data"] == {"shipping_method_id": "3"}
    assert cart.shipping_rate_id == "flat_rate:3"


def test_save_checkout_data(client, store):
    cart_update(client, 1, 1)
    ajax(client, "save_checkout_data", method="post", billing_email="a@example.com",
         fct_billing_tax_id="VAT1", shipping_method_id="1", junk="x")  # fmt: skip
    body = ajax(client, "save_checkout_data", method="post", data_key="order_notes",
                data_value="Ring twice").json()  # fmt: skip
    assert body["checkout_data"] == {
        "form_data": {"billing_email": "a@example.com", "order_notes": "Ring twice"},
        "tax_data": {"vat_number": "VAT1"},
        "shipping_data": {"shipping_method_id": "1"},
    }


def test_shipping_list_and_country_info_actions(client, store):
    body = ajax(client, "get_shipping_methods_list_view", timezone="America/Los_Angeles",
                state="CA").json()  # fmt: skip
    assert body["status"] is True and body["country_code"] == "US"
    assert 'value="3"' in body["fragments"][0]["content"]
    body = ajax(client, "get_country_info", country_code="CA").json()
    assert body["country_info"]["country_code"] == "CA"
    assert {"label": "Ontario", "value": "ON"} in body["country_info"]["states"]


def test_unknown_actions(client, store):
    r = client.get(AJAX, {"action": "nope"})
    assert (r.status_code, r.content) == (400, b"0")
    r = ajax(client, "nope")
    assert (r.status_code, r.json()) == (422, {"message": "Invalid request."})


def test_instant_checkout_builds_an_instant_cart_and_redirects(client, store):
    r = client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8, "quantity": 2,
                         "coupons": "10off"})  # fmt: skip
    assert r.status_code == 302
    assert r["Location"].startswith("http://127.0.0.1:8000/checkout/?fct_cart_hash=")
    cart_hash = r["Location"].rsplit("=", 1)[1]
    cart = Cart.objects.get(key=cart_hash)
    assert cart.meta["cart_group"] == "instant"
    assert cart.coupon_codes == ["10off"]
    assert "fct_cart_hash" not in client.cookies  # the global cart is untouched
    page = client.get(r["Location"].replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and cart_hash in page.content.decode()
    # The hash names the instant cart on every route that reads it.
    body = ajax(client, "fluent_cart_cart_status", fct_cart_hash=cart_hash).json()
    assert [(i["object_id"], i["quantity"]) for i in body["cart_data"]] == [(8, 2)]
    # An unknown hash names no cart, even when a global cart exists.
    cart_update(client, 1, 1)
    body = ajax(client, "fluent_cart_cart_status", fct_cart_hash="0" * 32).json()
    assert set(body) == {"_bench"}


def test_instant_checkout_redirect_to_stays_on_the_site(client, store):
    r = client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8,
                         "redirect_to": "https://evil.example/x"})  # fmt: skip
    assert r["Location"].startswith("http://127.0.0.1:8000/checkout/?fct_cart_hash=")
    r = client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8,
                         "redirect_to": "http://127.0.0.1:8000/shop/?a=1"})  # fmt: skip
    assert r["Location"].startswith("http://127.0.0.1:8000/shop/?a=1&fct_cart_hash=")


def test_instant_checkout_is_rate_limited(client, store):
    for _ in range(10):
        assert client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8}).status_code == 302
    assert client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8}).status_code == 429


def test_landing_page_is_still_the_landing_page(client, store):
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({"item_id": 8, "quantity": 2}, 200, {"message": "Successfully added!", "data": True}),
        ({"item_id": 8, "quantity": -1}, 500,
         {"code": 403, "message": "Quantity can not be negative.", "data": ""}),
        ({"item_id": 6}, 500, {"code": 423, "message": '"Belt" is out of stock and cannot be '
                               "purchased.", "data": ""}),
    ],
)  # fmt: skip
def test_legacy_rest_add_item(client, store, params, status, body):
    r = client.get(f"{REST}/cart/add_item", params)
    assert (r.status_code, r.json()) == (status, body)


def test_legacy_add_item_adds_to_the_global_cart(client, store):
    client.get(f"{REST}/cart/add_item", {"item_id": 8})
    client.get(f"{REST}/cart/add_item", {"item_id": 8, "quantity": 2})
    assert lines(cart_update(client, 1, 1)) == [(8, 3), (1, 1)]


def test_coupon_factory_is_usable(client, store):
    CouponFactory(code="fc5", amount=5)
    cart_update(client, 1, 1)
    assert ajax(client, "apply_coupon", coupon_code="FC5").json()["applied_coupons"] == ["fc5"]
