"""List endpoints through the real SDK: the envelope, pagination, filters, expand[], errors."""

import datetime as dt

import pytest
import stripe

from checkout_hub import clock

from .support import card_params

START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def made(intents):
    """`count` succeeded intents, one a second apart (newest last), with the clock frozen."""

    def make(count, *, step=1, **extra):
        clock.freeze(START)
        created = []
        for _ in range(count):
            created.append(intents.create(params=card_params(confirm=True, **extra)))
            clock.advance(step)
        return created

    return make


def ids(page):
    return [obj.id for obj in page.data]


def test_the_list_envelope(intents, made):
    first, second = made(2)

    page = intents.list()

    assert list(page.keys()) == ["object", "data", "has_more", "url"]
    assert page.object == "list"
    assert page.url == "/v1/payment_intents"
    assert page.has_more is False
    assert ids(page) == [second.id, first.id]  # newest first
    assert page.data[0] == intents.retrieve(second.id)


def test_limit_and_the_cursors(intents, made):
    made_ids = [intent.id for intent in reversed(made(5))]  # newest first

    first = intents.list(params={"limit": 2})
    after = intents.list(params={"limit": 2, "starting_after": first.data[-1].id})
    last = intents.list(params={"limit": 2, "starting_after": after.data[-1].id})
    before = intents.list(params={"limit": 2, "ending_before": made_ids[3]})
    newest = intents.list(params={"limit": 2, "ending_before": made_ids[1]})

    assert (ids(first), first.has_more) == (made_ids[:2], True)
    assert (ids(after), after.has_more) == (made_ids[2:4], True)
    assert (ids(last), last.has_more) == (made_ids[4:], False)
    assert (ids(before), before.has_more) == (made_ids[1:3], True)
    assert (ids(newest), newest.has_more) == (made_ids[:1], False)


def test_the_default_limit_is_ten(intents, made):
    made(11)

    page = intents.list()

    assert (len(page.data), page.has_more) == (10, True)


def test_auto_paging_goes_through_every_page(intents, made):
    made_ids = [intent.id for intent in reversed(made(7))]

    seen = [intent.id for intent in intents.list(params={"limit": 3}).auto_paging_iter()]

    assert seen == made_ids


def test_auto_paging_backwards_from_ending_before(intents, made):
    made_ids = [intent.id for intent in reversed(made(6))]

    seen = [
        intent.id
        for intent in intents.list(
            params={"limit": 2, "ending_before": made_ids[-1]}
        ).auto_paging_iter()
    ]

    # Backwards, the SDK goes from the oldest object up to the newest.
    assert seen == list(reversed(made_ids[:-1]))


def test_a_clock_that_stands_still_keeps_pages_stable(intents, made):
    made(12, step=0)  # all in one instant: the id decides the order

    seen = [intent.id for intent in intents.list(params={"limit": 5}).auto_paging_iter()]

    assert len(seen) == len(set(seen)) == 12
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ({"gt": 1}, [4, 3, 2]),
        ({"gte": 1}, [4, 3, 2, 1]),
        ({"lt": 2}, [1, 0]),
        ({"lte": 2}, [2, 1, 0]),
        ({"gte": 1, "lt": 3}, [2, 1]),
        (2, [2]),
    ],
)
def test_the_created_filter(intents, made, created, expected):
    made_ids = [intent.id for intent in made(5)]
    start = int(START.timestamp())
    if isinstance(created, dict):
        created = {bound: start + offset for bound, offset in created.items()}
    else:
        created = start + created

    page = intents.list(params={"created": created})

    assert ids(page) == [made_ids[index] for index in expected]


def test_expand_in_a_list(intents, made):
    made(2)

    page = intents.list(params={"expand": ["data.latest_charge", "data.payment_method"]})

    for intent in page.data:
        assert intent.latest_charge.object == "charge"
        assert intent.latest_charge.payment_intent == intent.id
        assert intent.payment_method.object == "payment_method"


def test_charges_and_refunds_lists(stripe_client, intents, made):
    first, second = made(2)
    charges = stripe_client.v1.charges
    refunds = stripe_client.v1.refunds
    refund = refunds.create(params={"payment_intent": first.id, "amount": 500})
    refunds.create(params={"payment_intent": second.id})

    assert ids(charges.list()) == [second.latest_charge, first.latest_charge]
    assert ids(charges.list(params={"payment_intent": first.id})) == [first.latest_charge]
    assert ids(refunds.list(params={"payment_intent": first.id})) == [refund.id]
    assert ids(refunds.list(params={"charge": first.latest_charge})) == [refund.id]
    assert len(refunds.list().data) == 2
    assert refunds.list().url == "/v1/refunds"
    expanded = refunds.list(params={"charge": first.latest_charge, "expand": ["data.charge"]})
    assert expanded.data[0].charge.amount_refunded == 500


def test_payment_methods_and_setup_intents_lists(stripe_client, intents):
    intent = intents.create(params=card_params())
    setup = stripe_client.v1.setup_intents.create(params={"payment_method_types": ["card"]})

    methods = stripe_client.v1.payment_methods.list(params={"type": "card"})

    assert intent.payment_method in ids(methods)
    assert stripe_client.v1.payment_methods.list(params={"type": "sepa_debit"}).data == []
    assert ids(stripe_client.v1.setup_intents.list()) == [setup.id]


@pytest.mark.parametrize(
    ("params", "message", "param"),
    [
        ({"limit": 0}, "This value must be greater than or equal to 1.", "limit"),
        ({"limit": 101}, "This value must be less than or equal to 100.", "limit"),
        ({"limit": "ten"}, "Invalid integer: ten", "limit"),
        (
            {"starting_after": "pi_missing"},
            "No such payment_intent: 'pi_missing'",
            "starting_after",
        ),
        ({"ending_before": "pi_missing"}, "No such payment_intent: 'pi_missing'", "ending_before"),
        ({"created": {"after": 1}}, "Received unknown parameter: created[after]", "created[after]"),
        ({"created": {"gt": "soon"}}, "Invalid integer: soon", "created[gt]"),
        (
            {"expand": ["latest_charge"]},
            "This property cannot be expanded (latest_charge). You may want to try expanding "
            "'data.latest_charge' instead.",
            None,
        ),
        ({"expand": ["data.currency"]}, "This property cannot be expanded (data.currency).", None),
        ({"colour": "red"}, "Received unknown parameter: colour", "colour"),
    ],
)
def test_bad_list_parameters(intents, params, message, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.list(params=params)

    assert caught.value.http_status == 400
    assert caught.value.error.type == "invalid_request_error"
    assert caught.value.error.message == message
    assert caught.value.error.param == param


def test_an_unknown_cursor_is_resource_missing(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.list(params={"starting_after": "pi_missing"})

    assert caught.value.code == "resource_missing"


def test_both_cursors(intents, made):
    first, second = made(2)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.list(params={"starting_after": first.id, "ending_before": second.id})

    assert caught.value.error.message == (
        "You may only specify one of these parameters: ending_before, starting_after."
    )


@pytest.mark.parametrize(
    ("service", "params"),
    [
        ("payment_intents", {"customer": "cus_\x00"}),
        ("charges", {"payment_intent": "pi_\x00"}),
        ("refunds", {"charge": "ch_\x00"}),
        ("payment_methods", {"customer": "cus_\x00"}),
        ("setup_intents", {"customer": "cus_\x00"}),
    ],
)
def test_a_filter_id_with_a_nul_matches_nothing(stripe_client, made, service, params):
    made(1)

    page = getattr(stripe_client.v1, service).list(params=params)

    assert page.data == []


def test_a_cursor_with_a_nul_is_resource_missing(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.list(params={"starting_after": "pi_\x00"})

    assert (caught.value.code, caught.value.param) == ("resource_missing", "starting_after")


def test_a_page_expands_with_a_fixed_number_of_queries(
    intents, made, django_assert_max_num_queries
):
    made(20)

    # Savepoints, the page and one query per expanded field: not one per object.
    with django_assert_max_num_queries(6):
        page = intents.list(
            params={"limit": 20, "expand": ["data.latest_charge", "data.payment_method"]}
        )

    assert len(page.data) == 20
    assert all(intent.latest_charge.object == "charge" for intent in page.data)
