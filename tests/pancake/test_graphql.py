"""`POST /v1/graphql`: a merchant looks an order up (onetimeOrder, onetimeOrders, payments with
filters), signed like the actions; a customer token sees only its own; mutations are 403."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pancake.models import PancakeOrder

from .conftest import GRAPHQL, error_of
from .test_hosted_page import page, pay

ORDER = """query ($id: ID!) { onetimeOrder(id: $id) {
  id buyerEmail currency status testMode orderMerchantExternalId
  priceSnapshot { currency subtotal taxAmount total taxCategory }
  billingDetail { country isBusiness state postcode }
  onetimeProduct { id name } productVersion { id versionNumber name }
  payments { id status snapshotAmountDetails { currency total } cardInfo { brand last4 }
             failureReason createdAt }
  createdAt } }"""


@pytest.fixture
def paid_order(client, api, django_capture_on_commit_callbacks):
    session = api.session(orderMerchantExternalId="inv-7", buyerEmail="ann@example.com")
    page_url = page(session)
    client.post(
        page_url,
        {"country": "JP", "card": "pm_card_chargeDeclined"},
    )
    pay(client, page_url, django_capture_on_commit_callbacks, country="JP", state="")
    return PancakeOrder.objects.get()


def gql(api, query, variables=None, **kw):
    return api.signed(GRAPHQL, {"query": query, "variables": variables or {}}, **kw)


def test_onetime_order_lookup(api, shop, paid_order):
    reply = gql(api, ORDER, {"id": paid_order.short_id})
    assert reply.status_code == 200, reply.json()
    body = reply.json()
    assert "errors" not in body
    order = body["data"]["onetimeOrder"]
    assert order["id"] == paid_order.short_id and order["status"] == "completed"
    assert order["buyerEmail"] == "ann@example.com" and order["testMode"] is True
    assert order["orderMerchantExternalId"] == "inv-7"
    assert order["priceSnapshot"] == {
        "currency": "USD",
        "subtotal": "29.00",
        "taxAmount": "0.00",
        "total": "29.00",
        "taxCategory": "saas",
    }
    assert order["billingDetail"]["country"] == "JP"
    assert order["onetimeProduct"] == {"id": shop.onetime.short_id, "name": "Pro License"}
    assert order["productVersion"]["versionNumber"] == 1
    failed, succeeded = order["payments"]
    assert failed["status"] == "failed" and failed["failureReason"]
    assert succeeded["status"] == "succeeded"
    assert succeeded["cardInfo"] == {"brand": "visa", "last4": "4242"}
    assert succeeded["snapshotAmountDetails"] == {"currency": "USD", "total": "29.00"}


def test_orders_list_and_filters(api, shop, paid_order):
    query = """query ($s: String!) {
      onetimeOrders(storeId: $s, limit: 10, filter: {status: {eq: "completed"}}) { id }
      none: onetimeOrders(filter: {orderMerchantExternalId: {eq: "other"}}) { id }
      onetimeOrdersCount(filter: {buyerEmail: {endsWith: "@example.com"}}) }"""
    data = gql(api, query, {"s": shop.store.short_id}).json()["data"]
    assert data["onetimeOrders"] == [{"id": paid_order.short_id}]
    assert data["none"] == [] and data["onetimeOrdersCount"] == 1


def test_payments_with_filters(api, paid_order):
    query = """{ ok: payments(filter: {status: {eq: "succeeded"}}) {
        id orderId orderMerchantExternalId status onetimeOrder { id } subscriptionOrder { id } }
      failed: payments(filter: {status: {eq: "failed"}}) { id }
      byExt: paymentsCount(filter: {orderMerchantExternalId: {eq: "inv-7"}}) }"""
    data = gql(api, query).json()["data"]
    (ok,) = data["ok"]
    assert ok["orderId"] == paid_order.short_id and ok["orderMerchantExternalId"] == "inv-7"
    assert ok["onetimeOrder"] == {"id": paid_order.short_id} and ok["subscriptionOrder"] is None
    assert len(data["failed"]) == 1 and data["byExt"] == 2


def test_customer_token_sees_only_its_own(api, paid_order):
    mine = api.token("ann@example.com")
    theirs = api.token("bob@example.com")
    query = "{ onetimeOrders { id } }"
    body = {"query": query}
    assert api.bearer(GRAPHQL, body, mine).json()["data"]["onetimeOrders"] == [
        {"id": paid_order.short_id}
    ]
    assert api.bearer(GRAPHQL, body, theirs).json()["data"]["onetimeOrders"] == []
    assert error_of(api.bearer(GRAPHQL, body, mine, env=None))[0] == 400


def test_other_environment_and_merchant_see_nothing(api, shop, paid_order, other_key_pair):
    reply = gql(api, ORDER, {"id": paid_order.short_id}, private_key=shop.prod_private_key)
    assert reply.json()["data"]["onetimeOrder"] is None
    assert error_of(gql(api, ORDER, private_key=other_key_pair[0]))[0] == 401


def test_mutations_are_forbidden(api):
    reply = gql(api, 'mutation { cancelOrder(id: "x") { id } }')
    assert error_of(reply) == (
        403,
        "Mutations are not allowed: the GraphQL API is query-only",
        "graphql",
    )


def test_bad_queries_are_graphql_errors(api, db):
    reply = gql(api, "{ nope }")
    assert reply.status_code == 400 and reply.json()["errors"][0]["layer"] == "graphql"
    reply = gql(api, "{ onetimeOrders(")
    assert reply.status_code == 400 and reply.json()["data"] is None
    assert error_of(api.signed(GRAPHQL, {"variables": {}}))[0] == 400


def test_introspection_works(api, db):
    reply = gql(api, "{ __schema { queryType { name } } }")
    assert reply.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_list_queries_do_not_grow_with_orders(
    client, api, shop, django_capture_on_commit_callbacks
):
    query = "{ onetimeOrders(limit: 50) { id payments { id status } onetimeProduct { name } } }"

    def buy():
        session = api.session()
        pay(client, page(session), django_capture_on_commit_callbacks, email="q@example.com")

    buy()
    with CaptureQueriesContext(connection) as one:
        assert len(gql(api, query).json()["data"]["onetimeOrders"]) == 1
    for _ in range(3):
        buy()
    with CaptureQueriesContext(connection) as four:
        assert len(gql(api, query).json()["data"]["onetimeOrders"]) == 4
    assert len(four) == len(one)
