"""HWP's envelope on every reply of the bridge, DRF's own errors included: `meta` with one
correlation id in three keys and the X-Correlation-Id header, an ISO-8601 UTC timestamp from
the hub's clock, and the error object `{code, message, details}`."""

import datetime as dt
import html
import json
import re

import pytest
from django.test import override_settings

from checkout_hub import clock
from checkout_hub.models import Order, RequestLog
from tests.hwp_bridge.conftest import (
    BASE,
    CHECKOUT,
    TSHIRT,
    assert_error,
    assert_meta,
    assert_ok,
    post_checkout,
)

ITEMS = {"items": [{"productId": TSHIRT, "quantity": 1}]}


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/health", 200, None),
        ("get", "/nonce", 200, None),
        ("get", "/store/wc/cart", 200, None),
        ("get", "/no/such/route", 404, "NOT_FOUND"),
        ("post", "/store/checkout-sessions", 404, "NOT_FOUND"),
        ("get", "", 404, "NOT_FOUND"),
        ("get", "/", 404, "NOT_FOUND"),
        ("post", "/health", 405, "METHOD_NOT_ALLOWED"),
        ("get", "/store/checkout-session", 405, "METHOD_NOT_ALLOWED"),
        ("delete", "/store/checkout-session/", 405, "METHOD_NOT_ALLOWED"),
        ("post", "/nonce", 405, "METHOD_NOT_ALLOWED"),
        ("put", "/store/wc/cart", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_every_route_answers_in_the_envelope(client, store, method, path, status, code):
    reply = getattr(client, method)(f"{BASE}{path}")
    if code is None:
        assert_ok(reply, status)
    else:
        assert_error(reply, status, code)


def test_options_is_enveloped(client, db):
    data = assert_ok(client.options(f"{BASE}/health"))
    assert data["name"] == "Health"


def test_malformed_json_is_validation_failed(client, store, nonce):
    reply = post_checkout(client, None, nonce=nonce, raw='{"items": [')
    details = assert_error(reply, 422, "VALIDATION_FAILED")
    assert details["fieldErrors"] == {}
    [message] = details["formErrors"]
    assert message.startswith("Malformed JSON body")


def test_body_that_is_not_an_object(client, store, nonce):
    reply = post_checkout(client, [ITEMS], nonce=nonce)
    details = assert_error(reply, 422, "VALIDATION_FAILED")
    assert details == {"formErrors": ["Expected a JSON object."], "fieldErrors": {}}


def test_unsupported_media_type(client, store, nonce):
    reply = client.post(CHECKOUT, "items=1", content_type="text/plain", HTTP_X_WP_NONCE=nonce)
    assert_error(reply, 415, "UNSUPPORTED_MEDIA_TYPE")
    reply = client.post(CHECKOUT, {"items": "1"}, HTTP_X_WP_NONCE=nonce)  # a form post
    assert_error(reply, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_body_larger_than_the_limit(client, store, nonce):
    notes = "x" * (64 * 1024)
    reply = post_checkout(client, {**ITEMS, "notes": notes}, nonce=nonce)
    details = assert_error(reply, 413, "REQUEST_TOO_LARGE")
    assert details == {"maxBytes": 65536}
    assert not Order.objects.exists()


@override_settings(HWP_MAX_BODY_BYTES=100)
def test_body_limit_is_a_setting(client, store, nonce):
    reply = post_checkout(client, {**ITEMS, "notes": "x" * 100}, nonce=nonce)
    assert assert_error(reply, 413, "REQUEST_TOO_LARGE") == {"maxBytes": 100}
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))


@override_settings(HWP_MAX_BODY_BYTES=10**7, DATA_UPLOAD_MAX_MEMORY_SIZE=200)
def test_djangos_own_body_limit_is_request_too_large(client, store, nonce):
    reply = post_checkout(client, {**ITEMS, "notes": "x" * 300}, nonce=nonce)
    assert assert_error(reply, 413, "REQUEST_TOO_LARGE") == {"maxBytes": 200}


def test_unexpected_errors_are_internal_error(client, store, nonce, monkeypatch):
    from hwp_bridge import bridge

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bridge, "create_order", explode)
    reply = post_checkout(client, ITEMS, nonce=nonce)
    assert assert_error(reply, 500, "INTERNAL_ERROR") == {}
    assert "boom" not in reply.content.decode()


def test_server_error_scenario(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO="server_error")
    assert_error(reply, 500, "INTERNAL_ERROR")


def test_unknown_scenario(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_HUB_SCENARIO="nope")
    details = assert_error(reply, 400, "VALIDATION_FAILED")  # 400 on every vendor (issue 14)
    [message] = details["fieldErrors"]["X-Hub-Scenario"]
    assert message.startswith('Unknown scenario "nope"')


# --- the correlation id ---
@pytest.mark.parametrize(
    "path, method",
    [
        ("/health", "get"),
        ("/health", "post"),
        ("/nope", "get"),
        ("/store/checkout-session", "post"),
    ],
)
def test_an_incoming_correlation_id_is_echoed(client, store, path, method):
    trace = "site:req-42.a_b"
    reply = getattr(client, method)(f"{BASE}{path}", HTTP_X_CORRELATION_ID=trace)
    assert_meta(reply, correlation_id=trace)


def test_the_longest_sane_correlation_id(client, db):
    trace = "a" * 100
    assert_meta(client.get(f"{BASE}/health", HTTP_X_CORRELATION_ID=trace), correlation_id=trace)


@pytest.mark.parametrize("trace", ["a" * 101, "has space", "semi;colon", "<script>", "é"])
def test_an_insane_correlation_id_is_replaced(client, db, trace):
    reply = client.get(f"{BASE}/health", HTTP_X_CORRELATION_ID=trace)
    assert assert_meta(reply)["meta"]["correlationId"] != trace  # a new UUID4


def test_every_reply_has_its_own_id(client, db):
    first = assert_meta(client.get(f"{BASE}/health"))["meta"]["correlationId"]
    second = assert_meta(client.get(f"{BASE}/health"))["meta"]["correlationId"]
    assert first != second


def test_the_journal_records_the_same_id(client, db):
    reply = client.get(f"{BASE}/health", HTTP_X_CORRELATION_ID="trace-1")
    assert_meta(reply, correlation_id="trace-1")
    row = RequestLog.objects.get(path=f"{BASE}/health")
    assert (row.correlation_id, row.vendor) == ("trace-1", "hwp_bridge")


def test_the_order_remembers_the_id(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, HTTP_X_CORRELATION_ID="trace-2")
    order = Order.objects.get(pk=int(assert_ok(reply, correlation_id="trace-2")["orderId"]))
    assert order.get_meta("_headlesswp_correlation_id") == "trace-2"


def test_timestamp_comes_from_the_hub_clock(client, db):
    with clock.frozen(dt.datetime(2025, 1, 1, tzinfo=dt.UTC)):
        reply = client.get(f"{BASE}/health")
    assert reply.json()["meta"]["timestamp"] == "2025-01-01T00:00:00Z"


def test_replies_are_not_cached(client, db):
    assert client.get(f"{BASE}/nonce")["Cache-Control"] == "no-store"


def test_browsable_api_renders_the_envelope(client, db):
    reply = client.get(f"{BASE}/health", HTTP_ACCEPT="text/html")
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/html")
    assert reply["X-Correlation-Id"] in reply.content.decode()
    reply = client.get(f"{BASE}/store/checkout-session", HTTP_ACCEPT="text/html")
    assert reply.status_code == 405
    assert "METHOD_NOT_ALLOWED" in reply.content.decode()


def test_error_body_is_exactly_the_envelope(client, db):
    body = json.loads(client.get(f"{BASE}/nope").content)
    assert body == {
        "error": {
            "code": "NOT_FOUND",
            "message": "No route was found matching the URL and request method.",
            "details": {},
        },
        "meta": body["meta"],
    }


def test_the_browsable_apis_raw_form_posts_as_it_is(store):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "c" * 32
    page = browser.get(CHECKOUT, HTTP_ACCEPT="text/html").content.decode()
    textarea = re.search(r'<textarea name="_content"[^>]*>(.*?)</textarea>', page, re.S)
    body = json.loads(html.unescape(textarea.group(1)))
    assert body["items"] == [{"productId": TSHIRT, "quantity": 1, "variationId": None}]
    reply = browser.post(
        CHECKOUT, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN="c" * 32
    )
    assert assert_ok(reply)["orderId"]
