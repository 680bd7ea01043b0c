"""The hub's WSGI handler (gunicorn's entry point) keeps what a path resolved to."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.urls import get_resolver

from checkout_hub import handler
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

WOO = "/wp-json/wc/store/v1"


def call(app, path: str) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    started = {}
    reply = app(environ, lambda status, headers, *_: started.update(s=status, h=headers))
    try:
        body = b"".join(reply)
    finally:
        reply.close()  # as a WSGI server does: request_finished runs
    return started["s"], dict(started["h"]), body


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setattr(handler, "_matches", {})
    # As Django's test client does: the test's transaction keeps its connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield handler.HubWSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_path_resolves_once_and_answers_the_same(app, monkeypatch):
    cap = ProductFactory(name="Cap")
    resolved = []
    real = type(get_resolver()).resolve
    monkeypatch.setattr(
        type(get_resolver()),
        "resolve",
        lambda self, path: resolved.append(path) or real(self, path),
    )
    first = call(app, f"{WOO}/products/{cap.pk}")
    second = call(app, f"{WOO}/products/{cap.pk}")
    assert first[0] == second[0] == "200 OK"
    assert json.loads(first[2])["id"] == json.loads(second[2])["id"] == cap.pk
    # the root resolver is asked once (the includes below it see the path without its "/")
    assert [path for path in resolved if path.startswith("/")] == [f"{WOO}/products/{cap.pk}"]


def test_a_path_that_does_not_resolve_is_not_kept(app):
    for _ in range(2):
        status, _, body = call(app, "/nowhere-at-all")
        assert status.startswith("404")
    assert not [key for key in handler._matches if key[1] == "/nowhere-at-all"]


def test_another_url_map_starts_afresh(app):
    call(app, "/__hub/health")
    with override_settings(ROOT_URLCONF="tests.hub.urls_empty"):
        status, _, _ = call(app, "/__hub/health")
    assert status.startswith("404")
    assert call(app, "/__hub/health")[0] == "200 OK"


def test_the_kept_matches_are_bounded(app, monkeypatch):
    monkeypatch.setattr(handler, "MAX_MATCHES", 2)
    for n in range(1, 5):
        call(app, f"{WOO}/products/{n}")
    assert len(handler._matches) == 2


WSGI_PROGRAM = """
import io, json, sys, threading
from checkout_hub.wsgi import application
from django.core.management import call_command
from django.core.cache import caches
from django.db import connections

def health():
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/__hub/health", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    started = []
    reply = application(environ, lambda status, headers, *_: started.append(status))
    body = b"".join(reply)
    reply.close()
    return started[0], json.loads(body), id(connections["default"]), id(caches["default"])

call_command("migrate", verbosity=0)
first, again = health(), health()
other = []
thread = threading.Thread(target=lambda: other.append(health()))
thread.start()
thread.join()
print(json.dumps({
    "storage": [type(h._connections).__name__ for h in (connections, caches)],
    "statuses": [first[0], again[0], other[0][0]],
    "health": first[1],
    "same_thread_same_connection": first[2] == again[2],
    "other_thread_own_connection": other[0][2] != first[2],
    "other_thread_own_cache_client": other[0][3] != first[3],
}))
"""


def test_under_wsgi_each_thread_keeps_its_connections_in_a_thread_local(tmp_path):
    """checkout_hub.wsgi (what gunicorn serves) keeps connections and cache clients in a plain
    threading.local: one connection per thread, reused by the thread's next request."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "checkout_hub.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        "CACHE_URL": "locmem://",
        "HUB_JOURNAL_ENABLED": "0",
        "DEBUG": "0",
        "SECRET_KEY": "test-only",
        "ALLOWED_HOSTS": "*",
    }
    result = subprocess.run(
        [sys.executable, "-c", WSGI_PROGRAM],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "storage": ["_local", "_local"],  # threading.local
        "statuses": ["200 OK", "200 OK", "200 OK"],
        "health": {"status": "ok", "database": "sqlite", "cache": "ok"},
        "same_thread_same_connection": True,
        "other_thread_own_connection": True,
        "other_thread_own_cache_client": True,
    }
