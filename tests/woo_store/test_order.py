"""GET /wp-json/wc/store/v1/order/{id}: the order object and its authorization (reference §4)."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub.models import Order, Product
from tests.factories import (
    US_ADDRESS,
    CustomerFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    UserFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db

CURRENCY_KEYS = [
    "currency_code",
    "currency_symbol",
    "currency_minor_unit",
    "currency_decimal_separator",
    "currency_thousand_separator",
    "currency_prefix",
    "currency_suffix",
]
ORDER_KEYS = [
    "id",
    "status",
    "items",
    "coupons",
    "fees",
    "totals",
    "shipping_address",
    "billing_address",
    "needs_payment",
    "needs_shipping",
    "payment_requirements",
    "errors",
]
ITEM_KEYS = [
    "key",
    "id",
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
]
TOTALS_KEYS = [
    "subtotal",
    "total_discount",
    "total_shipping",
    "total_fees",
    "total_tax",
    "total_refund",
    "total_price",
    "total_items",
    "total_items_tax",
    "total_fees_tax",
    "total_discount_tax",
    "total_shipping_tax",
    "tax_lines",
    *CURRENCY_KEYS,
]
USD = {
    "currency_code": "USD",
    "currency_symbol": "$",
    "currency_minor_unit": 2,
    "currency_decimal_separator": ".",
    "currency_thousand_separator": ",",
    "currency_prefix": "$",
    "currency_suffix": "",
}


def order_url(order_id, prefix="/wp-json/wc/store/v1", **params) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"{prefix}/order/{order_id}{query}"


def guest_url(order: Order, **overrides) -> str:
    params = {"key": order.order_key, "billing_email": order.billing_email, **overrides}
    return order_url(order.pk, **params)


@pytest.fixture
def full_order():
    """A shipped, taxed, discounted on-hold guest order with one simple line."""
    product = ProductFactory(name="Beanie", sku="woo-beanie", regular_price=2000)
    order = OrderFactory(
        status=Order.Status.ON_HOLD,
        billing_email="peter@example.com",
        billing_address=US_ADDRESS,
        shipping_address={k: v for k, v in US_ADDRESS.items() if k != "email"},
        subtotal=4000,
        discount_total=400,
        discount_tax=40,
        shipping_total=500,
        shipping_tax=50,
        tax_total=410,
        total=4510,
        shipping_lines=[
            {
                "rate_id": "flat_rate:1",
                "method_id": "flat_rate",
                "instance_id": 1,
                "title": "Flat rate",
                "total": 500,
                "total_tax": 50,
            }
        ],
        coupon_lines=[
            {"code": "save10", "discount_type": "percent", "discount": 400, "discount_tax": 40}
        ],
        tax_lines=[
            {
                "rate_id": 1,
                "name": "Sales tax",
                "label": "Sales tax",
                "rate": "10.0000",
                "tax_total": 360,
                "shipping_tax_total": 50,
            }
        ],
    )
    OrderItemFactory(
        order=order,
        product=product,
        quantity=2,
        price=2000,
        subtotal=4000,
        subtotal_tax=400,
        total=3600,
        total_tax=360,
        item_data=[{"name": "Gift message", "value": "Happy birthday"}],
    )
    return order


# --- the order object ---
def test_order_object_keys_and_values(client, full_order):
    response = client.get(guest_url(full_order))
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ORDER_KEYS
    assert body["id"] == full_order.pk
    assert body["status"] == "on-hold"
    assert body["fees"] == []
    assert body["errors"] == []
    assert body["needs_payment"] is False  # on-hold is not payable
    assert body["needs_shipping"] is True
    assert body["payment_requirements"] == ["products"]
    assert body["billing_address"] == {
        "first_name": "Peter",
        "last_name": "Venkman",
        "company": "",
        "address_1": "550 Central Park West",
        "address_2": "Corner Penthouse Spook Central",
        "city": "New York",
        "state": "NY",
        "postcode": "10023",
        "country": "US",
        "email": "peter@example.com",
        "phone": "555-2368",
    }
    assert list(body["shipping_address"]) == [
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


def test_totals_are_minor_unit_strings_in_woocommerce_order(client, full_order):
    totals = client.get(guest_url(full_order)).json()["totals"]
    assert list(totals) == TOTALS_KEYS
    assert totals == {
        "subtotal": "4000",
        "total_discount": "400",
        "total_shipping": "500",
        "total_fees": "0",
        "total_tax": "410",
        "total_refund": "0",
        "total_price": "4510",
        "total_items": "3600",  # the lines' totals, after discounts
        "total_items_tax": "360",  # the tax lines' item tax, shipping tax excluded
        "total_fees_tax": "0",
        "total_discount_tax": "40",
        "total_shipping_tax": "50",
        "tax_lines": [{"name": "Sales tax", "price": "360", "rate": "10%"}],
        **USD,
    }


def test_totals_use_the_orders_currency(client):
    order = OrderFactory(status=Order.Status.PROCESSING, currency="EUR", total=1234)
    totals = client.get(guest_url(order)).json()["totals"]
    assert totals["total_price"] == "1234"
    assert totals["currency_code"] == "EUR"
    assert totals["currency_suffix"] == " €"


def test_item_shape(client, full_order):
    item = client.get(guest_url(full_order)).json()["items"][0]
    line = full_order.items.get()
    assert list(item) == ITEM_KEYS
    assert item["key"] == full_order.order_key  # WooCommerce sends the order key here
    assert item["id"] == line.pk
    assert item["quantity"] == 2
    assert item["quantity_limits"] == {
        "minimum": 2,
        "maximum": 2,
        "multiple_of": 1,
        "editable": False,
    }
    assert item["name"] == "Beanie"
    assert item["sku"] == "woo-beanie"
    assert item["low_stock_remaining"] is None
    assert item["backorders_allowed"] is False
    assert item["permalink"].endswith(f"/product/{line.product.slug}/")
    assert item["variation"] == []
    assert item["images"] == []
    assert item["catalog_visibility"] == "visible"
    assert item["totals"] == {
        "line_subtotal": "4000",
        "line_subtotal_tax": "400",
        "line_total": "3600",
        "line_total_tax": "360",
        **USD,
    }
    assert list(item["prices"]) == [
        "price",
        "regular_price",
        "sale_price",
        "price_range",
        *CURRENCY_KEYS,
        "raw_prices",
    ]
    assert item["prices"]["price"] == "2000"
    assert item["prices"]["raw_prices"]["price"] == "20000000"


def test_item_data_shape(client, full_order):
    item = client.get(guest_url(full_order)).json()["items"][0]
    assert item["item_data"] == [
        {
            "id": None,
            "key": "Gift message",
            "value": "Happy birthday",
            "display_key": "Gift message",
            "display_value": "<p>Happy birthday</p>\n",
        }
    ]


def test_coupons(client, full_order):
    coupons = client.get(guest_url(full_order)).json()["coupons"]
    assert coupons == [
        {
            "code": "save10",
            "discount_type": "percent",
            "totals": {"total_discount": "400", "total_discount_tax": "40", **USD},
        }
    ]
    assert list(coupons[0]["totals"]) == ["total_discount", "total_discount_tax", *CURRENCY_KEYS]


def test_variation_line(client):
    variation = VariationFactory(regular_price=1500)
    order = OrderFactory(status=Order.Status.PROCESSING)
    OrderItemFactory(
        order=order,
        product=variation,
        product_ref=variation.parent_id,
        variation_ref=variation.pk,
        name=variation.display_name,
        variation={"pa_color": "Blue", "pa_size": "M"},
    )
    item = client.get(guest_url(order)).json()["items"][0]
    assert item["variation"] == [
        {"attribute": "Color", "value": "Blue"},
        {"attribute": "Size", "value": "M"},
    ]
    assert item["permalink"].endswith(f"/product/{variation.parent.slug}/")


def test_deleted_product_still_renders_from_the_snapshot(client, full_order):
    Product.objects.filter(pk=full_order.items.get().product_id).delete()
    response = client.get(guest_url(full_order))
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert list(item) == ITEM_KEYS
    assert item["name"] == "Beanie"
    assert item["quantity"] == 2
    assert item["totals"]["line_total"] == "3600"
    # WooCommerce's blanks for what only the product knows.
    assert item["sku"] == ""
    assert item["permalink"] == ""
    assert item["images"] == []
    assert item["catalog_visibility"] == "hidden"
    assert item["prices"]["price"] == ""
    assert item["prices"]["raw_prices"] == {
        "precision": 6,
        "price": "",
        "regular_price": "",
        "sale_price": "",
    }


def test_pending_order_needs_payment_and_pickup_needs_no_shipping(client):
    order = OrderFactory(
        status=Order.Status.PENDING,
        total=1000,
        shipping_lines=[{"method_id": "local_pickup", "title": "Pickup", "total": 0}],
    )
    body = client.get(guest_url(order)).json()
    assert body["needs_payment"] is True
    assert body["needs_shipping"] is False
    assert body["items"] == []
    assert body["coupons"] == []
    assert body["totals"]["tax_lines"] == []


def test_failed_order_reports_out_of_stock_lines(client):
    product = ProductFactory(name="Scarf", manage_stock=True, stock_quantity=0)
    order = OrderFactory(status=Order.Status.FAILED)
    OrderItemFactory(order=order, product=product, quantity=1)
    errors = client.get(guest_url(order)).json()["errors"]
    assert errors == [
        {
            "code": "woocommerce_rest_out_of_stock",
            "message": 'Sorry, "Scarf" is no longer in stock so this order cannot be paid for. '
            "We apologize for any inconvenience caused.",
        }
    ]


def test_failed_order_reports_too_little_stock(client):
    product = ProductFactory(name="Scarf", manage_stock=True, stock_quantity=1)
    order = OrderFactory(status=Order.Status.FAILED)
    OrderItemFactory(order=order, product=product, quantity=3)
    errors = client.get(guest_url(order)).json()["errors"]
    assert errors[0]["code"] == "woocommerce_rest_out_of_stock"
    assert "(1 available)" in errors[0]["message"]


# --- authorization ---
def test_unknown_order_is_404(client):
    response = client.get(order_url(999999, key="wc_order_x", billing_email="a@example.com"))
    assert response.status_code == 404
    assert response.json()["code"] == "woocommerce_rest_invalid_order"
    assert response.json()["data"] == {"status": 404}


def test_huge_order_id_is_404(client):
    response = client.get(order_url("9" * 40))
    assert response.status_code == 404
    assert response.json()["code"] == "woocommerce_rest_invalid_order"


def test_checkout_draft_is_not_found(client):
    order = OrderFactory(status=Order.Status.CHECKOUT_DRAFT)
    response = client.get(guest_url(order))
    assert response.status_code == 404
    assert response.json()["code"] == "woocommerce_rest_invalid_order"


@pytest.mark.parametrize("key", ["wc_order_wrong", ""])
def test_guest_order_with_wrong_or_missing_key_is_401(client, key):
    order = OrderFactory(status=Order.Status.PROCESSING)
    response = client.get(guest_url(order, key=key))
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_invalid_order",
        "message": "Invalid order ID or key provided.",
        "data": {"status": 401},
    }


def test_guest_order_without_any_params_is_401_invalid_order(client):
    order = OrderFactory(status=Order.Status.PROCESSING)
    response = client.get(order_url(order.pk))
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_invalid_order"


@pytest.mark.parametrize("email", ["someone@example.com", ""])
def test_guest_order_with_wrong_or_missing_email_is_401(client, email):
    order = OrderFactory(status=Order.Status.PROCESSING)
    response = client.get(guest_url(order, billing_email=email))
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_invalid_billing_email",
        "message": "Invalid billing email provided.",
        "data": {"status": 401},
    }


def test_guest_email_matches_case_insensitively(client):
    order = OrderFactory(status=Order.Status.PROCESSING, billing_email="peter@example.com")
    response = client.get(guest_url(order, billing_email="  Peter@EXAMPLE.com "))
    assert response.status_code == 200
    assert response.json()["id"] == order.pk


def test_logged_in_stranger_still_needs_key_and_email_for_a_guest_order(client):
    order = OrderFactory(status=Order.Status.PROCESSING)
    client.force_login(UserFactory())
    assert client.get(order_url(order.pk)).status_code == 401
    assert client.get(guest_url(order)).status_code == 200


def test_customer_order_is_for_its_user_only(client):
    owner = UserFactory()
    order = OrderFactory(
        status=Order.Status.PROCESSING, customer=CustomerFactory(user=owner, email=owner.email)
    )

    # Anonymous, even with the right key and email.
    response = client.get(guest_url(order))
    assert response.status_code == 403
    assert response.json() == {
        "code": "woocommerce_rest_invalid_user",
        "message": "This order belongs to a different customer.",
        "data": {"status": 403},
    }

    client.force_login(UserFactory())
    response = client.get(guest_url(order))
    assert response.status_code == 403
    assert response.json()["code"] == "woocommerce_rest_invalid_user"

    # The owner needs neither key nor email.
    client.force_login(owner)
    response = client.get(order_url(order.pk))
    assert response.status_code == 200
    assert response.json()["id"] == order.pk


def test_customer_without_user_is_a_guest_order(client):
    order = OrderFactory(status=Order.Status.PROCESSING, customer=CustomerFactory())
    assert client.get(guest_url(order)).status_code == 200
    assert client.get(order_url(order.pk)).status_code == 401


# --- transport ---
def test_no_session_headers_and_the_alias_route(client, full_order):
    for prefix in ("/wp-json/wc/store/v1", "/wp-json/wc/store"):
        params = {"key": full_order.order_key, "billing_email": full_order.billing_email}
        response = client.get(order_url(full_order.pk, prefix=prefix, **params))
        assert response.status_code == 200
        for header in ("Nonce", "Nonce-Timestamp", "Cart-Token", "Cart-Hash", "User-ID"):
            assert header not in response.headers
    # Errors carry none either.
    response = client.get(order_url(full_order.pk))
    assert response.status_code == 401
    assert "Nonce" not in response.headers and "Cart-Token" not in response.headers


def test_trailing_slash_route(client, full_order):
    url = f"/wp-json/wc/store/v1/order/{full_order.pk}/?" + urlencode(
        {"key": full_order.order_key, "billing_email": full_order.billing_email}
    )
    assert client.get(url).status_code == 200


def test_post_is_no_route(client, full_order):
    response = client.post(guest_url(full_order), data={}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "rest_no_route"


def _queries_for(client, lines: int) -> int:
    order = OrderFactory(status=Order.Status.PROCESSING)
    for _ in range(lines):
        variation = VariationFactory()
        OrderItemFactory(order=order, product=variation, variation={"pa_color": "Blue"})
    url = guest_url(order)
    client.get(url)  # warm any per-process caches (content types, scenario rules)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["items"]) == lines
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_lines(client):
    assert _queries_for(client, 1) == _queries_for(client, 10)
