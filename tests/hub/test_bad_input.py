"""Bad input never breaks the hub: json_decode's limits in the parser, NUL and lone surrogates
kept out of the domain's rows and storable in the journal, long names accepted, and the
fallback guard that answers an escaped exception in the vendor's envelope, never Django's page."""

import json
import logging

import pytest
from django.test import Client

from checkout_hub.api import fallback, parsers
from checkout_hub.api.parsers import BoundedJSONParser, JSONBodyError
from checkout_hub.models import Customer, Order, RequestLog
from checkout_hub.services import addresses
from checkout_hub.services.errors import InvalidAddress
from hwp_bridge.views.base import HwpView
from tests.factories import US_ADDRESS as ADDRESS
from tests.hwp_bridge.conftest import CHECKOUT, assert_meta

BASE = "/wp-json/wc/store/v1"
LONE = '{"id": 1, "quantity": 1, "note": "\\ud800"}'
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def store(db):
    from django.core.management import call_command

    call_command("seed_store", verbosity=0)


def post(client, path, raw, **headers):
    return client.post(path, raw, content_type="application/json", **headers)


def token(client) -> str:
    return client.get(f"{BASE}/cart").headers["Cart-Token"]


def error_code(exc_info) -> tuple[int, str]:
    return exc_info.value.json_error_code, exc_info.value.json_error_message


# --- the parser: PHP json_decode's limits, no recursion ---
class TestBoundedJSONParser:
    def parse(self, raw: bytes | str):
        from io import BytesIO

        raw = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        return BoundedJSONParser().parse(BytesIO(raw), "application/json", {})

    def test_a_thousand_levels_is_too_deep_without_a_recursion_error(self):
        with pytest.raises(JSONBodyError) as exc:
            self.parse(DEEP)
        assert error_code(exc) == (1, "Maximum stack depth exceeded")

    def test_deeper_than_512_fails_as_php_does(self):
        assert self.parse("[" * 512 + "]" * 512) is not None
        with pytest.raises(JSONBodyError):
            self.parse("[" * 513 + "]" * 513)
        with pytest.raises(JSONBodyError):
            self.parse('{"a":' * 513 + "1" + "}" * 513)

    def test_brackets_inside_strings_do_not_count(self):
        body = json.dumps({"note": "[" * 5000, "quote": '\\"[[[' * 100})
        assert self.parse(body)["note"] == "[" * 5000

    def test_a_huge_unbalanced_body_is_scanned_quickly(self):
        with pytest.raises(JSONBodyError):
            self.parse("[" * 2_000_000)

    @pytest.mark.parametrize(
        "body",
        ['"\\ud800"', '["x\\uDBFF"]', '{"a": "\\udc00"}', '"\\ud83d\\u0041"', '"\\ud83dx"'],
    )
    def test_an_unpaired_surrogate_escape_is_json_error_utf16(self, body):
        with pytest.raises(JSONBodyError) as exc:
            self.parse(body)
        assert error_code(exc) == (10, "Single unpaired UTF-16 surrogate in unicode escape")

    def test_a_pair_and_an_escaped_backslash_are_fine(self):
        assert self.parse('"\\ud83d\\ude00"') == "\U0001f600"
        assert self.parse('"\\\\ud800"') == "\\ud800"

    def test_a_raw_surrogate_is_malformed_utf8(self):
        with pytest.raises(JSONBodyError) as exc:
            self.parse('"\ud800"')
        assert error_code(exc)[0] == 5

    def test_a_raw_control_character_in_a_string(self):
        with pytest.raises(JSONBodyError) as exc:
            self.parse(b'{"a": "x\x00y"}')
        assert error_code(exc)[0] == 3

    def test_an_escaped_nul_decodes_as_json_decode_keeps_it(self):
        assert self.parse('{"a": "x\\u0000y"}') == {"a": "x\x00y"}

    def test_syntax_errors_and_constants(self):
        for body in ("{", "NaN", '{"a": Infinity}', "\ufeff{}", ""):
            with pytest.raises(JSONBodyError) as exc:
                self.parse(body)
            assert error_code(exc) == (4, "Syntax error"), body

    def test_long_integers(self):
        big = [9223372036854775807, 99999999999999999999999, 1e999]
        assert self.parse("[9223372036854775807, 99999999999999999999999, 1e999]") == big
        assert self.parse("1" * 5000) == float("inf")  # not Python's digit-limit ValueError

    def test_it_is_a_drf_parse_error(self):
        from rest_framework.exceptions import ParseError

        assert issubclass(JSONBodyError, ParseError)
        assert parsers.PHP_MAX_DEPTH == 512


# --- lone surrogates and deep nesting at the HTTP boundary ---
WOO_WRITES = [
    "cart/add-item",
    "cart/update-item",
    "cart/update-customer",
    "checkout",
    "batch",
]


def assert_woo_envelope(reply) -> dict:
    """JSON, and WordPress's error envelope when it is an error."""
    assert reply["Content-Type"].startswith("application/json"), reply.content[:200]
    body = reply.json()
    if reply.status_code >= 400:
        assert {"code", "message", "data"} <= set(body), body
    return body


@pytest.mark.parametrize("route", WOO_WRITES)
@pytest.mark.parametrize("raw", [LONE, DEEP], ids=["lone_surrogate", "deep"])
def test_woo_writes_never_answer_html_and_are_journaled(client, store, route, raw):
    reply = post(client, f"{BASE}/{route}", raw, HTTP_CART_TOKEN=token(client))
    assert_woo_envelope(reply)
    assert RequestLog.objects.filter(path=f"{BASE}/{route}").count() == 1


@pytest.mark.parametrize("route", WOO_WRITES)
@pytest.mark.parametrize("raw", [LONE, DEEP], ids=["lone_surrogate", "deep"])
def test_woo_writes_refuse_them_as_rest_invalid_json(client, store, route, raw):
    reply = post(client, f"{BASE}/{route}", raw, HTTP_CART_TOKEN=token(client))
    assert reply.status_code == 400, reply.content[:300]
    assert assert_woo_envelope(reply)["code"] == "rest_invalid_json"


def test_a_batch_sub_request_with_a_lone_surrogate(client, store):
    sub = {"path": "/wc/store/v1/cart/add-item", "body": {"id": 1, "quantity": 1}}
    raw = json.dumps({"requests": [sub]})[:-2] + ', "x": "\\ud800"}]}'
    reply = post(client, f"{BASE}/batch", raw, HTTP_CART_TOKEN=token(client))
    assert reply.status_code == 400
    assert reply.json()["code"] == "rest_invalid_json"


def test_woo_says_which_json_error(client, store):
    reply = post(client, f"{BASE}/cart/add-item", DEEP, HTTP_CART_TOKEN=token(client))
    data = reply.json()["data"]
    assert (data["json_error_code"], data["json_error_message"]) == (
        1,
        "Maximum stack depth exceeded",
    )


def hwp_checkout(client, raw):
    nonce = client.get("/wp-json/headlesswp/v1/nonce").json()["data"]["nonce"]
    return post(client, CHECKOUT, raw, HTTP_X_WP_NONCE=nonce)


HWP_BODIES = {
    "couponCode": {"items": [{"productId": 1, "quantity": 1}], "couponCode": "\ud800"},
    "notes": {"items": [{"productId": 1, "quantity": 1}], "notes": "\ud800"},
    "billingAddress": {
        "items": [{"productId": 1, "quantity": 1}],
        "billingAddress": {"email": "a@example.com", "firstName": "\ud800"},
    },
}


@pytest.mark.parametrize("field", sorted(HWP_BODIES))
def test_hwp_checkout_session_never_answers_html(client, store, field):
    reply = hwp_checkout(client, json.dumps(HWP_BODIES[field]))
    assert reply.status_code != 500 or reply.json()["error"]["code"] == "INTERNAL_ERROR"
    assert_meta(reply)
    assert RequestLog.objects.filter(path=CHECKOUT).count() == 1


@pytest.mark.parametrize("field", sorted(HWP_BODIES))
def test_hwp_refuses_a_lone_surrogate_as_malformed_json(client, store, field):
    reply = hwp_checkout(client, json.dumps(HWP_BODIES[field]))
    assert reply.status_code == 422, reply.content[:300]
    body = assert_meta(reply)
    assert body["error"]["code"] == "VALIDATION_FAILED"
    assert "unpaired UTF-16 surrogate" in body["error"]["details"]["formErrors"][0]


def test_hwp_refuses_deep_nesting_under_its_size_limit(client, store):
    reply = hwp_checkout(client, '{"items": ' + DEEP + "}")
    assert reply.status_code == 422
    assert "Maximum stack depth exceeded" in reply.json()["error"]["details"]["formErrors"][0]


# --- NUL and long names through the domain ---
def test_a_nul_in_a_billing_address_is_dropped(client, store):
    cart_token = token(client)
    address = {**ADDRESS, "first_name": "Pe\x00ter", "city": "New\x00 York"}
    reply = post(
        client,
        f"{BASE}/cart/update-customer",
        json.dumps({"billing_address": address}),
        HTTP_CART_TOKEN=cart_token,
    )
    assert reply.status_code == 200, reply.content
    billing = reply.json()["billing_address"]
    assert (billing["first_name"], billing["city"]) == ("Peter", "New York")


def test_a_nul_in_a_billing_address_inside_a_batch(client, store):
    cart_token = token(client)
    sub = {
        "path": "/wc/store/v1/cart/update-customer",
        "headers": {"Cart-Token": cart_token},
        "body": {"billing_address": {**ADDRESS, "address_1": "550\x00 Central Park West"}},
    }
    # The batch's own Cart-Token waives the sub-request's nonce (not the sub-request's alone).
    reply = post(
        client, f"{BASE}/batch", json.dumps({"requests": [sub]}), HTTP_CART_TOKEN=cart_token
    )
    assert reply.status_code == 207
    response = reply.json()["responses"][0]
    assert response["status"] == 200, response
    assert response["body"]["billing_address"]["address_1"] == "550 Central Park West"


def checkout_with(client, billing: dict):
    cart_token = token(client)
    post(client, f"{BASE}/cart/add-item", '{"id": 1, "quantity": 1}', HTTP_CART_TOKEN=cart_token)
    body = {"billing_address": billing, "payment_method": "cheque"}
    return post(client, f"{BASE}/checkout", json.dumps(body), HTTP_CART_TOKEN=cart_token)


def test_a_new_customer_with_long_names_checks_out(client, store):
    long_first, long_last = "A" * 150, "B" * 300
    reply = checkout_with(
        client, {**ADDRESS, "first_name": long_first, "last_name": long_last, "phone": "1" * 80}
    )
    assert reply.status_code == 200, reply.content
    order = Order.objects.get()
    # The order keeps what the buyer typed, as WooCommerce does ...
    assert order.billing_address["first_name"] == long_first
    assert order.billing_address["last_name"] == long_last
    # ... and the customer row, whose columns are bounded, a cut copy.
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name) == ("A" * 100, "B" * 100)
    assert customer.phone == "1" * 50


def test_a_nul_in_a_new_customers_name_checks_out_without_it(client, store):
    reply = checkout_with(client, {**ADDRESS, "first_name": "Ray\x00", "last_name": "\x00Stantz"})
    assert reply.status_code == 200, reply.content
    assert Order.objects.get().billing_address["first_name"] == "Ray"
    assert Customer.objects.get().last_name == "Stantz"


def test_an_email_beyond_254_characters_is_invalid():
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
    assert len(email) > 254
    with pytest.raises(InvalidAddress) as exc:
        addresses.validate({"email": email})
    assert exc.value.errors == {"billing_address.email": "Invalid email address"}


def test_clean_drops_nul_and_lone_surrogates():
    cleaned = addresses.clean({"first_name": " Pe\x00ter\ud800 ", "city": None})
    assert cleaned == {"first_name": "Peter", "city": ""}


# --- the journal keeps what it can, never fails the request ---
@pytest.mark.parametrize(
    "raw",
    [
        '{"note": "nul \\u0000 here"}',
        '{"note": "lone \\ud800 here"}',
        b'{"note": "raw nul \x00 byte"}',
        '{"note": "\ud800"}'.encode("utf-8", "surrogatepass"),
        '"\\ud800" not json \x00 at all',
    ],
)
def test_journal_rows_are_written_for_nul_and_surrogate_bodies(client, db, raw):
    reply = post(client, "/__hub/scenarios", raw)
    assert reply.status_code < 500
    row = RequestLog.objects.get()
    assert "\x00" not in row.request_body
    assert "note" in row.request_body or "at all" in row.request_body


def test_a_nul_in_the_path_and_query_is_journaled(client, db):
    client.get("/wp-json/wc/store/v1/nowhere%00x?q=%00%ED%A0%80")
    row = RequestLog.objects.get()
    assert "\\u0000" in row.path
    assert "\x00" not in row.query


def test_deep_bodies_are_journaled_and_redacted(client, db):
    raw = '{"password": "hunter2-password", "x": ' + "[" * 900 + "]" * 900 + "}"
    post(client, "/__hub/scenarios", raw)
    row = RequestLog.objects.get()
    assert "hunter2-password" not in row.request_body
    assert row.request_body.count("[") >= 900


def test_a_journal_failure_is_logged_and_the_request_answers(client, db, monkeypatch, caplog):
    from checkout_hub.services import journal

    def boom(**fields):
        raise RuntimeError("journal down")

    monkeypatch.setattr(journal.RequestLog.objects, "create", boom)
    with caplog.at_level(logging.WARNING):
        reply = client.get("/__hub/health")
    assert reply.status_code == 200
    assert "request journal write failed" in caplog.text


def test_a_body_that_cannot_be_redacted_is_a_placeholder(client, db, monkeypatch):
    from checkout_hub.services import journal

    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(journal, "_redact_json", boom)
    post(client, "/__hub/scenarios", '{"scenario": "server_error"}')
    row = RequestLog.objects.get()
    assert row.request_body == "[body not kept: redaction failed (MemoryError)]"


# --- the fallback guard: the vendor's envelope for what escapes ---
@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


def _explode(*args, **kwargs):
    raise RuntimeError("kaboom in the stack")


FALLBACK_ROUTES = [
    (
        f"{BASE}/cart",
        lambda body: (
            body
            == {
                "code": "woocommerce_rest_unknown_server_error",
                "message": "Unknown server error.",
                "data": {"status": 500},
            }
        ),
    ),
    (
        "/wp-json/wc/store/cart",  # the unversioned alias
        lambda body: body["code"] == "woocommerce_rest_unknown_server_error",
    ),
    (
        "/wp-json/headlesswp/v1/health",
        lambda body: (
            body["error"]
            == {
                "code": "INTERNAL_ERROR",
                "message": "An unexpected error occurred. Please try again.",
                "details": {},
            }
            and body["meta"]["correlationId"] == body["meta"]["request_id"]
        ),
    ),
    (
        "/stripe/v1/payment_intents",
        lambda body: body["error"]["type"] == "api_error" and body["error"]["message"],
    ),
    (
        "/__hub/health",
        lambda body: body["code"] and body["message"] and body["data"] == {"status": 500},
    ),
]


@pytest.mark.parametrize(("path", "expected"), FALLBACK_ROUTES)
def test_an_exception_in_a_middleware_is_the_vendors_500(
    quiet_client, db, monkeypatch, caplog, path, expected
):
    from django.contrib.sessions.middleware import SessionMiddleware

    monkeypatch.setattr(SessionMiddleware, "process_request", _explode)
    with caplog.at_level(logging.ERROR, logger="checkout_hub.fallback"):
        reply = quiet_client.get(path)
    assert reply.status_code == 500
    assert reply["Content-Type"] == "application/json"
    assert expected(reply.json()), reply.json()
    assert "kaboom in the stack" in caplog.text
    assert "Traceback" in caplog.text
    # The journal keeps what the client got.
    assert json.loads(RequestLog.objects.get().response_body) == reply.json()


def test_an_exception_in_a_plain_view_is_the_vendors_500(quiet_client, db, monkeypatch, caplog):
    from stripe_fake import engine

    monkeypatch.setattr(engine, "handle", _explode)
    with caplog.at_level(logging.ERROR, logger="checkout_hub.fallback"):
        reply = quiet_client.post(
            "/stripe/v1/payment_intents",
            "amount=1",
            content_type="application/x-www-form-urlencoded",
        )
    assert reply.status_code == 500
    assert reply.json()["error"]["type"] == "api_error"
    assert "kaboom in the stack" in caplog.text


def test_an_exception_in_the_outermost_middleware_chain(quiet_client, db, monkeypatch, caplog):
    from corsheaders.middleware import CorsMiddleware

    monkeypatch.setattr(CorsMiddleware, "__call__", _explode)
    reply = quiet_client.get(f"{BASE}/cart")
    assert reply.status_code == 500
    assert reply.json()["code"] == "woocommerce_rest_unknown_server_error"


def test_the_vendors_error_handler_failing_is_still_its_envelope(quiet_client, db, monkeypatch):
    from hwp_bridge.views.core import HealthView

    monkeypatch.setattr(HealthView, "get", _explode)
    monkeypatch.setattr(HwpView, "exception_handler", staticmethod(_explode))
    reply = quiet_client.get("/wp-json/headlesswp/v1/health")
    assert reply.status_code == 500
    assert reply.json()["error"]["code"] == "INTERNAL_ERROR"
    assert reply["X-Correlation-Id"] == reply.json()["meta"]["correlationId"]


def test_pages_outside_the_apis_keep_djangos_handling(quiet_client, db, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    monkeypatch.setattr(SessionMiddleware, "process_request", _explode)
    reply = quiet_client.get("/")
    assert reply.status_code == 500
    assert not reply["Content-Type"].startswith("application/json")


def test_404s_are_left_to_the_vendor():
    assert fallback.renderer_for("/wp-json/wc/store/v1/x") is not None
    assert fallback.renderer_for("/checkout/order-received/1/") is None
    assert fallback.renderer_for("/stripe/authenticate/pi_1/") is None
