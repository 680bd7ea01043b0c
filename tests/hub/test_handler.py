"""The hub's WSGI handler (gunicorn's entry point) keeps what a path resolved to."""

import io
import json
import sys

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
