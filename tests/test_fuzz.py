"""Fuzz every write route of every vendor with generated bodies: deep nesting, control
characters, NUL, lone surrogates, huge strings, extreme numbers, secrets in odd places.

No reply may be a 5xx, every reply is the vendor's own envelope, and after each route's run
the journal holds no Cart-Token, nonce, client secret, Authorization value, password or card
number. Examples are few per route (settings below) so the whole file runs in well under a
minute.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkout_hub.models import RequestLog

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
    database=None,
)

WOO = "/wp-json/wc/store/v1"
HWP = "/wp-json/headlesswp/v1"
STRIPE_KEY = "sk_test_hub_fake"
STRIPE_AUTH = "Basic " + base64.b64encode(f"{STRIPE_KEY}:".encode()).decode()

# Secrets the bodies carry; none may reach the journal.
PASSWORD = "hunter2-fuzz-password"
CARD = "4242424242424242"
CLIENT_SECRET = "pi_3Fuzz_secret_Fuzz0123"
SECRET_VALUES = [
    CARD,
    int(CARD),
    "4000 0566 5566 5556",
    CLIENT_SECRET,
    "sk_test_fuzzkey123",
    "rk_live_x9",
]
SECRET_KEYS = ["password", "customer_password", "cartToken", "cart_token", "Cart-Token", "nonce"]

# --- strategies ---
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # anything encodable
        st.sampled_from(["\x00", "\x01", "\x1f", "\x7f", "\ud800", "\udfff", "\ufeff", "\u2028"]),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
    ),
    max_size=40,
)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30, 1e308, -1e-308]),
)
HUGE = st.integers(min_value=10_000, max_value=30_000).map(lambda n: "x" * n)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.sampled_from(SECRET_VALUES), HUGE)
KEYS = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "id",
            "key",
            "quantity",
            "code",
            "variation",
            "attribute",
            "value",
            "billing_address",
            "shipping_address",
            "first_name",
            "last_name",
            "email",
            "phone",
            "address_1",
            "country",
            "postcode",
            "payment_method",
            "payment_data",
            "customer_note",
            "package_id",
            "rate_id",
            "items",
            "productId",
            "couponCode",
            "notes",
            "billingAddress",
            "strategy",
            "paymentToken",
            "requests",
            "path",
            "body",
            "headers",
            "method",
        ]
    ),
)


def secret_pair():
    return st.tuples(st.sampled_from(SECRET_KEYS), st.just(PASSWORD))


JSON = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(KEYS, children, max_size=5),
        st.builds(
            lambda d, pair: {**d, pair[0]: pair[1]},
            st.dictionaries(KEYS, children, max_size=3),
            secret_pair(),
        ),
    ),
    max_leaves=20,
)


def deep(n: int, kind: str) -> str:
    return ("[" * n + "]" * n) if kind == "list" else ('{"a":' * n + "1" + "}" * n)


RAW = st.one_of(
    st.builds(deep, st.integers(min_value=300, max_value=5000), st.sampled_from(["list", "dict"])),
    st.sampled_from(
        [
            '{"id": 1e999999}',
            '{"id": -' + "9" * 5000 + "}",
            '{"quantity": NaN}',
            '{"a": "\\ud800"}',
            '{"a": "\\udc00\\ud800"}',
            '{"a": "x\\u0000y"}',
            '{"billing_address": {"first_name": "\\u0000"}}',
            "\ufeff{}",
            "",
            "{",
            "[]",
            "null",
        ]
    ),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


def serialise(value) -> str:
    # ensure_ascii: lone surrogates go out as \\udXXX escapes (a client's JSON.stringify does).
    return json.dumps(value)


BODIES = st.one_of(JSON.map(serialise), RAW)


def route_shaped(route: str):
    """Bodies shaped like the route's own, with fuzzed values, so more of each view runs."""
    shapes = {
        "cart/add-item": {"id": 1, "quantity": 1},
        "cart/update-item": {"key": "c4ca4238a0b923820dcc509a6f75849b", "quantity": 2},
        "cart/remove-item": {"key": "c4ca4238a0b923820dcc509a6f75849b"},
        "cart/apply-coupon": {"code": "10off"},
        "cart/remove-coupon": {"code": "10off"},
        "cart/update-customer": {"billing_address": {"first_name": "Ray", "country": "US"}},
        "cart/select-shipping-rate": {"package_id": 0, "rate_id": "flat_rate:3"},
        "checkout": {"billing_address": {"email": "ray@example.com"}, "payment_method": "cod"},
        "batch": {"requests": [{"path": "/wc/store/v1/cart/add-item", "body": {"id": 1}}]},
        "store/checkout-session": {"items": [{"productId": 1, "quantity": 1}]},
    }
    base = shapes[route]

    def fill(template, values):
        out = json.loads(json.dumps(template))
        nodes = [out]
        i = 0
        while nodes:
            node = nodes.pop()
            for key in list(node) if isinstance(node, dict) else range(len(node)):
                child = node[key]
                if isinstance(child, dict | list):
                    nodes.append(child)
                elif values:
                    node[key] = values[i % len(values)]
                    i += 1
        return out

    return st.lists(JSON, min_size=1, max_size=4).map(lambda values: serialise(fill(base, values)))


# --- the journal check ---
SHAPES = re.compile(r"_secret_[A-Za-z0-9]|sk_test_|rk_live_|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.")


def assert_journal_keeps_no_secret(*secrets: str) -> None:
    rows = list(RequestLog.objects.all())
    assert rows, "the journal wrote no rows"
    dump = json.dumps(
        [{f.name: str(getattr(r, f.name)) for f in RequestLog._meta.fields} for r in rows],
        ensure_ascii=False,
    )
    for secret in (PASSWORD, STRIPE_KEY, STRIPE_AUTH.split()[1], *secrets):
        assert secret not in dump, secret
    assert not SHAPES.search(dump), SHAPES.search(dump)
    for card in ("4242424242424242", "4000 0566 5566 5556", "4000056655665556"):
        assert card not in dump, card


def sent_secrets(reply) -> set[str]:
    """The session secrets a reply handed out (its headers, HWP's meta.tokens)."""
    found = {reply.headers.get(name, "") for name in ("Cart-Token", "Nonce", "X-WP-Nonce")}
    return {value for value in found if len(value) >= 8}


# --- Store API ---
WOO_ROUTES = [
    "cart/add-item",
    "cart/update-item",
    "cart/remove-item",
    "cart/apply-coupon",
    "cart/remove-coupon",
    "cart/update-customer",
    "cart/select-shipping-rate",
    "checkout",
    "batch",
]


def assert_woo(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    assert reply["Content-Type"].startswith("application/json"), reply.content[:300]
    body = reply.json()
    if reply.status_code >= 400:
        assert {"code", "message", "data"} <= set(body), body
        assert body["data"]["status"] == reply.status_code


@pytest.fixture
def store(db):
    from django.core.management import call_command

    call_command("seed_store", verbosity=0)


@pytest.mark.parametrize("route", WOO_ROUTES)
def test_store_api_writes(client, store, route):
    first = client.get(f"{WOO}/cart")
    token = first.headers["Cart-Token"]
    secrets = sent_secrets(first)

    @FUZZ
    @given(body=st.one_of(BODIES, route_shaped(route)))
    def run(body):
        reply = client.post(
            f"{WOO}/{route}",
            body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            HTTP_CART_TOKEN=token,
            HTTP_AUTHORIZATION="Bearer fuzz-auth-value",
        )
        assert_woo(reply)
        secrets.update(sent_secrets(reply))
        if route == "batch" and reply.status_code == 207:
            for sub in reply.json()["responses"]:
                secrets.update(v for k, v in sub["headers"].items() if k in ("Cart-Token", "Nonce"))

    run()
    assert_journal_keeps_no_secret(token, "fuzz-auth-value", *secrets)


# --- HWP bridge ---
def assert_hwp(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    body = reply.json()
    assert set(body) in ({"data", "meta"}, {"error", "meta"}), body
    assert reply["X-Correlation-Id"] == body["meta"]["correlationId"]
    if "error" in body:
        assert set(body["error"]) == {"code", "message", "details"}


def test_hwp_checkout_session(client, store):
    nonce = client.get(f"{HWP}/nonce").json()["data"]["nonce"]

    @FUZZ
    @given(body=st.one_of(BODIES, route_shaped("store/checkout-session")))
    def run(body):
        reply = client.post(
            f"{HWP}/store/checkout-session",
            body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            HTTP_X_WP_NONCE=nonce,
            HTTP_AUTHORIZATION="Bearer fuzz-auth-value",
        )
        assert_hwp(reply)

    run()
    assert_journal_keeps_no_secret(nonce, "fuzz-auth-value")


# --- the Stripe fake, form-encoded ---
STRIPE_PARAMS = [
    "amount",
    "currency",
    "payment_method",
    "confirm",
    "return_url",
    "capture_method",
    "metadata[order]",
    "card[number]",
    "card[cvc]",
    "client_secret",
    "expand[]",
    "payment_intent",
    "reason",
    "type",
    "amount_to_capture",
    "cancellation_reason",
]
FORM_VALUES = st.one_of(
    st.binary(max_size=30),
    st.sampled_from([b"pm_card_visa", b"2000", b"usd", b"true", CARD.encode(), b"-1", b"1e99"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: str(n).encode()),
)
FORM_KEYS = st.one_of(
    st.sampled_from([p.encode() for p in STRIPE_PARAMS]), st.binary(min_size=1, max_size=12)
)
FORMS = st.lists(st.tuples(FORM_KEYS, FORM_VALUES), max_size=8).map(
    lambda pairs: "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
)


def assert_stripe(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    body = reply.json()
    if reply.status_code >= 400:
        assert body["error"]["type"] and body["error"]["message"], body


@pytest.mark.parametrize(
    "route",
    [
        "payment_intents",
        "payment_intents/{pi}",
        "payment_intents/{pi}/confirm",
        "payment_intents/{pi}/cancel",
        "payment_intents/{pi}/capture",
        "payment_methods",
        "refunds",
    ],
)
def test_stripe_fake_posts(client, db, route):
    created = client.post(
        "/stripe/v1/payment_intents",
        "amount=2000&currency=usd&payment_method=pm_card_visa&capture_method=manual",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=STRIPE_AUTH,
    ).json()
    path = "/stripe/v1/" + route.format(pi=created["id"])
    secrets = {created["client_secret"]}

    @FUZZ
    @given(form=FORMS)
    def run(form):
        reply = client.post(
            path,
            form,
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=STRIPE_AUTH,
        )
        assert_stripe(reply)
        body = reply.json()
        if isinstance(body.get("client_secret"), str):
            secrets.add(body["client_secret"])

    run()
    assert_journal_keeps_no_secret(*secrets)
