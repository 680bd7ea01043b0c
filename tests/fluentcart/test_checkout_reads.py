"""The checkout's read routes (the seed): get-order-info, get-checkout-summary-view,
get-available-shipping-methods, get-shipping-methods-list-view, get-country-info."""

import pytest

from checkout_hub.models import ShippingZone
from checkout_hub.wordpress import nonces
from stripe_fake.models import SetupIntent

from .conftest import REST, cart_update

C = f"{REST}/checkout"


def test_order_info_stripe_onsite(client, store):
    cart_update(client, 1, 2)
    r = client.get(f"{C}/get-order-info", {"method": "stripe"})
    assert r.status_code == 200
    setup = SetupIntent.objects.get()
    assert setup.id.startswith("seti_") and setup.status == "requires_payment_method"
    assert r.json() == {
        "status": "success",
        "message": "Order info retrieved!",
        "data": {
            "client_secret": setup.data["client_secret"],
            "publishable_key": "pk_test_hub_fake",
        },
        "payment_args": {
            "checkout_mode": "onsite",
            "public_key": "pk_test_hub_fake",
            "appearance": {"theme": "stripe"},
        },
        "intent": {
            "mode": "payment",
            "amount": 3600,
            "currency": "usd",
            "automatic_payment_methods": {"enabled": True},
        },
        "appearance": {"theme": "stripe"},
    }


def test_order_info_stripe_hosted_and_others(client, store, settings):
    settings.FLUENTCART_STRIPE_MODE = "hosted"
    assert client.get(f"{C}/get-order-info", {"method": "stripe"}).json() == {
        "status": "success",
        "message": "Order info retrieved!",
        "data": [],
        "payment_args": {"checkout_mode": "hosted"},
    }
    assert client.get(f"{C}/get-order-info", {"method": "cod"}).json()["status"] == "success"
    r = client.get(f"{C}/get-order-info", {"method": "paypal"})
    assert (r.status_code, r.json()["message"]) == (423, "No valid payment method found!")
    assert client.get(f"{C}/get-order-info").status_code == 423


def test_order_info_without_a_public_key(client, store, settings):
    settings.STRIPE_PUBLISHABLE_KEY = ""
    r = client.get(f"{C}/get-order-info", {"method": "stripe"})
    assert (r.status_code, r.json()) == (
        423,
        {"status": "failed", "message": "No valid public key found!"},
    )


def test_summary_view_exact_shape(client, store):
    cart_update(client, 1, 2)
    cart_update(client, 11, 1)
    r = client.get(f"{C}/get-checkout-summary-view", {"shipping_method_id": "3"})
    items = r.json()["items"]
    assert set(items) == {
        "views", "subtotal", "has_subscriptions", "shipping_charge", "unformatted_total",
        "total", "shipping_charge_formated", "shipping_method_id",
    }  # fmt: skip
    assert items["subtotal"] == "$45.00"
    assert items["has_subscriptions"] is False
    assert (items["shipping_charge"], items["unformatted_total"]) == (1500, 6000)
    assert (items["total"], items["shipping_charge_formated"]) == ("$60.00", "$15.00")
    assert items["shipping_method_id"] == "3"
    assert "$15.00" in items["views"] and "Album download" in items["views"]


def test_summary_view_without_a_method_or_for_a_digital_cart(client, store):
    cart_update(client, 11, 1)
    items = client.get(f"{C}/get-checkout-summary-view", {"shipping_method_id": 1}).json()["items"]
    assert (items["shipping_charge"], items["unformatted_total"]) == (0, 900)
    items = client.get(f"{C}/get-checkout-summary-view").json()["items"]
    assert items["shipping_method_id"] == ""
    # A cookie that is not a cart hash names no cart.
    empty = client.get(f"{C}/get-checkout-summary-view", HTTP_COOKIE="fct_cart_hash=x'--").json()
    assert empty["items"]["unformatted_total"] == 0


def test_available_shipping_methods_by_timezone_and_country(client, store):
    r = client.get(f"{C}/get-available-shipping-methods", {"timezone": "America/Los_Angeles",
                                                          "state": "CA"})  # fmt: skip
    body = r.json()
    assert body["country_code"] == "US"
    methods = body["available_shipping_methods"]
    # sorted by amount, highest first, as the plugin lists them
    assert [(m["id"], m["charge_amount"]) for m in methods] == [(3, 1500), (1, 500), (2, 0)]
    express = methods[0]
    assert express == {
        "id": 3,
        "title": "Express",
        "charge_type": "flat_rate",
        "charge_amount": 1500,
        "status": "active",
        "countries": ["US"],
        "states": ["CA", "NY"],
        "zone_id": 1,
        "type": "flat_rate",
        "settings": {
            "description": "Next-day delivery, California and New York only.",
            "delivery_time": "1 business day",
        },
        "amount": "15.00",
        "is_enabled": "1",
        "order": 2,
        "meta": None,
        "formatted_states": ["CA", "NY"],
        "zone": {"id": 1, "name": "United States", "region": ["US"]},
    }
    body = client.get(f"{C}/get-available-shipping-methods", {"country_code": "us",
                                                             "state": "MA"}).json()  # fmt: skip
    assert [m["id"] for m in body["available_shipping_methods"]] == [1, 2]
    body = client.get(f"{C}/get-available-shipping-methods", {"timezone": "Europe/Berlin"}).json()
    assert (body["country_code"], [m["id"] for m in body["available_shipping_methods"]]) == (
        "DE",
        [4],
    )


def test_timezone_wins_over_country_code(client, store):
    body = client.get(f"{C}/get-available-shipping-methods",
                      {"timezone": "Asia/Tokyo", "country_code": "US"}).json()  # fmt: skip
    assert body["country_code"] == "JP"


def test_shipping_errors(client, store):
    assert client.get(f"{C}/get-available-shipping-methods").json() == {
        "status": False,
        "message": "Country code is required",
    }
    ShippingZone.objects.filter(pk=2).delete()
    body = client.get(f"{C}/get-available-shipping-methods", {"country_code": "XX"}).json()
    assert body == {
        "status": False,
        "country_code": "XX",
        "view": '<div class="fct-empty-state">No shipping methods available for this address.'
        "</div>",
    }
    assert client.get(f"{C}/get-shipping-methods-list-view", {"country_code": "XX"}).json() == body


def test_no_methods_view_links_admins_to_the_settings(staff_client, store):
    ShippingZone.objects.filter(pk=2).delete()
    user_id = int(staff_client.session["_auth_user_id"])
    nonce = nonces.make_nonce(staff_client.session.session_key, user_id, action="wp_rest")
    url = f"{C}/get-available-shipping-methods"
    body = staff_client.get(url, {"country_code": "FR"}, HTTP_X_WP_NONCE=nonce).json()
    assert "/admin/checkout_hub/shippingzone/" in body["view"]
    # Without the nonce the login cookie is ignored: a guest's view.
    body = staff_client.get(url, {"country_code": "FR"}).json()
    assert "/admin/" not in body["view"]


def test_shipping_methods_list_view(client, store):
    body = client.get(f"{C}/get-shipping-methods-list-view", {"country_code": "US",
                                                             "state": "NY"}).json()  # fmt: skip
    assert set(body) == {"data"} and body["data"]["status"] is True
    assert body["data"]["country_code"] == "US"
    view = body["data"]["view"]
    assert view.startswith('<div class="fct-shipping-methods">')
    assert view.count('name="fc_selected_shipping_method"') == 3 and "$15.00" in view


@pytest.mark.parametrize(
    ("params", "code", "state_label", "postcode_label", "some_state"),
    [
        ({"country_code": "US"}, "US", "State", "ZIP Code", {"label": "New York", "value": "NY"}),
        ({"country_code": "CA"}, "CA", "Province", "Postal code",
         {"label": "Quebec", "value": "QC"}),
        ({"timezone": "America/Chicago"}, "US", "State", "ZIP Code",
         {"label": "Texas", "value": "TX"}),
        ({"timezone": "Asia/Tokyo"}, "JP", "Prefecture", "Postcode",
         {"label": "Tokyo", "value": "13"}),
    ],
)  # fmt: skip
def test_country_info(client, store, params, code, state_label, postcode_label, some_state):
    body = client.get(f"{C}/get-country-info", params).json()
    data = body["data"]
    assert data["country_code"] == code
    assert some_state in data["states"]
    assert data["address_locale"]["state"]["label"] == state_label
    assert data["address_locale"]["postcode"] == {"label": postcode_label, "required": True}


def test_country_info_for_a_country_without_states_and_errors(client, store):
    data = client.get(f"{C}/get-country-info", {"country_code": "SG"}).json()["data"]
    assert data["states"] == [] or isinstance(data["states"], list)
    assert client.get(f"{C}/get-country-info").json() == {
        "status": False,
        "message": "Country code is required",
    }


def test_no_route_and_bad_json_are_wordpress_errors(client, store):
    r = client.get(f"{REST}/nope")
    assert (r.status_code, r.json()["code"]) == (404, "rest_no_route")
    r = client.get(f"{C}/place-order")
    assert (r.status_code, r.json()["code"]) == (404, "rest_no_route")
    r = client.post(f"{C}/place-order", "{bad", content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (400, "rest_invalid_json")
