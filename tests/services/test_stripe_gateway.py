"""The Stripe gateway: the SDK's calls (create, then a separate confirm, each with its own
idempotency key), refunds, settling after 3-D Secure, and the switches that point the SDK at
another server."""

import hashlib
import hmac
import json
import time

import pytest
import stripe
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from checkout_hub.models import IdempotencyRecord, Order, Payment
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, payments, scenarios
from checkout_hub.services.errors import PaymentDeclined, PaymentFailed, RefundNotPossible
from checkout_hub.services.payments import stripe_gateway
from stripe_fake.client import EmbeddedHTTPClient
from tests.factories import US_ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db) -> Order:
    call_command("seed_store", verbosity=0)
    cart = cart_service.create_cart(vendor="hub")
    cart_service.add_item(cart, 1, 2)  # two T-shirts
    return checkout.place_order(cart, billing=US_ADDRESS, pay=False).order


def pay(order, method="pm_card_visa", **data):
    data.setdefault("return_url", "https://shop.test/thanks")
    return payments.pay(order, "stripe", {"payment_method": method, **data})


def test_the_return_url_may_be_a_function_of_the_order(order, client):
    outcome = pay(
        order, "pm_card_authenticationRequired", return_url=lambda o: f"https://shop.test/{o.pk}"
    )
    intent = stripe_gateway.client().v1.payment_intents.retrieve(outcome.details["payment_intent"])
    assert intent.next_action.redirect_to_url.return_url == f"https://shop.test/{order.pk}"


def test_a_missing_return_url_is_a_programming_error_before_any_charge(order):
    with pytest.raises(ValueError, match=r'payment_data\["return_url"\]'):
        payments.pay(order, "stripe", {"payment_method": "pm_card_visa"})
    assert not order.payments.exists()


def test_client_is_the_embedded_fake_by_default():
    client = stripe_gateway.client()
    assert isinstance(client._requestor._client, EmbeddedHTTPClient)
    assert stripe_gateway.client() is client  # built once per configuration


@pytest.fixture
def no_fake(monkeypatch):
    """The hub as if stripe_fake were not in INSTALLED_APPS."""
    monkeypatch.setattr(stripe_gateway, "_embedded_fake", None)
    stripe_gateway._client.cache_clear()
    yield
    monkeypatch.undo()
    stripe_gateway._client.cache_clear()


def test_stripe_fake_on_without_the_fake_installed_says_so(no_fake):
    with pytest.raises(ImproperlyConfigured, match="'stripe_fake' to INSTALLED_APPS"):
        stripe_gateway.client()
    assert stripe_gateway.dashboard_url("pi_3Ab") is None  # admin keeps working


def test_the_fake_installs_itself(no_fake):
    seen = []
    stripe_gateway.use_embedded_fake(
        http_client_factory=lambda: seen.append("built") or EmbeddedHTTPClient(),
        dashboard_url=lambda pi: f"/look/{pi}",
    )
    assert stripe_gateway.client() is stripe_gateway.client()
    assert seen == ["built"]
    assert stripe_gateway.dashboard_url("pi_3Ab") == "/look/pi_3Ab"


def test_create_then_confirm_each_with_its_own_key(order):
    outcome = pay(order)
    assert (outcome.status, outcome.paid) == ("accepted", True)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("processing", "paid")
    payment = order.payments.get()
    keys = set(IdempotencyRecord.objects.values_list("key", flat=True))
    assert keys == {f"hub_payment_{payment.pk}_create", f"hub_payment_{payment.pk}_confirm"}
    intent = stripe_gateway.client().v1.payment_intents.retrieve(payment.reference)
    assert intent.status == "succeeded"
    assert intent.amount == order.total and intent.currency == "usd"
    assert dict(intent.metadata) == {
        "order_id": str(order.pk),
        "order_number": order.number,
        "order_key": order.order_key,
        "source": "hub",
    }


def test_decline_fails_the_order_with_stripes_facts(order):
    with pytest.raises(PaymentDeclined) as caught:
        pay(order, "pm_card_chargeDeclinedInsufficientFunds")
    facts = caught.value.facts
    assert facts["error_type"] == "card_error"
    assert (facts["gateway_code"], facts["decline_code"]) == ("card_declined", "insufficient_funds")
    assert facts["request_id"].startswith("req_")
    assert facts["reference"].startswith("pi_")
    assert facts["stripe_call"] == "payment_intents.confirm"
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert order.payments.get().status == Payment.Status.FAILED  # one row, not two


def test_forced_gateway_failure_is_payment_failed(order):
    with scenarios.forced("payment_failed"), pytest.raises(PaymentFailed) as caught:
        pay(order)
    assert caught.value.facts["error_type"] == "api_error"
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED


def test_three_d_secure_settles_from_the_fakes_notification(
    client, order, django_capture_on_commit_callbacks
):
    outcome = pay(order, "pm_card_authenticationRequired", return_url="https://shop.test/back")
    assert outcome.status == "action_required"
    assert outcome.redirect_url.startswith("http://127.0.0.1:8000/stripe/authenticate/pi_")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    path = outcome.redirect_url.removeprefix("http://127.0.0.1:8000")
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(path, {"action": "complete"})
    assert reply["Location"].startswith("https://shop.test/back?")
    order.refresh_from_db()  # settled by the notification, without the buyer's return
    assert (order.status, order.payment_status) == ("processing", "paid")
    assert stripe_gateway.settle(order) == "processing"  # a second settle changes nothing


def test_refund_in_full_and_in_part(order):
    pay(order)
    order.refresh_from_db()
    assert payments.refund(order, 500) == 500
    order.refresh_from_db()
    assert (order.total_refunded, order.payment_status) == (500, "partially_refunded")
    assert payments.refund(order) == order.total - 500
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("refunded", "refunded")
    payment = order.payments.get()
    assert payment.status == Payment.Status.REFUNDED and len(payment.data["refunds"]) == 2
    with pytest.raises(RefundNotPossible):
        payments.refund(order)


def test_unpaid_order_cannot_be_refunded(order):
    with pytest.raises(RefundNotPossible):
        payments.refund(order)


def test_stripe_without_a_key_is_not_offered(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert "stripe" not in [g.id for g in payments.available()]


@pytest.mark.django_db(transaction=True)
def test_stripe_api_base_sends_the_calls_over_http(live_server, settings):
    """The same gateway code against a server reached over HTTP (here the hub's own /stripe,
    as a stripe-mock or Stripe itself would be)."""
    settings.STRIPE_FAKE = False
    settings.STRIPE_API_BASE = f"{live_server.url}/stripe"
    call_command("seed_store", verbosity=0)
    cart = cart_service.create_cart(vendor="hub")
    cart_service.add_item(cart, 1, 1)
    order = checkout.place_order(cart, billing=US_ADDRESS, pay=False).order
    assert not isinstance(stripe_gateway.client()._requestor._client, EmbeddedHTTPClient)
    assert pay(order).status == "accepted"
    with pytest.raises(stripe.CardError) as caught:
        stripe_gateway.client().v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_chargeDeclined",
                "confirm": True,
                "return_url": "https://shop.test/back",
            }
        )
    assert caught.value.http_status == 402
    assert caught.value.request_id.startswith("req_")
    stripe_gateway.client()._requestor._client.close()  # no keep-alive left to the server


# --- webhooks (real Stripe; the fake notifies in-process) ---
WEBHOOK = "/wc-api/wc_stripe/"
SECRET = "whsec_test_hub"


def signed(event: dict, secret: str = SECRET) -> tuple[str, str]:
    payload = json.dumps(event)
    at = int(time.time())
    digest = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return payload, f"t={at},v1={digest}"


def test_webhook_settles_a_three_d_secure_order(client, order, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    outcome = pay(order, "pm_card_authenticationRequired", return_url="https://shop.test/back")
    path = outcome.redirect_url.removeprefix("http://127.0.0.1:8000")
    client.post(path, {"action": "complete"})  # on_commit never runs here: no notification
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    intent = stripe_gateway.client().v1.payment_intents.retrieve(outcome.details["payment_intent"])
    event = {
        "id": "evt_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": intent},  # a dict: json.dumps writes it as Stripe sent it
    }
    payload, signature = signed(event)
    reply = client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert (reply.status_code, reply.content) == (200, b"payment_intent.succeeded")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("processing", "paid")


@pytest.mark.parametrize("secret, sent_with", [("", SECRET), (SECRET, "whsec_other")])
def test_webhook_without_a_valid_signature_is_refused(client, settings, secret, sent_with):
    settings.STRIPE_WEBHOOK_SECRET = secret
    payload, signature = signed({"id": "evt_1", "type": "payment_intent.succeeded"}, sent_with)
    reply = client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert reply.status_code == 400


# --- where staff look a payment up ---
@pytest.mark.parametrize(
    "fake, api_base, key, expected",
    [
        (True, "", "sk_test_hub_fake", "/admin/stripe_fake/paymentintent/pi_5F3Ab/change/"),
        (False, "", "sk_test_x", "https://dashboard.stripe.com/test/payments/pi_3Ab"),
        (False, "", "sk_live_x", "https://dashboard.stripe.com/payments/pi_3Ab"),
        (False, "http://localhost:12111", "sk_test_x", None),  # a stripe-mock: nowhere to look
    ],
)
def test_dashboard_url(settings, fake, api_base, key, expected):
    settings.STRIPE_FAKE, settings.STRIPE_API_BASE, settings.STRIPE_SECRET_KEY = fake, api_base, key
    assert stripe_gateway.dashboard_url("pi_3Ab") == expected
    assert stripe_gateway.dashboard_url("ch_3Ab") is None
