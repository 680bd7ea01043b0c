"""The cart's wire, written directly (render_cart and friends), is what the cart serializers
write: the same keys in the same order and the same values, byte for byte once encoded, on carts
of every shape the Store API answers (variations, coupons of each kind, calculated shipping,
taxes, low stock, backorders, item data, an empty or unsaved cart, other currencies)."""

import json

import pytest
from django.core.management import call_command

from checkout_hub.models import Cart, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import pricing
from tests.factories import US_ADDRESS as ADDRESS
from tests.factories import ProductFactory
from woo_store.serializers.cart import (
    CartCouponSerializer,
    CartItemSerializer,
    CartSerializer,
    cart_state,
    render_cart,
    render_coupon,
    render_item,
)


def encoded(data) -> str:
    return json.dumps(data, sort_keys=False)


def assert_same_wire(cart: Cart, currency: str = "USD") -> dict:
    context = {"request": None, "view": None, "currency": currency}
    loaded = cart_service.load(cart.key) if cart.pk else cart
    state = cart_state(loaded, context)
    fast = render_cart(state, context)
    assert encoded(fast) == encoded(CartSerializer(state, context=context).data)
    for line in state.totals.lines:
        expected = CartItemSerializer(line, context=context).data
        assert encoded(render_item(line, context)) == encoded(expected)
    for coupon in state.totals.coupons:
        expected = CartCouponSerializer(coupon, context=context).data
        assert encoded(render_coupon(coupon, context)) == encoded(expected)
    return fast


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


def new_cart() -> Cart:
    return cart_service.create_cart(vendor="woo_store", key=f"wire-{Cart.objects.count()}")


def simple_products(count: int) -> list[Product]:
    return list(
        Product.objects.filter(type="simple", parent=None, regular_price__gt=0).order_by("id")
    )[:count]


def test_empty_and_unsaved_carts(store):
    assert_same_wire(new_cart())
    data = assert_same_wire(Cart(key="never-saved", vendor="woo_store"))
    assert data["items"] == [] and data["totals"]["total_price"] == "0"


def test_simple_lines_with_coupons_of_each_kind(store):
    cart = new_cart()
    for product in simple_products(3):
        cart_service.add_item(cart, product.pk, 2)
    for code in ("10off", "5dollars", "2offeach"):
        cart_service.apply_coupon(cart, code)
    data = assert_same_wire(cart)
    assert len(data["items"]) == 3 and len(data["coupons"]) == 3


def test_a_variation_with_its_attributes_and_item_data(store):
    variation = Product.objects.filter(type="variation").order_by("id").first()
    chosen = {
        (a.get("slug") or a["name"]): (a.get("options") or ["x"])[0]
        for a in variation.parent.attributes
    }
    cart = new_cart()
    item = cart_service.add_item(cart, variation.pk, variation=chosen)
    item.item_data = [{"key": "Gift note", "value": "Happy birthday"}, "not an object"]
    item.save()
    data = assert_same_wire(cart)
    assert data["items"][0]["variation"]


def test_calculated_shipping_and_taxes(store):
    cart = new_cart()
    for product in simple_products(2):
        cart_service.add_item(cart, product.pk)
    cart_service.update_customer(cart, billing=ADDRESS, shipping=ADDRESS)
    data = assert_same_wire(cart)
    assert data["has_calculated_shipping"] is True
    assert data["shipping_rates"][0]["shipping_rates"]
    assert data["totals"]["total_shipping"] is not None


def test_stock_states_sale_prices_and_missing_images(store):
    low = ProductFactory(manage_stock=True, stock_quantity=2, regular_price=900, sale_price=700)
    notify = ProductFactory(
        manage_stock=True, stock_quantity=1, backorders=Product.Backorders.NOTIFY, sku=""
    )
    alone = ProductFactory(sold_individually=True, regular_price=1250)
    cart = new_cart()
    cart_service.add_item(cart, low.pk, 2)
    cart_service.add_item(cart, notify.pk, 3)
    cart_service.add_item(cart, alone.pk)
    data = assert_same_wire(cart)
    by_id = {item["id"]: item for item in data["items"]}
    assert by_id[low.pk]["low_stock_remaining"] == 2
    assert by_id[notify.pk]["show_backorder_badge"] is True
    assert by_id[alone.pk]["quantity_limits"]["editable"] is False


def test_a_cart_with_errors(store):
    product = ProductFactory(manage_stock=True, stock_quantity=5)
    cart = new_cart()
    cart_service.add_item(cart, product.pk, 4)
    Product.objects.filter(pk=product.pk).update(stock_quantity=1)
    data = assert_same_wire(cart)
    assert data["errors"]


@pytest.mark.parametrize("currency", ["EUR", "JPY", "XYZ"])
def test_other_currencies(store, currency):
    cart = new_cart()
    for product in simple_products(2):
        cart_service.add_item(cart, product.pk)
    cart_service.apply_coupon(cart, "10off")
    data = assert_same_wire(cart, currency)
    assert data["totals"]["currency_code"] == currency


def test_the_reply_keeps_no_state_between_carts(store):
    """Each reply is built afresh: changing one does not change the next."""
    cart = new_cart()
    cart_service.add_item(cart, simple_products(1)[0].pk)
    context = {"request": None, "view": None, "currency": "USD"}
    first = render_cart(cart_state(cart_service.load(cart.key), context), context)
    first["totals"]["currency_code"] = "changed"
    first["items"][0]["prices"]["currency_code"] = "changed"
    second = render_cart(cart_state(cart_service.load(cart.key), context), context)
    assert second["totals"]["currency_code"] == "USD"
    assert second["items"][0]["prices"]["currency_code"] == "USD"
    assert pricing.calculate(cart_service.load(cart.key)).lines
