"""place-order (the seed, reference §3): every field rule and every error reply from its cause,
at the HTTP boundary, with money in integer cents."""

import pytest
from django.contrib.auth import get_user_model

from checkout_hub.models import Cart, Order, Product
from checkout_hub.wordpress import nonces

from .conftest import ADDRESS, AJAX, REST, cart_update, place_order

URL = f"{REST}/checkout/place-order"


def failed_errors(reply):
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["status"] == "failed" and set(body) == {"status", "errors"}, body
    return body["errors"]


def test_no_cart_is_empty_even_with_bad_fields(client, store):
    r = client.post(URL, {"billing_email": "nope"}, content_type="application/json")
    assert (r.status_code, r.json()) == (
        200,
        {"status": "failed", "message": "Cart is empty or already completed"},
    )


def test_an_emptied_cart_is_empty(client, store):
    cart_update(client, 1, 1)
    cart_update(client, 1, 0)
    assert place_order(client).json()["message"] == "Cart is empty or already completed"


def test_a_completed_cart_is_empty_or_completed(client, store):
    cart_update(client, 1, 1)
    assert place_order(client).json()["status"] == "success"
    r = place_order(client)
    assert r.json() == {"status": "failed", "message": "Cart is empty or already completed"}


def test_a_free_order_leaves_the_cart_open_and_a_second_try_is_a_duplicate(client, store):
    Product.objects.filter(pk=11).update(regular_price=0)  # the album download, now free
    cart_update(client, 11, 1)
    r = place_order(client, payment_method=None, fc_selected_shipping_method=None)
    assert r.json()["status"] == "success", r.content
    assert "method=offline_payment" in r.json()["redirect_url"]
    order = Order.objects.get()
    assert (order.status, order.payment_status, order.total) == ("processing", "paid", 0)
    assert not Cart.objects.get().completed  # the plugin skips completing a free order's cart
    r = place_order(client, payment_method=None, fc_selected_shipping_method=None)
    assert (r.status_code, r.json()) == (
        200,
        {"status": "failed", "message": "You have already completed this order."},
    )
    assert Order.objects.count() == 1


def test_validation_errors_field_rule_message(client, store):
    cart_update(client, 1, 1)
    errors = failed_errors(
        place_order(
            client,
            billing_email="not-an-email",
            billing_full_name="",
            billing_country=None,
            billing_address_1="",
            billing_city="",
            billing_postcode="",
            billing_state=None,
            fc_selected_shipping_method=None,
        )
    )
    assert errors == {
        "billing_email": {"invalid": "Email must be a valid email address."},
        "billing_full_name": {"required": "Full name is required."},
        "billing_country": {"required": "Country is required."},
        "billing_address_1": {"required": "Address is required."},
        "billing_city": {"required": "City is required."},
        "billing_postcode": {"required": "Postcode is required."},
        "shipping_method": {"required": "You must select a shipping method."},
    }
    assert Order.objects.count() == 0


def test_email_required_country_and_state_invalid(client, store):
    cart_update(client, 1, 1)
    errors = failed_errors(place_order(client, billing_email="", billing_state="ZZ"))
    assert errors == {
        "billing_email": {"required": "Email is required."},
        "billing_state": {"invalid": "State is not valid."},
    }
    errors = failed_errors(place_order(client, billing_country="XX"))
    assert errors == {"billing_country": {"invalid": "Country is not valid."}}


def test_a_digital_cart_needs_no_address_or_shipping(client, store):
    cart_update(client, 11, 1)
    r = place_order(
        client,
        billing_tax_id="GB123456789",
        billing_country=None,
        billing_address_1=None,
        billing_city=None,
        billing_state=None,
        billing_postcode=None,
        fc_selected_shipping_method=None,
        user_tz="Europe/London",
    )
    assert r.json()["status"] == "success", r.content
    order = Order.objects.get()
    assert order.billing_address["country"] == "GB"  # from the buyer's time zone
    assert order.shipping_total == 0
    assert (order.subtotal, order.tax_total, order.total) == (900, 180, 1080)  # GB VAT
    assert order.meta.get(key="_fct_user_tz").value == "Europe/London"
    assert order.meta.get(key="_fct_billing_tax_id").value == "GB123456789"


def test_first_last_name_mode(client, store, settings):
    settings.FLUENTCART_NAME_MODE = "first_last"
    settings.FLUENTCART_REQUIRE_LAST_NAME = True
    cart_update(client, 1, 1)
    errors = failed_errors(place_order(client, billing_full_name=None))
    assert errors == {
        "billing_first_name": {"required": "First name is required."},
        "billing_last_name": {"required": "Last name is required."},
    }
    r = place_order(client, billing_full_name=None, billing_first_name="Ray",
                    billing_last_name="Stantz")  # fmt: skip
    assert r.json()["status"] == "success"
    billing = Order.objects.get().billing_address
    assert (billing["first_name"], billing["last_name"]) == ("Ray", "Stantz")


def test_full_name_is_split(client, store):
    cart_update(client, 1, 1)
    place_order(client, billing_full_name="Egon Spengler Jr")
    billing = Order.objects.get().billing_address
    assert (billing["first_name"], billing["last_name"]) == ("Egon", "Spengler Jr")


def test_ship_to_different(client, store):
    cart_update(client, 1, 1)
    errors = failed_errors(place_order(client, ship_to_different="yes"))
    assert errors == {
        "shipping_full_name": {"required": "Full name is required."},
        "shipping_country": {"required": "Country is required."},
        "shipping_address_1": {"required": "Address is required."},
        "shipping_city": {"required": "City is required."},
        "shipping_postcode": {"required": "Postcode is required."},
    }
    r = place_order(
        client,
        ship_to_different="yes",
        shipping_full_name="Dana Barrett",
        shipping_country="US",
        shipping_address_1="55 Central Park W",
        shipping_city="New York",
        shipping_state="NY",
        shipping_postcode="10023",
        fc_selected_shipping_method="3",
    )
    assert r.json()["status"] == "success", r.content
    order = Order.objects.get()
    assert order.shipping_address["city"] == "New York"
    assert order.shipping_total == 1500
    assert order.total == 1800 + 1500 + order.tax_total and order.tax_total > 0


def test_order_notes_at_most_200(client, store):
    cart_update(client, 1, 1)
    errors = failed_errors(place_order(client, order_notes="x" * 201))
    assert errors == {"order_notes": {"max": "Order notes may not be greater than 200 characters."}}
    assert place_order(client, order_notes="y" * 200).json()["status"] == "success"
    assert Order.objects.get().customer_note == "y" * 200


def test_agree_terms_when_the_store_asks(client, store, settings):
    cart_update(client, 1, 1)
    settings.FLUENTCART_AGREE_TERMS = True
    errors = failed_errors(place_order(client))
    assert errors == {"agree_terms": {"required": "You must agree to the terms and conditions."}}
    assert place_order(client, agree_terms="yes").json()["status"] == "success"


def test_shipping_method_invalid_and_unavailable(client, store):
    cart_update(client, 1, 1)
    errors = failed_errors(place_order(client, fc_selected_shipping_method="999"))
    assert errors == {"shipping_method": {"invalid": "The selected shipping method is not valid."}}
    # Express ships to CA and NY only; the address is in MA.
    errors = failed_errors(place_order(client, fc_selected_shipping_method="3"))
    assert errors == {
        "shipping_method": {
            "unavailable": "The selected shipping method is not available for your address."
        }
    }


def test_fc_shipping_method_is_what_is_charged(client, store):
    cart_update(client, 1, 1)
    place_order(client, fc_selected_shipping_method=None, fc_shipping_method="1")
    assert Order.objects.get().shipping_total == 500


def test_out_of_stock_is_422(client, store):
    cart_update(client, 7, 2)
    Product.objects.filter(pk=7).update(stock_quantity=0, stock_status="outofstock")
    r = place_order(client)
    assert (r.status_code, r.json()) == (422, {"message": "Product is out of stock"})
    assert Order.objects.count() == 0


@pytest.mark.parametrize("fields", [{"payment_method": "paypal"}, {"payment_method": None}])
def test_no_valid_payment_method_is_423(client, store, fields):
    cart_update(client, 1, 1)
    r = place_order(client, **fields)
    assert (r.status_code, r.json()) == (
        423,
        {"status": "failed", "message": "No valid payment method found!", "data": []},
    )


def test_a_gateway_the_hub_switched_off_is_423(client, store, settings):
    settings.HUB_PAYMENT_METHODS = ["stripe"]
    cart_update(client, 1, 1)
    assert place_order(client).status_code == 423


def test_the_plugins_field_and_slug_are_accepted(client, store):
    cart_update(client, 1, 1)
    r = place_order(client, payment_method=None, _fct_pay_method="offline_payment")
    assert r.json()["status"] == "success"
    assert "method=offline_payment" in r.json()["redirect_to"]
    order = Order.objects.get()
    assert (order.payment_method, order.status, order.total) == ("cod", "processing", 2300)


def test_the_ajax_form_post_places_the_order(client, store):
    cart_update(client, 1, 1)
    form = {
        **ADDRESS,
        "action": "fluent_cart_place_order",
        "_fct_pay_method": "cod",
        "fc_selected_shipping_method": "1",
        "fc_shipping_method": "1",
        "_wpnonce": "x",
    }
    r = client.post(AJAX, form)  # fmt: skip
    assert r.json()["status"] == "success", r.content


def test_the_sixth_place_order_in_60_seconds_is_429(client, store):
    for _ in range(5):
        r = client.post(URL, {}, content_type="application/json")
        assert r.status_code == 200
    r = client.post(URL, {}, content_type="application/json")
    assert (r.status_code, r.json()) == (
        429,
        {"message": "Too many requests. Please try again later."},
    )
    assert r["Retry-After"]
    # The admin-ajax form post counts in the same window.
    r = client.post(AJAX, {"action": "fluent_cart_place_order"})
    assert r.status_code == 429
    # Another IP has its own window; X-Forwarded-For is trusted from the loopback only.
    r = client.post(URL, {}, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 200


def test_allow_create_account(client, store):
    cart_update(client, 1, 1)
    place_order(client, allow_create_account="yes", billing_email="new@example.com")
    user = get_user_model().objects.get(email="new@example.com")
    assert Order.objects.get().customer.user == user
    assert not user.has_usable_password()


def test_a_logged_in_buyers_email_wins_with_the_rest_nonce(client, store):
    user = get_user_model().objects.create_user("ray", "ray@example.com", "pw-123456")
    client.force_login(user)
    nonce = nonces.make_nonce(client.session.session_key, user.pk, action="wp_rest")
    cart_update(client, 1, 1)
    r = client.post(URL, {**ADDRESS, "billing_email": "someone@example.com",
                          "fc_selected_shipping_method": "1", "payment_method": "cod"},
                    content_type="application/json", HTTP_X_WP_NONCE=nonce)  # fmt: skip
    assert r.json()["status"] == "success", r.content
    assert Order.objects.get().billing_email == "ray@example.com"


def test_without_the_nonce_a_logged_in_cookie_is_a_guest(client, store):
    user = get_user_model().objects.create_user("ray", "ray@example.com", "pw-123456")
    client.force_login(user)
    cart_update(client, 1, 1)
    place_order(client, billing_email="someone@example.com")
    assert Order.objects.get().billing_email == "someone@example.com"


def test_a_wrong_nonce_with_a_logged_in_cookie_is_403(client, store):
    user = get_user_model().objects.create_user("ray", "ray@example.com", "pw-123456")
    client.force_login(user)
    r = client.get(f"{REST}/checkout/get-country-info", {"country_code": "US"},
                   HTTP_X_WP_NONCE="0123456789")  # fmt: skip
    assert (r.status_code, r.json()) == (
        403,
        {"code": "rest_cookie_invalid_nonce", "message": "Cookie check failed",
         "data": {"status": 403}},
    )  # fmt: skip


def test_the_instant_cart_is_the_one_ordered(client, store):
    cart_update(client, 1, 1)  # a global cart too
    r = client.get("/", {"fluent-cart": "instant_checkout", "item_id": 8, "quantity": 3})
    cart_hash = r["Location"].rsplit("=", 1)[1]
    r = place_order(client, fct_cart_hash=cart_hash)
    assert r.json()["status"] == "success"
    order = Order.objects.get()
    assert [(i.product_id, i.quantity) for i in order.items.all()] == [(8, 3)]
    assert order.total == 3600 + 500
    assert not Cart.objects.get(key=client.cookies["fct_cart_hash"].value).completed


def test_receipt_page(client, store):
    cart_update(client, 1, 2)
    url = place_order(client, order_notes="Leave at the door").json()["redirect_url"]
    page = client.get(url.replace("http://127.0.0.1:8000", ""))
    html = page.content.decode()
    order = Order.objects.get()
    assert page.status_code == 200
    assert f"#{order.number}" in html and "$41.00" in html and "$5.00" in html
    assert "Leave at the door" in html and "Processing" in html
    assert client.get("/receipt/", {"trx_hash": "nope"}).status_code == 404
    assert client.get("/receipt/").status_code == 404
