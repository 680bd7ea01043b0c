"""Store API checkout with payment_method "stripe": a PaymentIntent created and confirmed through
the official SDK against the embedded fake; Stripe's outcome decides the HTTP status."""

import pytest

from checkout_hub.models import Order, Payment
from tests.factories import US_ADDRESS
from tests.woo_store.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(client, token) -> str:
    assert post(client, "cart/add-item", {"id": 1, "quantity": 2}, token).status_code == 201
    return token


def checkout(client, token, method="pm_card_visa", key="stripe_source", **extra):
    data = [{"key": key, "value": method}] if method else []
    body = {"billing_address": US_ADDRESS, "payment_method": "stripe", "payment_data": data}
    return post(client, "checkout", body, token, **extra)


@pytest.mark.parametrize("key", ["stripe_source", "wc-stripe-payment-method", "payment_method"])
def test_card_payment_succeeds(client, cart, key):
    reply = checkout(client, cart, key=key)
    assert reply.status_code == 200, reply.content
    body = reply.json()
    result = body["payment_result"]
    assert result["payment_status"] == "success"
    assert result["redirect_url"].startswith(
        f"http://127.0.0.1:8000/checkout/order-received/{body['order_id']}/?key=wc_order_"
    )
    assert body["status"] == "processing"
    assert body["payment_method"] == "stripe"
    order = Order.objects.get(pk=body["order_id"])
    payment = order.payments.get()
    assert (payment.gateway, payment.status, payment.amount) == ("stripe", "succeeded", order.total)
    assert order.transaction_id == payment.reference and payment.reference.startswith("pi_")
    assert order.payment_method_title == "Credit card (Stripe)"


DECLINES = [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    ("pm_card_chargeDeclinedLostCard", "card_declined", "lost_card", "Your card was declined."),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."),
    (
        "pm_card_chargeDeclinedIncorrectCvc",
        "incorrect_cvc",
        "incorrect_cvc",
        "Your card's security code is incorrect.",
    ),
]


@pytest.mark.parametrize("method, code, decline, message", DECLINES)
def test_decline_is_payment_status_failure(client, cart, method, code, decline, message):
    reply = checkout(client, cart, method)
    assert reply.status_code == 400, reply.content
    body = reply.json()
    assert body["status"] == "failed"
    result = body["payment_result"]
    assert result["payment_status"] == "failure"
    details = {d["key"]: d["value"] for d in result["payment_details"]}
    assert details == {"message": message, "error_code": code, "decline_code": decline}
    payment = Payment.objects.get(order_id=body["order_id"])
    assert (payment.status, payment.error_code, payment.decline_code) == ("failed", code, decline)


def test_retry_after_decline_pays_the_same_order(client, cart):
    first = checkout(client, cart, "pm_card_chargeDeclined").json()
    second = checkout(client, cart, "pm_card_visa")
    assert second.status_code == 200
    assert second.json()["order_id"] == first["order_id"]
    assert second.json()["status"] == "processing"


def test_scenario_header_forces_stripes_decline(client, cart):
    reply = checkout(client, cart, "pm_card_visa", HTTP_X_HUB_SCENARIO="insufficient_funds")
    assert reply.status_code == 400
    details = {d["key"]: d["value"] for d in reply.json()["payment_result"]["payment_details"]}
    assert details["decline_code"] == "insufficient_funds"


def test_gateway_failure_is_payment_status_error(client, cart):
    reply = checkout(client, cart, "pm_card_visa", HTTP_X_HUB_SCENARIO="payment_failed")
    assert reply.status_code == 500, reply.content
    body = reply.json()
    assert body["payment_result"]["payment_status"] == "error"
    assert body["status"] == "failed"


def test_missing_card_is_a_failure_not_a_server_error(client, cart):
    reply = checkout(client, cart, method=None)
    assert reply.status_code == 400, reply.content
    details = {d["key"]: d["value"] for d in reply.json()["payment_result"]["payment_details"]}
    assert details["error_code"] == "payment_intent_unexpected_state"


def test_three_d_secure_is_pending_with_the_challenge(client, cart):
    reply = checkout(client, cart, "pm_card_authenticationRequired")
    assert reply.status_code == 202, reply.content
    body = reply.json()
    assert body["status"] == "pending"
    result = body["payment_result"]
    assert result["payment_status"] == "pending"
    assert result["redirect_url"].startswith("http://127.0.0.1:8000/stripe/authenticate/pi_")
    details = {d["key"]: d["value"] for d in result["payment_details"]}
    assert details["intent_status"] == "requires_action"
    assert Payment.objects.get(order_id=body["order_id"]).status == "requires_action"


@pytest.mark.parametrize("method", ["pm_card_visa\u0000", "pm_card_nope"])
def test_an_unknown_card_is_a_failure_not_a_server_error(client, cart, method):
    """Bad input never breaks the hub: Stripe's resource_missing comes back as a refused
    payment (on PostgreSQL a NUL once failed the write with a DataError and a 500)."""
    reply = checkout(client, cart, method)
    assert reply.status_code == 400, reply.content
    body = reply.json()
    assert (body["status"], body["payment_result"]["payment_status"]) == ("failed", "failure")
    details = {d["key"]: d["value"] for d in body["payment_result"]["payment_details"]}
    assert details["error_code"] == "resource_missing"
    assert details["message"] == f"No such PaymentMethod: '{method}'"
    payment = Payment.objects.get(order_id=body["order_id"])
    assert (payment.status, payment.error_code) == ("failed", "resource_missing")
    assert "\x00" not in payment.message
