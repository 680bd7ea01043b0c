"""Wire format of the cart and checkout objects: every key a client reads, in WooCommerce's
order, with money as strings of minor units and the currency fields (reference §2, §3, §8)."""

import json

import pytest
from django.core.management import call_command

from tests.factories import ProductFactory

API = "/wp-json/wc/store/v1"

CART_KEYS = [
    "items",
    "coupons",
    "fees",
    "totals",
    "shipping_address",
    "billing_address",
    "needs_payment",
    "needs_shipping",
    "payment_requirements",
    "has_calculated_shipping",
    "shipping_rates",
    "items_count",
    "items_weight",
    "cross_sells",
    "errors",
    "payment_methods",
    "extensions",
]
CURRENCY = {
    "currency_code": "USD",
    "currency_symbol": "$",
    "currency_minor_unit": 2,
    "currency_decimal_separator": ".",
    "currency_thousand_separator": ",",
    "currency_prefix": "$",
    "currency_suffix": "",
}
ITEM_KEYS = [
    "key",
    "id",
    "type",
    "quantity",
    "quantity_limits",
    "name",
    "short_description",
    "description",
    "sku",
    "low_stock_remaining",
    "backorders_allowed",
    "show_backorder_badge",
    "sold_individually",
    "permalink",
    "images",
    "variation",
    "item_data",
    "prices",
    "totals",
    "catalog_visibility",
    "has_cart_item_data",
    "extensions",
]
SHIPPING_ADDRESS_KEYS = [
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "phone",
]
BILLING_ADDRESS_KEYS = [*SHIPPING_ADDRESS_KEYS[:-1], "email", "phone"]
CHECKOUT_KEYS = [
    "order_id",
    "status",
    "order_key",
    "order_number",
    "customer_note",
    "customer_id",
    "billing_address",
    "shipping_address",
    "payment_method",
    "payment_result",
    "additional_fields",
    "__experimentalCart",
    "extensions",
]
ADDRESS = {
    "first_name": "Peter",
    "last_name": "Venkman",
    "address_1": "550 Central Park West",
    "city": "New York",
    "state": "NY",
    "postcode": "10023",
    "country": "US",
    "email": "peter@example.com",
}


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


@pytest.fixture
def token(client, store):
    return client.get(f"{API}/cart").headers["Cart-Token"]


def post(client, token, path, body):
    return client.post(
        API + path, json.dumps(body), content_type="application/json", HTTP_CART_TOKEN=token
    )


def test_empty_cart_shape(client, store):
    body = client.get(f"{API}/cart").json()
    assert list(body) == CART_KEYS
    assert body["items"] == body["coupons"] == body["fees"] == body["errors"] == []
    assert body["shipping_rates"] == [] and body["cross_sells"] == []
    assert body["totals"] == {
        "total_items": "0",
        "total_items_tax": "0",
        "total_fees": "0",
        "total_fees_tax": "0",
        "total_discount": "0",
        "total_discount_tax": "0",
        "total_shipping": None,
        "total_shipping_tax": None,
        "total_price": "0",
        "total_tax": "0",
        "tax_lines": [],
        **CURRENCY,
    }
    assert list(body["shipping_address"]) == SHIPPING_ADDRESS_KEYS
    assert list(body["billing_address"]) == BILLING_ADDRESS_KEYS
    assert body["needs_payment"] is False
    assert body["needs_shipping"] is False
    assert body["has_calculated_shipping"] is False
    assert body["payment_requirements"] == ["products"]
    assert body["items_count"] == 0 and body["items_weight"] == 0
    assert body["payment_methods"] == ["stripe", "bacs", "cheque", "cod"]
    assert body["extensions"] == {}


def test_cart_item_shape_and_money(client, token):
    body = post(client, token, "/cart/add-item", {"id": 1, "quantity": 2}).json()
    item = body["items"][0]
    assert list(item) == ITEM_KEYS
    assert len(item["key"]) == 32 and int(item["key"], 16) >= 0
    assert item["id"] == 1 and item["type"] == "simple" and item["quantity"] == 2
    assert item["quantity_limits"] == {
        "minimum": 1,
        "maximum": 9999,
        "multiple_of": 1,
        "editable": True,
    }
    assert item["prices"] == {
        "price": "1800",
        "regular_price": "1800",
        "sale_price": "1800",
        "price_range": None,
        **CURRENCY,
        "raw_prices": {
            "precision": 6,
            "price": "18000000",
            "regular_price": "18000000",
            "sale_price": "18000000",
        },
    }
    assert list(item["prices"])[-1] == "raw_prices"
    assert item["totals"] == {
        "line_subtotal": "3600",
        "line_subtotal_tax": "0",
        "line_total": "3600",
        "line_total_tax": "0",
        **CURRENCY,
    }
    assert item["permalink"].endswith("/product/t-shirt/")
    assert list(item["images"][0]) == ["id", "src", "thumbnail", "srcset", "sizes", "name", "alt"]
    assert item["variation"] == [] and item["item_data"] == []
    assert item["extensions"] == {}
    assert body["needs_payment"] is True and body["needs_shipping"] is True


def test_readding_merges_into_one_line_with_the_same_key(client, token):
    first = post(client, token, "/cart/add-item", {"id": 1}).json()["items"][0]["key"]
    body = post(client, token, "/cart/add-item", {"id": 1, "quantity": 2}).json()
    assert [(i["key"], i["quantity"]) for i in body["items"]] == [(first, 3)]


def test_variation_line(client, token):
    body = post(
        client,
        token,
        "/cart/add-item",
        {
            "id": 13,
            "variation": [
                {"attribute": "Color", "value": "Blue"},
                {"attribute": "pa_size", "value": "M"},
            ],
        },
    ).json()
    assert body["items"][0]["type"] == "variation"
    assert body["items"][0]["name"] == "Hoodie"
    assert body["items"][0]["variation"] == [
        {"attribute": "Color", "value": "Blue"},
        {"attribute": "Size", "value": "M"},
    ]


def test_sale_price_and_sold_individually_limits(client, token, store):
    body = post(client, token, "/cart/add-item", {"id": 5}).json()
    prices = body["items"][0]["prices"]
    assert prices["price"] == prices["sale_price"] != prices["regular_price"]
    body = post(client, token, "/cart/add-item", {"id": 9}).json()
    nine = next(i for i in body["items"] if i["id"] == 9)
    assert nine["sold_individually"] is True
    assert nine["quantity_limits"] == {
        "minimum": 1,
        "maximum": 1,
        "multiple_of": 1,
        "editable": False,
    }


def test_low_stock_and_shipping_package_shape(client, token):
    post(client, token, "/cart/add-item", {"id": 7})
    body = post(client, token, "/cart/update-customer", {"shipping_address": ADDRESS}).json()
    assert body["items"][0]["low_stock_remaining"] == 2
    package = body["shipping_rates"][0]
    assert list(package) == ["package_id", "name", "destination", "items", "shipping_rates"]
    assert package["package_id"] == 0 and package["name"] == "Shipment 1"
    assert list(package["destination"]) == [
        "address_1",
        "address_2",
        "city",
        "state",
        "postcode",
        "country",
    ]
    rate = package["shipping_rates"][0]
    assert list(rate) == [
        "rate_id",
        "name",
        "description",
        "delivery_time",
        "price",
        "taxes",
        "instance_id",
        "method_id",
        "meta_data",
        "selected",
        *CURRENCY,
    ]
    assert rate["rate_id"] == "flat_rate:1" and rate["instance_id"] == 1
    assert rate["price"] == "500" and isinstance(rate["taxes"], str)
    assert body["totals"]["tax_lines"][0]["rate"] == "8.875%"


def test_coupon_object(client, token):
    post(client, token, "/cart/add-item", {"id": 1, "quantity": 2})
    body = post(client, token, "/cart/apply-coupon", {"code": "10off"}).json()
    assert body["coupons"] == [
        {
            "code": "10off",
            "discount_type": "percent",
            "totals": {"total_discount": "360", "total_discount_tax": "0", **CURRENCY},
        }
    ]


def test_items_and_coupons_collections(client, token):
    created = post(client, token, "/cart/items", {"id": 1})
    assert created.status_code == 201
    item = created.json()
    assert list(item)[:-1] == ITEM_KEYS and list(item)[-1] == "_links"
    assert item["_links"]["self"][0]["href"].endswith(f"/cart/items/{item['key']}")
    listed = client.get(f"{API}/cart/items", HTTP_CART_TOKEN=token).json()
    assert [i["key"] for i in listed] == [item["key"]]
    updated = client.put(
        f"{API}/cart/items/{item['key']}",
        json.dumps({"quantity": 3}),
        content_type="application/json",
        HTTP_CART_TOKEN=token,
    )
    assert updated.status_code == 200 and updated.json()["quantity"] == 3

    coupon = post(client, token, "/cart/coupons", {"code": "5dollars"})
    assert coupon.status_code == 201
    assert coupon.json()["code"] == "5dollars"
    by_code = client.get(f"{API}/cart/coupons/5dollars", HTTP_CART_TOKEN=token)
    assert by_code.status_code == 200 and by_code.json()["discount_type"] == "fixed_cart"
    gone = client.delete(f"{API}/cart/coupons/5dollars", HTTP_CART_TOKEN=token)
    assert gone.status_code == 204

    deleted = client.delete(f"{API}/cart/items/{item['key']}", HTTP_CART_TOKEN=token)
    assert deleted.status_code == 204
    post(client, token, "/cart/items", {"id": 2})
    assert client.delete(f"{API}/cart/items", HTTP_CART_TOKEN=token).json() == []
    assert client.get(f"{API}/cart", HTTP_CART_TOKEN=token).json()["items"] == []


def test_checkout_object_shapes(client, token):
    # No order yet: the draft response of WooCommerce 10.8+.
    empty = client.get(f"{API}/checkout", HTTP_CART_TOKEN=token).json()
    assert list(empty) == CHECKOUT_KEYS
    assert empty["order_id"] == 0 and empty["order_key"] == "" and empty["order_number"] == "0"
    assert empty["payment_method"] == "stripe"

    post(client, token, "/cart/add-item", {"id": 1})
    draft = client.get(f"{API}/checkout", HTTP_CART_TOKEN=token).json()
    assert list(draft) == CHECKOUT_KEYS
    assert list(draft["billing_address"]) == BILLING_ADDRESS_KEYS
    assert list(draft["shipping_address"]) == SHIPPING_ADDRESS_KEYS
    assert draft["__experimentalCart"] is None and draft["extensions"] == {}
    with_cart = client.get(
        f"{API}/checkout?__experimental_calc_totals=true", HTTP_CART_TOKEN=token
    ).json()
    assert list(with_cart["__experimentalCart"]) == CART_KEYS

    placed = post(
        client, token, "/checkout", {"billing_address": ADDRESS, "payment_method": "bacs"}
    ).json()
    assert list(placed) == CHECKOUT_KEYS
    assert list(placed["payment_result"]) == ["payment_status", "payment_details", "redirect_url"]
    assert placed["customer_id"] == 0


def test_weight_is_grams(client, token, db):
    heavy = ProductFactory(weight_grams=1500, regular_price=100)
    body = post(client, token, "/cart/add-item", {"id": heavy.pk, "quantity": 2}).json()
    assert body["items_weight"] == 3000


def test_variation_values_as_the_products_route_gives_them(client, token):
    """GET /products lists variation values as term slugs; add-item takes them back."""
    product = client.get(f"{API}/products/13").json()
    chosen = product["variations"][0]["attributes"]
    body = post(
        client,
        token,
        "/cart/add-item",
        {"id": 13, "variation": [{"attribute": a["name"], "value": a["value"]} for a in chosen]},
    )
    assert body.status_code == 201, body.json()
    assert body.json()["items"][0]["id"] == product["variations"][0]["id"]


def test_reading_the_cart_drops_a_coupon_that_stopped_applying(client, token):
    import datetime as dt

    from checkout_hub import clock
    from checkout_hub.models import Cart, Coupon

    post(client, token, "/cart/add-item", {"id": 1})
    post(client, token, "/cart/apply-coupon", {"code": "10off"})
    Coupon.objects.filter(code="10off").update(expires_at=clock.now() - dt.timedelta(days=1))
    body = client.get(f"{API}/cart", HTTP_CART_TOKEN=token).json()
    assert body["coupons"] == []
    assert body["errors"] == [
        {"code": "woocommerce_rest_cart_coupon_error", "message": "This coupon has expired."}
    ]
    assert body["totals"]["total_discount"] == "0"
    assert Cart.objects.get(items__isnull=False).coupon_codes == []
    # Dropped once: the next read has nothing to report.
    assert client.get(f"{API}/cart", HTTP_CART_TOKEN=token).json()["errors"] == []
