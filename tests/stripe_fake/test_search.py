"""Search (PaymentIntents, Charges, Customers) through the real SDK, and the query parser."""

import datetime as dt

import pytest
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkout_hub import clock
from stripe_fake import errors, search
from stripe_fake.responses import PAYMENT_INTENT_QUERY_FIELDS

from .support import card_params

START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def shop(intents, stripe_client):
    """Four intents: 500 and 2000 succeeded (order 1 and 2), 3000 declined, 1500 unconfirmed."""
    clock.freeze(START)
    made = {}
    for name, amount, alias, confirm, order in [
        ("small", 500, "pm_card_visa", True, "1"),
        ("big", 2000, "pm_card_mastercard", True, "2"),
        ("declined", 3000, "pm_card_chargeDeclined", True, "3"),
        ("open", 1500, "pm_card_visa", False, "4"),
    ]:
        params = card_params(alias, amount=amount, confirm=confirm, metadata={"order_id": order})
        try:
            made[name] = intents.create(params=params)
        except stripe.CardError as declined:
            made[name] = intents.retrieve(declined.error.payment_intent.id)
        clock.advance(1)
    return made


def found(result):
    return [obj.id for obj in result.data]


def test_the_search_envelope(intents, shop):
    result = intents.search(params={"query": "status:'succeeded'"})

    assert list(result.keys()) == ["object", "data", "has_more", "next_page", "url"]
    assert result.object == "search_result"
    assert result.url == "/v1/payment_intents/search"
    assert (result.has_more, result.next_page) == (False, None)
    assert found(result) == [shop["big"].id, shop["small"].id]
    assert result.data[0] == intents.retrieve(shop["big"].id)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status:'succeeded'", ["big", "small"]),
        ('status:"SUCCEEDED"', ["big", "small"]),  # exact match ignores case
        ("amount>1000", ["open", "declined", "big"]),
        ("amount>=2000", ["declined", "big"]),
        ("amount<1500", ["small"]),
        ("amount<=1500", ["open", "small"]),
        ("amount:2000", ["big"]),
        ("metadata['order_id']:'3'", ["declined"]),
        ('metadata["order_id"]:"2"', ["big"]),
        ("metadata['missing']:null", ["open", "declined", "big", "small"]),
        ("-status:'succeeded'", ["open", "declined"]),
        ("status:'succeeded' AND amount>1000", ["big"]),
        ("status:'succeeded' amount>1000", ["big"]),  # a space is AND
        ("status:'requires_payment_method' OR amount<1000", ["declined", "small"]),
        ("status:'succeeded' and currency:'usd'", ["big", "small"]),
        ("customer:null", ["open", "declined", "big", "small"]),
        ("currency:'eur'", []),
    ],
)
def test_queries(intents, shop, query, expected):
    result = intents.search(params={"query": query})

    assert found(result) == [shop[name].id for name in expected]


def test_the_created_field(intents, shop):
    start = int(START.timestamp())

    result = intents.search(params={"query": f"created>={start + 2}"})

    assert found(result) == [shop["open"].id, shop["declined"].id]


def test_pages_and_auto_paging(intents, shop):
    first = intents.search(params={"query": "currency:'usd'", "limit": 3})
    second = intents.search(params={"query": "currency:'usd'", "limit": 3, "page": first.next_page})
    every = intents.search(params={"query": "currency:'usd'", "limit": 1}).auto_paging_iter()

    assert (len(first.data), first.has_more) == (3, True)
    assert isinstance(first.next_page, str)
    assert (found(second), second.has_more, second.next_page) == ([shop["small"].id], False, None)
    assert [intent.id for intent in every] == [
        shop[name].id for name in ("open", "declined", "big", "small")
    ]


def test_total_count_when_expanded(intents, shop):
    result = intents.search(
        params={"query": "amount>100", "limit": 1, "expand": ["total_count", "data.latest_charge"]}
    )

    assert result.total_count == 4
    assert len(result.data) == 1
    assert result.data[0].latest_charge is None  # the open intent has no charge yet


def test_search_charges(stripe_client, shop):
    charges = stripe_client.v1.charges

    paid = charges.search(params={"query": "status:'succeeded'"})
    mastercard = charges.search(params={"query": "payment_method_details.card.brand:'mastercard'"})
    refunded = charges.search(params={"query": "refunded:false AND amount>=2000"})

    assert paid.url == "/v1/charges/search"
    assert found(paid) == [shop["big"].latest_charge, shop["small"].latest_charge]
    assert found(mastercard) == [shop["big"].latest_charge]
    assert found(refunded) == [shop["declined"].latest_charge, shop["big"].latest_charge]
    last4 = charges.search(params={"query": "payment_method_details.card.last4:4242"})
    assert shop["small"].latest_charge in found(last4)


def test_search_customers(stripe_client):
    customers = stripe_client.v1.customers
    ray = customers.create(
        params={"email": "ray@example.com", "name": "Ray Smith", "metadata": {"tier": "gold"}}
    )
    ann = customers.create(params={"email": "ann@shop.example", "name": "Ann Smith"})
    gone = customers.create(params={"email": "gone@example.com"})
    customers.delete(gone.id)

    by_email = customers.search(params={"query": "email:'ray@example.com'"})
    by_substring = customers.search(params={"query": "email~'example'"})
    by_name = customers.search(params={"query": "name~'smith'"})
    by_metadata = customers.search(params={"query": "metadata['tier']:'gold'"})

    assert by_email.url == "/v1/customers/search"
    assert found(by_email) == [ray.id]
    assert found(by_substring) == [ann.id, ray.id]  # ann@shop.example holds "example" too
    assert sorted(found(by_name)) == sorted([ray.id, ann.id])
    assert found(by_metadata) == [ray.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("asdf", search.UNPARSABLE),
        ("status:'succeeded", search.UNPARSABLE),
        ("status:'succeeded' AND", search.UNPARSABLE),
        ("status:'a' AND amount>1 OR amount<5", search.MIXED_CONNECTIVES),
        (
            "colour:'red'",
            "Field `colour` is an unsupported search field for resource `payment_intents`. See "
            "http://stripe.com/docs/search#query-fields-for-payment-intents for a list of "
            "supported fields.",
        ),
        ("status~'succ'", search.NO_SUBSTRING.format(field="status")),
        ("status>1", search.NOT_NUMERIC_FIELD.format(field="status", operator=">")),
        ("amount>lots", search.NOT_A_NUMBER.format(field="amount", value="lots")),
    ],
)
def test_bad_queries(intents, query, message):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.search(params={"query": query})

    assert caught.value.http_status == 400
    assert caught.value.error.type == "invalid_request_error"
    assert caught.value.error.message == message
    assert caught.value.error.param == "query"


@pytest.mark.parametrize(
    ("params", "message", "param"),
    [
        ({}, "Missing required param: query.", "query"),
        ({"query": "amount>1", "limit": 0}, "This value must be greater than or equal to 1.",
         "limit"),
        ({"query": "amount>1", "page": "garbage"}, "Invalid page: garbage", "page"),
        ({"query": "amount>1", "starting_after": "pi_x"},
         "Received unknown parameter: starting_after", "starting_after"),
    ],
)  # fmt: skip
def test_bad_search_parameters(intents, params, message, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.search(params=params)

    assert caught.value.error.message == message
    assert caught.value.error.param == param


def test_the_substring_needs_three_characters(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.customers.search(params={"query": "email~'ab'"})

    assert caught.value.error.message == search.SHORT_SUBSTRING.format(value="ab")


def test_search_is_routed_before_the_id(intents):
    # Not read as the id "search" (which would be resource_missing or parameter_unknown).
    assert intents.search(params={"query": "amount>1"}).data == []


OBJECT = {"status": "succeeded", "amount": 2000, "currency": "usd", "metadata": {"k": "v"}}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("statusmouncredy:~<>=-'\"\\[]() ANDORnul0123_.")), max_size=40
    )
    | st.text(max_size=30)
)
def test_any_query_is_a_result_or_a_stripe_error(query):
    try:
        matches = search.parse(query, PAYMENT_INTENT_QUERY_FIELDS, resource="payment_intents")
    except errors.StripeError as error:
        assert error.status == 400
        assert error.type == "invalid_request_error"
        return
    assert matches(OBJECT) in (True, False)
    assert matches({}) in (True, False)
