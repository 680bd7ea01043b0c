"""Bad input never breaks the fake: an id it does not know (a NUL in it included) is Stripe's
resource_missing, and any other string with a NUL is refused before anything is written
(PostgreSQL text cannot hold a NUL, so a write would fail with a DataError)."""

import json
from urllib.parse import urlencode

import pytest
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stripe_fake import engine
from stripe_fake.models import Charge, PaymentIntent, PaymentMethod

from .support import API_KEY, card_params
from .test_http import basic, post

NUL_METHOD = "pm_card_visa\u0000"


def nothing_stored():
    return not (
        PaymentIntent.objects.exists() or PaymentMethod.objects.exists() or Charge.objects.exists()
    )


@pytest.mark.parametrize("method", [NUL_METHOD, "pm_card_nope", "pm_\u0000", "\u0000"])
def test_an_unknown_payment_method_is_resource_missing(intents, method):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params(method, confirm=True))
    error = caught.value
    assert error.http_status == 400
    assert (error.code, error.error.param) == ("resource_missing", "payment_method")
    assert error.error.message == f"No such PaymentMethod: '{method}'"
    assert nothing_stored()


def test_confirming_with_an_unknown_payment_method_is_resource_missing(intents):
    intent = intents.create(params={"amount": 2000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.confirm(
            intent.id, params={"payment_method": NUL_METHOD, "return_url": "https://x.test"}
        )
    assert (caught.value.code, caught.value.error.param) == ("resource_missing", "payment_method")
    assert intents.retrieve(intent.id).status == "requires_payment_method"


@pytest.mark.parametrize(
    "extra, param",
    [
        ({"description": "Order\u0000 #1"}, "description"),
        ({"metadata": {"note": "a\u0000b"}}, "metadata[note]"),
        ({"metadata": {"no\u0000te": "ab"}}, "metadata[note]"),
        ({"receipt_email": "a@b.test\u0000"}, "receipt_email"),
        ({"shipping": {"name": "\u0000", "address": {"line1": "x"}}}, "shipping[name]"),
    ],
)
def test_a_string_with_a_nul_is_an_invalid_request(intents, extra, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params(**extra))
    error = caught.value
    assert (error.http_status, error.error.type, error.error.param) == (
        400,
        "invalid_request_error",
        param,
    )
    assert "null byte" in error.error.message
    assert nothing_stored()


def test_a_card_number_with_a_nul_is_an_invalid_request(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_methods.create(
            params={"type": "card", "card": {"number": "4242424242424242\u0000"}}
        )
    assert caught.value.error.param == "card[number]"
    assert nothing_stored()


def test_a_refund_for_an_unknown_intent_is_resource_missing(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"payment_intent": "pi_\u0000"})
    assert (caught.value.code, caught.value.error.param) == ("resource_missing", "payment_intent")


def test_an_idempotency_key_with_a_nul_is_refused(intents):
    with pytest.raises(stripe.InvalidRequestError):
        intents.create(params=card_params(), options={"idempotency_key": "k\u0000"})
    assert nothing_stored()


# --- over HTTP: ids in the path arrive decoded ---
@pytest.mark.parametrize(
    "path, kind",
    [
        ("payment_methods/pm_%00", "PaymentMethod"),
        ("payment_intents/pi_%00", "payment_intent"),
        ("charges/ch_%00", "charge"),
        ("refunds/re_%00", "refund"),
    ],
)
def test_an_id_with_a_nul_in_the_path_is_resource_missing(client, db, path, kind):
    reply = client.get(f"/stripe/v1/{path}", headers={"Authorization": basic()})
    assert reply.status_code == 404, reply.content
    error = reply.json()["error"]
    object_id = path.split("/")[1].replace("%00", "\u0000")
    assert (error["code"], error["message"]) == (
        "resource_missing",
        f"No such {kind}: '{object_id}'",
    )


def test_a_nul_in_a_form_body_is_an_invalid_request(client, db):
    body = "amount=2000&currency=usd&payment_method_types[]=card&description=a%00b"
    reply = post(client, "/stripe/v1/payment_intents", body, Authorization=basic(API_KEY))
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "description"
    assert nothing_stored()


def test_the_authentication_page_with_a_nul_id_is_not_found(client, db):
    assert client.get("/stripe/authenticate/pi_%00/?client_secret=x").status_code == 404


# --- lists, searches and customers never answer 500, whatever the query string ---
LIST_PATHS = [
    "/v1/payment_intents",
    "/v1/payment_intents/search",
    "/v1/charges",
    "/v1/charges/search",
    "/v1/refunds",
    "/v1/payment_methods",
    "/v1/setup_intents",
    "/v1/customers",
    "/v1/customers/search",
]
_NAMES = st.sampled_from(
    ["limit", "starting_after", "ending_before", "created", "created[gt]", "created[lte]",
     "expand[]", "expand[0]", "customer", "payment_intent", "charge", "type", "email", "query",
     "page", "limit[x]", "created[soon]"]
)  # fmt: skip
_VALUES = st.one_of(
    st.sampled_from(["0", "1", "100", "101", "-1", "abc", "", "data.customer", "total_count",
                     "pi_x", "cus_x", "amount>1", "status:'x' OR a:1", "99999999999999999999"]),
    st.text(max_size=12),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(LIST_PATHS), pairs=st.lists(st.tuples(_NAMES, _VALUES), max_size=4))
def test_list_queries_never_fail_with_a_500(db, path, pairs):
    status, _, body = engine.handle(
        "GET", path, urlencode(pairs), {"Authorization": f"Bearer {API_KEY}"}, b""
    )

    assert status in (200, 400), body
    assert ("error" in json.loads(body)) == (status == 400)
