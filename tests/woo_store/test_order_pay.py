"""WooCommerce's order-pay page (/checkout/order-pay/<id>/?pay_for_order=true&key=...): a buyer
pays a pending order with a Stripe test card (through the SDK and the embedded fake) or an
offline method, and ends on the order-received page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from checkout_hub.models import Order, Payment, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout
from woo_store.pages import order_pay_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(store) -> Order:
    """A pending order with no payment method and no billing details, as the HWP bridge's
    redirect_to_woo strategy leaves it."""
    cart = cart_service.create_cart(vendor="hwp_bridge")
    cart_service.add_item(cart, 7, 1)  # Sunglasses: two in stock
    return checkout.place_order(cart, pay=False, source="hwp_bridge").order


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def pay(client, order, **form):
    return client.post(path_of(order_pay_url(order)), form)


def test_order_pay_url_and_page(client, pending):
    url = order_pay_url(pending)
    assert url == (
        f"http://127.0.0.1:8000/checkout/order-pay/{pending.pk}/"
        f"?pay_for_order=true&key={pending.order_key}"
    )
    page = client.get(path_of(url))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pay for order" in html and "Sunglasses" in html
    for gateway in ("stripe", "bacs", "cheque", "cod"):
        assert f'value="{gateway}"' in html
    assert 'value="pm_card_visa"' in html and 'name="billing_email"' in html


@pytest.mark.parametrize("key", ["", "wc_order_wrong"])
def test_wrong_key_is_not_found(client, pending, key):
    reply = client.get(f"/checkout/order-pay/{pending.pk}/?pay_for_order=true&key={key}")
    assert reply.status_code == 404
    assert "Invalid order." in reply.content.decode()


def test_billing_email_is_asked_for(client, pending):
    reply = pay(client, pending, payment_method="cod")
    assert reply.status_code == 400
    assert "Billing Email address is a required field." in reply.content.decode()
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING


def test_offline_payment_ends_on_order_received(client, pending):
    reply = pay(client, pending, payment_method="bacs", billing_email="Ann@Example.com")
    assert reply.status_code == 302
    assert path_of(reply["Location"]) == (
        f"/checkout/order-received/{pending.pk}/?key={pending.order_key}"
    )
    pending.refresh_from_db()
    assert (pending.status, pending.payment_method) == (Order.Status.ON_HOLD, "bacs")
    assert pending.billing_email == "ann@example.com"
    received = client.get(path_of(reply["Location"]))
    assert "Thank you. Your order has been received." in received.content.decode()


def test_paid_order_cannot_be_paid_again(client, pending):
    pay(client, pending, payment_method="cod", billing_email="ann@example.com")
    page = client.get(path_of(order_pay_url(pending)))
    assert page.status_code == 200
    assert "it cannot be paid for" in page.content.decode()
    again = pay(client, pending, payment_method="cod")
    assert again.status_code == 200
    assert pending.payments.count() == 1


# --- Stripe through the SDK and the embedded fake ---
def test_test_card_pays_the_order(client, pending):
    reply = pay(
        client,
        pending,
        payment_method="stripe",
        stripe_test_card="pm_card_visa",
        billing_email="ann@example.com",
    )
    assert reply.status_code == 302, reply.content
    pending.refresh_from_db()
    assert pending.status == Order.Status.PROCESSING
    assert pending.payment_status == Order.PaymentStatus.PAID
    payment = pending.payments.get()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.reference.startswith("pi_") and pending.transaction_id == payment.reference


def test_card_number_pays_the_order(client, pending):
    reply = pay(
        client,
        pending,
        payment_method="stripe",
        stripe_card_number="4242 4242 4242 4242",
        billing_email="ann@example.com",
    )
    assert reply.status_code == 302, reply.content
    pending.refresh_from_db()
    assert pending.status == Order.Status.PROCESSING


def test_bad_card_number_is_shown(client, pending):
    reply = pay(
        client,
        pending,
        payment_method="stripe",
        stripe_card_number="4242424242424241",
        billing_email="ann@example.com",
    )
    assert reply.status_code == 400
    assert "Your card number is incorrect." in reply.content.decode()
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING


def test_decline_then_retry(client, pending):
    declined = pay(
        client,
        pending,
        payment_method="stripe",
        stripe_test_card="pm_card_chargeDeclinedInsufficientFunds",
        billing_email="ann@example.com",
    )
    assert declined.status_code == 400
    assert "Payment failed: Your card has insufficient funds." in declined.content.decode()
    pending.refresh_from_db()
    assert pending.status == Order.Status.FAILED
    assert Product.objects.get(pk=7).stock_quantity == 2  # the failed order gave it back

    paid = pay(client, pending, payment_method="stripe", stripe_test_card="pm_card_visa")
    assert paid.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Order.Status.PROCESSING
    assert Product.objects.get(pk=7).stock_quantity == 1
    assert [p.status for p in pending.payments.order_by("id")] == ["failed", "succeeded"]


@pytest.mark.parametrize("action, status", [("complete", "processing"), ("fail", "failed")])
def test_three_d_secure_round_trip(client, pending, action, status):
    reply = pay(
        client,
        pending,
        payment_method="stripe",
        stripe_test_card="pm_card_authenticationRequired",
        billing_email="ann@example.com",
    )
    assert reply.status_code == 302
    challenge = path_of(reply["Location"])
    assert challenge.startswith("/stripe/authenticate/pi_")
    pending.refresh_from_db()
    assert pending.status == Order.Status.PENDING
    assert client.get(challenge).status_code == 200

    back = client.post(challenge, {"action": action})
    assert back.status_code == 302
    returned = urlsplit(back["Location"])
    assert returned.path == f"/checkout/order-received/{pending.pk}/"
    query = parse_qs(returned.query)
    assert query["key"] == [pending.order_key]
    assert query["redirect_status"] == ["succeeded" if action == "complete" else "failed"]

    landing = client.get(path_of(back["Location"]))
    pending.refresh_from_db()
    assert pending.status == status
    if action == "complete":
        assert landing.status_code == 200
        assert pending.payment_status == Order.PaymentStatus.PAID
    else:  # back to order-pay, with the reason
        assert landing.status_code == 302
        assert path_of(landing["Location"]) == path_of(order_pay_url(pending))
        page = client.get(path_of(landing["Location"]))
        assert "Payment failed:" in page.content.decode()
    assert pending.payments.get().status == ("succeeded" if action == "complete" else "failed")


def test_pending_order_received_page_offers_payment(client, pending):
    page = client.get(f"/checkout/order-received/{pending.pk}/?key={pending.order_key}")
    assert "This order is awaiting payment." in page.content.decode()
