"""Checkout: cart -> order in one transaction, offline payments, refusals and atomicity."""

from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from checkout_hub.models import Cart, Coupon, Order, OrderItem, Payment, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, errors, scenarios, statuses
from tests.factories import (
    US_ADDRESS,
    CartFactory,
    CouponFactory,
    ProductFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def flat_rate():
    return ShippingMethodFactory(zone=ShippingZoneFactory(countries=["US"]), cost=500)


@pytest.fixture
def cart(flat_rate):
    cart = CartFactory()
    cart_service.add_item(
        cart, ProductFactory(regular_price=1000, manage_stock=True, stock_quantity=5).pk, 2
    )
    return cart


def place(cart, **kwargs):
    kwargs.setdefault("billing", US_ADDRESS)
    kwargs.setdefault("payment_method", "bacs")
    return checkout.place_order(cart, **kwargs)


def test_order_is_a_snapshot_of_the_cart(cart, flat_rate):
    TaxRateFactory(country="US", state="NY", rate="10.0000")
    CouponFactory(code="tenoff", amount=10)
    cart_service.apply_coupon(cart, "tenoff")
    result = place(
        cart,
        customer_note="Leave at the door",
        source="woo_store",
        additional_fields={"ns/gift": "yes"},
        meta={"_wc_order_attribution_source_type": "typein"},
    )
    order = Order.objects.get(pk=result.order.pk)
    assert order.order_key.startswith("wc_order_") and len(order.order_key) == 22
    assert order.number == str(order.pk)
    assert order.source == "woo_store"
    assert (order.subtotal, order.discount_total, order.shipping_total) == (2000, 200, 500)
    assert (order.tax_total, order.total) == (180 + 50, 1800 + 500 + 230)
    assert order.billing_email == "peter@example.com"
    assert order.shipping_address["city"] == "New York"  # shipping copied from billing
    assert order.shipping_lines[0]["rate_id"] == flat_rate.rate_id
    assert order.coupon_lines[0]["code"] == "tenoff"
    assert order.customer.email == "peter@example.com"
    assert order.customer_note == "Leave at the door"
    assert order.additional_fields == {"ns/gift": "yes"}
    assert order.get_meta("_wc_order_attribution_source_type") == "typein"
    item = order.items.get()
    assert (item.quantity, item.price, item.subtotal, item.total, item.total_tax) == (
        2,
        1000,
        2000,
        1800,
        180,
    )
    cart.refresh_from_db()
    assert cart.completed and cart.draft_order == order
    assert cart.coupon_codes == ["tenoff"]
    assert Coupon.objects.get(code="tenoff").usage_count == 1


def test_stock_is_taken(cart):
    order = place(cart).order
    product = order.items.get().product
    product.refresh_from_db()
    assert product.stock_quantity == 3 and order.stock_reduced


@pytest.mark.parametrize(
    ("method", "status", "payment_status"),
    [
        ("bacs", "on-hold", "unpaid"),
        ("cheque", "on-hold", "unpaid"),
        ("cod", "processing", "unpaid"),
    ],
)
def test_offline_methods(cart, method, status, payment_status):
    result = place(cart, payment_method=method)
    assert result.payment.status == "accepted"
    order = Order.objects.get(pk=result.order.pk)
    assert (order.status, order.payment_status) == (status, payment_status)
    assert order.payment_method == method
    assert Payment.objects.get(order=order).status == "pending"


def test_free_order_is_paid_without_a_gateway():
    cart = CartFactory()
    cart_service.add_item(cart, ProductFactory(regular_price=1000, virtual=True).pk, 1)
    CouponFactory(code="all", discount_type="percent", amount=100)
    cart_service.apply_coupon(cart, "all")
    result = place(cart, payment_method="")
    order = Order.objects.get(pk=result.order.pk)
    assert result.payment is None
    assert (order.total, order.status, order.payment_status) == (0, "processing", "paid")
    assert order.shipping_address == {} and order.payment_method == ""


def test_missing_and_unavailable_payment_method(cart):
    with pytest.raises(errors.MissingPaymentMethod):
        place(cart, payment_method="")
    with pytest.raises(errors.InvalidPaymentMethod):
        place(cart, payment_method="paypal")
    assert not Order.objects.exists()


def test_empty_cart(flat_rate):
    with pytest.raises(errors.EmptyCart):
        place(CartFactory())


def test_incomplete_address(cart):
    with pytest.raises(errors.InvalidAddress) as exc:
        place(cart, billing={"first_name": "Peter", "country": "US"})
    assert exc.value.codes["billing_address.email"] == "required"
    assert exc.value.errors["billing_address.postcode"] == "Postcode is required"
    assert not Order.objects.exists()


def test_no_shipping_to_the_destination(cart):
    with pytest.raises(errors.InvalidShippingRate):
        place(cart, billing={**US_ADDRESS, "country": "GB", "state": "", "postcode": "SW1A 1AA"})


def test_unknown_selected_rate(cart):
    cart_service.select_shipping_rate(cart, "flat_rate:999")
    with pytest.raises(errors.InvalidShippingRate) as exc:
        place(cart)
    assert exc.value.rate_id == "flat_rate:999"


def test_expected_total_mismatch(cart):
    with pytest.raises(errors.TotalMismatch) as exc:
        place(cart, expected_total=1)
    assert exc.value.actual == 2500
    assert place(cart, expected_total=2500).order.total == 2500


def test_stock_gone_since_adding(cart):
    Product.objects.update(stock_quantity=1)
    with pytest.raises(errors.OutOfStock) as exc:
        place(cart)
    assert (exc.value.requested, exc.value.available) == (2, 1)


def test_several_problems_are_reported_together(cart):
    other = ProductFactory(manage_stock=True, stock_quantity=3)
    cart_service.add_item(cart, other.pk, 3)
    Product.objects.update(stock_quantity=0)
    with pytest.raises(errors.InvalidCart) as exc:
        place(cart)
    assert [type(p) for p in exc.value.problems] == [errors.OutOfStock, errors.OutOfStock]


def test_completed_cart_cannot_be_checked_out_again(cart):
    order = place(cart).order
    with pytest.raises(errors.CartCompleted) as exc:
        place(cart)
    assert exc.value.order == order
    assert Order.objects.count() == 1


@override_settings(HUB_CHECKOUT_ENABLED=False)
def test_checkout_switched_off(cart):
    with pytest.raises(errors.CheckoutDisabled):
        place(cart)


@override_settings(HUB_GUEST_CHECKOUT=False)
def test_guest_checkout_switched_off(cart):
    with pytest.raises(errors.NotAuthenticated):
        place(cart)


def test_failure_midway_leaves_no_order_and_the_cart_intact(cart):
    product = cart.items.get().product
    with (
        mock.patch.object(OrderItem.objects, "bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        place(cart)
    assert not Order.objects.exists()
    cart.refresh_from_db()
    product.refresh_from_db()
    assert not cart.completed and cart.items.count() == 1
    assert product.stock_quantity == 5


# --- payment refusals ---
def test_declined_payment_fails_the_order_and_gives_everything_back(cart):
    with scenarios.forced("insufficient_funds"), pytest.raises(errors.PaymentDeclined) as exc:
        place(cart)
    order = exc.value.order
    order.refresh_from_db()
    assert exc.value.decline_code == "insufficient_funds"
    assert (order.status, order.payment_status, order.stock_reduced) == ("failed", "failed", False)
    assert order.items.get().product.stock_quantity == 5
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.decline_code) == ("failed", "insufficient_funds")
    cart.refresh_from_db()
    assert not cart.completed  # the buyer can retry

    retry = place(cart)
    assert retry.order.pk == order.pk  # the failed order is reused, not duplicated
    retry.order.refresh_from_db()
    assert retry.order.status == "on-hold"
    assert Order.objects.count() == 1
    assert retry.order.items.get().product.stock_quantity == 3


@pytest.mark.parametrize(
    "name", ["checkout_disabled", "empty_cart", "out_of_stock", "invalid_address"]
)
def test_checkout_scenarios_write_nothing(cart, name):
    expected = {
        "checkout_disabled": errors.CheckoutDisabled,
        "empty_cart": errors.EmptyCart,
        "out_of_stock": errors.OutOfStock,
        "invalid_address": errors.InvalidAddress,
    }[name]
    with scenarios.forced(name), pytest.raises(expected):
        place(cart)
    assert not Order.objects.exists()
    cart.refresh_from_db()
    assert not cart.completed


# --- statuses ---
def test_status_transitions_are_checked(cart):
    order = place(cart).order
    statuses.transition(order, "processing", paid=True)
    assert order.payment_status == "paid" and order.paid_at
    statuses.transition(order, "completed")
    with pytest.raises(errors.InvalidStatusTransition):
        statuses.transition(order, "pending")


def test_cancelling_puts_stock_back(cart):
    order = place(cart).order
    statuses.transition(order, "cancelled")
    product = order.items.get().product
    product.refresh_from_db()
    assert product.stock_quantity == 5 and not order.stock_reduced


def test_draft_order_is_created_then_refreshed(cart):
    draft = checkout.sync_draft_order(cart, source="woo_store")
    assert draft.status == "checkout-draft" and draft.total == 2000
    cart_service.add_item(cart, ProductFactory(regular_price=300).pk, 1)
    again = checkout.sync_draft_order(cart, source="woo_store")
    assert again.pk == draft.pk and again.total == 2300 and again.items.count() == 2
    assert place(cart).order.pk == draft.pk


def test_meta_written_again_on_a_retry_replaces_the_old_value(cart):
    key = "_wc_order_attribution_source_type"
    with scenarios.forced("payment_declined"), pytest.raises(errors.PaymentDeclined):
        place(cart, meta={key: "typein"})
    order = place(cart, meta={key: "utm"}).order
    assert list(order.meta.filter(key=key).values_list("value", flat=True)) == ["utm"]


# --- what an order holds: stock and coupon uses, taken once -------------------------------
def coupon_uses(code):
    return Coupon.objects.get(code=code).usage_count


def test_a_retry_after_a_decline_counts_the_coupon_once(cart):
    CouponFactory(code="tenoff", amount=10)
    cart_service.apply_coupon(cart, "tenoff")
    with scenarios.forced("payment_declined"), pytest.raises(errors.PaymentDeclined):
        place(cart)
    assert coupon_uses("tenoff") == 0  # the failed order gave its use back
    order = place(cart).order
    assert coupon_uses("tenoff") == 1
    statuses.transition(order, "cancelled")
    assert coupon_uses("tenoff") == 0


def test_reusing_an_order_that_still_holds_stock_takes_it_once(cart):
    CouponFactory(code="tenoff", amount=10)
    cart_service.apply_coupon(cart, "tenoff")
    order = place(cart).order
    # As a redirect gateway leaves it: pending, holding stock, the buyer back at checkout.
    Order.objects.filter(pk=order.pk).update(status="pending")
    Cart.objects.filter(pk=cart.pk).update(completed=False)
    again = place(cart).order
    assert again.pk == order.pk
    product = again.items.get().product
    product.refresh_from_db()
    assert product.stock_quantity == 3  # 5 - 2, not 5 - 4
    assert coupon_uses("tenoff") == 1


def test_checkout_query_count_does_not_grow_with_lines(flat_rate):
    CouponFactory(code="tenoff", amount=10)

    def queries_for(lines):
        cart = CartFactory()
        for _ in range(lines):
            product = ProductFactory(manage_stock=True, stock_quantity=9)
            cart_service.add_item(cart, product.pk, 2)
        cart_service.apply_coupon(cart, "tenoff")
        with CaptureQueriesContext(connection) as ctx:
            place(cart)
        return len(ctx.captured_queries)

    queries_for(1)  # the first order also creates the customer
    assert queries_for(1) == queries_for(20)
