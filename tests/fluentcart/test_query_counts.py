"""The fast read path: FluentCart's cart reads load the cart once with its lines prefetched,
so they issue the same number of queries for 1 line and for 20 (and so does the catalogue for
1 product and 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub.models import Cart, ShippingMethod, Vendor
from checkout_hub.services import cart as cart_service
from fluentcart import session
from tests.factories import ProductFactory, ShippingMethodFactory, ShippingZoneFactory

from .conftest import AJAX, REST


def cart_with(lines: int) -> str:
    ShippingMethodFactory(zone=ShippingZoneFactory(countries=["US"]), cost=500)
    key = session.new_hash()
    cart = Cart.objects.create(key=key, vendor=Vendor.FLUENTCART, meta={"cart_group": "global"})
    for _ in range(lines):
        cart_service.add_item(cart, ProductFactory().pk, 2)
    return key


def count(client, key, method, path, params) -> int:
    client.get(f"{REST}/public/products")  # a warm process: the scenario rules are cached
    client.cookies["fct_cart_hash"] = key
    with CaptureQueriesContext(connection) as captured:
        r = getattr(client, method)(path, params)
    assert r.status_code == 200, r.content
    return len(captured)


READS = [
    ("get", AJAX, {"action": "fluent_cart_checkout_routes",
                   "fc_checkout_action": "fluent_cart_cart_status"}),
    ("get", f"{REST}/checkout/get-checkout-summary-view", {"shipping_method_id": "1"}),
    ("get", f"{REST}/checkout/get-order-info", {"method": "stripe"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "params"), READS)
def test_cart_reads_are_flat(client, db, method, path, params):
    one = count(client, cart_with(1), method, path, params)
    twenty = count(client, cart_with(20), method, path, params)
    assert one == twenty, (one, twenty)


def test_cart_update_is_flat(client, db):
    def update(key):
        product = ProductFactory().pk
        return count(client, key, "get", AJAX, {
            "action": "fluent_cart_checkout_routes",
            "fc_checkout_action": "fluent_cart_cart_update", "item_id": product, "quantity": 1,
        })  # fmt: skip

    assert update(cart_with(1)) == update(cart_with(20))


def test_the_catalogue_is_flat(client, db):
    def page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{REST}/public/products", {"per_page": 50}).status_code == 200
        return len(captured)

    ProductFactory()
    page()  # a warm process
    one = page()
    for _ in range(19):
        ProductFactory()
    assert page() == one


def test_place_order_is_flat(client, db):
    def place(key) -> int:
        body = {
            "billing_email": f"{key}@example.com", "billing_full_name": "Ada Lovelace",
            "billing_country": "US", "billing_address_1": "1 Main St", "billing_city": "Boston",
            "billing_state": "MA", "billing_postcode": "02108", "payment_method": "cod",
            "fc_selected_shipping_method": str(ShippingMethod.objects.earliest("pk").pk),
        }  # fmt: skip
        client.get(f"{REST}/public/products")
        client.cookies["fct_cart_hash"] = key
        with CaptureQueriesContext(connection) as captured:
            r = client.post(f"{REST}/checkout/place-order", body, content_type="application/json")
        assert r.json()["status"] == "success", r.content
        return len(captured)

    assert place(cart_with(1)) == place(cart_with(20))
