"""The fast read path: CoCart's cart reads load the cart once, with its lines prefetched, so
the number of queries does not grow with the number of lines (or removed lines)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory

from .conftest import CUSTOMER, KEYS, PREVIEW, US_ADDRESS, Api


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        reply = call()
    assert reply.status_code == 200, reply.content
    return len(captured)


def fill(api: Api, lines: int, removed: int = 0) -> None:
    products = ProductFactory.create_batch(lines + removed)
    for product in products:
        api.post("cart/add-item", {"id": product.pk})
    api.post("cart/update", {"namespace": "update-customer", **US_ADDRESS})
    api.post("cart/apply-coupon", {"coupon": "10off"})
    for item in api.get("cart").json()["items"][:removed]:
        api.delete(f"cart/item/{item['item_key']}")


@pytest.mark.parametrize(
    "path, params",
    [
        ("cart", {}),
        ("cart/items", {}),
        ("cart/totals", {}),
        ("cart/items/count", {}),
    ],
)
def test_cart_reads_are_flat(client, store, path, params):
    one, twenty = Api(client), Api(client)
    fill(one, 1, removed=1)
    fill(twenty, 20, removed=5)
    one.get(path, params)  # warm: twenty's new products moved the products' generation
    assert queries(lambda: one.get(path, params)) == queries(lambda: twenty.get(path, params))


def test_get_cart_for_a_customer_is_flat(client, store):
    me = Api(client, auth=CUSTOMER)
    fill(me, 1)
    small = queries(lambda: me.get("cart"))
    for product in ProductFactory.create_batch(19):
        me.post("cart/add-item", {"id": product.pk})
    assert queries(lambda: me.get("cart")) == small


def test_get_cart_query_budget(client, store):
    api = Api(client)
    fill(api, 3)
    # Warm: the cart and its lines (prepared SQL), the applied coupon and its products, the
    # journal's row; tax rates, shipping zones and images come from services.reference.
    assert queries(lambda: api.get("cart")) <= 5


def test_checkout_data_is_flat(client, store):
    one, twenty = Api(client), Api(client)
    fill(one, 1)
    fill(twenty, 20)

    def read(api):
        return lambda: client.get(
            f"{PREVIEW}/checkout", HTTP_AUTHORIZATION=KEYS, HTTP_COCART_API_CART_KEY=api.key
        )

    read(one)()  # warm: twenty's new products moved the products' generation
    assert queries(read(one)) == queries(read(twenty))


def test_products_list_is_flat(client, store):
    # Warm: the stored scenario rules and the store's images load once per process.
    client.get("/wp-json/cocart/v2/products", {"per_page": 1})
    few = queries(lambda: client.get("/wp-json/cocart/v2/products", {"per_page": 2}))
    many = queries(lambda: client.get("/wp-json/cocart/v2/products", {"per_page": 20}))
    assert few == many
