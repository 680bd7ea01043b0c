"""The token_handoff strategy end to end through the Stripe gateway (the official SDK on the
embedded fake, in Stripe test mode): a paid order, a 3-D Secure challenge, and each decline
as the headless site reads it, sanitised (lost/stolen/fraudulent -> a generic decline)."""

import re

import pytest

from checkout_hub.models import Order, Payment
from checkout_hub.services.errors import PaymentDeclined, PaymentFailed
from hwp_bridge import errors
from tests.hwp_bridge.conftest import TSHIRT, assert_error, assert_ok, post_checkout

RETURN_URL = "https://shop.example.com/checkout/return"
P = "_wc_order_attribution_"


def handoff(client, nonce, token, **kwargs):
    body = {
        "items": [{"productId": TSHIRT, "quantity": 2}],
        "paymentToken": token,
        "returnUrl": RETURN_URL,
        "billingAddress": {"email": "ray@example.com", "firstName": "Ray", "country": "US"},
    }
    return post_checkout(client, body, nonce=nonce, **kwargs)


def test_paid(client, store, nonce):
    reply = handoff(client, nonce, "pm_card_visa", query="utm_source=newsletter")
    data = assert_ok(reply)
    order = Order.objects.get()
    assert data == {
        "orderId": order.pk,  # an integer here, as the seed's example shows
        "mode": "token_handoff",
        "strategy": "token_handoff",
        "provider": "stripe",
        "paymentStatus": "paid",
        "status": "succeeded",
    }
    assert order.status == Order.Status.PROCESSING
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.payment_method == "stripe"
    assert order.transaction_id.startswith("pi_")
    assert order.total == 3600 + 500  # two T-shirts and US flat rate shipping
    payment = order.payments.get()
    assert (payment.gateway, payment.status, payment.amount) == ("stripe", "succeeded", 4100)
    assert payment.reference == order.transaction_id
    meta = dict(order.meta.values_list("key", "value"))
    assert meta[f"{P}source_type"] == "utm"
    assert meta["marketingUtmSource"] == "newsletter"
    assert meta["_headlesswp_checkout_strategy"] == "token_handoff"
    assert meta["_headlesswp_return_url"] == RETURN_URL


def test_explicit_strategy(client, store, nonce):
    body = {
        "items": [{"productId": TSHIRT, "quantity": 1}],
        "paymentToken": "pm_card_mastercard",
        "returnUrl": RETURN_URL,
        "strategy": "token_handoff",
    }
    assert assert_ok(post_checkout(client, body, nonce=nonce))["paymentStatus"] == "paid"


def test_three_d_secure(client, store, nonce):
    # The seed is silent on 3-D Secure: the hub answers Stripe's requires_action with the
    # authentication URL.
    data = assert_ok(handoff(client, nonce, "pm_card_authenticationRequired"))
    order = Order.objects.get()
    url = data.pop("nextAction")
    assert data == {
        "orderId": order.pk,
        "mode": "token_handoff",
        "strategy": "token_handoff",
        "provider": "stripe",
        "paymentStatus": "pending",
        "status": "requires_action",
    }
    assert url["type"] == "redirect_to_url"
    assert re.match(r"^https?://", url["url"])
    assert order.status == Order.Status.PENDING
    assert order.payments.get().status == Payment.Status.REQUIRES_ACTION


DECLINES = [
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "param": None,
            "message": "Your card has insufficient funds.",
        },
    ),
    (
        "pm_card_chargeDeclinedLostCard",
        {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "payment_card_declined_generic",
            "param": None,
            "message": "Your card was declined.",
        },
    ),
    (
        "pm_card_chargeDeclinedStolenCard",
        {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "payment_card_declined_generic",
            "param": None,
            "message": "Your card was declined.",
        },
    ),
    (
        "pm_card_chargeDeclinedFraudulent",
        {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "payment_card_declined_generic",
            "param": None,
            "message": "Your card was declined.",
        },
    ),
    (
        "pm_card_chargeDeclinedExpiredCard",
        {
            "type": "card_error",
            "code": "expired_card",
            "decline_code": "expired_card",
            "param": "exp_month",
            "message": "Your card has expired.",
        },
    ),
    (
        "pm_card_chargeDeclinedIncorrectCvc",
        {
            "type": "card_error",
            "code": "incorrect_cvc",
            "decline_code": "incorrect_cvc",
            "param": "cvc",
            "message": "Your card's security code is incorrect.",
        },
    ),
    (
        "pm_card_chargeDeclinedProcessingError",
        {
            "type": "card_error",
            "code": "processing_error",
            "decline_code": "processing_error",
            "param": None,
            "message": "An error occurred while processing your card. Try again in a little bit.",
        },
    ),
]


@pytest.mark.parametrize("token, gateway_error", DECLINES, ids=[d[0] for d in DECLINES])
def test_declines(client, store, nonce, token, gateway_error):
    reply = handoff(client, nonce, token, query="ref=aff42")
    details = assert_error(reply, 402, "CHECKOUT_FAILED")
    assert reply.json()["error"]["message"] == "Checkout failed."
    request_id = details.pop("gatewayRequestId")
    assert details == {
        "safeReason": "stripe_error",
        "phase": "checkout_session",
        "step": "stripe_request",
        "gatewayError": gateway_error,
    }
    assert request_id.startswith("req_")  # the Request-Id of Stripe's confirm reply
    # pay() failed the order; its attribution was stamped before the gateway ran.
    order = Order.objects.get()
    assert order.status == Order.Status.FAILED
    assert order.get_meta(f"{P}source_type") == "referral"
    assert order.payments.get().status == Payment.Status.FAILED


def test_sensitive_decline_details_never_leave(client, store, nonce):
    reply = handoff(client, nonce, "pm_card_chargeDeclinedStolenCard")
    assert "stolen" not in reply.content.decode()


def test_a_decline_then_another_card(client, store, nonce):
    assert_error(handoff(client, nonce, "pm_card_chargeDeclined"), 402, "CHECKOUT_FAILED")
    assert_ok(handoff(client, nonce, "pm_card_visa"))
    assert sorted(Order.objects.values_list("status", flat=True)) == ["failed", "processing"]


def test_an_unknown_payment_method(client, store, nonce):
    reply = handoff(client, nonce, "pm_does_not_exist")
    details = assert_error(reply, 402, "CHECKOUT_FAILED")
    assert details["gatewayError"]["type"] == "invalid_request_error"
    assert details["step"] == "stripe_request"


def fake_refusal(monkeypatch, exc):
    from checkout_hub.services import payments

    gateway = payments.GATEWAYS["stripe"]

    def refuse(order, payment_data):
        raise exc

    monkeypatch.setattr(gateway, "process", refuse)


def test_fraud_code_is_payment_fraud_blocked(client, store, nonce, monkeypatch):
    fake_refusal(
        monkeypatch,
        PaymentDeclined(
            "Your payment was blocked by Radar.",
            error_type="card_error",
            gateway_code="fraud",
            decline_code=None,
            param=None,
            request_id="req_fraud",
        ),
    )
    details = assert_error(handoff(client, nonce, "pm_card_visa"), 402, "CHECKOUT_FAILED")
    assert details["gatewayError"] == {
        "type": "card_error",
        "code": "payment_fraud_blocked",
        "decline_code": None,
        "param": None,
        "message": "Your card was declined.",
    }
    assert details["gatewayRequestId"] == "req_fraud"


def test_merchant_blacklist_is_generic(client, store, nonce, monkeypatch):
    fake_refusal(
        monkeypatch,
        PaymentDeclined(
            "Your card was declined.",
            error_type="card_error",
            gateway_code="card_declined",
            decline_code="merchant_blacklist",
            param=None,
            request_id="req_1",
        ),
    )
    details = assert_error(handoff(client, nonce, "pm_card_visa"), 402, "CHECKOUT_FAILED")
    assert details["gatewayError"]["decline_code"] == "payment_card_declined_generic"


def test_stripe_failing_is_502(client, store, nonce, monkeypatch):
    fake_refusal(
        monkeypatch,
        PaymentFailed(
            "An error occurred with our connection to Stripe.",
            error_type="api_error",
            gateway_code=None,
            decline_code=None,
            param=None,
            request_id="req_down",
        ),
    )
    reply = handoff(client, nonce, "pm_card_visa")
    details = assert_error(reply, 502, "CHECKOUT_FAILED")
    assert details == {
        "safeReason": "stripe_error",
        "phase": "checkout_session",
        "step": "stripe_request",
        "gatewayError": {
            "type": "api_error",
            "code": None,
            "decline_code": None,
            "param": None,
            "message": "An error occurred with our connection to Stripe.",
        },
        "gatewayRequestId": "req_down",
    }
    assert Order.objects.get().status == Order.Status.FAILED


def test_the_payment_method_and_return_url_reach_the_gateway(client, store, nonce, monkeypatch):
    from checkout_hub.services import payments

    seen = {}
    gateway = payments.GATEWAYS["stripe"]
    real = gateway.process

    def spy(order, payment_data):
        seen.update(payment_data)
        seen["meta_before_gateway"] = order.get_meta(f"{P}source_type")
        return real(order, payment_data)

    monkeypatch.setattr(gateway, "process", spy)
    assert_ok(handoff(client, nonce, "pm_card_visa"))
    assert seen == {
        "payment_method": "pm_card_visa",
        "return_url": RETURN_URL,
        "meta_before_gateway": "typein",
    }


def test_idempotent_retry_of_a_paid_handoff(client, store, nonce):
    first = handoff(client, nonce, "pm_card_visa", HTTP_IDEMPOTENCY_KEY="pay-1")
    second = handoff(client, nonce, "pm_card_visa", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_idempotent_retry_of_a_decline(client, store, nonce):
    token = "pm_card_chargeDeclinedInsufficientFunds"
    first = handoff(client, nonce, token, HTTP_IDEMPOTENCY_KEY="pay-2")
    second = handoff(client, nonce, token, HTTP_IDEMPOTENCY_KEY="pay-2")
    assert (second.status_code, second.json()) == (402, first.json())
    assert Payment.objects.count() == 1


def test_gateway_error_sanitiser():
    exc = PaymentDeclined(
        "Your card was declined.",
        error_type="card_error",
        gateway_code="card_declined",
        decline_code="lost_card",
        param=None,
    )
    assert errors.gateway_error(exc)["decline_code"] == "payment_card_declined_generic"
    kept = PaymentDeclined(
        "No funds.", gateway_code="card_declined", decline_code="insufficient_funds"
    )
    assert errors.gateway_error(kept) == {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "param": None,
        "message": "No funds.",
    }


@pytest.mark.parametrize(
    "scenario, decline_code",
    [("insufficient_funds", "insufficient_funds"), ("lost_card", "payment_card_declined_generic")],
)
def test_payment_scenarios(client, store, nonce, scenario, decline_code):
    reply = handoff(client, nonce, "pm_card_visa", HTTP_X_HUB_SCENARIO=scenario)
    details = assert_error(reply, 402, "CHECKOUT_FAILED")
    assert details["gatewayError"]["decline_code"] == decline_code
