"""Items -> order (`checkout.place_order_from_items`): the shared "build a cart from a list of
items and place its order" that HWP uses today and Pancake / FluentCart's instant checkout
will."""

import pytest

from checkout_hub.models import Cart, Order, Vendor
from checkout_hub.services import checkout, errors
from checkout_hub.services.checkout import ItemRequest
from tests.factories import US_ADDRESS, CouponFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_pending_order_for_the_items_and_coupons():
    shirt = ProductFactory(regular_price=1500, virtual=True)
    CouponFactory(code="five", discount_type="fixed_cart", amount=500)
    result = checkout.place_order_from_items(
        [ItemRequest(shirt.pk, 2)], vendor=Vendor.HWP_BRIDGE, coupons=["FIVE"], billing=US_ADDRESS
    )
    order = result.order
    assert (order.status, order.source, order.total) == ("pending", "hwp_bridge", 2500)
    assert [(i.product_id, i.quantity) for i in order.items.all()] == [(shirt.pk, 2)]
    assert result.payment is None
    assert order.cart.vendor == Vendor.HWP_BRIDGE and order.cart.completed


def test_a_refused_item_names_its_position_and_leaves_nothing_behind():
    ok = ProductFactory()
    with pytest.raises(errors.ProductNotFound) as caught:
        checkout.place_order_from_items(
            [ItemRequest(ok.pk, 1), ItemRequest(999999, 1)], vendor=Vendor.HWP_BRIDGE
        )
    assert caught.value.facts["item_index"] == 1
    assert caught.value.facts["step"] == "cart"
    assert not Cart.objects.exists() and not Order.objects.exists()


def test_a_refused_coupon_names_its_position():
    item = ItemRequest(ProductFactory().pk, 1)
    with pytest.raises(errors.InvalidCoupon) as caught:
        checkout.place_order_from_items([item], vendor=Vendor.HUB, coupons=["ok", "nope"])
    assert caught.value.facts["coupon_index"] == 0  # "ok" is not a coupon either
    CouponFactory(code="ok")
    with pytest.raises(errors.InvalidCoupon) as caught:
        checkout.place_order_from_items([item], vendor=Vendor.HUB, coupons=["ok", "nope"])
    assert caught.value.facts["coupon_index"] == 1


def test_stock_short_when_adding_is_a_cart_step_error():
    scarce = ProductFactory(manage_stock=True, stock_quantity=1)
    with pytest.raises(errors.OutOfStock) as caught:
        checkout.place_order_from_items([ItemRequest(scarce.pk, 3)], vendor=Vendor.HUB)
    assert (caught.value.facts["step"], caught.value.facts["item_index"]) == ("cart", 0)
    assert not Order.objects.exists()


def test_an_address_refused_while_placing_is_an_order_step_error():
    item = ItemRequest(ProductFactory(virtual=True).pk, 1)
    with pytest.raises(errors.InvalidAddress) as caught:
        checkout.place_order_from_items(
            [item], vendor=Vendor.HUB, billing={**US_ADDRESS, "email": "not-an-email"}
        )
    assert caught.value.facts["step"] == "order"
    assert "item_index" not in caught.value.facts
    assert not Cart.objects.exists() and not Order.objects.exists()


def test_paying_an_order_without_a_billing_email_needs_one():
    item = ItemRequest(ProductFactory(virtual=True).pk, 1)
    order = checkout.place_order_from_items([item], vendor=Vendor.HWP_BRIDGE).order
    with pytest.raises(errors.InvalidAddress) as caught:
        checkout.pay_for_order(order, payment_method="cod")
    assert list(caught.value.facts["errors"]) == ["billing_address.email"]
    result = checkout.pay_for_order(
        order, payment_method="cod", billing={"email": "Ann@Example.com"}
    )
    assert (result.order.status, result.order.billing_email) == ("processing", "ann@example.com")
