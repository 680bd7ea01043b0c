"""The embedded fake's Checkout Sessions through the official SDK (create, retrieve, expire),
their errors, their expiry by the hub's clock, and the hosted payment page."""

import pytest
import stripe

from checkout_hub import clock
from checkout_hub.services.payments.stripe_gateway import client as stripe_client
from stripe_fake.models import CheckoutSession, PaymentIntent

LINE = {
    "price_data": {"currency": "usd", "unit_amount": 1800, "product_data": {"name": "T-shirt"}},
    "quantity": 2,
}


def create(**params):
    body = {
        "mode": "payment",
        "line_items": [LINE],
        "success_url": "https://shop.example/done?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://shop.example/cart",
        **params,
    }
    return stripe_client().v1.checkout.sessions.create(params=body)


@pytest.fixture
def sessions(db):
    return stripe_client().v1.checkout.sessions


def test_create_retrieve_expire(sessions):
    session = create(customer_email="a@example.com", client_reference_id="42",
                     metadata={"order_id": "42"})  # fmt: skip
    assert session.id.startswith("cs_test_") and len(session.id) == 64
    assert session.object == "checkout.session"
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_subtotal, session.amount_total, session.currency) == (3600, 3600, "usd")
    assert session.url == f"http://127.0.0.1:8000/stripe/checkout/pay/{session.id}/"
    assert session.success_url.endswith("{CHECKOUT_SESSION_ID}")
    assert (session.customer_email, session.client_reference_id) == ("a@example.com", "42")
    assert session.metadata == {"order_id": "42"}
    assert session.payment_intent is None and session.livemode is False
    assert session.expires_at == session.created + 24 * 3600
    again = sessions.retrieve(session.id)
    assert again.id == session.id and again.status == "open"
    expired = sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError) as err:
        sessions.expire(session.id)
    assert 'status of "expired"' in err.value.user_message


def test_an_open_session_past_expires_at_reads_expired(sessions):
    session = create()
    clock.advance(25 * 3600)
    assert sessions.retrieve(session.id).status == "expired"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"mode": None}, "mode"),
        ({"mode": "subscription"}, "mode"),
        ({"line_items": None}, "line_items"),
        ({"success_url": None}, "success_url"),
        ({"line_items": [{"quantity": 1}]}, "line_items[0][price_data]"),
        ({"line_items": [{**LINE, "quantity": 0}]}, "line_items[0][quantity]"),
        ({"expires_at": 1}, "expires_at"),
        ({"bogus": "x"}, None),
    ],
)
def test_create_errors(sessions, params, param):
    body = {
        "mode": "payment",
        "line_items": [LINE],
        "success_url": "https://shop.example/done",
        **params,
    }
    body = {k: v for k, v in body.items() if v is not None}
    with pytest.raises(stripe.InvalidRequestError) as err:
        sessions.create(params=body)
    if param:
        assert err.value.param == param


def test_unknown_session_is_404(sessions):
    with pytest.raises(stripe.InvalidRequestError) as err:
        sessions.retrieve("cs_test_nope")
    assert err.value.http_status == 404


def test_the_hosted_page_pays_and_redirects_to_success_url(client, db):
    session = create()
    page = client.get(f"/stripe/checkout/pay/{session.id}/")
    html = page.content.decode()
    assert page.status_code == 200 and "$36.00" in html and "T-shirt" in html
    assert 'value="pm_card_authenticationRequired"' in html
    r = client.post(f"/stripe/checkout/pay/{session.id}/", {"test_card": "pm_card_visa",
                                                           "email": "b@example.com"})  # fmt: skip
    assert r.status_code == 302
    assert r["Location"] == f"https://shop.example/done?session_id={session.id}"
    row = CheckoutSession.objects.get()
    assert (row.status, row.payment_status) == ("complete", "paid")
    intent = PaymentIntent.objects.get(pk=row.data["payment_intent"])
    assert (intent.status, intent.amount) == ("succeeded", 3600)
    assert intent.data["metadata"]["checkout_session"] == session.id
    assert row.data["customer_details"]["email"] == "b@example.com"
    # A completed session's page goes straight to the success page.
    assert client.get(f"/stripe/checkout/pay/{session.id}/")["Location"] == r["Location"]


def test_the_hosted_page_shows_declines_and_refuses_unknown_cards(client, db):
    session = create()
    url = f"/stripe/checkout/pay/{session.id}/"
    r = client.post(url, {"test_card": "pm_card_chargeDeclinedInsufficientFunds"})
    assert r.status_code == 402 and "Your card has insufficient funds." in r.content.decode()
    assert CheckoutSession.objects.get().status == "open"
    assert client.post(url, {"test_card": "pm_nope"}).status_code == 400
    assert client.get("/stripe/checkout/pay/cs_test_nope/").status_code == 404
    stripe_client().v1.checkout.sessions.expire(session.id)
    assert client.get(url).status_code == 410


def test_setup_intents_create_and_retrieve(db):
    setups = stripe_client().v1.setup_intents
    setup = setups.create(params={"automatic_payment_methods": {"enabled": True},
                                  "metadata": {"cart": "x"}})  # fmt: skip
    assert setup.id.startswith("seti_") and setup.object == "setup_intent"
    assert setup.client_secret.startswith(setup.id + "_secret_")
    assert (setup.status, setup.usage, setup.metadata) == (
        "requires_payment_method",
        "off_session",
        {"cart": "x"},
    )
    assert setups.retrieve(setup.id).id == setup.id
    with pytest.raises(stripe.InvalidRequestError) as err:
        setups.retrieve("seti_nope")
    assert err.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError):
        setups.create(params={"usage": "sometimes"})
