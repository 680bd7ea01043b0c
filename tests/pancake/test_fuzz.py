"""Fuzz Pancake's routes (every action, GraphQL, the hosted page's form) with the generated
bodies of tests/test_fuzz.py, signed where the route takes a signature so the fuzz reaches the
field checks: no 5xx, always Pancake's envelope `{data: null, errors: [{message, layer}]}`, and
no session token, signature or card number in the journal."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz import BODIES, FUZZ, JSON, TEXT, assert_journal_keeps_no_secret

from .conftest import CREATE, GRAPHQL, TOKEN, signed_headers

pytestmark = pytest.mark.django_db

ACTIONS = [
    CREATE,
    TOKEN,
    "/v1/actions/onetime-order/cancel-order",
    "/v1/actions/subscription-order/cancel-order",
    "/v1/actions/subscription-order/reactivate-order",
    "/v1/actions/store/add-webhook",
    "/v1/actions/store/update-webhook",
    "/v1/actions/store/remove-webhook",
    GRAPHQL,
    "/v1/actions/no/such-route",
]


def shaped(shop):
    """create-session-shaped bodies with fuzzed values (more of the validation runs)."""
    return st.fixed_dictionaries(
        {},
        optional={
            "productId": st.one_of(st.just(shop.onetime.short_id), JSON),
            "currency": st.one_of(st.sampled_from(["USD", "EUR", "JPY", "GBP"]), JSON),
            "billingDetail": st.one_of(
                st.fixed_dictionaries(
                    {"country": st.sampled_from(["US", "DE", "JP", "CA"]), "isBusiness": JSON},
                    optional={"state": JSON, "businessName": JSON, "taxId": JSON},
                ),
                JSON,
            ),
            "priceSnapshot": st.one_of(
                st.fixed_dictionaries({"amount": JSON, "taxCategory": JSON}), JSON
            ),
            "expiresInSeconds": JSON,
            "metadata": JSON,
            "orderMerchantExternalId": JSON,
            "buyerEmail": JSON,
            "successUrl": JSON,
            "darkMode": JSON,
            "withTrial": JSON,
            "language": JSON,
            "includePaymentMethods": JSON,
            "query": st.one_of(TEXT, st.just("{ onetimeOrders { id } }")),
            "variables": JSON,
            "orderId": JSON,
            "storeId": st.one_of(st.just(shop.store.short_id), JSON),
            "url": JSON,
            "channel": JSON,
            "events": JSON,
        },
    ).map(json.dumps)


def assert_pancake(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    assert reply["Content-Type"].startswith("application/json"), reply.content[:300]
    body = reply.json()
    if reply.status_code >= 400:
        assert body["data"] is None, body
        assert body["errors"] and {"message", "layer"} <= set(body["errors"][0]), body


@pytest.mark.parametrize("path", ACTIONS)
def test_signed_actions(client, shop, path):
    @FUZZ
    @given(body=st.one_of(BODIES, shaped(shop)))
    def run(body):
        data = body.encode("utf-8", "surrogatepass")
        headers = signed_headers(shop.merchant.short_id, shop.private_key, path, data)
        assert_pancake(client.post(path, data, content_type="application/json", **headers))

    run()
    assert_journal_keeps_no_secret()


@pytest.mark.parametrize("path", [CREATE, GRAPHQL])
def test_store_slug_and_bearer(client, api, shop, path):
    token = api.token()

    @FUZZ
    @given(body=st.one_of(BODIES, shaped(shop)), env=st.sampled_from(["test", "prod", "", "x"]))
    def run(body, env):
        data = body.encode("utf-8", "surrogatepass")
        for auth in (
            {"HTTP_X_STORE_SLUG": shop.store.slug},
            {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        ):
            reply = client.post(
                path, data, content_type="application/json", HTTP_X_ENVIRONMENT=env, **auth
            )
            assert_pancake(reply)

    run()
    assert_journal_keeps_no_secret(token)


@FUZZ
@given(
    headers=st.dictionaries(
        st.sampled_from(
            [
                "HTTP_X_MERCHANT_ID",
                "HTTP_X_TIMESTAMP",
                "HTTP_X_SIGNATURE",
                "HTTP_X_STORE_SLUG",
                "HTTP_AUTHORIZATION",
                "HTTP_X_ENVIRONMENT",
                "HTTP_X_IDEMPOTENCY_KEY",
            ]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300),
    )
)
def test_fuzzed_credential_headers(client, shop, headers):
    assert_pancake(client.post(CREATE, b"{}", content_type="application/json", **headers))


def test_hosted_page_form(client, api, shop):
    session = api.session()
    url = session["checkoutUrl"].replace("http://hub.test", "")
    field = st.one_of(TEXT, st.sampled_from(["US", "NY", "pm_card_visa", "on", ""]))

    @FUZZ
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                name: field
                for name in (
                    "email",
                    "country",
                    "state",
                    "postcode",
                    "is_business",
                    "business_name",
                    "tax_id",
                    "card",
                )
            },
        )
    )
    def run(form):
        clean = {
            k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            for k, v in form.items()
        }
        reply = client.post(url, clean)
        assert reply.status_code < 500, reply.content[:300]
        if reply.status_code != 302:
            assert reply["Content-Type"].startswith("text/html")
        tax = client.get(
            url + "/tax", {"country": clean.get("country", ""), "state": clean.get("state", "")}
        )
        assert tax.status_code < 500

    run()
