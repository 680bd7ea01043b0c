"""The core's outbound webhooks: the outbox row, signing strategies, retries with backoff,
every attempt logged, redelivery, pruning, and the task on Django's Tasks framework."""

import datetime as dt
import json

import pytest

from checkout_hub import clock
from checkout_hub.models import WebhookDelivery, WebhookEndpoint
from checkout_hub.services import webhooks
from checkout_hub.services.webhooks import signing
from checkout_hub.services.webhooks.tasks import deliver_webhook
from tests.pancake.receiver import Receiver


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(db, receiver):
    return WebhookEndpoint.objects.create(
        vendor="hub", owner="acme", url=receiver.url, signing="test-hmac"
    )


@pytest.fixture(autouse=True)
def _signer():
    signing.register("test-hmac", lambda body, ep, at: {"X-Test-Sig": f"{len(body)}@{at:%s}"})


def emit(event_id="evt_1", event_type="thing.happened", test_mode=True):
    return webhooks.emit(
        vendor="hub",
        owner="acme",
        event_type=event_type,
        event_id=event_id,
        envelope=lambda uid: {"id": str(uid), "type": event_type, "n": 1},
        test_mode=test_mode,
    )


def test_emit_writes_the_outbox_row_and_queues_on_commit(
    endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(webhooks, "enqueue", lambda pk, run_after=None: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit()
        assert queued == []  # nothing is sent before the transaction commits
    assert queued == [delivery.pk]
    assert delivery.status == "pending" and delivery.max_attempts == 4
    assert json.loads(delivery.body) == {
        "id": str(delivery.public_id),
        "type": "thing.happened",
        "n": 1,
    }
    assert delivery.headers["X-Test-Sig"].startswith(f"{len(delivery.body)}@")
    assert emit() == []  # one delivery per event and endpoint


def test_endpoint_filters_events_and_mode(endpoint):
    endpoint.events = ["order.completed"]
    endpoint.save()
    assert emit(event_type="thing.happened") == []
    assert len(emit(event_type="order.completed")) == 1
    assert emit(event_id="evt_2", event_type="order.completed", test_mode=False) == []


def test_success_logs_one_attempt(endpoint, receiver):
    (delivery,) = emit()
    assert webhooks.deliver(delivery.pk) == "success"
    (request,) = receiver.requests
    assert request["body"] == delivery.body
    assert request["headers"]["X-Test-Sig"] == delivery.headers["X-Test-Sig"]
    assert request["headers"]["Content-Type"] == "application/json"
    attempt = delivery.attempts.get()
    assert attempt.success and attempt.status_code == 200 and attempt.response_body == "ok"
    assert webhooks.deliver(delivery.pk) == "success"  # a second run sends nothing
    assert len(receiver.requests) == 1


def test_retries_with_backoff_then_fails(endpoint, receiver, settings):
    settings.HUB_WEBHOOK_BACKOFF_SECONDS = [60, 300, 1800]
    receiver.statuses = [500, 503, 404, 500]
    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        (delivery,) = emit()
        assert webhooks.deliver(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == clock.now() + dt.timedelta(seconds=60)
        assert webhooks.run_due() == 0  # not due yet
        for wait in (60, 300, 1800):
            clock.advance(wait)
            assert webhooks.run_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempt_count == 4
    assert [a.status_code for a in delivery.attempts.all()] == [500, 503, 404, 500]
    # the same body and signature each time (stamped once)
    assert len({r["headers"]["X-Test-Sig"] for r in receiver.requests}) == 1


def test_unreachable_endpoint_is_an_attempt_with_its_error(db, settings):
    settings.HUB_WEBHOOK_TIMEOUT_SECONDS = 2
    WebhookEndpoint.objects.create(vendor="hub", owner="acme", url="http://127.0.0.1:9/x")
    (delivery,) = emit()
    assert webhooks.deliver(delivery.pk) == "pending"
    attempt = delivery.attempts.get()
    assert attempt.status_code is None and attempt.error and not attempt.success


def test_redeliver_sends_again(endpoint, receiver, django_capture_on_commit_callbacks):
    (delivery,) = emit()
    webhooks.deliver(delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.redeliver(delivery)
    # the immediate-or-database backend took it; run whatever is due to be deterministic
    webhooks.run_due()
    delivery.refresh_from_db()
    assert delivery.status == "success" and delivery.attempt_count >= 2
    assert len(receiver.requests) >= 2


def test_the_task_runs_the_delivery(endpoint, receiver):
    (delivery,) = emit()
    assert deliver_webhook.call(delivery.pk) == "success"
    assert len(receiver.requests) == 1


def test_database_backend_keeps_the_task(endpoint, settings):
    """The outbox survives a restart: the queued task is a row of the database backend."""
    from django_tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    assert "django_tasks_db" in type(task_backends["default"]).__module__
    (delivery,) = emit()
    webhooks.enqueue(delivery.pk)
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["args"] == [delivery.pk] and row.queue_name == "webhooks"


def test_prune_deletes_old_finished_deliveries(endpoint, receiver):
    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        (old,) = emit("old")
        webhooks.deliver(old.pk)
        (waiting,) = emit("pending")
    assert webhooks.prune(retention_days=30) == 2  # the delivery and its attempt
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == ["pending"]


def test_unknown_signing_strategy_is_a_configuration_error(db):
    WebhookEndpoint.objects.create(vendor="hub", owner="acme", url="http://x.test", signing="nope")
    with pytest.raises(ValueError, match="nope"):
        emit()
