"""The journal keeps no secret, wherever it sits: batch sub-requests' headers and replies,
HWP's cart tokens, client secrets inside 3-D Secure URLs, secret-shaped text, any depth."""

import base64
import json
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from checkout_hub.models import RequestLog
from checkout_hub.services import journal
from tests.hwp_bridge.conftest import TSHIRT, post_checkout

pytestmark = pytest.mark.django_db

BASE = "/wp-json/wc/store/v1"
CLIENT_SECRET = re.compile(r"_secret_[A-Za-z0-9]+")
STRIPE_AUTH = "Basic " + base64.b64encode(b"sk_test_hub_fake:").decode()


@pytest.fixture
def store(db):
    from django.core.management import call_command

    call_command("seed_store", verbosity=0)


def dump() -> str:
    rows = RequestLog.objects.all()
    return json.dumps(
        [{f.name: str(getattr(row, f.name)) for f in RequestLog._meta.fields} for row in rows],
        ensure_ascii=False,
    )


def assert_not_in_journal(*secrets: str) -> None:
    text = dump()
    for secret in secrets:
        assert secret and secret not in text, secret


# --- at the HTTP boundary ---
def test_batch_sub_request_headers_and_replies(client, store):
    token = client.get(f"{BASE}/cart").headers["Cart-Token"]
    nonce = client.get(f"{BASE}/cart").headers["Nonce"]
    sub = {
        "path": "/wc/store/v1/cart/add-item",
        "body": {"id": TSHIRT, "quantity": 1},
        "headers": {"Cart-Token": token, "Nonce": nonce, "Authorization": "Bearer abc.def"},
    }
    reply = client.post(
        f"{BASE}/batch", json.dumps({"requests": [sub]}), content_type="application/json"
    )
    assert reply.status_code == 207
    sub_token = reply.json()["responses"][0]["headers"]["Cart-Token"]
    sub_nonce = reply.json()["responses"][0]["headers"]["Nonce"]
    assert_not_in_journal(token, nonce, sub_token, sub_nonce, "abc.def")
    row = RequestLog.objects.get(path=f"{BASE}/batch")
    kept = json.loads(row.request_body)["requests"][0]
    assert kept["headers"]["Cart-Token"] == journal.REDACTED
    assert kept["body"] == {"id": TSHIRT, "quantity": 1}  # the rest stays readable


def test_hwp_cart_reply_tokens(client, store):
    reply = client.get("/wp-json/headlesswp/v1/store/wc/cart")
    assert reply.status_code == 200, reply.content
    tokens = reply.json()["meta"]["tokens"]
    assert_not_in_journal(tokens["cartToken"], tokens["nonce"], reply.headers["Cart-Token"])
    kept = json.loads(RequestLog.objects.get(path__endswith="/store/wc/cart").response_body)
    assert kept["meta"]["tokens"] == {"cartToken": journal.REDACTED, "nonce": journal.REDACTED}


def test_woo_3ds_redirect_url_keeps_no_client_secret(client, store):
    token = client.get(f"{BASE}/cart").headers["Cart-Token"]
    headers = {"HTTP_CART_TOKEN": token}
    client.post(
        f"{BASE}/cart/add-item",
        json.dumps({"id": TSHIRT, "quantity": 1}),
        content_type="application/json",
        **headers,
    )
    body = {
        "billing_address": {
            "first_name": "Ray",
            "last_name": "Stantz",
            "address_1": "1 Main St",
            "city": "New York",
            "state": "NY",
            "postcode": "10001",
            "country": "US",
            "email": "ray@example.com",
        },
        "payment_method": "stripe",
        "payment_data": [{"key": "stripe_source", "value": "pm_card_authenticationRequired"}],
    }
    reply = client.post(
        f"{BASE}/checkout", json.dumps(body), content_type="application/json", **headers
    )
    assert reply.status_code == 202, reply.content
    url = reply.json()["payment_result"]["redirect_url"]
    secret = CLIENT_SECRET.search(url)
    assert secret, url
    assert secret.group() not in dump()
    assert "/stripe/authenticate/" in RequestLog.objects.get(path=f"{BASE}/checkout").response_body


def test_stripe_fake_next_action_url_and_client_secret(client, db):
    reply = client.post(
        "/stripe/v1/payment_intents",
        "amount=2000&currency=usd&payment_method=pm_card_authenticationRequired"
        "&confirm=true&return_url=https://shop.example.com/back",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=STRIPE_AUTH,
    )
    assert reply.status_code == 200, reply.content
    intent = reply.json()
    assert intent["status"] == "requires_action"
    url = intent["next_action"]["redirect_to_url"]["url"]
    assert intent["client_secret"] in url
    assert_not_in_journal(intent["client_secret"], STRIPE_AUTH, "sk_test_hub_fake")
    kept = json.loads(RequestLog.objects.get().response_body)
    assert kept["id"] == intent["id"]  # the intent's id is no secret


def test_hwp_next_action_url_keeps_no_client_secret(client, store):
    nonce = client.get("/wp-json/headlesswp/v1/nonce").json()["data"]["nonce"]
    body = {
        "items": [{"productId": TSHIRT, "quantity": 1}],
        "strategy": "token_handoff",
        "paymentToken": "pm_card_authenticationRequired",
        "returnUrl": "https://shop.example.com/thanks",
        "billingAddress": {"email": "ray@example.com", "firstName": "Ray", "country": "US"},
    }
    reply = post_checkout(client, body, nonce=nonce)
    data = reply.json()["data"]
    assert data["status"] == "requires_action", data
    secret = CLIENT_SECRET.search(data["nextAction"]["url"])
    assert secret, data
    assert secret.group() not in dump()
    assert nonce not in dump()


# --- the redaction functions ---
def test_secret_keys_at_any_depth():
    data = {
        "a": [{"b": {"cartToken": "t1", "Cart-Token": "t2", "cart_token": "t3"}}],
        "client_secret": "pi_1_secret_2",
        "headers": {"X-WP-Nonce": "n", "Authorization": "Basic eA==", "Cookie": "c=1"},
        "user": {"password": "p", "card": {"number": "4242424242424242", "exp_year": 30}},
        "plain": "kept",
    }
    text = json.dumps(journal.redact_data(data))
    for secret in ("t1", "t2", "t3", "pi_1_secret_2", '"n"', "eA==", "c=1", '"p"', "4242", "30"):
        assert secret not in text, secret
    assert "kept" in text


def test_secret_shapes_in_any_text():
    text = (
        "key sk_test_4eC39HqLyjWDarjtT1zdp7dc and rk_live_abc123, "
        "see https://hub.example/stripe/authenticate/pi_3Ab/?client_secret=pi_3Ab_secret_XyZ&x=1 "
        "back https://shop.example/thanks?payment_intent=pi_3Ab"
        "&payment_intent_client_secret=opaque123&redirect_status=succeeded "
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl "
        "header Bearer abc.def-ghi card 4000 0566 5566 5556"
    )
    masked = journal.mask_text(text)
    for secret in (
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "rk_live_abc123",
        "pi_3Ab_secret_XyZ",
        "opaque123",
        "eyJhbGciOiJIUzI1NiJ9",
        "abc.def-ghi",
        "5556",
    ):
        assert secret not in masked, (secret, masked)
    assert "payment_intent=pi_3Ab" in masked and "redirect_status=succeeded" in masked


def test_redaction_walks_any_depth_without_recursion():
    deep: list = ["4242424242424242"]
    for _ in range(20_000):
        deep = [{"password": "x", "next": deep}]
    redacted = journal.redact_data(deep)
    node = redacted
    for _ in range(20_000):
        assert node[0]["password"] == journal.REDACTED
        node = node[0]["next"]
    assert node == [journal.REDACTED]


def test_deep_json_kept_as_text_is_still_redacted():
    raw = '{"requests": ' + "[" * 900 + '{"headers": {"Cart-Token": "eyJx.y.z", "n": 1}}'
    raw += "]" * 900 + ', "password": "hunter2"}'
    text = journal.redact_body(raw.encode(), "application/json")
    assert "eyJx.y.z" not in text and "hunter2" not in text
    assert "[" * 900 + "{" in text


def test_header_values_and_names_are_storable():
    headers = journal.redact_headers({"X-Odd\x00": "a\x00b\ud800", "Nonce": "n"})
    assert headers == {"X-Odd\\u0000": "a\\u0000b\\ud800", "Nonce": journal.REDACTED}


# --- the screen that lets a body with nothing secret skip the walk ---

PIECES = st.sampled_from(
    ["4242", "4242424242424242", "4242 4242 4242 4242", "sk_test_abc", "pi_1_secret_x", "eyJa.b.c",
     "Bearer x", "Basic y", "?client_secret=z", "&a=b", "password", "Card", "cvc", "nonce", "-",
     " ", "1", "x", "é", "_", "=", "4242-4242-4242-4242", "2026-12-01", "12 34", "378282246310005",
     "4242  4242", "Basics", "BasicAuth", "Bearer\t", "Basic\u00a0z"]
)  # fmt: skip
TEXT = st.lists(PIECES, max_size=6).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)


@hypothesis_settings(
    max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(JSON)
def test_a_body_the_screen_lets_through_is_one_the_walk_would_not_change(value):
    text = json.dumps(value, ensure_ascii=False)
    if journal._nothing_to_redact(text):
        walked = journal.redact_data(json.loads(text))
        assert walked == json.loads(text)


def test_a_reply_with_dates_skips_the_walk_but_a_card_between_dashes_does_not():
    assert journal._nothing_to_redact('{"status": "ok", "time": "2026-12-01T16:00:00.123Z"}')
    assert not journal._nothing_to_redact('{"note": "4242-4242-4242-4242"}')
    assert not journal._nothing_to_redact('{"note": "4242 4242 4242 4242"}')
    assert not journal._nothing_to_redact('{"note": 4242424242424242}')


def test_an_ordinary_cart_skips_the_walk_and_is_kept_as_sent():
    text = json.dumps({"items": [{"name": "Cap", "prices": {"price": "1600"}}], "total": "1600"})
    assert journal._nothing_to_redact(text)
    assert journal.redact_body(text.encode(), "application/json") == text


def test_the_screen_reads_text_with_other_characters_as_plain_text():
    """The screen reads the UTF-8 bytes: a reply with "€", "×" or a lone surrogate is screened
    as any other, and a card number beside them is still found."""
    assert journal._nothing_to_redact('{"name": "Caf\u00e9 \u00d7 2", "price": "\u20ac18"}')
    assert not journal._nothing_to_redact('{"note": "\u20ac 4242 4242 4242 4242 \u00d7"}')
    assert not journal._nothing_to_redact('{"note": "\u00e94242-4242-4242-4242\ud800"}')
    assert journal._nothing_to_redact('{"note": "\ud800 2026-12-01"}')


def test_a_secret_named_key_holding_a_literal_skips_the_walk_and_is_kept():
    """true, false and null hide nothing: the Store API's products carry
    "is_password_protected": false, and their list is kept as sent, unwalked."""
    for text in (
        '{"id": 1, "is_password_protected": false, "name": "Cap"}',
        '[{"is_password_protected":true},{"api_key":null,"token_count":false}]',
    ):
        assert journal._nothing_to_redact(text)
        assert journal.redact_body(text.encode(), "application/json") == text
    assert journal.redact_data({"password": False, "secret": None}) == {
        "password": False,
        "secret": None,
    }


def test_a_secret_word_anywhere_else_still_sends_the_reply_through_the_walk():
    for text in (
        '{"password": "hunter2"}',
        '{"password": 4242}',
        '{"note": "my password", "ok": true}',
        '{"x": "\\"password\\": true"}',  # a string holding a key-like pair
        '{"is_password_protected": false, "password": "hunter2"}',
        '{"cart_to\u212aen": "abc"}',  # the Kelvin sign lowers to "k": "cart_token"
    ):
        assert not journal._nothing_to_redact(text), text
    redacted = json.loads(journal.redact_body(b'{"password": "hunter2", "a": true}', "json"))
    assert redacted == {"password": journal.REDACTED, "a": True}


def _masked_unscreened(text: str) -> str:
    """journal._mask's steps, without its MAYBE_SECRET screen."""
    text = journal.mask_card_numbers(text)
    text = journal.SECRET_SHAPES.sub(journal.REDACTED, text)
    return journal.URL_PARAM.sub(
        lambda m: (
            f"{m.group(1)}={journal.REDACTED}" if journal.is_secret_key(m.group(1)) else m.group()
        ),
        text,
    )


@hypothesis_settings(max_examples=400, derandomize=True)
@given(TEXT)
def test_text_the_mask_screen_lets_through_is_text_masking_would_not_change(text):
    """Text without 13 digits in a run (a card), a key's or client secret's mark, a JWT's or
    a credential's start, or "=" is left unsearched: none of the masks would change it."""
    if not journal.MAYBE_SECRET.search(text):
        assert _masked_unscreened(text) == text
    assert journal.mask_text(text) == _masked_unscreened(text)


def test_a_word_that_only_starts_like_a_credential_skips_the_walk():
    assert journal._nothing_to_redact('{"brands": [{"name": "Hub Basics"}], "x": "BasicAuth"}')
    for text in ('{"a": "Basic dXNlcg=="}', '{"a": "Bearer\\tabc"}', '{"a": "Basic\u00a0abc"}'):
        assert not journal._nothing_to_redact(text), text
