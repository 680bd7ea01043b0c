"""PaymentMethods from card numbers, tokens and aliases."""

import pytest
import stripe

from checkout_hub import clock

from .support import card_params


@pytest.fixture
def methods(stripe_client):
    return stripe_client.v1.payment_methods


def card(number, **fields):
    expiry = {"exp_month": 12, "exp_year": clock.now().year + 2}
    return {"type": "card", "card": {"number": number, **expiry, **fields}}


def test_a_card_number_becomes_a_payment_method(methods, intents):
    method = methods.create(
        params={**card("4242 4242 4242 4242", cvc="314"), "billing_details": {"name": "Ray"}}
    )

    assert method.id.startswith("pm_")
    assert method.object == "payment_method"
    assert method.type == "card"
    assert method.card.brand == "visa"
    assert method.card.last4 == "4242"
    assert method.card.exp_month == 12
    assert method.card.checks.cvc_check == "unchecked"
    assert method.billing_details.name == "Ray"
    assert methods.retrieve(method.id).card.fingerprint == method.card.fingerprint
    assert intents.create(params=card_params(method.id, confirm=True)).status == "succeeded"


@pytest.mark.parametrize(
    ("number", "decline_code"),
    [("4000000000009995", "insufficient_funds"), ("4000000000000002", "generic_decline")],
)
def test_the_card_number_decides_the_outcome(methods, intents, number, decline_code):
    method = methods.create(params=card(number))

    with pytest.raises(stripe.CardError) as caught:
        intents.create(params=card_params(method.id, confirm=True))

    assert caught.value.error.decline_code == decline_code


def test_a_number_that_fails_the_luhn_check(methods):
    with pytest.raises(stripe.CardError) as caught:
        methods.create(params=card("4242424242424241"))

    assert caught.value.http_status == 402
    assert caught.value.code == "incorrect_number"
    assert caught.value.error.type == "card_error"
    assert caught.value.user_message == "Your card number is incorrect."


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (card("4242"), "invalid_number"),
        (card("4111111111111111"), "card_declined"),  # a real card: not for test mode
        (card("4242424242424242", exp_month=13), "invalid_expiry_month"),
        (card("4242424242424242", exp_year=2001), "invalid_expiry_year"),
        (card("4242424242424242", cvc="12a"), "invalid_cvc"),
    ],
)  # fmt: skip
def test_cards_refused_while_read(methods, params, code):
    with pytest.raises(stripe.CardError) as caught:
        methods.create(params=params)

    assert caught.value.code == code


def test_missing_card_fields(methods):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        methods.create(params={"type": "card", "card": {"number": "4242424242424242"}})

    assert caught.value.code == "parameter_missing"
    assert caught.value.param == "card[exp_month]"


def test_payment_method_data_and_tokens(intents):
    by_number = intents.create(
        params={
            **card_params(None, confirm=True),
            "payment_method_data": card("5555555555554444"),
        }
    )
    by_token = intents.create(
        params={
            **card_params(None, confirm=True),
            "payment_method_data": {"type": "card", "card": {"token": "tok_amex"}},
        }
    )

    assert by_number.status == by_token.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(
            params={
                **card_params(None),
                "payment_method_data": {"type": "card", "card": {"token": "tok_nope"}},
            }
        )
    assert caught.value.param == "payment_method_data[card][token]"


def test_each_use_of_an_alias_is_a_new_payment_method(intents):
    first = intents.create(params=card_params())
    second = intents.create(params=card_params())

    assert first.payment_method != second.payment_method


def test_an_unknown_payment_method(methods):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        methods.retrieve("pm_missing")

    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
