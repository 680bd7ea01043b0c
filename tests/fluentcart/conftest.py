"""FluentCart test helpers: the demo store, and a client that fills a cart through
admin-ajax as the plugin's storefront script does."""

import pytest
from django.core.management import call_command

AJAX = "/wp-admin/admin-ajax.php"
REST = "/wp-json/fluent-cart/v2"

ADDRESS = {
    "billing_email": "buyer@example.com",
    "billing_full_name": "Peter Venkman",
    "billing_country": "US",
    "billing_address_1": "550 Central Park W",
    "billing_city": "Boston",
    "billing_state": "MA",
    "billing_postcode": "02108",
}


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


def cart_update(client, item_id, quantity=1, **extra):
    params = {
        "action": "fluent_cart_checkout_routes",
        "fc_checkout_action": "fluent_cart_cart_update",
        "item_id": item_id,
        "quantity": quantity,
        **extra,
    }
    return client.get(AJAX, params)


def ajax(client, fc_action, method="get", **params):
    data = {"action": "fluent_cart_checkout_routes", "fc_checkout_action": fc_action, **params}
    return getattr(client, method)(AJAX, data)


def place_order(client, **fields):
    body = {**ADDRESS, "fc_selected_shipping_method": "1", "payment_method": "cod", **fields}
    body = {k: v for k, v in body.items() if v is not None}
    return client.post(f"{REST}/checkout/place-order", body, content_type="application/json")
