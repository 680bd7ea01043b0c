"""The README's "Driving the hub from tests" example, run against the hub: reset with a seed,
freeze time, force a decline, count it in the journal."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
STORE = "/wp-json/wc/store/v1"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "1 Main St",
    "city": "Springfield",
    "state": "CA",
    "postcode": "90210",
    "country": "US",
    "email": "ada@example.com",
}


def post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def test_reset_freeze_and_force_a_decline(client):
    call_command("seed_store", verbosity=0)
    assert post(client, "/__hub/reset", {"seed": 1}).status_code == 200
    assert post(client, "/__hub/clock", {"freeze": "2030-01-01T00:00:00Z"}).status_code == 200
    token = client.get(f"{STORE}/cart").headers["Cart-Token"]
    post(client, f"{STORE}/cart/add-item", {"id": 1, "quantity": 1}, **{"Cart-Token": token})
    body = {
        "billing_address": ADDRESS,
        "payment_method": "stripe",
        "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
    }
    reply = post(
        client,
        f"{STORE}/checkout",
        body,
        **{"Cart-Token": token, "X-Hub-Scenario": "payment_declined"},
    )
    assert reply.status_code == 400, reply.content
    assert reply.headers["X-Hub-Time"] == "2030-01-01T00:00:00Z"
    count = client.get("/__hub/journal", {"path": "checkout", "count": "true"}).json()
    assert count == {"count": 1}


def test_the_fetch_example_a_one_use_rule(client):
    call_command("seed_store", verbosity=0)
    rule = {
        "scenario": "payment_declined",
        "method": "POST",
        "path_pattern": "/wp-json/wc/store/v1/checkout*",
        "remaining_uses": 1,
    }
    assert post(client, "/__hub/scenarios", rule).status_code == 201
    token = client.get(f"{STORE}/cart").headers["Cart-Token"]
    post(client, f"{STORE}/cart/add-item", {"id": 1, "quantity": 1}, **{"Cart-Token": token})
    body = {
        "billing_address": ADDRESS,
        "payment_method": "stripe",
        "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
    }
    assert post(client, f"{STORE}/checkout", body, **{"Cart-Token": token}).status_code == 400
    assert post(client, f"{STORE}/checkout", body, **{"Cart-Token": token}).status_code == 200
