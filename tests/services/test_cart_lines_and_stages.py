"""The core pieces FluentCart needed, at the service boundary: cart lines by product
(`cart_lines`), carts that stay open until paid (`checkout_stages`), the country of a time
zone (`timezones`) and Checkout Session line items (`payments.stripe_checkout`)."""

import pytest

from checkout_hub.models import Order, Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import cart_lines, checkout_stages, timezones
from checkout_hub.services.errors import OutOfStock, ProductNotFound
from checkout_hub.services.payments import stripe_checkout
from tests.factories import OrderFactory, OrderItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


def quantities(cart):
    cart = cart_service.load(cart.key)
    return [(i.product_id, i.quantity) for i in cart.items.all()]


def test_set_line_quantity_changes_sets_and_removes():
    cart = cart_service.create_cart(vendor=Vendor.FLUENTCART)
    tee = ProductFactory()
    cart_lines.set_line_quantity(cart, tee.pk, 2)
    cart_lines.set_line_quantity(cart, tee.pk, 3)
    assert quantities(cart) == [(tee.pk, 5)]
    cart = cart_service.load(cart.key)
    cart_lines.set_line_quantity(cart, tee.pk, 1, absolute=True)
    assert quantities(cart) == [(tee.pk, 1)]
    cart = cart_service.load(cart.key)
    assert cart_lines.set_line_quantity(cart, tee.pk, -1) is None
    assert quantities(cart) == []
    assert cart_lines.set_line_quantity(cart, tee.pk, -5) is None  # nothing to take away


def test_set_line_quantity_holds_sold_individually_at_one_and_checks_stock():
    cart = cart_service.create_cart(vendor=Vendor.FLUENTCART)
    single = ProductFactory(sold_individually=True)
    cart_lines.set_line_quantity(cart, single.pk, 4)
    cart = cart_service.load(cart.key)
    cart_lines.set_line_quantity(cart, single.pk, 2)
    assert quantities(cart) == [(single.pk, 1)]
    scarce = ProductFactory(manage_stock=True, stock_quantity=1)
    with pytest.raises(OutOfStock):
        cart_lines.set_line_quantity(cart_service.load(cart.key), scarce.pk, 2)
    with pytest.raises(ProductNotFound):
        cart_lines.set_line_quantity(cart, 10**9, 1)


def test_refuse_if_paid_and_keep_open_and_finish():
    cart = cart_service.create_cart(vendor=Vendor.FLUENTCART)
    checkout_stages.refuse_if_paid(cart)  # no order: nothing to refuse
    order = OrderFactory(cart=cart, status=Order.Status.PENDING)
    cart.draft_order = order
    cart.completed = True
    cart.save()
    checkout_stages.keep_open(cart.pk)
    cart.refresh_from_db()
    assert not cart.completed and cart.completed_at is None
    checkout_stages.refuse_if_paid(cart)  # pending: may be retried
    order.status, order.payment_status = Order.Status.PROCESSING, Order.PaymentStatus.PAID
    order.save()
    cart.refresh_from_db()
    with pytest.raises(checkout_stages.OrderAlreadyPaid) as err:
        checkout_stages.refuse_if_paid(cart)
    assert (
        err.value.order == order and err.value.message == "You have already completed this order."
    )
    checkout_stages.finish(order)
    cart.refresh_from_db()
    assert cart.completed and cart.completed_at is not None


@pytest.mark.parametrize(
    ("zone", "country"),
    [("America/New_York", "US"), ("Europe/London", "GB"), ("Asia/Tokyo", "JP"),
     ("Australia/Sydney", "AU"), ("UTC", ""), ("", ""), (None, ""), ("Mars/Base", "")],
)  # fmt: skip
def test_country_for(zone, country):
    assert timezones.country_for(zone) == country


def test_checkout_line_items_add_up_to_the_order_total():
    order = OrderFactory(total=4600, shipping_total=500, tax_total=100, number="7")
    OrderItemFactory(order=order, name="Tee", quantity=2, total=4000)
    items = stripe_checkout.line_items(order)
    assert [(i["price_data"]["product_data"]["name"], i["price_data"]["unit_amount"],
             i["quantity"]) for i in items] == [("Tee", 2000, 2), ("Shipping", 500, 1),
                                                ("Tax", 100, 1)]  # fmt: skip
    odd = OrderFactory(total=1001, number="8")
    OrderItemFactory(order=odd, name="Odd", quantity=3, total=1001)
    assert [(i["price_data"]["unit_amount"], i["quantity"]) for i in
            stripe_checkout.line_items(odd)] == [(1001, 1)]  # fmt: skip
