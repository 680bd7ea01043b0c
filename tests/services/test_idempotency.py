"""Idempotency keys as Stripe defines them: the first reply is kept and replayed for the same
parameters; other parameters, or a key still running, are conflicts; keys expire."""

import pytest

from checkout_hub import clock
from checkout_hub.models import IdempotencyRecord
from checkout_hub.services import idempotency
from checkout_hub.services.idempotency import IdempotencyConflict, Replay, fingerprint

pytestmark = pytest.mark.django_db

SCOPE = "test"
PRINT = fingerprint("POST", "/v1/payment_intents", {"amount": 100, "currency": "usd"})


def test_fingerprint_ignores_key_order():
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_first_request_goes_ahead_and_its_reply_is_replayed():
    assert idempotency.begin(SCOPE, "k1", PRINT) is None
    idempotency.complete(SCOPE, "k1", 402, '{"error": {}}', {"Request-Id": "req_1"})
    replay = idempotency.begin(SCOPE, "k1", PRINT)
    assert replay == Replay(402, '{"error": {}}', {"Request-Id": "req_1"})


def test_other_parameters_conflict():
    idempotency.begin(SCOPE, "k1", PRINT)
    idempotency.complete(SCOPE, "k1", 200, "{}")
    with pytest.raises(IdempotencyConflict) as caught:
        idempotency.begin(SCOPE, "k1", fingerprint("other"))
    assert caught.value.facts == {"key": "k1", "reason": "mismatch", "endpoint": ""}


def test_a_conflict_names_the_endpoint_the_key_was_first_used_on():
    idempotency.begin(SCOPE, "k1", PRINT, endpoint="POST /v1/payment_intents")
    with pytest.raises(IdempotencyConflict) as running:
        idempotency.begin(SCOPE, "k1", fingerprint("other"), endpoint="POST /v1/refunds")
    idempotency.complete(SCOPE, "k1", 200, "{}")
    with pytest.raises(IdempotencyConflict) as done:
        idempotency.begin(SCOPE, "k1", fingerprint("other"), endpoint="POST /v1/refunds")
    assert running.value.endpoint == done.value.endpoint == "POST /v1/payment_intents"
    assert IdempotencyRecord.objects.get(key="k1").response_headers == {}  # nothing smuggled


def test_a_running_request_conflicts_until_released():
    idempotency.begin(SCOPE, "k1", PRINT)
    with pytest.raises(IdempotencyConflict) as caught:
        idempotency.begin(SCOPE, "k1", PRINT)
    assert caught.value.reason == "in_progress"
    idempotency.release(SCOPE, "k1")
    assert idempotency.begin(SCOPE, "k1", PRINT) is None


def test_scopes_are_separate():
    idempotency.begin("a", "k1", PRINT)
    assert idempotency.begin("b", "k1", fingerprint("other")) is None


def test_keys_expire(settings, monkeypatch):
    settings.HUB_IDEMPOTENCY_TTL_SECONDS = 60
    monkeypatch.setattr(idempotency, "PRUNE_EVERY", 1)  # sweep on every new key
    idempotency.begin(SCOPE, "old", PRINT)
    idempotency.complete(SCOPE, "old", 200, "{}")
    clock.advance(61)
    try:
        # A reused expired key is a new request; new keys sweep the expired rows.
        assert idempotency.begin(SCOPE, "old", fingerprint("other")) is None
        idempotency.complete(SCOPE, "old", 200, "{}")
        clock.advance(61)
        assert idempotency.begin(SCOPE, "new", PRINT) is None
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
        assert idempotency.prune() == 0
    finally:
        clock.reset()
