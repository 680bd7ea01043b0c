"""The SDK client's other entry points, and the form decoder."""

import pytest
import stripe
from asgiref.sync import async_to_sync

from stripe_fake import encoding
from stripe_fake.client import EmbeddedHTTPClient

from .support import API_KEY, card_params

HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def test_async_calls(intents):
    intent = async_to_sync(intents.create_async)(params=card_params(confirm=True))

    assert intent.status == "succeeded"


def test_streaming_and_case_insensitive_headers(db):
    client = EmbeddedHTTPClient()

    stream, status, headers = client.request_stream(
        "get", "http://anything.test/prefix/v1/payment_intents/pi_missing", HEADERS
    )

    assert status == 404
    assert b"resource_missing" in stream.read()
    assert headers["request-id"] == headers["Request-Id"]
    client.close()


def test_the_client_is_an_sdk_http_client():
    client = EmbeddedHTTPClient()

    assert isinstance(client, stripe.HTTPClient)
    assert client.name == "embedded"


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("amount=2000&confirm=true", {"amount": "2000", "confirm": "true"}),
        ("metadata[order_id]=42&metadata[note]=", {"metadata": {"order_id": "42", "note": ""}}),
        ("expand[0]=latest_charge&expand[1]=payment_method",
         {"expand": ["latest_charge", "payment_method"]}),
        ("expand[]=a&expand[]=b", {"expand": ["a", "b"]}),
        ("payment_method_types%5B0%5D=card", {"payment_method_types": ["card"]}),
        ("a[b][0][c]=1&a[b][1][c]=2", {"a": {"b": [{"c": "1"}, {"c": "2"}]}}),
        ("description=two+words%21", {"description": "two words!"}),
        ("", {}),
    ],
)  # fmt: skip
def test_form_decoding(text, decoded):
    assert encoding.decode(text) == decoded


def test_credentials_say_where_the_sdk_goes(settings):
    from checkout_hub import credentials

    assert credentials.collect()["stripe"] == {
        "secret_key": "sk_test_hub_fake",
        "publishable_key": "pk_test_hub_fake",
        "sdk_calls_go_to": "embedded fake, in-process",
        "fake_over_http": "http://127.0.0.1:8000/stripe/v1",
    }
    settings.STRIPE_FAKE = False
    assert credentials.collect()["stripe"]["sdk_calls_go_to"] == (
        "https://api.stripe.com (Stripe test mode)"
    )


def test_sdk_calls_are_journaled_with_secrets_redacted(intents, settings):
    from checkout_hub.models import RequestLog

    intent = intents.create(params=card_params(confirm=True))

    row = RequestLog.objects.get()
    assert (row.vendor, row.method, row.path, row.status) == (
        "stripe",
        "POST",
        "/stripe/v1/payment_intents",
        200,
    )
    assert row.correlation_id.startswith("req_")
    assert row.request_headers["Authorization"] == "[redacted]"
    assert "amount=" in row.request_body and intent.id in row.response_body

    settings.HUB_JOURNAL_ENABLED = False
    intents.retrieve(intent.id)
    assert RequestLog.objects.count() == 1
