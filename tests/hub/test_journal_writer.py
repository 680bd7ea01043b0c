"""The journal's writer thread: rows are written after the reply, in batches, redacted, and none
is lost when the process stops cleanly."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checkout_hub.models import RequestLog
from checkout_hub.services import journal

ROOT = Path(__file__).resolve().parents[2]


def entry(n: int, **extra) -> journal.Entry:
    return journal.Entry(
        vendor="hub",
        method="POST",
        path=f"/__hub/test/{n}",
        status=200,
        duration_ms=1.23456,
        request_headers={"Authorization": "Bearer abc.def", "Accept": "application/json"},
        request_body=b'{"card": "4242424242424242", "password": "hunter2"}',
        request_content_type="application/json",
        **extra,
    )


@pytest.fixture
def writer():
    w = journal.Writer()
    yield w
    w.close()


@pytest.mark.django_db(transaction=True)
def test_queued_entries_are_written_by_the_thread_and_flush_waits_for_them(writer):
    for n in range(30):
        writer.put(entry(n))
    assert writer.flush(5)
    rows = list(RequestLog.objects.order_by("id"))
    assert [r.path for r in rows] == [f"/__hub/test/{n}" for n in range(30)]
    first = rows[0]
    assert first.request_headers["Authorization"] == journal.REDACTED
    assert "4242424242424242" not in first.request_body
    assert "hunter2" not in first.request_body
    assert first.duration_ms == 1.235


@pytest.mark.django_db(transaction=True)
def test_the_row_keeps_the_time_of_the_request_not_of_the_write(writer):
    import datetime as dt

    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    writer.put(entry(1, created_at=at))
    writer.flush(5)
    assert RequestLog.objects.get().created_at == at


@pytest.mark.django_db(transaction=True)
def test_close_writes_what_is_still_queued():
    w = journal.Writer()
    w._start = lambda: None  # no thread: entries stay queued until close()
    for n in range(5):
        w.put(entry(n))
    assert RequestLog.objects.count() == 0
    w.close()
    assert RequestLog.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_refused_batch_is_written_row_by_row(writer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("refused")

    monkeypatch.setattr(journal, "_insert_many", refuse)
    for n in range(3):
        writer.put(entry(n))
    writer.flush(5)
    assert RequestLog.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_batch_row_is_the_row_record_writes():
    """The batch INSERT prepares only four columns itself: every field must read back as the
    ORM's own insert (record) stores it."""
    import datetime as dt

    at = dt.datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    made = entry(
        7,
        created_at=at,
        query="a=1&password=x",
        correlation_id="corr-7",
        scenario="declined",
        remote_addr="2001:db8::1",
        response_headers={"Content-Type": "application/json", "Set-Cookie": "s=1"},
        response_body='{"ok": true, "name": "Caf\u00e9 \u2603", "nul": "a\u0000b"}'.encode(),
        response_content_type="application/json",
    )
    journal.write_batch([made])
    journal.record(**made.row())
    batch, inline = (
        {f.name: getattr(row, f.name) for f in RequestLog._meta.fields if f.name != "id"}
        for row in RequestLog.objects.order_by("id")
    )
    assert batch == inline
    assert batch["created_at"] == at and batch["remote_addr"] == "2001:db8::1"
    assert batch["response_headers"]["Set-Cookie"] == journal.REDACTED


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["created_at", "remote_addr", "request_headers"])
def test_each_prepared_column_is_what_its_field_writes(name):
    """The batch INSERT's preparers give each column's value as the field's get_db_prep_save
    does (or its JSON, which reads back the same), for every kind of value a row holds."""
    import datetime as dt
    import json
    from zoneinfo import ZoneInfo

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("other databases take each field's own get_db_prep_save")
    field = RequestLog._meta.get_field(name)
    prepare = journal._preparer(field, connection)
    values = {
        "created_at": [
            dt.datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
            dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC),  # no microseconds
            dt.datetime(2030, 6, 1, 23, 30, tzinfo=ZoneInfo("America/New_York")),
            None,
        ],
        "remote_addr": ["127.0.0.1", "10.0.0.255", "2001:DB8::1", "::ffff:10.0.0.1", "", None],
        "request_headers": [{}, {"A": "b", "Café": "☃ \u0000"}, {"n": [1, 2.5, None]}, None],
    }[name]
    for value in values:
        ours, django = prepare(value), field.get_db_prep_save(value, connection)
        if name == "request_headers" and ours is not None:
            assert json.loads(ours) == json.loads(django)
        else:
            assert ours == django, value


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_crosses_a_prune_boundary_prunes(monkeypatch, settings):
    monkeypatch.setattr(journal, "PRUNE_EVERY", 10)
    settings.HUB_JOURNAL_MAX_ROWS = 5
    journal.write_batch([entry(n) for n in range(12)])
    assert RequestLog.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_middleware_queues_in_background_mode(client, settings, writer, monkeypatch):
    monkeypatch.setattr(journal, "WRITER", writer)  # closed (with its connection) at the end
    settings.HUB_JOURNAL_WRITE = "background"
    reply = client.get("/__hub/health", headers={"X-Request-Id": "bg-1"})
    assert reply.status_code == 200
    assert journal.flush(5)
    row = RequestLog.objects.get(correlation_id="bg-1")
    assert row.status == 200 and row.path == "/__hub/health"


def test_no_row_is_lost_when_gunicorn_stops_cleanly(tmp_path):
    """A real server: requests answered, SIGTERM, then every request has its row (the writer
    is still gathering its first batch when the stop comes)."""
    db = tmp_path / "hub.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "checkout_hub.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "HUB_JOURNAL_WRITE": "background",
        "HUB_JOURNAL_ENABLED": "1",
        # Nothing is written before the stop: every row must come from the drain at exit.
        "HUB_JOURNAL_LINGER_SECONDS": "600",
        "DEBUG": "0",
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "*",
    }
    env.pop("CACHE_URL", None)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    with socket_port() as port:
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "checkout_hub.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/__hub/health", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        for n in range(40):
            assert urllib.request.urlopen(f"{base}/__hub/health?n={n}", timeout=5).status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    count = subprocess.run(
        [python, "-c", "import django; django.setup(); from checkout_hub.models import "
         "RequestLog; print(RequestLog.objects.filter(query__startswith='n=').count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert count == "40"


class socket_port:
    """A free TCP port (released before the server binds it)."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc):
        return False
