"""Refunds: full, partial, too large, twice, and the objects they leave behind."""

import pytest
import stripe

from .support import card_params


@pytest.fixture
def paid(intents):
    return intents.create(params=card_params(confirm=True))


@pytest.fixture
def refunds(stripe_client):
    return stripe_client.v1.refunds


def test_full_refund(
    refunds, stripe_client, paid, notifications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.create(params={"payment_intent": paid.id, "reason": "duplicate"})

    assert refund.id.startswith("re_")
    assert refund.object == "refund"
    assert refund.amount == 2000
    assert refund.status == "succeeded"
    assert refund.reason == "duplicate"
    assert refund.charge == paid.latest_charge
    assert refund.payment_intent == paid.id
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    assert refunds.retrieve(refund.id).amount == 2000
    assert notifications == [("charge.refunded", notifications[0][1])]
    # Stripe's charge.refunded carries the charge, refunded
    assert notifications[0][1]["id"] == paid.latest_charge
    assert notifications[0][1]["payment_intent"] == paid.id
    assert (notifications[0][1]["amount_refunded"], notifications[0][1]["refunded"]) == (2000, True)


def test_partial_refunds_until_nothing_is_left(refunds, stripe_client, paid):
    first = refunds.create(params={"payment_intent": paid.id, "amount": 500})
    rest = refunds.create(params={"charge": paid.latest_charge})

    assert (first.amount, rest.amount) == (500, 1500)
    charge = stripe_client.v1.charges.retrieve(
        paid.latest_charge, params={"expand": ["payment_intent"]}
    )
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    assert charge.payment_intent.status == "succeeded"  # a refund does not change the intent
    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.create(params={"payment_intent": paid.id})
    assert caught.value.code == "charge_already_refunded"
    assert caught.value.user_message == f"Charge {paid.latest_charge} has already been refunded."


def test_a_refund_larger_than_the_charge(refunds, paid):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.create(params={"payment_intent": paid.id, "amount": 3000})

    assert caught.value.code == "amount_too_large"
    assert caught.value.param == "amount"
    assert caught.value.user_message == (
        "Refund amount ($30.00) is greater than charge amount ($20.00)"
    )
    refunds.create(params={"payment_intent": paid.id, "amount": 500})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.create(params={"payment_intent": paid.id, "amount": 1600})
    assert caught.value.user_message == (
        "Refund amount ($16.00) is greater than unrefunded amount on charge ($15.00)"
    )


def test_an_unpaid_intent_has_nothing_to_refund(refunds, intents):
    intent = intents.create(params=card_params())

    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.create(params={"payment_intent": intent.id})

    assert caught.value.user_message == (
        f"This PaymentIntent ({intent.id}) does not have a successful charge to refund."
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "One of the following params should be provided for this request: "
             "payment_intent or charge."),
        ({"payment_intent": "pi_missing"}, "No such payment_intent: 'pi_missing'"),
        ({"charge": "ch_missing"}, "No such charge: 'ch_missing'"),
    ],
)  # fmt: skip
def test_refused_refunds(refunds, params, message):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.create(params=params)

    assert caught.value.http_status == 400
    assert caught.value.user_message == message


def test_unknown_refund_and_charge(refunds, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        refunds.retrieve("re_missing")
    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.charges.retrieve("ch_missing")
    assert caught.value.http_status == 404
