"""GET/DELETE /__hub/journal: newest first, filters, a count-only form, redacted entries."""

import datetime as dt

import pytest

from checkout_hub import clock
from checkout_hub.models import RequestLog
from checkout_hub.services import journal

pytestmark = pytest.mark.django_db
JOURNAL = "/__hub/journal"
CART = "/wp-json/wc/store/v1/cart"


@pytest.fixture
def traffic(client):
    with clock.frozen(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        client.get("/__hub/health", headers={"X-Correlation-Id": "first"})
    with clock.frozen(dt.datetime(2030, 1, 2, tzinfo=dt.UTC)):
        client.get(CART, headers={"X-Correlation-Id": "second"})
        client.post(
            "/wp-json/wc/store/v1/cart/add-item",
            {"id": 999999, "quantity": 1},
            content_type="application/json",
            headers={"X-Correlation-Id": "third", "Authorization": "Bearer sk_test_secret"},
        )


def test_newest_first_with_the_request_and_response(client, traffic):
    body = client.get(JOURNAL).json()
    assert body["count"] == 3
    assert [e["correlation_id"] for e in body["entries"]] == ["third", "second", "first"]
    entry = body["entries"][0]
    assert entry["method"] == "POST" and entry["vendor"] == "woo_store"
    assert entry["path"] == "/wp-json/wc/store/v1/cart/add-item"
    assert entry["status"] >= 400
    assert '"id": 999999' in entry["request_body"] or '"id":999999' in entry["request_body"]
    assert "sk_test_secret" not in str(entry)  # redacted as stored
    assert entry["response_body"]
    assert set(entry) >= {"created_at", "query", "duration_ms", "request_headers", "scenario"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"vendor": "woo_store"}, ["third", "second"]),
        ({"vendor": "hub"}, ["first"]),
        ({"method": "post"}, ["third"]),
        ({"path": "add-item"}, ["third"]),
        ({"path": "/wp-json/"}, ["third", "second"]),
        ({"status": 200}, ["second", "first"]),
        ({"correlation_id": "second"}, ["second"]),
        ({"since": "2030-01-02T00:00:00Z"}, ["third", "second"]),
        ({"since": "2030-01-03T00:00:00Z"}, []),
        ({"vendor": "woo_store", "method": "GET"}, ["second"]),
        ({"limit": 1}, ["third"]),
    ],
)
def test_filters(client, traffic, query, expected):
    body = client.get(JOURNAL, query).json()
    assert [e["correlation_id"] for e in body["entries"]] == expected
    if "limit" not in query:
        assert body["count"] == len(expected)


def test_count_only(client, traffic):
    assert client.get(JOURNAL, {"count": "true"}).json() == {"count": 3}
    assert client.get(JOURNAL, {"count": "true", "vendor": "woo_store"}).json() == {"count": 2}


def test_the_journals_own_reads_are_not_listed(client, traffic):
    client.get(JOURNAL)
    client.get(JOURNAL, {"count": "true"})
    assert client.get(JOURNAL, {"count": "true"}).json() == {"count": 3}


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "ok"}, "status"),
        ({"since": "yesterday"}, "since"),
        ({"vendor": "shopify"}, "vendor"),
        ({"limit": 0}, "limit"),
        ({"stauts": 200}, "stauts"),
    ],
)
def test_bad_filters_are_400(client, db, query, field):
    reply = client.get(JOURNAL, query)
    assert reply.status_code == 400
    assert reply.json()["code"] == "hub_invalid_request"
    assert field in reply.json()["data"]["details"]


def test_delete_clears_it(client, traffic):
    assert client.delete(JOURNAL).status_code == 204
    assert not RequestLog.objects.exclude(path=JOURNAL).exists()
    assert client.get(JOURNAL, {"count": "true"}).json() == {"count": 0}


@pytest.mark.django_db(transaction=True)
def test_background_writes_are_seen_at_once(client, settings, monkeypatch):
    """The reader waits for this process's queued rows (journal.flush) before it counts."""
    writer = journal.Writer()
    monkeypatch.setattr(journal, "WRITER", writer)
    settings.HUB_JOURNAL_WRITE = "background"
    settings.HUB_JOURNAL_LINGER_SECONDS = 0.3  # the row would still be queued without flush
    client.get("/__hub/health", headers={"X-Correlation-Id": "queued"})
    body = client.get(JOURNAL, {"correlation_id": "queued"}).json()
    writer.close()
    assert body["count"] == 1
