"""Card payments from FluentCart's checkout: on-site Stripe (a real PaymentIntent in the
embedded fake; the browser confirms it, then fluent_cart_confirm_stripe_payment settles the
order) and hosted Stripe Checkout (a Checkout Session's payment page, back to the receipt)."""

import pytest
import stripe

from checkout_hub.models import Cart, Order, Payment
from checkout_hub.services.payments import stripe_gateway
from stripe_fake.models import CheckoutSession, PaymentIntent

from .conftest import AJAX, cart_update, place_order

HOST = "http://127.0.0.1:8000"


def confirm_in_browser(client_secret: str, card: str):
    """What stripe.js does with the client secret: confirm the intent with a card."""
    intent_id = client_secret.split("_secret_")[0]
    return stripe_gateway.client().v1.payment_intents.confirm(
        intent_id,
        params={"payment_method": card, "return_url": f"{HOST}/checkout/"},
    )


def confirm_on_site(client, intent_id):
    return client.post(
        AJAX, {"action": "fluent_cart_confirm_stripe_payment", "intentId": intent_id}
    )


def test_onsite_reply_carries_a_real_payment_intent(client, store):
    cart_update(client, 1, 2)
    r = place_order(client, payment_method="stripe")
    body = r.json()
    assert r.status_code == 200, body
    order = Order.objects.get()
    intent = PaymentIntent.objects.get()
    assert body["status"] == "success" and body["message"] == "Order placed successfully"
    assert body["order_id"] == order.pk
    assert (body["nextAction"], body["actionName"]) == ("stripe", "custom")
    args = body["payment_args"]
    assert args["checkout_mode"] == "onsite"
    assert args["client_secret"] == intent.data["client_secret"]
    assert args["client_secret"].startswith(intent.id + "_secret_")
    assert (args["amount"], args["currency"]) == (4100, "usd")
    assert args["public_key"] == "pk_test_hub_fake"
    assert body["response"]["id"] == intent.id and body["response"]["amount"] == 4100
    assert body["response"]["status"] == "requires_payment_method"
    assert body["fc_customer"]["email"] == "buyer@example.com"
    assert (order.status, order.total) == ("pending", 4100)
    assert not Cart.objects.get().completed  # open until the card payment is confirmed


def test_onsite_flow_to_a_paid_order(client, store):
    cart_update(client, 1, 2)
    secret = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    assert confirm_in_browser(secret, "pm_card_visa").status == "succeeded"
    r = confirm_on_site(client, secret.split("_secret_")[0])
    body = r.json()
    assert r.status_code == 200, body
    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("processing", "paid")
    assert order.transaction_id == secret.split("_secret_")[0]
    assert Payment.objects.get().status == "succeeded"
    assert Cart.objects.get().completed
    assert body["message"] == "Payment has been confirmed successfully"
    assert body["order"]["uuid"] in body["redirect_url"]
    page = client.get(body["redirect_url"].replace(HOST, "")).content.decode()
    assert "Paid" in page and f"#{order.number}" in page
    # Confirming again changes nothing; a new place-order finds the cart completed.
    assert confirm_on_site(client, secret.split("_secret_")[0]).status_code == 200
    assert place_order(client, payment_method="stripe").json()["message"] == (
        "Cart is empty or already completed"
    )


def test_onsite_declined_card_is_reported_and_the_buyer_can_retry(client, store):
    cart_update(client, 1, 1)
    secret = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    intent_id = secret.split("_secret_")[0]
    with pytest.raises(stripe.CardError):
        confirm_in_browser(secret, "pm_card_chargeDeclinedInsufficientFunds")
    r = confirm_on_site(client, intent_id)
    assert (r.status_code, r.json()) == (400, {"message": "Your card has insufficient funds."})
    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("pending", "unpaid")
    payment = Payment.objects.get()
    assert (payment.status, payment.decline_code) == ("pending", "insufficient_funds")
    assert not Cart.objects.get().completed
    # The same intent, retried with another card (as Stripe Elements does), pays the order.
    confirm_in_browser(secret, "pm_card_visa")
    assert confirm_on_site(client, intent_id).status_code == 200
    assert Order.objects.get().payment_status == "paid"


def test_onsite_place_again_after_a_decline_reuses_the_order(client, store):
    cart_update(client, 1, 1)
    secret = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    with pytest.raises(stripe.CardError):
        confirm_in_browser(secret, "pm_card_chargeDeclined")
    assert confirm_on_site(client, secret.split("_secret_")[0]).json() == {
        "message": "Your card was declined."
    }
    secret2 = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    assert secret2 != secret and Order.objects.count() == 1
    confirm_in_browser(secret2, "pm_card_visa")
    assert confirm_on_site(client, secret2.split("_secret_")[0]).status_code == 200
    assert Order.objects.get().payment_status == "paid"


def test_a_canceled_intent_fails_the_order(client, store):
    cart_update(client, 7, 2)  # the last two sunglasses
    secret = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    intent_id = secret.split("_secret_")[0]
    stripe_gateway.client().v1.payment_intents.cancel(intent_id)
    assert confirm_on_site(client, intent_id).status_code == 400
    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("failed", "failed")
    assert not order.stock_reduced


def test_confirm_before_the_buyer_paid_and_for_an_unknown_intent(client, store):
    cart_update(client, 1, 1)
    secret = place_order(client, payment_method="stripe").json()["payment_args"]["client_secret"]
    r = confirm_on_site(client, secret.split("_secret_")[0])
    assert (r.status_code, r.json()) == (400, {"message": "Payment is not completed yet."})
    r = confirm_on_site(client, "pi_nope")
    assert (r.status_code, r.json()) == (404, {"message": "No order was found for this payment."})
    assert Order.objects.get().status == "pending"


def test_hosted_mode_redirects_to_a_checkout_session(client, store, settings):
    settings.FLUENTCART_STRIPE_MODE = "hosted"
    cart_update(client, 1, 2)
    body = place_order(client, payment_method="stripe").json()
    session = CheckoutSession.objects.get()
    assert body["redirect_url"] == session.data["url"]
    assert body["redirect_url"] == f"{HOST}/stripe/checkout/pay/{session.id}/"
    assert session.id.startswith("cs_test_")
    assert (body["nextAction"], body["actionName"]) == ("stripe", "redirect")
    assert body["payment_args"]["checkout_url"] == session.data["url"]
    assert body["payment_args"]["session_id"] == session.id
    assert body["response"]["payment_status"] == "unpaid"
    assert session.data["amount_total"] == 4100
    assert [i["amount_total"] for i in session.line_items] == [3600, 500]
    assert "{CHECKOUT_SESSION_ID}" in session.data["success_url"]


def test_hosted_page_takes_the_payment_and_comes_back_to_the_receipt(client, store, settings):
    settings.FLUENTCART_STRIPE_MODE = "hosted"
    cart_update(client, 1, 1)
    url = place_order(client, payment_method="stripe").json()["redirect_url"].replace(HOST, "")
    page = client.get(url)
    assert page.status_code == 200 and "$23.00" in page.content.decode()
    r = client.post(url, {"test_card": "pm_card_chargeDeclined", "email": "buyer@example.com"})
    assert r.status_code == 402 and "Your card was declined." in r.content.decode()
    r = client.post(url, {"test_card": "pm_card_visa", "email": "buyer@example.com"})
    assert r.status_code == 302
    session = CheckoutSession.objects.get()
    assert session.id in r["Location"] and "fct_stripe_hosted=1" in r["Location"]
    assert (session.status, session.payment_status) == ("complete", "paid")
    receipt = client.get(r["Location"].replace(HOST, ""))
    assert receipt.status_code == 200 and "Paid" in receipt.content.decode()
    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("processing", "paid")
    assert order.transaction_id == session.data["payment_intent"]
    assert Cart.objects.get().completed


def test_hosted_page_with_3d_secure(client, store, settings):
    settings.FLUENTCART_STRIPE_MODE = "hosted"
    cart_update(client, 1, 1)
    url = place_order(client, payment_method="stripe").json()["redirect_url"].replace(HOST, "")
    r = client.post(url, {"test_card": "pm_card_authenticationRequired", "email": "b@example.com"})
    assert r.status_code == 302 and "/stripe/authenticate/" in r["Location"]
    r = client.post(r["Location"].replace(HOST, ""), {"action": "complete"})
    assert r.status_code == 302 and "/return/" in r["Location"]
    r = client.get(r["Location"].replace("http://testserver", ""))
    assert r.status_code == 302 and "fct_stripe_hosted=1" in r["Location"]
    client.get(r["Location"].replace(HOST, ""))
    assert Order.objects.get().payment_status == "paid"


def test_the_receipt_leaves_an_unpaid_hosted_order_pending(client, store, settings):
    settings.FLUENTCART_STRIPE_MODE = "hosted"
    cart_update(client, 1, 1)
    place_order(client, payment_method="stripe")
    session = CheckoutSession.objects.get()
    success = session.data["success_url"].replace("{CHECKOUT_SESSION_ID}", session.id)
    page = client.get(success.replace(HOST, ""))
    assert page.status_code == 200 and "Pending" in page.content.decode()
    assert Order.objects.get().status == "pending"
