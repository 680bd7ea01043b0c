"""HUB_CONTROL_TOKEN: writes to /__hub/ need it as a bearer token; reads stay open unless
HUB_CONTROL_READS_OPEN is off (health stays open for monitors). Unset: nothing needed."""

import pytest

pytestmark = pytest.mark.django_db

WRITES = [
    ("post", "/__hub/clock", {"advance": 1}),
    ("delete", "/__hub/clock", None),
    ("post", "/__hub/reset", {"scope": "journal"}),
    ("post", "/__hub/scenarios", {"scenario": "server_error", "remaining_uses": 1}),
    ("delete", "/__hub/scenarios", None),
    ("delete", "/__hub/journal", None),
]
READS = ["/__hub/clock", "/__hub/journal", "/__hub/scenarios"]


def send(client, method, path, body, **headers):
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, body, content_type="application/json", **headers)


@pytest.mark.parametrize("method, path, body", WRITES)
def test_without_a_token_configured_writes_are_open(client, method, path, body):
    assert send(client, method, path, body).status_code < 400


@pytest.mark.parametrize("method, path, body", WRITES)
def test_writes_need_the_bearer_token(client, settings, method, path, body):
    settings.HUB_CONTROL_TOKEN = "s3cret"
    refused = send(client, method, path, body)
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
    wrong = send(client, method, path, body, HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    ok = send(client, method, path, body, HTTP_AUTHORIZATION="Bearer s3cret")
    assert ok.status_code < 400, ok.content


@pytest.mark.parametrize("path", READS)
def test_reads_stay_open_unless_closed(client, settings, path):
    settings.HUB_CONTROL_TOKEN = "s3cret"
    assert client.get(path).status_code == 200
    settings.HUB_CONTROL_READS_OPEN = False
    assert client.get(path).status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
    assert client.get("/__hub/health").status_code == 200  # monitors


def test_vendor_routes_are_not_affected(client, settings):
    settings.HUB_CONTROL_TOKEN = "s3cret"
    settings.HUB_CONTROL_READS_OPEN = False
    assert client.get("/wp-json/wc/store/v1/cart").status_code == 200
