"""The storefront pages the Store API links to: order received (thank you) and product."""

import pytest
from django.urls import reverse

from checkout_hub.models import Order, Product, ProductImage
from tests.factories import (
    US_ADDRESS,
    CategoryFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    VariableProductFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db


def received_url(order: Order, key: str | None = None) -> str:
    url = f"/checkout/order-received/{order.pk}/"
    return url if key == "" else f"{url}?key={order.order_key if key is None else key}"


@pytest.fixture
def order():
    order = OrderFactory(
        status=Order.Status.ON_HOLD,
        payment_method="bacs",
        billing_email="peter@example.com",
        billing_address=US_ADDRESS,
        shipping_address={k: v for k, v in US_ADDRESS.items() if k != "email"},
        subtotal=4000,
        discount_total=400,
        shipping_total=500,
        tax_total=410,
        total=4510,
        shipping_lines=[{"method_id": "flat_rate", "title": "Flat rate", "total": 500}],
        customer_note="Leave it with the doorman.",
    )
    OrderItemFactory(
        order=order,
        name="Beanie",
        quantity=2,
        subtotal=4000,
        total=3600,
        item_data=[{"name": "Gift message", "value": "Happy birthday"}],
    )
    return order


# --- order received ---
def test_order_received_page_shows_the_order(client, order):
    assert reverse("woo_store_pages:order-received", args=[order.pk]) == (
        f"/checkout/order-received/{order.pk}/"
    )
    response = client.get(received_url(order))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Thank you. Your order has been received." in html
    assert f"<strong>{order.number}</strong>" in html
    assert order.created_at.strftime("%B") in html
    assert "peter@example.com" in html
    assert "Direct bank transfer" in html  # the gateway's title
    assert "On hold" in html
    assert "Beanie" in html and "Gift message: Happy birthday" in html
    for amount in ("$40.00", "-$4.00", "$5.00", "$4.10", "$45.10"):
        assert amount in html, amount
    assert "via Flat rate" in html
    assert "550 Central Park West" in html and "Shipping address" in html
    assert "Leave it with the doorman." in html
    # bacs prints its bank-transfer instructions.
    assert "Make your payment directly into our bank account." in html


def test_order_received_page_without_bacs_has_no_bank_instructions(client):
    order = OrderFactory(status=Order.Status.PROCESSING, payment_method="cod")
    html = client.get(received_url(order)).content.decode()
    assert "Cash on delivery" in html
    assert "Make your payment directly" not in html
    assert "Shipping address" not in html  # nothing shipped


def test_order_received_page_prefers_the_stored_method_title(client):
    order = OrderFactory(payment_method="stripe", payment_method_title="Credit card (Stripe)")
    assert "Credit card (Stripe)" in client.get(received_url(order)).content.decode()


def test_order_received_page_uses_the_orders_currency(client):
    order = OrderFactory(currency="EUR", total=123456)
    assert "1.234,56 €" in client.get(received_url(order)).content.decode()


@pytest.mark.parametrize("key", ["wc_order_wrong", ""])
def test_order_received_page_with_wrong_or_missing_key_is_404(client, order, key):
    response = client.get(received_url(order, key=key))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Invalid order." in html
    assert "Beanie" not in html and "peter@example.com" not in html


def test_order_received_page_unknown_order_and_draft_are_404(client):
    response = client.get("/checkout/order-received/999999/?key=wc_order_x")
    assert response.status_code == 404
    assert "Invalid order." in response.content.decode()
    draft = OrderFactory(status=Order.Status.CHECKOUT_DRAFT)
    assert client.get(received_url(draft)).status_code == 404


# --- product ---
def test_product_page(client):
    category = CategoryFactory(name="Accessories")
    product = ProductFactory(
        name="Beanie",
        sku="woo-beanie",
        regular_price=2000,
        sale_price=1800,
        short_description="<p>A warm hat.</p>",
        description="<p>Knitted with care.</p>",
        manage_stock=True,
        stock_quantity=7,
    )
    product.categories.add(category)
    ProductImage.objects.create(product=product, src="https://img.example/beanie.jpg", alt="Hat")
    assert reverse("woo_store_pages:product", args=[product.slug]) == f"/product/{product.slug}/"

    response = client.get(f"/product/{product.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Beanie</h1>" in html
    assert "<del>$20.00</del> $18.00" in html
    assert "<p>Knitted with care.</p>" in html and "<p>A warm hat.</p>" in html
    assert "7 in stock" in html
    assert "woo-beanie" in html and "Accessories" in html
    assert 'src="https://img.example/beanie.jpg"' in html


def test_variable_product_page_lists_variations(client):
    parent = VariableProductFactory(name="Hoodie")
    VariationFactory(parent=parent, regular_price=3000, sku="hoodie-blue-m")
    VariationFactory(
        parent=parent,
        regular_price=3500,
        sku="hoodie-red-l",
        variation_attributes={"pa_color": "Red", "pa_size": "L"},
        stock_status=Product.StockStatus.OUT_OF_STOCK,
    )
    html = client.get(f"/product/{parent.slug}/").content.decode()
    assert "$30.00 – $35.00" in html
    assert "Blue / M" in html and "Red / L" in html
    assert "hoodie-red-l" in html and "Out of stock" in html


def test_permalinks_from_the_api_lead_to_the_product_page(client):
    variation = VariationFactory()
    # A variation's permalink is its parent's page; the variation has none of its own.
    assert client.get(f"/product/{variation.parent.slug}/").status_code == 200
    assert client.get(f"/product/{variation.slug}/").status_code == 404


@pytest.mark.parametrize("status", [None, Product.Status.DRAFT])
def test_unknown_or_unpublished_product_is_404(client, status):
    slug = "no-such-product"
    if status:
        slug = ProductFactory(status=status).slug
    response = client.get(f"/product/{slug}/")
    assert response.status_code == 404
    assert "Product not found." in response.content.decode()
