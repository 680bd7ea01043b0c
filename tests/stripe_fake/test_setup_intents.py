"""SetupIntents through the real SDK: confirm with test cards, 3-D Secure, cancel, errors."""

from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from stripe_fake import events

from .support import RETURN_URL, local_path

SETUP_INTENT_KEYS = [
    "id",
    "object",
    "application",
    "automatic_payment_methods",
    "cancellation_reason",
    "client_secret",
    "created",
    "customer",
    "customer_account",
    "description",
    "excluded_payment_method_types",
    "flow_directions",
    "last_setup_error",
    "latest_attempt",
    "livemode",
    "mandate",
    "metadata",
    "next_action",
    "on_behalf_of",
    "payment_method",
    "payment_method_configuration_details",
    "payment_method_options",
    "payment_method_types",
    "single_use_mandate",
    "status",
    "usage",
]


@pytest.fixture
def setups(stripe_client):
    return stripe_client.v1.setup_intents


@pytest.fixture
def customer(stripe_client):
    return stripe_client.v1.customers.create(params={"email": "ray@example.com"})


@pytest.fixture
def published(monkeypatch):
    calls = []

    def record(event_type, obj, *, previous_attributes=None):
        calls.append((event_type, obj))

    monkeypatch.setattr(events, "publish", record)
    return calls


def card_setup(payment_method="pm_card_visa", **extra):
    return {"payment_method_types": ["card"], "payment_method": payment_method, **extra}


def test_the_setup_intent_object(setups, published):
    setup = setups.create(params={"payment_method_types": ["card"], "usage": "on_session"})

    assert list(setup.keys()) == SETUP_INTENT_KEYS
    assert (setup.status, setup.usage, setup.payment_method) == (
        "requires_payment_method",
        "on_session",
        None,
    )
    assert setup.automatic_payment_methods is None
    assert setups.retrieve(setup.id) == setup
    assert [event for event, _ in published] == ["setup_intent.created"]


def test_confirm_saves_the_card_to_the_customer(stripe_client, setups, customer, published):
    setup = setups.create(params=card_setup(customer=customer.id))
    assert setup.status == "requires_confirmation"

    confirmed = setups.confirm(setup.id)

    assert confirmed.status == "succeeded"
    assert confirmed.payment_method == setup.payment_method
    assert confirmed.latest_attempt.startswith("setatt_")
    method = stripe_client.v1.payment_methods.retrieve(confirmed.payment_method)
    assert method.customer == customer.id
    assert [event for event, _ in published] == [
        "setup_intent.created",
        "payment_method.attached",
        "setup_intent.succeeded",
    ]
    # The saved card pays off session.
    paid = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": method.id,
            "payment_method_types": ["card"],
            "confirm": True,
            "off_session": True,
        }
    )
    assert paid.status == "succeeded"


def test_confirm_on_create(setups, customer):
    setup = setups.create(
        params=card_setup("pm_card_mastercard", customer=customer.id, confirm=True)
    )

    assert setup.status == "succeeded"


def test_a_setup_intent_without_a_customer(stripe_client, setups):
    setup = setups.create(params=card_setup(confirm=True))

    assert setup.status == "succeeded"
    assert stripe_client.v1.payment_methods.retrieve(setup.payment_method).customer is None


def test_a_declined_card(setups, customer, published):
    setup = setups.create(params=card_setup("pm_card_chargeDeclined", customer=customer.id))

    with pytest.raises(stripe.CardError) as caught:
        setups.confirm(setup.id)

    error = caught.value.error
    assert caught.value.http_status == 402
    assert (error.code, error.decline_code) == ("card_declined", "generic_decline")
    assert error.setup_intent.id == setup.id
    assert error.setup_intent.status == "requires_payment_method"
    assert error.payment_method.id == setup.payment_method
    failed = setups.retrieve(setup.id)
    assert failed.status == "requires_payment_method"
    assert failed.payment_method is None
    assert failed.last_setup_error.code == "card_declined"
    assert failed.last_setup_error.decline_code == "generic_decline"
    assert published[-1][0] == "setup_intent.setup_failed"
    # It can be confirmed again with another card.
    assert setups.confirm(setup.id, params={"payment_method": "pm_card_visa"}).status == (
        "succeeded"
    )


def test_a_card_whose_charges_fail_is_saved(stripe_client, setups, customer):
    setup = setups.create(
        params=card_setup("pm_card_chargeCustomerFail", customer=customer.id, confirm=True)
    )

    assert setup.status == "succeeded"
    with pytest.raises(stripe.CardError):
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1500,
                "currency": "usd",
                "customer": customer.id,
                "payment_method": setup.payment_method,
                "payment_method_types": ["card"],
                "confirm": True,
            }
        )


@pytest.fixture
def challenged(setups, customer):
    def make(**extra):
        setup = setups.create(
            params=card_setup(
                "pm_card_authenticationRequiredOnSetup",
                customer=customer.id,
                confirm=True,
                return_url=RETURN_URL,
                **extra,
            )
        )
        return setup, local_path(setup.next_action.redirect_to_url.url)

    return make


def test_three_d_secure_then_complete(client, stripe_client, setups, challenged, customer):
    setup, page = challenged()
    assert setup.status == "requires_action"
    assert setup.next_action.type == "redirect_to_url"
    assert setup.next_action.redirect_to_url.return_url == RETURN_URL

    shown = client.get(page)
    response = client.post(page, {"action": "complete"})

    assert shown.status_code == 200
    assert "Complete authentication" in shown.content.decode()
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["setup_intent"] == [setup.id]
    assert query["setup_intent_client_secret"] == [setup.client_secret]
    assert query["redirect_status"] == ["succeeded"]
    done = setups.retrieve(setup.id)
    assert (done.status, done.next_action) == ("succeeded", None)
    assert stripe_client.v1.payment_methods.retrieve(done.payment_method).customer == customer.id
    assert client.get(page).status_code == 409  # nothing left to authenticate


def test_three_d_secure_then_fail(client, setups, challenged):
    setup, page = challenged()

    response = client.post(page, {"action": "fail"})

    assert parse_qs(urlsplit(response["Location"]).query)["redirect_status"] == ["failed"]
    failed = setups.retrieve(setup.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_setup_error.code == "setup_intent_authentication_failure"
    assert failed.last_setup_error.message == (
        "The latest attempt to set up the payment method has failed because authentication failed."
    )


def test_three_d_secure_with_stripe_js(setups, customer):
    setup = setups.create(
        params=card_setup(
            "pm_card_threeDSecure2Required", customer=customer.id, confirm=True, use_stripe_sdk=True
        )
    )

    assert setup.status == "requires_action"
    assert setup.next_action.type == "use_stripe_sdk"
    assert f"/stripe/authenticate/{setup.id}/" in setup.next_action.use_stripe_sdk.stripe_js


def test_a_wrong_authentication_link(client, challenged):
    setup, _ = challenged()

    response = client.get(f"/stripe/authenticate/{setup.id}/?client_secret=wrong")

    assert response.status_code == 404


def test_automatic_payment_methods_need_a_return_url(setups):
    setup = setups.create(params={"payment_method": "pm_card_visa"})  # automatic by default

    with pytest.raises(stripe.InvalidRequestError) as caught:
        setups.confirm(setup.id)

    assert caught.value.error.param == "return_url"
    assert caught.value.error.message.startswith("This SetupIntent is configured to accept")
    assert setups.confirm(setup.id, params={"return_url": RETURN_URL}).status == "succeeded"


def test_update_and_cancel(setups, customer, published):
    setup = setups.create(params={"payment_method_types": ["card"]})

    updated = setups.update(
        setup.id,
        params={"customer": customer.id, "metadata": {"k": "v"}, "payment_method": "pm_card_visa"},
    )
    canceled = setups.cancel(setup.id, params={"cancellation_reason": "abandoned"})

    assert (updated.customer, updated.metadata, updated.status) == (
        customer.id,
        {"k": "v"},
        "requires_confirmation",
    )
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    assert published[-1][0] == "setup_intent.canceled"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        setups.confirm(setup.id)
    assert caught.value.code == "setup_intent_unexpected_state"
    assert caught.value.error.message == (
        "You cannot confirm this SetupIntent because it has a status of canceled. Only a "
        "SetupIntent with one of the following statuses may be confirmed: "
        "requires_payment_method, requires_confirmation, requires_action."
    )
    assert caught.value.error.setup_intent.id == setup.id
    with pytest.raises(stripe.InvalidRequestError) as again:
        setups.cancel(setup.id)
    assert again.value.code == "setup_intent_unexpected_state"


def test_list_setup_intents(setups, customer):
    mine = setups.create(params={"payment_method_types": ["card"], "customer": customer.id})
    setups.create(params={"payment_method_types": ["card"]})

    page = setups.list(params={"customer": customer.id, "expand": ["data.customer"]})

    assert [setup.id for setup in page.data] == [mine.id]
    assert page.data[0].customer.email == "ray@example.com"
    assert len(setups.list().data) == 2


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"customer": "cus_nobody"}, "resource_missing", "customer"),
        ({"usage": "sometimes"}, None, "usage"),
        ({"return_url": RETURN_URL}, None, "return_url"),  # only with confirm=true
        ({"confirm": True}, "setup_intent_unexpected_state", "payment_method"),
        ({"payment_method": "pm_missing"}, "resource_missing", "payment_method"),
    ],
)
def test_bad_setup_intent_parameters(setups, params, code, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        setups.create(params={"payment_method_types": ["card"], **params})

    assert caught.value.http_status == 400
    assert caught.value.code == code
    assert caught.value.error.param == param


def test_the_client_secret_must_match(setups):
    setup = setups.create(params={"payment_method_types": ["card"]})

    with pytest.raises(stripe.InvalidRequestError) as caught:
        setups.retrieve(setup.id, params={"client_secret": "seti_wrong"})

    assert caught.value.error.param == "client_secret"


def test_a_customers_card_cannot_be_set_up_for_another(stripe_client, setups, customer):
    other = stripe_client.v1.customers.create()
    card = stripe_client.v1.payment_methods.attach("pm_card_visa", params={"customer": other.id})

    with pytest.raises(stripe.InvalidRequestError) as caught:
        setups.create(params=card_setup(card.id, customer=customer.id))

    assert caught.value.error.param == "payment_method"
    assert "belongs to the Customer" in caught.value.error.message


def test_a_card_that_authenticates_once_pays_off_session_after_its_setup(
    client, stripe_client, challenged, customer
):
    setup, page = challenged()  # pm_card_authenticationRequiredOnSetup
    client.post(page, {"action": "complete"})
    method = stripe_client.v1.setup_intents.retrieve(setup.id).payment_method

    paid = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": method,
            "payment_method_types": ["card"],
            "confirm": True,
            "off_session": True,
        }
    )

    assert paid.status == "succeeded"
    assert paid.payment_method == method


def test_a_card_that_always_authenticates_declines_off_session(
    client, stripe_client, setups, customer
):
    setup = setups.create(
        params=card_setup(
            "pm_card_authenticationRequired",
            customer=customer.id,
            confirm=True,
            return_url=RETURN_URL,
        )
    )
    client.post(local_path(setup.next_action.redirect_to_url.url), {"action": "complete"})
    saved = setups.retrieve(setup.id)
    assert saved.status == "succeeded"

    with pytest.raises(stripe.CardError) as caught:
        stripe_client.v1.payment_intents.create(
            params={
                "amount": 1500,
                "currency": "usd",
                "customer": customer.id,
                "payment_method": saved.payment_method,
                "payment_method_types": ["card"],
                "confirm": True,
                "off_session": True,
            }
        )

    assert caught.value.code == "authentication_required"
