"""PaymentIntents through the real SDK: the object, the status machine, declines, errors."""

import pytest
import stripe

from checkout_hub.services import scenarios
from stripe_fake.client import EmbeddedHTTPClient
from stripe_fake.models import Charge, PaymentIntent, PaymentMethod

from .support import RETURN_URL, card_params

PAYMENT_INTENT_KEYS = [
    "id",
    "object",
    "amount",
    "amount_capturable",
    "amount_details",
    "amount_received",
    "application",
    "application_fee_amount",
    "automatic_payment_methods",
    "canceled_at",
    "cancellation_reason",
    "capture_method",
    "client_secret",
    "confirmation_method",
    "created",
    "currency",
    "customer",
    "customer_account",
    "description",
    "excluded_payment_method_types",
    "last_payment_error",
    "latest_charge",
    "livemode",
    "metadata",
    "next_action",
    "on_behalf_of",
    "payment_method",
    "payment_method_configuration_details",
    "payment_method_options",
    "payment_method_types",
    "processing",
    "receipt_email",
    "review",
    "setup_future_usage",
    "shipping",
    "source",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "status",
    "transfer_data",
    "transfer_group",
]

# (alias, code, decline_code, message)
DECLINES = [
    ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
    (
        "pm_card_visa_chargeDeclinedInsufficientFunds",
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    (
        "pm_card_visa_chargeDeclinedLostCard",
        "card_declined",
        "lost_card",
        "Your card was declined.",
    ),
    (
        "pm_card_visa_chargeDeclinedStolenCard",
        "card_declined",
        "stolen_card",
        "Your card was declined.",
    ),
    ("pm_card_radarBlock", "card_declined", "fraudulent", "Your card was declined."),
    (
        "pm_card_visa_chargeDeclinedVelocityLimitExceeded",
        "card_declined",
        "card_velocity_exceeded",
        "Your card was declined.",
    ),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."),
    (
        "pm_card_chargeDeclinedIncorrectCvc",
        "incorrect_cvc",
        "incorrect_cvc",
        "Your card's security code is incorrect.",
    ),
    (
        "pm_card_chargeDeclinedProcessingError",
        "processing_error",
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
]


# --- success ---
def test_create_then_confirm_succeeds(intents):
    created = intents.create(
        params=card_params(metadata={"order_id": "42"}, description="Order #42")
    )

    assert list(created.keys()) == PAYMENT_INTENT_KEYS
    assert created.id.startswith("pi_")
    assert created.object == "payment_intent"
    assert created.status == "requires_confirmation"
    assert created.client_secret.startswith(f"{created.id}_secret_")
    assert created.payment_method.startswith("pm_")
    assert created.payment_method != "pm_card_visa"  # the alias is materialised
    assert created.livemode is False
    assert created.metadata == {"order_id": "42"}
    assert created.amount_received == 0
    assert created.latest_charge is None

    confirmed = intents.confirm(created.id)

    assert list(confirmed.keys()) == PAYMENT_INTENT_KEYS
    assert confirmed.status == "succeeded"
    assert confirmed.amount_received == 2000
    assert confirmed.amount_capturable == 0
    assert confirmed.latest_charge.startswith("ch_")
    assert confirmed.payment_method == created.payment_method
    assert confirmed.last_payment_error is None
    assert confirmed.next_action is None
    assert PaymentIntent.objects.get(pk=created.id).order_id == "42"


def test_create_with_confirm_true_in_one_call(intents, stripe_client):
    intent = intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )

    assert list(intent.keys()) == PAYMENT_INTENT_KEYS
    assert intent.status == "succeeded"
    assert intent.automatic_payment_methods == {"allow_redirects": "always", "enabled": True}
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert charge.status == "succeeded"
    assert charge.captured is True
    assert charge.amount_captured == 2000
    assert charge.payment_intent == intent.id
    assert charge.payment_method_details.card.last4 == "4242"


def test_a_new_intent_waits_for_a_payment_method(intents):
    intent = intents.create(params={"amount": 1099, "currency": "EUR"})

    assert intent.status == "requires_payment_method"
    assert intent.currency == "eur"
    assert intent.payment_method is None
    assert intent.payment_method_types == ["card"]


@pytest.mark.parametrize(
    "alias",
    [
        "pm_card_mastercard",
        "pm_card_amex",
        "pm_card_discover",
        "pm_card_visa_debit",
        "pm_card_threeDSecureOptional",
        "pm_card_riskLevelElevated",
        "tok_visa",
    ],
)
def test_cards_that_succeed(intents, alias):
    intent = intents.create(params=card_params(alias, confirm=True))

    assert intent.status == "succeeded"
    assert intent.payment_method.startswith("pm_")


def test_expand_latest_charge_and_payment_method(intents):
    intent = intents.create(params=card_params(confirm=True, expand=["latest_charge"]))
    assert intent.latest_charge.object == "charge"

    again = intents.retrieve(intent.id, params={"expand": ["latest_charge", "payment_method"]})

    assert again.latest_charge.id == intent.latest_charge.id
    assert again.payment_method.object == "payment_method"
    assert again.payment_method.card.brand == "visa"
    with pytest.raises(stripe.InvalidRequestError, match=r"cannot be expanded \(currency\)"):
        intents.retrieve(intent.id, params={"expand": ["currency"]})


# --- declines ---
@pytest.mark.parametrize(("alias", "code", "decline_code", "message"), DECLINES)
def test_declines(intents, alias, code, decline_code, message):
    with pytest.raises(stripe.CardError) as caught:
        intents.create(params=card_params(alias, confirm=True))

    error = caught.value
    assert error.http_status == 402
    assert error.code == code
    assert error.error.decline_code == decline_code
    assert error.error.message == message
    assert error.error.type == "card_error"
    assert error.error.doc_url == "https://stripe.com/docs/error-codes/" + code.replace("_", "-")
    assert error.error.charge.startswith("ch_")
    assert error.error.payment_method.id.startswith("pm_")
    assert error.error.payment_intent.status == "requires_payment_method"

    intent = intents.retrieve(error.error.payment_intent.id)
    assert intent.status == "requires_payment_method"
    assert intent.payment_method is None
    assert intent.latest_charge == error.error.charge
    assert intent.last_payment_error.code == code
    assert intent.last_payment_error.decline_code == decline_code
    assert intent.last_payment_error.payment_method.id == error.error.payment_method.id
    charge = Charge.objects.get(pk=error.error.charge)
    assert charge.status == "failed"
    assert charge.data["failure_code"] == code
    assert charge.data["outcome"]["reason"] in (decline_code, "highest_risk_level")


def test_a_decline_body_leaves_out_null_keys_and_links_the_request_log(intents):
    with pytest.raises(stripe.CardError) as caught:
        intents.create(params=card_params("pm_card_chargeDeclined", confirm=True))

    body = caught.value.json_body["error"]
    assert sorted(body) == [
        "charge",
        "code",
        "decline_code",
        "doc_url",
        "message",
        "payment_intent",
        "payment_method",
        "request_log_url",
        "type",
    ]
    assert caught.value.request_id.startswith("req_")
    assert f"/test/logs/{caught.value.request_id}?t=" in body["request_log_url"]


@pytest.mark.parametrize(
    ("first", "second", "decline_code"),
    [
        ("pm_card_visa_chargeDeclined", "pm_card_chargeDeclined", "generic_decline"),
        (
            "pm_card_visa_chargeDeclinedInsufficientFunds",
            "pm_card_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
        ),
        ("pm_card_visa_chargeDeclinedLostCard", "pm_card_chargeDeclinedLostCard", "lost_card"),
        (
            "pm_card_visa_chargeDeclinedStolenCard",
            "pm_card_chargeDeclinedStolenCard",
            "stolen_card",
        ),
        ("pm_card_radarBlock", "pm_card_chargeDeclinedFraudulent", "fraudulent"),
        ("tok_chargeDeclinedInsufficientFunds", "tok_visa_chargeDeclined", None),
    ],
)
def test_both_alias_spellings_and_tokens_decline_alike(intents, first, second, decline_code):
    codes = []
    for alias in (first, second):
        with pytest.raises(stripe.CardError) as caught:
            intents.create(params=card_params(alias, confirm=True))
        codes.append(caught.value.error.decline_code)
    if decline_code:
        assert codes == [decline_code, decline_code]
    else:
        assert codes == ["insufficient_funds", "generic_decline"]


def test_a_declined_intent_can_be_confirmed_again_with_another_card(intents):
    with pytest.raises(stripe.CardError) as caught:
        intents.create(params=card_params("pm_card_chargeDeclined", confirm=True))
    intent_id = caught.value.error.payment_intent.id

    intent = intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    assert intent.status == "succeeded"
    assert intent.last_payment_error is None
    assert Charge.objects.filter(payment_intent_id=intent_id).count() == 2


# --- 3-D Secure (the page itself: test_three_d_secure.py) ---
@pytest.mark.parametrize(
    "alias",
    [
        "pm_card_authenticationRequired",
        "pm_card_threeDSecure2Required",
        "pm_card_threeDSecureRequired",
        "pm_card_authenticationRequiredOnSetup",
        "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
    ],
)
def test_cards_that_need_authentication(intents, settings, alias):
    intent = intents.create(params=card_params(alias, confirm=True, return_url=RETURN_URL))

    assert intent.status == "requires_action"
    assert intent.latest_charge is None
    action = intent.next_action
    assert action.type == "redirect_to_url"
    assert action.redirect_to_url.return_url == RETURN_URL
    assert action.redirect_to_url.url == (
        f"{settings.HUB_PUBLIC_URL}/stripe/authenticate/{intent.id}/"
        f"?client_secret={intent.client_secret}"
    )


def test_authentication_without_return_url_uses_stripe_sdk(intents):
    intent = intents.create(params=card_params("pm_card_authenticationRequired", confirm=True))

    assert intent.status == "requires_action"
    assert intent.next_action.type == "use_stripe_sdk"
    assert intent.next_action.use_stripe_sdk.stripe_js.endswith(intent.client_secret)


@pytest.mark.parametrize("flag", ["off_session", "error_on_requires_action"])
def test_authentication_required_off_session_is_declined(intents, flag):
    with pytest.raises(stripe.CardError) as caught:
        intents.create(
            params=card_params("pm_card_authenticationRequired", confirm=True, **{flag: True})
        )

    assert caught.value.code == "authentication_required"
    assert caught.value.error.decline_code == "authentication_required"
    assert caught.value.error.payment_intent.status == "requires_payment_method"


# --- cancel and capture ---
def test_cancel(intents, notifications, django_capture_on_commit_callbacks):
    intent = intents.create(params=card_params())

    with django_capture_on_commit_callbacks(execute=True):
        canceled = intents.cancel(
            intent.id, params={"cancellation_reason": "requested_by_customer"}
        )

    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    assert canceled.canceled_at >= intent.created
    assert notifications[-1][0] == "payment_intent.canceled"
    assert notifications[-1][1]["status"] == "canceled"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.confirm(intent.id)
    assert caught.value.code == "payment_intent_unexpected_state"
    assert "because it has a status of canceled" in caught.value.user_message
    assert caught.value.error.payment_intent.id == intent.id


def test_cancel_refuses_a_succeeded_intent_and_a_bad_reason(intents):
    intent = intents.create(params=card_params(confirm=True))

    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.cancel(intent.id)
    assert caught.value.code == "payment_intent_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.cancel(intent.id, params={"cancellation_reason": "bored"})
    assert caught.value.param == "cancellation_reason"


def test_manual_capture(intents, stripe_client):
    intent = intents.create(params=card_params(confirm=True, capture_method="manual"))
    assert intent.status == "requires_capture"
    assert intent.amount_capturable == 2000
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).captured is False

    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.capture(intent.id, params={"amount_to_capture": 2500})
    assert caught.value.code == "amount_too_large"

    captured = intents.capture(intent.id, params={"amount_to_capture": 1500})

    assert captured.status == "succeeded"
    assert captured.amount_received == 1500
    assert captured.amount_capturable == 0
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.captured, charge.amount_captured, charge.amount_refunded) == (True, 1500, 500)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.capture(intent.id)
    assert caught.value.code == "payment_intent_unexpected_state"


def test_canceling_an_authorisation_releases_it(intents, stripe_client):
    intent = intents.create(params=card_params(confirm=True, capture_method="manual"))

    canceled = intents.cancel(intent.id)

    assert canceled.status == "canceled"
    assert canceled.amount_capturable == 0
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.refunded, charge.amount_refunded) == (True, 2000)


# --- update ---
def test_update(intents):
    intent = intents.create(params={"amount": 2000, "currency": "usd", "metadata": {"a": "1"}})

    updated = intents.update(
        intent.id,
        params={
            "amount": 3000,
            "metadata": {"a": "", "b": "2"},
            "description": "Order #9",
            "payment_method": "pm_card_visa",
        },
    )

    assert updated.amount == 3000
    assert updated.metadata == {"b": "2"}
    assert updated.description == "Order #9"
    assert updated.status == "requires_confirmation"


def test_a_paid_intent_keeps_its_amount_but_takes_new_metadata(intents):
    intent = intents.create(params=card_params(confirm=True))

    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.update(intent.id, params={"amount": 3000})
    assert caught.value.code == "payment_intent_unexpected_state"
    assert "amount could not be updated" in caught.value.user_message
    assert intents.update(intent.id, params={"metadata": {"note": "gift"}}).metadata == {
        "note": "gift"
    }


# --- refused requests ---
def test_confirm_without_a_payment_method(intents):
    intent = intents.create(params={"amount": 2000, "currency": "usd"})

    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.confirm(intent.id, params={"return_url": RETURN_URL})

    assert caught.value.http_status == 400
    assert caught.value.code == "payment_intent_unexpected_state"
    assert caught.value.param == "payment_method"
    assert "missing a payment method" in caught.value.user_message


def test_automatic_payment_methods_need_a_return_url_to_confirm(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(
            params={
                "amount": 2000,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "confirm": True,
            }
        )
    assert "must provide a `return_url`" in caught.value.user_message
    assert not PaymentIntent.objects.exists()  # refused before anything was written
    assert not PaymentMethod.objects.exists()

    intent = intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
        }
    )
    assert intent.status == "succeeded"


def test_return_url_needs_confirm(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params(return_url=RETURN_URL))

    assert caught.value.http_status == 400
    assert caught.value.param == "return_url"


def test_retrieve_an_unknown_intent(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.retrieve("pi_missing")

    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "intent"
    assert caught.value.user_message == "No such payment_intent: 'pi_missing'"


def test_an_unknown_payment_method(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params("pm_nope"))

    assert caught.value.http_status == 400
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "payment_method"
    assert caught.value.user_message == "No such PaymentMethod: 'pm_nope'"


@pytest.mark.parametrize(
    ("params", "code", "param", "message"),
    [
        ({"amount": 2000, "currency": "usd", "foo": "bar"}, "parameter_unknown", "foo",
         "Received unknown parameter: foo"),
        ({"amount": 2000, "currency": "usd", "automatic_payment_methods": {"on": "true"}},
         "parameter_unknown", "automatic_payment_methods[on]",
         "Received unknown parameter: automatic_payment_methods[on]"),
        ({"currency": "usd"}, "parameter_missing", "amount", "Missing required param: amount."),
        ({"amount": 2000}, "parameter_missing", "currency", "Missing required param: currency."),
        ({"amount": "12.5", "currency": "usd"}, "parameter_invalid_integer", "amount",
         "Invalid integer: 12.5"),
        ({"amount": 49, "currency": "usd"}, "amount_too_small", "amount",
         "Amount must be at least $0.50 usd"),
        ({"amount": 49, "currency": "eur"}, "amount_too_small", "amount",
         "Amount must be at least €0.50 eur"),
        ({"amount": 29, "currency": "gbp"}, "amount_too_small", "amount",
         "Amount must be at least £0.30 gbp"),
    ],
)  # fmt: skip
def test_parameter_errors(stripe_client, params, code, param, message):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.create(params=params)

    assert caught.value.http_status == 400
    assert caught.value.code == code
    assert caught.value.param == param
    assert caught.value.user_message == message
    assert caught.value.error.type == "invalid_request_error"


def test_an_unrecognised_url(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("get", "/v1/foo")

    assert caught.value.http_status == 404
    assert caught.value.user_message == (
        "Unrecognized request URL (GET: /v1/foo). Please see https://stripe.com/docs or we can "
        "help at https://support.stripe.com/."
    )


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("sk_live_0123456789abcdef", "sk_live_************cdef"),
        ("pk_test_hub_fake", "pk_test_****fake"),
    ],
)
def test_a_key_that_is_not_a_test_secret_key(db, key, shown):
    client = stripe.StripeClient(key, http_client=EmbeddedHTTPClient())

    with pytest.raises(stripe.AuthenticationError) as caught:
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"})

    assert caught.value.http_status == 401
    assert caught.value.user_message == f"Invalid API Key provided: {shown}"
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"


# --- scenarios ---
def test_a_payment_scenario_decides_the_card(intents):
    with scenarios.forced("insufficient_funds"), pytest.raises(stripe.CardError) as caught:
        intents.create(params=card_params(confirm=True))

    assert caught.value.error.decline_code == "insufficient_funds"
    intent = intents.retrieve(caught.value.error.payment_intent.id)
    assert intent.last_payment_error.decline_code == "insufficient_funds"


def test_the_requires_action_scenario_asks_for_authentication(intents):
    with scenarios.forced("requires_action"):
        intent = intents.create(params=card_params(confirm=True, return_url=RETURN_URL))

    assert intent.status == "requires_action"


def test_the_payment_failed_scenario_is_a_gateway_error(intents):
    intent = intents.create(params=card_params())

    with scenarios.forced("payment_failed"), pytest.raises(stripe.APIError) as caught:
        intents.confirm(intent.id)

    assert caught.value.http_status == 500
    assert caught.value.json_body["error"]["type"] == "api_error"
    assert caught.value.user_message == "An unknown error occurred"
    assert intents.retrieve(intent.id).status == "requires_confirmation"  # left as it was


def test_scenarios_outside_payment_do_not_touch_the_fake(intents):
    with scenarios.forced("out_of_stock"):
        assert intents.create(params=card_params(confirm=True)).status == "succeeded"


# --- notifications ---
def test_every_outcome_is_notified_after_commit(
    intents, notifications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        paid = intents.create(params=card_params(confirm=True))
        with pytest.raises(stripe.CardError):
            intents.create(params=card_params("pm_card_chargeDeclined", confirm=True))
        held = intents.create(params=card_params(confirm=True, capture_method="manual"))

    events = [(event, sent["status"]) for event, sent in notifications]
    assert events == [
        ("payment_intent.created", "requires_confirmation"),
        ("charge.succeeded", "succeeded"),
        ("payment_intent.succeeded", "succeeded"),
        ("payment_intent.created", "requires_confirmation"),
        ("charge.failed", "failed"),
        ("payment_intent.payment_failed", "requires_payment_method"),
        ("payment_intent.created", "requires_confirmation"),
        ("charge.succeeded", "succeeded"),  # authorised, not captured
        ("payment_intent.amount_capturable_updated", "requires_capture"),
    ]
    assert notifications[1][1]["id"] == paid.latest_charge
    assert notifications[2][1]["id"] == paid.id
    assert notifications[7][1]["captured"] is False
    assert notifications[8][1]["id"] == held.id


def test_nothing_is_notified_before_the_transaction_commits(intents, notifications):
    intents.create(params=card_params(confirm=True))  # the test's transaction never commits

    assert notifications == []
