"""The hosted checkout page through its form posts: a full purchase to a completed order with
its ORD_/PAY_ ids, the order.completed webhook received by a local receiver and verified with
the published public key; a decline and a retry; dark mode; expired and completed sessions."""

import json
import re

import pytest

from checkout_hub import clock
from checkout_hub.models import CheckoutSession, Order, WebhookDelivery
from checkout_hub.services import webhooks as outbox
from pancake import keys, webhooks
from pancake.models import PancakeOrder

from .conftest import error_of

US = {"email": "", "country": "US", "state": "NY", "postcode": "10001", "card": "pm_card_visa"}
SHORT = re.compile(r"^[A-Z]{2,5}_[0-9A-Za-z]{22}$")


@pytest.fixture
def tax(db):
    from checkout_hub.models import TaxRate

    return TaxRate.objects.create(country="US", state="NY", rate="8.8750", name="NY Tax")


def page(session):
    return session["checkoutUrl"].replace("http://hub.test", "")


def pay(client, url, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {**US, **fields})


def test_page_shows_the_locked_offer(client, api, shop):
    session = api.session(
        buyerEmail="Ann@Example.com",
        billingDetail={"country": "US", "isBusiness": False, "state": "NY"},
    )
    reply = client.get(page(session))
    assert reply.status_code == 200
    html = reply.content.decode()
    assert "Pro License" in html and "29.00 USD" in html and "Acme Store" in html
    assert 'value="ann@example.com"' in html and "readonly" in html
    assert '<option value="US" selected>' in html and 'value="NY"' in html
    assert "pm_card_chargeDeclined" in html and 'class=""' in html  # light theme
    assert "#token" not in html or "location.hash" in html


def test_dark_mode(client, api):
    assert 'class="theme-dark"' in client.get(page(api.session(darkMode=True))).content.decode()


def test_tax_preview_follows_country_and_state(client, api, tax):
    url = page(api.session()) + "/tax"
    ny = client.get(url, {"country": "US", "state": "NY"}).json()["data"]
    assert ny["tax"] == "2.57" and ny["total"] == "31.57" and ny["requiredFields"] == ["state"]
    jp = client.get(url, {"country": "JP"}).json()["data"]
    assert jp["tax"] == "0.00" and jp["total"] == "29.00"
    assert client.get(url, {"country": "DE"}).json()["data"]["requiredFields"] == ["taxId"]


def test_full_purchase_with_verified_webhook(
    client, api, shop, tax, endpoint, receiver, django_capture_on_commit_callbacks
):
    session = api.session(
        orderMerchantExternalId="ext-9", metadata={"plan": "pro"}, buyerEmail="Ann@Example.com"
    )
    reply = pay(client, page(session), django_capture_on_commit_callbacks)
    assert reply.status_code == 302
    order = PancakeOrder.objects.get()
    assert reply["Location"] == f"/store/acme-store/thank-you/{order.short_id}"
    assert SHORT.match(order.short_id) and order.short_id.startswith("ORD_")
    assert order.status == "completed" and order.merchant_external_id == "ext-9"
    assert order.metadata == {"plan": "pro"} and order.buyer_email == "ann@example.com"
    hub = order.order
    assert hub.status == Order.Status.COMPLETED and hub.is_paid
    assert hub.total == 2900 + 257 and hub.tax_total == 257 and hub.currency == "USD"
    (payment,) = order.payments.all()
    assert payment.short_id.startswith("PAY_") and SHORT.match(payment.short_id)
    assert CheckoutSession.objects.get(public_id=session["sessionId"]).status == "completed"
    # the thank-you page, and the session's page now sends the buyer there
    assert order.short_id in client.get(reply["Location"]).content.decode()
    assert client.get(page(session))["Location"] == reply["Location"]

    # The delivery is queued, not sent during the request; the worker's task sends it.
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and receiver.requests == []
    assert outbox.run_due() == 1
    (sent,) = receiver.requests
    signature = sent["headers"]["X-Waffo-Signature"]
    assert re.match(r"^t=\d{13},v1=[A-Za-z0-9+/=]+$", signature)
    assert keys.verify_webhook(webhooks.public_key_or_none(), signature, sent["body"])
    envelope = json.loads(sent["body"])
    assert list(envelope) == [
        "id",
        "timestamp",
        "eventType",
        "eventId",
        "storeId",
        "storeName",
        "mode",
        "data",
    ]
    assert envelope["eventType"] == "order.completed"
    assert envelope["eventId"] == payment.short_id and envelope["id"] == str(delivery.public_id)
    assert envelope["storeId"] == shop.store.short_id and envelope["mode"] == "test"
    data = envelope["data"]
    assert data["orderId"] == order.short_id and data["paymentId"] == payment.short_id
    assert data["amount"] == "31.57" and data["taxAmount"] == "2.57" and data["currency"] == "USD"
    assert data["orderMerchantExternalId"] == "ext-9" and data["orderMetadata"] == {"plan": "pro"}
    assert data["buyerEmail"] == "ann@example.com" and data["paymentStatus"] == "succeeded"
    assert data["productName"] == "Pro License" and data["paymentMethod"] == "card"
    delivery.refresh_from_db()
    assert delivery.status == "success" and delivery.attempts.get().status_code == 200


def test_success_url_redirect(client, api, django_capture_on_commit_callbacks):
    session = api.session(successUrl="https://merchant.example/done?x=1")
    reply = pay(client, page(session), django_capture_on_commit_callbacks, email="b@example.com")
    order = PancakeOrder.objects.get()
    assert reply["Location"] == (
        f"https://merchant.example/done?x=1&orderId={order.short_id}"
        f"&sessionId={session['sessionId']}"
    )


def test_decline_then_retry(client, api, endpoint, receiver, django_capture_on_commit_callbacks):
    session = api.session()
    url = page(session)
    declined = pay(
        client,
        url,
        django_capture_on_commit_callbacks,
        email="c@example.com",
        card="pm_card_chargeDeclinedInsufficientFunds",
    )
    assert declined.status_code == 402
    assert "Payment failed" in declined.content.decode()
    order = PancakeOrder.objects.get()
    assert order.status == "pending" and order.order.status == Order.Status.FAILED
    assert CheckoutSession.objects.get(public_id=session["sessionId"]).status == "open"
    assert order.payments.count() == 1  # the failed attempt has its PAY_
    assert WebhookDelivery.objects.count() == 0

    again = pay(client, url, django_capture_on_commit_callbacks, email="c@example.com")
    assert again.status_code == 302
    order.refresh_from_db()
    assert order.status == "completed" and order.order.is_paid
    assert order.payments.count() == 2
    assert PancakeOrder.objects.count() == 1 and Order.objects.count() == 1
    assert outbox.run_due() == 1 and len(receiver.requests) == 1


def test_invalid_billing_on_the_page(client, api):
    reply = client.post(page(api.session()), {**US, "email": "d@example.com", "state": ""})
    assert reply.status_code == 400 and "Invalid billingDetail" in reply.content.decode()
    reply = client.post(page(api.session()), {**US, "email": "not-an-email"})
    assert reply.status_code == 400
    assert PancakeOrder.objects.count() == 0


def test_expired_session_page(client, api):
    session = api.session(expiresInSeconds=60)
    clock.advance(61)
    reply = client.get(page(session))
    assert reply.status_code == 404 and "Checkout expired" in reply.content.decode()
    assert client.post(page(session), {**US, "email": "e@example.com"}).status_code == 404


def test_unknown_session_and_wrong_store(client, api, shop):
    assert client.get("/store/acme-store/checkout/cs_nope").status_code == 404
    session = api.session()
    wrong = page(session).replace("acme-store", "other-store")
    assert client.get(wrong).status_code == 404


def test_completed_session_cannot_pay_twice(client, api, django_capture_on_commit_callbacks):
    session = api.session()
    pay(client, page(session), django_capture_on_commit_callbacks, email="f@example.com")
    reply = client.post(page(session), {**US, "email": "f@example.com"})
    assert reply.status_code == 404 and "Already paid" in reply.content.decode()
    assert Order.objects.count() == 1


def test_free_trial_subscription_activates(
    client, api, shop, endpoint, receiver, django_capture_on_commit_callbacks
):
    session = api.session(productId=shop.subscription.short_id)
    reply = pay(client, page(session), django_capture_on_commit_callbacks, email="g@example.com")
    assert reply.status_code == 302
    order = PancakeOrder.objects.get()
    assert order.status == "active" and order.kind == "subscription"
    assert order.current_period_end is not None
    outbox.run_due()
    (sent,) = receiver.requests
    body = json.loads(sent["body"])
    assert body["eventType"] == "subscription.activated"
    assert body["data"]["billingPeriod"] == "monthly" and body["data"]["periodNumber"] == 0


def test_page_for_the_api_error_envelope_is_not_used(client, api):
    # The tax endpoint of an unknown session answers Pancake's envelope.
    reply = client.get("/store/acme-store/checkout/cs_nope/tax")
    assert error_of(reply)[0] == 404


@pytest.mark.parametrize("action, ends", [("complete", "completed"), ("fail", "open")])
def test_three_d_secure_round_trip(client, api, action, ends, django_capture_on_commit_callbacks):
    from urllib.parse import urlsplit

    session = api.session()
    url = page(session)
    reply = pay(
        client,
        url,
        django_capture_on_commit_callbacks,
        email="h@example.com",
        card="pm_card_authenticationRequired",
    )
    assert reply.status_code == 302
    challenge = urlsplit(reply["Location"])
    assert challenge.path.startswith("/stripe/authenticate/pi_")
    assert CheckoutSession.objects.get(public_id=session["sessionId"]).status == "processing"
    back = client.post(challenge.path + "?" + challenge.query, {"action": action})
    returned = urlsplit(back["Location"])
    assert returned.path == url
    with django_capture_on_commit_callbacks(execute=True):
        landing = client.get(returned.path + "?" + returned.query)
    order = PancakeOrder.objects.get()
    assert CheckoutSession.objects.get(public_id=session["sessionId"]).status == ends
    if action == "complete":
        assert landing.status_code == 302 and order.status == "completed"
        assert landing["Location"].endswith(order.short_id)
    else:
        assert landing.status_code == 200 and "Payment failed" in landing.content.decode()
        assert order.status == "pending"
