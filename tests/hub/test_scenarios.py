"""Scenario selection: header, then query parameter, then stored rule; unknown names get a 400
listing the valid ones; rules count their uses and expire."""

import datetime as dt

import pytest
from django.test import RequestFactory

from checkout_hub import clock
from checkout_hub.models import ScenarioRule
from checkout_hub.services import errors, scenarios

pytestmark = pytest.mark.django_db
HEALTH = "/__hub/health"


def test_header_forces_an_outcome_in_the_vendors_envelope(client):
    response = client.get(HEALTH, headers={"X-Hub-Scenario": "server_error"})
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "An unexpected error occurred. Please try again.",
        "data": {"status": 500},
    }


def test_query_parameter_works_when_headers_cannot_be_set(client):
    assert client.get(HEALTH, {"__scenario": "rate_limited"}).status_code == 429


def test_no_scenario_is_a_normal_request(client):
    response = client.get(HEALTH)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_unknown_name_lists_the_valid_ones(client):
    response = client.get(HEALTH, headers={"X-Hub-Scenario": "nope"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_scenario"
    assert body["data"]["valid"] == scenarios.names()
    assert "payment_declined" in body["message"] and '"nope"' in body["message"]


def test_precedence_header_then_query_then_rule(client):
    ScenarioRule.objects.create(scenario="not_authenticated", path_pattern=HEALTH)
    assert client.get(HEALTH).status_code == 401
    assert client.get(HEALTH, {"__scenario": "rate_limited"}).status_code == 429
    response = client.get(
        HEALTH, {"__scenario": "rate_limited"}, headers={"X-Hub-Scenario": "server_error"}
    )
    assert response.status_code == 500


def test_rule_matches_vendor_method_and_path():
    rule = ScenarioRule(
        scenario="payment_declined",
        vendor="woo_store",
        method="POST",
        path_pattern="/wp-json/wc/store/v1/checkout*",
    )
    assert rule.matches("woo_store", "post", "/wp-json/wc/store/v1/checkout")
    assert not rule.matches("cocart", "POST", "/wp-json/wc/store/v1/checkout")
    assert not rule.matches("woo_store", "GET", "/wp-json/wc/store/v1/checkout")
    assert not rule.matches("woo_store", "POST", "/wp-json/wc/store/v1/cart")


def test_rule_fires_a_limited_number_of_times(client):
    rule = ScenarioRule.objects.create(
        scenario="server_error", path_pattern=HEALTH, remaining_uses=2
    )
    assert [client.get(HEALTH).status_code for _ in range(3)] == [500, 500, 200]
    rule.refresh_from_db()
    assert (rule.remaining_uses, rule.hits) == (0, 2)


def test_expired_or_disabled_rules_do_not_fire(client):
    ScenarioRule.objects.create(
        scenario="server_error",
        path_pattern=HEALTH,
        expires_at=clock.now() - dt.timedelta(minutes=1),
    )
    ScenarioRule.objects.create(scenario="server_error", path_pattern=HEALTH, enabled=False)
    assert client.get(HEALTH).status_code == 200


def test_rule_edits_take_effect_at_once(client):
    assert client.get(HEALTH).status_code == 200  # caches "no rules"
    rule = ScenarioRule.objects.create(scenario="server_error", path_pattern=HEALTH)
    assert client.get(HEALTH).status_code == 500
    rule.delete()
    assert client.get(HEALTH).status_code == 200


def test_fire_only_at_the_scenarios_own_points():
    with scenarios.forced("payment_declined"):
        scenarios.fire(scenarios.CHECKOUT)  # not this scenario's point: nothing happens
        with pytest.raises(errors.PaymentDeclined) as exc:
            scenarios.fire(scenarios.PAYMENT, gateway="bacs")
    assert (exc.value.gateway_code, exc.value.decline_code) == ("card_declined", "generic_decline")
    scenarios.fire(scenarios.PAYMENT)  # outside the block: nothing


def test_every_scenario_has_a_point_and_builds_its_error():
    for scenario in scenarios.VOCABULARY.values():
        assert scenario.points and scenario.description
        if scenario.build is not None:
            assert isinstance(scenario.build(), errors.DomainError)


def test_resolve_reads_header_before_query():
    request = RequestFactory().get(
        "/x", {"__scenario": "lost_card"}, headers={"X-Hub-Scenario": "stolen_card"}
    )
    assert scenarios.resolve(request, "hub").scenario.name == "stolen_card"
    assert scenarios.resolve(RequestFactory().get("/x"), "hub") is None


def test_no_scenario_costs_no_query_once_rules_are_cached(django_assert_num_queries):
    request = RequestFactory().get("/x")
    scenarios.resolve(request, "hub")  # fills the cache
    with django_assert_num_queries(0):
        for _ in range(100):
            scenarios.resolve(request, "hub")


def test_scenarios_endpoint_lists_and_adds_rules(client):
    body = client.get("/__hub/scenarios").json()
    assert [s["name"] for s in body["scenarios"]] == scenarios.names()
    created = client.post(
        "/__hub/scenarios",
        {
            "scenario": "insufficient_funds",
            "vendor": "woo_store",
            "method": "POST",
            "path_pattern": "/wp-json/wc/store/v1/checkout",
            "remaining_uses": 1,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert ScenarioRule.objects.get().scenario == "insufficient_funds"
    bad = client.post("/__hub/scenarios", {"scenario": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["data"]["status"] == 400
    assert client.delete("/__hub/scenarios").status_code == 204
    assert not ScenarioRule.objects.exists()
