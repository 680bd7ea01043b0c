"""Cart operations: merging lines, stock, sold-individually, quantity limits, variations,
coupons and addresses."""

import datetime as dt

import pytest

from checkout_hub import clock
from checkout_hub.models import Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import errors, scenarios
from tests.factories import (
    CartFactory,
    CouponFactory,
    ProductFactory,
    VariableProductFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart():
    return CartFactory()


def lines(cart):
    return [(i.product_id, i.quantity) for i in cart.items.order_by("id")]


def test_adding_the_same_product_merges_into_one_line(cart):
    product = ProductFactory()
    first = cart_service.add_item(cart, product.pk, 1)
    second = cart_service.add_item(cart, product.pk, 2)
    assert first.key == second.key and len(first.key) == 32
    assert lines(cart) == [(product.pk, 3)]


def test_line_key_is_md5_of_product_variation_and_data():
    assert cart_service.line_key(5, 0, {}, []) == "e4da3b7fbbce2345d7772b0674a318d5"  # md5("5")
    assert cart_service.line_key(5, 7, {"pa_color": "Blue"}, []) != cart_service.line_key(
        5, 7, {"pa_color": "Red"}, []
    )


def test_unknown_or_unpublished_product(cart):
    with pytest.raises(errors.ProductNotFound):
        cart_service.add_item(cart, 999999, 1)
    draft = ProductFactory(status=Product.Status.DRAFT)
    with pytest.raises(errors.ProductNotFound):
        cart_service.add_item(cart, draft.pk, 1)


def test_product_without_price_is_not_purchasable(cart):
    with pytest.raises(errors.NotPurchasable):
        cart_service.add_item(cart, ProductFactory(regular_price=None).pk, 1)


def test_quantity_must_be_positive(cart):
    with pytest.raises(errors.InvalidQuantity):
        cart_service.add_item(cart, ProductFactory().pk, 0)


def test_out_of_stock_and_partially_out_of_stock(cart):
    gone = ProductFactory(manage_stock=True, stock_quantity=0)
    with pytest.raises(errors.OutOfStock) as exc:
        cart_service.add_item(cart, gone.pk, 1)
    assert exc.value.available == 0 and not exc.value.partially
    two_left = ProductFactory(manage_stock=True, stock_quantity=2)
    cart_service.add_item(cart, two_left.pk, 2)
    with pytest.raises(errors.OutOfStock) as exc:
        cart_service.add_item(cart, two_left.pk, 1)
    assert (exc.value.requested, exc.value.available) == (3, 2)
    assert exc.value.partially
    assert lines(cart) == [(two_left.pk, 2)]


def test_unmanaged_out_of_stock_status(cart):
    product = ProductFactory(stock_status=Product.StockStatus.OUT_OF_STOCK)
    with pytest.raises(errors.OutOfStock):
        cart_service.add_item(cart, product.pk, 1)


def test_backorders_allow_more_than_stock(cart):
    product = ProductFactory(manage_stock=True, stock_quantity=1, backorders="yes")
    cart_service.add_item(cart, product.pk, 5)
    assert lines(cart) == [(product.pk, 5)]


def test_sold_individually(cart):
    product = ProductFactory(sold_individually=True)
    cart_service.add_item(cart, product.pk, 4)  # clamped to one, as WooCommerce does
    assert lines(cart) == [(product.pk, 1)]
    with pytest.raises(errors.TooManyInCart):
        cart_service.add_item(cart, product.pk, 1)
    key = cart.items.get().key
    with pytest.raises(errors.TooManyInCart):
        cart_service.update_quantity(cart, key, 2)


def test_quantity_limits_clamp_new_lines_and_check_updates(cart):
    product = ProductFactory(quantity_min=2, quantity_max=6, quantity_step=2)
    item = cart_service.add_item(cart, product.pk, 1)
    assert item.quantity == 2  # clamped up to the minimum
    with pytest.raises(errors.InvalidQuantity) as exc:
        cart_service.update_quantity(cart, item.key, 3)
    assert exc.value.multiple_of == 2
    with pytest.raises(errors.InvalidQuantity):
        cart_service.update_quantity(cart, item.key, 8)
    cart_service.update_quantity(cart, item.key, 6)
    assert lines(cart) == [(product.pk, 6)]


def test_limits_report_stock_as_maximum():
    product = ProductFactory(manage_stock=True, stock_quantity=7)
    limits = cart_service.quantity_limits(product)
    assert (limits.minimum, limits.maximum, limits.multiple_of, limits.editable) == (1, 7, 1, True)
    single = cart_service.quantity_limits(ProductFactory(sold_individually=True))
    assert (single.maximum, single.editable) == (1, False)


def test_update_checks_stock_and_zero_removes(cart):
    product = ProductFactory(manage_stock=True, stock_quantity=3)
    item = cart_service.add_item(cart, product.pk, 1)
    with pytest.raises(errors.OutOfStock):
        cart_service.update_quantity(cart, item.key, 4)
    assert cart_service.update_quantity(cart, item.key, 0) is None
    assert lines(cart) == []


def test_unknown_line_key(cart):
    with pytest.raises(errors.CartItemNotFound):
        cart_service.update_quantity(cart, "0" * 32, 1)
    with pytest.raises(errors.CartItemNotFound):
        cart_service.remove_item(cart, "0" * 32)


def test_remove_and_clear(cart):
    a, b = ProductFactory(), ProductFactory()
    item = cart_service.add_item(cart, a.pk, 1)
    cart_service.add_item(cart, b.pk, 1)
    cart_service.remove_item(cart, item.key)
    assert lines(cart) == [(b.pk, 1)]
    CouponFactory(code="ten")
    cart_service.apply_coupon(cart, "ten")
    cart_service.clear(cart)
    cart.refresh_from_db()
    assert lines(cart) == [] and cart.coupon_codes == []


# --- variations ---
@pytest.fixture
def hoodie():
    parent = VariableProductFactory(name="Hoodie")
    blue_m = VariationFactory(
        parent=parent, variation_attributes={"pa_color": "Blue", "pa_size": "M"}
    )
    red_any = VariationFactory(
        parent=parent, variation_attributes={"pa_color": "Red", "pa_size": ""}
    )
    return parent, blue_m, red_any


def test_variation_chosen_by_attributes(cart, hoodie):
    parent, blue_m, _ = hoodie
    item = cart_service.add_item(cart, parent.pk, 1, variation={"Color": "blue", "pa_size": "M"})
    assert item.product == blue_m
    assert item.variation == {"pa_color": "Blue", "pa_size": "M"}


def test_any_attribute_keeps_the_buyers_choice(cart, hoodie):
    parent, _, red_any = hoodie
    small = cart_service.add_item(cart, red_any.pk, 1, variation={"attribute_pa_size": "S"})
    large = cart_service.add_item(cart, red_any.pk, 1, variation={"Size": "L"})
    assert small.product == large.product == red_any
    assert small.key != large.key


def test_variation_errors(cart, hoodie):
    parent, _, _ = hoodie
    with pytest.raises(errors.InvalidVariation) as exc:
        cart_service.add_item(cart, parent.pk, 1, variation={"Color": "Blue"})
    assert exc.value.reason == "missing_attributes"
    with pytest.raises(errors.InvalidVariation) as exc:
        cart_service.add_item(cart, parent.pk, 1, variation={"Color": "Pink", "Size": "M"})
    assert exc.value.reason == "invalid_value"
    with pytest.raises(errors.InvalidVariation) as exc:
        cart_service.add_item(cart, parent.pk, 1, variation={"Color": "Blue", "Size": "L"})
    assert exc.value.reason == "no_match"


# --- coupons ---
def test_apply_coupon_normalises_and_refuses_twice(cart):
    CouponFactory(code="summer")
    cart_service.add_item(cart, ProductFactory().pk, 1)
    cart_service.apply_coupon(cart, "  SUMMER ")
    assert cart.coupon_codes == ["summer"]
    with pytest.raises(errors.InvalidCoupon) as exc:
        cart_service.apply_coupon(cart, "summer")
    assert exc.value.reason == "already_applied"


def test_apply_unknown_or_invalid_coupon(cart):
    cart_service.add_item(cart, ProductFactory(regular_price=1000).pk, 1)
    with pytest.raises(errors.InvalidCoupon) as exc:
        cart_service.apply_coupon(cart, "nope")
    assert exc.value.reason == "not_found"
    CouponFactory(code="big", minimum_spend=10000)
    with pytest.raises(errors.InvalidCoupon) as exc:
        cart_service.apply_coupon(cart, "big")
    assert exc.value.reason == "minimum_spend"
    assert cart.coupon_codes == []


def test_coupons_switched_off(cart, settings):
    settings.HUB_COUPONS_ENABLED = False
    CouponFactory(code="summer")
    with pytest.raises(errors.InvalidCoupon) as exc:
        cart_service.apply_coupon(cart, "summer")
    assert (exc.value.reason, exc.value.message) == ("disabled", "Coupons are disabled.")
    assert cart.coupon_codes == []


def test_individual_use_coupons(cart):
    cart_service.add_item(cart, ProductFactory().pk, 1)
    CouponFactory(code="a")
    CouponFactory(code="solo", individual_use=True)
    cart_service.apply_coupon(cart, "a")
    cart_service.apply_coupon(cart, "solo")
    assert cart.coupon_codes == ["solo"]
    with pytest.raises(errors.InvalidCoupon) as exc:
        cart_service.apply_coupon(cart, "a")
    assert exc.value.reason == "individual_use"


def test_remove_coupon_not_applied(cart):
    with pytest.raises(errors.CouponNotApplied):
        cart_service.remove_coupon(cart, "x")


# --- customer ---
def test_update_customer_merges_and_normalises(cart):
    cart_service.update_customer(cart, billing={"first_name": " Ada ", "country": "us"})
    cart_service.update_customer(
        cart,
        billing={"state": "new york", "postcode": "10023"},
        shipping={"country": "gb", "postcode": "sw1a1aa"},
    )
    cart.refresh_from_db()
    assert cart.billing_address == {
        "first_name": "Ada",
        "country": "US",
        "state": "NY",
        "postcode": "10023",
    }
    assert cart.shipping_address == {"country": "GB", "postcode": "SW1A 1AA"}


def test_update_customer_rejects_bad_fields_with_per_field_messages(cart):
    with pytest.raises(errors.InvalidAddress) as exc:
        cart_service.update_customer(
            cart,
            billing={"email": "not-an-email", "country": "ZZ", "phone": "call me"},
            shipping={"country": "US", "state": "XX", "postcode": "ABC"},
        )
    assert exc.value.codes == {
        "billing_address.country": "invalid_country",
        "billing_address.phone": "invalid_phone",
        "billing_address.email": "invalid_email",
        "shipping_address.state": "invalid_state",
        "shipping_address.postcode": "invalid_postcode",
    }
    assert exc.value.errors["billing_address.email"] == "Invalid email address"
    cart.refresh_from_db()
    assert cart.billing_address == {} and cart.shipping_address == {}


# --- scenarios at the cart ---
def test_out_of_stock_scenario_fires_on_add(cart):
    product = ProductFactory()
    with scenarios.forced("out_of_stock"), pytest.raises(errors.OutOfStock) as exc:
        cart_service.add_item(cart, product.pk, 2)
    assert exc.value.product == product and exc.value.requested == 2
    assert lines(cart) == []


# --- loading ---
def test_load_finds_open_carts_only(cart):
    cart_service.add_item(cart, ProductFactory().pk, 2)
    loaded = cart_service.load(cart.key)
    assert loaded == cart and [i.quantity for i in loaded.items.all()] == [2]
    assert cart_service.load("t_unknown") is None
    cart.completed = True
    cart.save()
    assert cart_service.load(cart.key) is None
    assert cart_service.load(cart.key, include_completed=True) == cart
    CartFactory(key="t_old", expires_at=clock.now() - dt.timedelta(seconds=1))
    assert cart_service.load("t_old") is None


def test_contents_hash_follows_lines_and_coupons(cart):
    assert cart_service.contents_hash(cart) == ""
    cart_service.add_item(cart, ProductFactory().pk, 1)
    first = cart_service.contents_hash(cart)
    item = cart.items.get()
    cart_service.update_quantity(cart, item.key, 2)
    assert len(first) == 32 and cart_service.contents_hash(cart) != first
