"""The core rules CoCart brought in: restorable removed lines (`services.removed_items`), the
guest-to-customer cart transfer (`cart_identity.transfer`), and paying with a PaymentIntent
made before the order (`stripe_gateway.create_intent`, then `payments.pay` with
`payment_intent`)."""

import datetime as dt

import pytest
from django.core.management import call_command

from checkout_hub import clock
from checkout_hub.models import Cart, Payment
from checkout_hub.services import cart as cart_service
from checkout_hub.services import cart_identity, checkout, payments, removed_items
from checkout_hub.services.errors import CartItemNotFound, OutOfStock, PaymentDeclined
from checkout_hub.services.payments import stripe_gateway
from tests.factories import US_ADDRESS, CartFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


# --- removed items ---
def test_a_removed_line_is_kept_and_restored_with_its_options():
    cart = CartFactory()
    product = ProductFactory()
    item = cart_service.add_item(cart, product.pk, 3, item_data={"gift": "yes"})
    removed_items.remove(cart, item.key)
    assert list(cart.items.all()) == []
    [line] = removed_items.lines(cart)
    assert (line.key, line.product, line.quantity, line.item_data) == (
        item.key,
        product,
        3,
        {"gift": "yes"},
    )
    restored = removed_items.restore(cart, item.key)
    assert (restored.key, restored.quantity, restored.item_data) == (item.key, 3, {"gift": "yes"})
    assert removed_items.lines(cart) == []


def test_restore_refuses_what_was_not_removed_or_is_back_already():
    cart = CartFactory()
    item = cart_service.add_item(cart, ProductFactory().pk, 1)
    with pytest.raises(removed_items.ItemAlreadyRestored):
        removed_items.restore(cart, item.key)
    with pytest.raises(removed_items.RemovedItemNotFound):
        removed_items.restore(cart, "0" * 32)
    with pytest.raises(CartItemNotFound):
        removed_items.remove(cart, "0" * 32)
    # Both are CartItemNotFound, so every vendor's table already answers them.
    assert issubclass(removed_items.RemovedItemNotFound, CartItemNotFound)


def test_restore_applies_the_stock_rules_again():
    cart = CartFactory()
    product = ProductFactory(manage_stock=True, stock_quantity=2)
    item = cart_service.add_item(cart, product.pk, 2)
    removed_items.remove(cart, item.key)
    product.stock_quantity = 1
    product.save()
    with pytest.raises(OutOfStock):
        removed_items.restore(cart, item.key)
    assert len(removed_items.lines(cart)) == 1  # still restorable later


def test_forget_drops_them():
    cart = CartFactory()
    item = cart_service.add_item(cart, ProductFactory().pk, 1)
    removed_items.remove(cart, item.key)
    removed_items.forget(cart)
    assert removed_items.lines(Cart.objects.get(pk=cart.pk)) == []


# --- transfer ---
def test_a_guest_cart_replaces_the_customers_and_keeps_the_old_ones_history():
    customer = CustomerFactory()
    guest = CartFactory(key="t_guest")
    cart_service.add_item(guest, ProductFactory().pk, 2)
    theirs = CartFactory(key="7")
    assert cart_identity.transfer("t_guest", "7", customer=customer) is True
    moved = Cart.objects.open().get(key="7")
    assert moved.pk == guest.pk and moved.customer == customer
    theirs.refresh_from_db()
    assert theirs.key == f"7.{theirs.pk}" and theirs.is_expired
    assert not Cart.objects.filter(key="t_guest").exists()


def test_no_guest_cart_no_transfer():
    theirs = CartFactory(key="8")
    assert cart_identity.transfer("t_none", "8") is False
    theirs.refresh_from_db()
    assert theirs.key == "8"
    expired = CartFactory(key="t_old", expires_at=clock.now() - dt.timedelta(seconds=1))
    assert cart_identity.transfer("t_old", "8") is False
    expired.refresh_from_db()
    assert expired.key == "t_old"


# --- a PaymentIntent made before the order ---
@pytest.fixture
def order():
    call_command("seed_store", verbosity=0)
    cart = cart_service.create_cart(vendor="hub")
    cart_service.add_item(cart, 1, 2)
    return checkout.place_order(cart, billing=US_ADDRESS, pay=False).order


def test_an_earlier_intent_is_sized_for_the_order_and_confirmed(order):
    intent = stripe_gateway.create_intent(
        100, "USD", metadata={"cart_key": "t_x"}, idempotency_key="ctx-1"
    )
    assert intent["client_secret"].startswith(intent["id"] + "_secret_")
    assert intent["status"] == "requires_payment_method"
    outcome = payments.pay(
        order,
        "stripe",
        {
            "payment_method": "pm_card_visa",
            "payment_intent": intent["id"],
            "return_url": "https://shop.test/thanks",
        },
    )
    payment = Payment.objects.get(order=order)
    assert payment.reference == intent["id"] and payment.status == Payment.Status.SUCCEEDED
    remote = stripe_gateway.client().v1.payment_intents.retrieve(intent["id"])
    assert remote["amount"] == order.total and remote["metadata"]["order_id"] == str(order.pk)
    assert outcome.paid


def test_the_same_context_request_is_the_same_intent():
    first = stripe_gateway.create_intent(100, "USD", metadata={}, idempotency_key="ctx-2")
    again = stripe_gateway.create_intent(100, "USD", metadata={}, idempotency_key="ctx-2")
    assert first["id"] == again["id"]


def test_an_earlier_intent_with_a_declined_card_fails_the_order(order):
    intent = stripe_gateway.create_intent(100, "USD", metadata={}, idempotency_key="ctx-3")
    with pytest.raises(PaymentDeclined) as exc:
        payments.pay(
            order,
            "stripe",
            {
                "payment_method": "pm_card_chargeDeclined",
                "payment_intent": intent["id"],
                "return_url": "https://shop.test/thanks",
            },
        )
    assert exc.value.facts["decline_code"] == "generic_decline"
    order.refresh_from_db()
    assert order.status == "failed"
