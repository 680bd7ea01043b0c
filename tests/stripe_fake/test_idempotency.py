"""Idempotency-Key: replays, conflicts, keys in use, and what is never stored."""

import json

import pytest
import stripe

from checkout_hub.models import IdempotencyRecord
from checkout_hub.services import idempotency
from stripe_fake.client import EmbeddedHTTPClient
from stripe_fake.models import Charge, PaymentIntent

from .support import API_KEY, card_params


def create(stripe_client, key, **params):
    """POST /v1/payment_intents with `key`; the raw reply (status, headers, JSON body)."""
    return stripe_client.raw_request("post", "/v1/payment_intents", idempotency_key=key, **params)


def test_the_same_key_and_parameters_replay_the_first_reply(intents):
    first = intents.create(params=card_params(confirm=True), options={"idempotency_key": "k-1"})
    again = intents.create(params=card_params(confirm=True), options={"idempotency_key": "k-1"})

    assert again.id == first.id
    assert PaymentIntent.objects.count() == 1
    assert Charge.objects.count() == 1


def test_a_replay_says_so_in_its_headers(stripe_client):
    first = create(stripe_client, "k-2", amount=2000, currency="usd")
    again = create(stripe_client, "k-2", amount=2000, currency="usd")

    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Idempotency-Key"] == "k-2"
    assert again.body == first.body
    assert again.headers["Request-Id"] != first.headers["Request-Id"]


def test_a_decline_is_replayed_too(intents):
    errors = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as caught:
            intents.create(
                params=card_params("pm_card_chargeDeclined", confirm=True),
                options={"idempotency_key": "k-3"},
            )
        errors.append(caught.value)

    assert errors[0].json_body == errors[1].json_body
    assert errors[1].headers["Idempotent-Replayed"] == "true"
    assert Charge.objects.count() == 1


def test_the_same_key_with_other_parameters_is_refused(intents):
    intents.create(params=card_params(), options={"idempotency_key": "k-4"})

    with pytest.raises(stripe.IdempotencyError) as caught:
        intents.create(params=card_params(amount=3000), options={"idempotency_key": "k-4"})

    assert caught.value.http_status == 400
    assert caught.value.json_body["error"]["type"] == "idempotency_error"
    assert caught.value.user_message == (
        "Keys for idempotent requests can only be used with the same parameters they were first "
        "used with. Try using a key other than 'k-4' if you meant to execute a different request."
    )


def test_the_same_key_on_another_endpoint_is_refused(intents, stripe_client):
    intent = intents.create(params=card_params(), options={"idempotency_key": "k-5"})

    with pytest.raises(stripe.IdempotencyError) as confirm:
        intents.confirm(intent.id, options={"idempotency_key": "k-5"})
    with pytest.raises(stripe.IdempotencyError) as customer:
        stripe_client.v1.customers.create(options={"idempotency_key": "k-5"})

    assert confirm.value.http_status == 400
    assert confirm.value.json_body["error"]["type"] == "idempotency_error"
    assert confirm.value.user_message == (
        "Keys for idempotent requests can only be used with the same endpoint they were first "
        f"used with ('POST /v1/payment_intents' vs 'POST /v1/payment_intents/{intent.id}/confirm')"
        ". Try using a key other than 'k-5' if you meant to execute a different request."
    )
    assert customer.value.user_message.startswith(
        "Keys for idempotent requests can only be used with the same endpoint they were first "
        "used with ('POST /v1/payment_intents' vs 'POST /v1/customers')."
    )


def test_a_key_still_in_progress(stripe_client):
    params = {"amount": "2000", "currency": "usd"}
    fingerprint = idempotency.fingerprint("POST", "/v1/payment_intents", params)
    idempotency.begin(f"stripe:{API_KEY}", "k-6", fingerprint)  # a request that is still running

    with pytest.raises(stripe.APIError) as caught:
        create(stripe_client, "k-6", amount=2000, currency="usd")

    assert caught.value.http_status == 409
    assert caught.value.json_body["error"]["type"] == "idempotency_error"
    assert caught.value.json_body["error"]["code"] == "idempotency_key_in_use"


def test_refused_requests_are_not_stored(stripe_client):
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            create(stripe_client, "k-7", amount="lots", currency="usd")
        assert "Idempotent-Replayed" not in caught.value.headers

    assert not IdempotencyRecord.objects.filter(key="k-7").exists()
    reply = create(stripe_client, "k-7", amount=2000, currency="usd")
    assert json.loads(reply.body)["amount"] == 2000


def test_a_key_longer_than_255_characters(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(stripe_client, "k" * 256, amount=2000, currency="usd")

    assert caught.value.http_status == 400


def test_keys_belong_to_one_api_key(intents):
    other = stripe.StripeClient("sk_test_other", http_client=EmbeddedHTTPClient())
    first = intents.create(params=card_params(), options={"idempotency_key": "k-8"})
    second = other.v1.payment_intents.create(
        params=card_params(), options={"idempotency_key": "k-8"}
    )

    assert first.id != second.id
