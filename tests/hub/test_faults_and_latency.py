"""Faults as scenarios on every vendor (500, 502, 503 in the vendor's envelope; a hang), one
status for an unknown scenario name everywhere, latency (per request, per rule, default;
capped), and stored rules that refuse fields they do not know."""

import json
import time

import pytest
from django.core.management import call_command

from checkout_hub.models import ScenarioRule
from checkout_hub.services import latency

pytestmark = pytest.mark.django_db

# One route per vendor that reaches the scenario with no credentials (or the demo key).
ROUTES = {
    "woo_store": ("get", "/wp-json/wc/store/v1/cart", {}),
    "cocart": ("get", "/wp-json/cocart/v2/cart", {}),
    "fluentcart": ("get", "/wp-json/fluent-cart/v2/public/products", {}),
    "hwp_bridge": ("get", "/wp-json/headlesswp/v1/health", {}),
    "stripe": (
        "post",
        "/stripe/v1/payment_intents",
        {
            "data": "amount=1000&currency=usd",
            "content_type": "application/x-www-form-urlencoded",
            "HTTP_AUTHORIZATION": "Bearer sk_test_hub_fake",
        },
    ),
    "hub": ("get", "/__hub/health", {}),
}


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


def call(client, vendor, **headers):
    method, path, extra = ROUTES[vendor]
    return getattr(client, method)(path, **extra, **headers)


@pytest.mark.parametrize("vendor", ROUTES)
def test_the_route_answers_normally(client, store, vendor):
    assert call(client, vendor).status_code == 200


@pytest.mark.parametrize("vendor", ROUTES)
@pytest.mark.parametrize(
    "scenario, status", [("server_error", 500), ("bad_gateway", 502), ("service_unavailable", 503)]
)
def test_faults_answer_in_the_vendors_own_envelope(client, store, vendor, scenario, status):
    normal_500 = call(client, vendor, HTTP_X_HUB_SCENARIO="server_error")
    reply = call(client, vendor, HTTP_X_HUB_SCENARIO=scenario)
    assert reply.status_code == status
    # The same envelope (keys) as the vendor's own 500, only the status differs.
    assert set(reply.json()) == set(normal_500.json())
    if vendor == "stripe":
        assert reply.json()["error"]["type"] == "api_error"
    assert "<html" not in reply.content.decode().lower()


@pytest.mark.parametrize("vendor", ROUTES)
def test_a_fault_by_query_parameter_and_by_stored_rule(client, store, vendor):
    method, path, extra = ROUTES[vendor]
    reply = getattr(client, method)(path + "?__scenario=service_unavailable", **extra)
    assert reply.status_code == 503
    ScenarioRule.objects.create(scenario="bad_gateway", path_pattern=path, remaining_uses=1)
    assert call(client, vendor).status_code == 502
    assert call(client, vendor).status_code == 200  # its one use is spent


@pytest.mark.parametrize("vendor", ["woo_store", "stripe"])
def test_a_hang_outlasts_the_client_then_answers_504(client, store, vendor, settings):
    settings.HUB_HANG_SECONDS = 0.3
    started = time.perf_counter()
    reply = call(client, vendor, HTTP_X_HUB_SCENARIO="hang")
    assert time.perf_counter() - started >= 0.3
    assert reply.status_code == 504


@pytest.mark.parametrize("vendor", ROUTES)
def test_an_unknown_scenario_is_400_on_every_vendor(client, store, vendor):
    reply = call(client, vendor, HTTP_X_HUB_SCENARIO="no_such_scenario")
    assert reply.status_code == 400
    assert "no_such_scenario" in reply.content.decode()


# --- latency ---
def held(client, vendor="woo_store", **headers) -> float:
    started = time.perf_counter()
    reply = call(client, vendor, **headers)
    assert reply.status_code == 200, reply.content
    return time.perf_counter() - started


def test_no_delay_by_default(client, store):
    assert held(client) < 0.2


def test_a_delay_per_request_by_header_or_query(client, store):
    assert held(client, HTTP_X_HUB_DELAY="250") >= 0.25
    started = time.perf_counter()
    assert client.get("/wp-json/wc/store/v1/cart?__delay=200").status_code == 200
    assert time.perf_counter() - started >= 0.2


def test_realistic_is_100_to_400_ms(client, store, monkeypatch):
    slept = []
    monkeypatch.setattr(latency.time, "sleep", slept.append)
    for _ in range(20):
        call(client, "woo_store", HTTP_X_HUB_DELAY="realistic")
    assert len(slept) == 20 and all(0.1 <= s <= 0.4 for s in slept)
    assert len(set(slept)) > 1


def test_the_default_latency_applies_to_vendors_not_the_hub(client, store, settings, monkeypatch):
    slept = []
    monkeypatch.setattr(latency.time, "sleep", slept.append)
    settings.HUB_LATENCY = "120"
    call(client, "cocart")
    call(client, "stripe")
    call(client, "hub")
    assert slept == [0.12, 0.12]


def test_delays_are_capped(client, store, settings, monkeypatch):
    slept = []
    monkeypatch.setattr(latency.time, "sleep", slept.append)
    settings.HUB_MAX_DELAY_MS = 500
    call(client, "woo_store", HTTP_X_HUB_DELAY="999999")
    assert slept == [0.5]


def test_a_stored_rule_can_only_delay(client, store, monkeypatch):
    slept = []
    monkeypatch.setattr(latency.time, "sleep", slept.append)
    reply = client.post(
        "/__hub/scenarios",
        {"scenario": "delay", "delay_ms": 300, "vendor": "woo_store", "remaining_uses": 1},
        content_type="application/json",
    )
    assert reply.status_code == 201, reply.content
    assert call(client, "woo_store").status_code == 200
    assert call(client, "woo_store").status_code == 200
    assert slept == [0.3]


def test_a_bad_delay_is_a_400(client, store):
    assert call(client, "woo_store", HTTP_X_HUB_DELAY="soon").status_code == 400


# --- stored rule validation ---
@pytest.mark.parametrize("field", ["path", "times"])
def test_unknown_rule_fields_are_refused_listing_the_valid_ones(client, db, field):
    body = {"scenario": "server_error", field: "x"}
    reply = client.post("/__hub/scenarios", body, content_type="application/json")
    assert reply.status_code == 400
    details = reply.json()["data"]["details"]
    [message] = details[field]
    assert "path_pattern" in message and "remaining_uses" in message
    assert not ScenarioRule.objects.exists()


def test_the_vocabulary_says_how(client, db):
    body = client.get("/__hub/scenarios").json()
    assert body["unknown_scenario_status"] == 400
    assert body["delay_header"] == "X-Hub-Delay" and body["delay_query_param"] == "__delay"
    names = {s["name"] for s in body["scenarios"]}
    assert {"bad_gateway", "service_unavailable", "hang", "delay"} <= names
    assert json.dumps(body)
