"""POST /__hub/reset: back to a fresh demo store in a bounded number of statements, ids from 1
again; a scope resets less; a seed makes generated ids repeatable."""

import json
import time

import pytest
from django.contrib.admin.utils import quote
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from checkout_hub import clock
from checkout_hub.models import (
    Cart,
    CheckoutSession,
    IdempotencyRecord,
    Order,
    Payment,
    Product,
    RequestLog,
    ScenarioRule,
    WebhookDelivery,
    WebhookEndpoint,
)
from checkout_hub.services import journal
from stripe_fake.models import PaymentIntent
from tests.factories import US_ADDRESS, CheckoutSessionFactory

pytestmark = pytest.mark.django_db
BASE = "/wp-json/wc/store/v1"
RESET = "/__hub/reset"


def post(client, path, body=None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)


def buy(client) -> dict:
    token = client.get(f"{BASE}/cart").headers["Cart-Token"]
    added = post(client, f"{BASE}/cart/add-item", {"id": 1, "quantity": 2}, HTTP_CART_TOKEN=token)
    assert added.status_code == 201, added.content
    body = {
        "billing_address": US_ADDRESS,
        "payment_method": "stripe",
        "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
    }
    reply = post(client, f"{BASE}/checkout", body, HTTP_CART_TOKEN=token)
    assert reply.status_code == 200, reply.content
    return reply.json()


@pytest.fixture
def busy_store(client, db):
    """A store somebody has used: orders, payments, Stripe objects, rules, journal, records."""
    call_command("seed_store", verbosity=0)
    for _ in range(2):
        buy(client)
    assert post(client, "/__hub/scenarios", {"scenario": "payment_declined"}).status_code == 201
    IdempotencyRecord.objects.create(scope="t", key="k", fingerprint="f")
    endpoint = WebhookEndpoint.objects.create(vendor="woo_store", url="https://example.com/h")
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="order.created", event_id="e", body="{}"
    )
    CheckoutSessionFactory()
    Product.objects.filter(pk=1).update(regular_price=1)
    journal.flush()
    assert Order.objects.count() == 2 and PaymentIntent.objects.exists()
    assert RequestLog.objects.exists()


# Statements a reset of the busy store takes: 851 on SQLite, 765 on PostgreSQL (2026-12-01).
RESET_QUERY_BUDGET = 1000


def test_reset_is_a_fresh_store_in_a_bounded_number_of_statements(client, busy_store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        reply = post(client, RESET)
    took = time.perf_counter() - started
    print(
        f"\nPOST /__hub/reset took {took * 1000:.0f} ms (the hub says {reply.json()['seconds']} s),"
        f" {len(captured)} queries"
    )
    assert reply.status_code == 200, reply.content
    # Its speed is bounded by what it does, not by a clock (a slow or busy machine took 2 s):
    # the statements a reset of this busy store runs stay under the budget.
    assert len(captured) <= RESET_QUERY_BUDGET
    body = reply.json()
    assert body["seeded"] is True and body["seed"] is None
    assert {"journal", "orders", "stripe", "scenarios", "catalogue", "clock"} <= set(body["scope"])

    for model in (
        Cart,
        Order,
        Payment,
        CheckoutSession,
        IdempotencyRecord,
        ScenarioRule,
        WebhookDelivery,
        PaymentIntent,
    ):
        assert not model.objects.exists(), model
    assert set(RequestLog.objects.values_list("path", flat=True)) <= {RESET}
    assert Product.objects.get(pk=1).regular_price == 1800  # the catalogue as seed_store makes it
    assert client.get("/__hub/scenarios").json()["rules"] == []

    # Ids start again: the first order after a reset is order 1, and a stored rule is gone.
    order = buy(client)
    assert order["order_id"] == 1 and order["payment_result"]["payment_status"] == "success"


def test_the_journal_scope_clears_only_the_journal(client, busy_store):
    reply = post(client, RESET, {"scope": "journal"})
    assert reply.status_code == 200 and reply.json()["scope"] == ["journal"]
    assert Order.objects.count() == 2 and ScenarioRule.objects.count() == 1
    assert not RequestLog.objects.exclude(path=RESET).exists()
    assert reply.json()["seeded"] is False


def test_the_data_scope_keeps_the_catalogue(client, busy_store):
    frozen = post(client, "/__hub/clock", {"freeze": "2030-01-01T00:00:00Z"}).json()
    reply = post(client, RESET, {"scope": "data"})
    assert reply.status_code == 200 and reply.json()["seeded"] is False
    assert not Order.objects.exists() and not PaymentIntent.objects.exists()
    assert Product.objects.get(pk=1).regular_price == 1  # left as it was
    assert WebhookEndpoint.objects.exists()
    assert client.get("/__hub/clock").json() == frozen  # the clock is not data


def test_a_list_of_groups(client, busy_store):
    reply = post(client, RESET, {"scope": ["scenarios", "clock"]})
    assert reply.status_code == 200 and set(reply.json()["scope"]) == {"scenarios", "clock"}
    assert not ScenarioRule.objects.exists() and Order.objects.count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"scope": "everything"}, "scope"),
        ({"scope": []}, "scope"),
        ({"scope": 3}, "scope"),
        ({"seed": "x"}, "seed"),
        ({"scoop": "all"}, "scoop"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client, db, body, field):
    reply = post(client, RESET, body)
    assert reply.status_code == 400
    assert reply.json()["code"] == "hub_invalid_request"
    assert field in reply.json()["data"]["details"]


def test_unknown_scope_lists_the_valid_ones(client, db):
    details = post(client, RESET, {"scope": "everything"}).json()["data"]["details"]
    assert {"all", "data", "journal", "orders", "stripe", "clock"} <= set(details["valid"])


def test_the_same_seed_gives_the_same_ids(client, db):
    def run():
        assert post(client, RESET, {"seed": 42}).status_code == 200
        order = buy(Client())  # a new browser: no session cookie from the last run
        intent = PaymentIntent.objects.get()
        return order["order_key"], intent.id, Order.objects.get().pk

    first, second = run(), run()
    assert first == second and first[2] == 1
    assert post(client, RESET, {"seed": 43}).status_code == 200
    assert buy(client)["order_key"] != first[0]
    post(client, RESET)
    assert clock._rng is None  # without a seed: the secure source again


def test_the_stripe_fakes_objects_offer_no_delete_in_admin(staff_client, busy_store):
    intent = PaymentIntent.objects.first()
    page = staff_client.get(
        reverse("admin:stripe_fake_paymentintent_change", args=[quote(intent.pk)])
    )
    assert page.status_code == 200
    assert "/delete/" not in page.content.decode()
    assert staff_client.get(
        f"/admin/stripe_fake/paymentintent/{intent.pk}/delete/"
    ).status_code in (
        302,
        403,
    )


def test_the_order_page_links_its_payment_intent(staff_client, busy_store):
    order = Order.objects.filter(payments__gateway="stripe").first()
    reference = order.payments.get().reference
    html = staff_client.get(f"/admin/checkout_hub/order/{order.pk}/change/").content.decode()
    assert f'">{reference}</a>' in html
