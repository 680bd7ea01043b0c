"""Every FluentCart REST route opens in a browser (DRF's browsable API), as every vendor's
routes do; admin-ajax answers JSON whatever the Accept header says (WordPress's does)."""

import pytest

from .conftest import AJAX, REST, cart_update

ROUTES = [
    ("get", "public/products"),
    ("get", "checkout/get-order-info?method=stripe"),
    ("get", "checkout/get-checkout-summary-view?shipping_method_id=1"),
    ("get", "checkout/get-available-shipping-methods?country_code=US"),
    ("get", "checkout/get-shipping-methods-list-view?country_code=US"),
    ("get", "checkout/get-country-info?country_code=US"),
    ("get", "checkout/place-order"),
    ("get", "user/login"),
    ("get", "nope"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_routes_open_in_a_browser(client, store, method, route):
    cart_update(client, 1, 1)
    r = getattr(client, method)(f"{REST}/{route}", HTTP_ACCEPT="text/html")
    assert r.status_code in (200, 404), r.content[:300]
    assert r["Content-Type"].startswith("text/html")


def test_admin_ajax_answers_json_to_a_browser(client, store):
    r = client.get(AJAX, {"action": "fluent_cart_checkout_routes",
                          "fc_checkout_action": "fluent_cart_cart_status"},
                   HTTP_ACCEPT="text/html")  # fmt: skip
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
