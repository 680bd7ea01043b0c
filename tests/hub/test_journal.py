"""The request journal: one row per API request, nothing secret in it, bounded in size."""

import json

import pytest
from django.test import override_settings

from checkout_hub.models import RequestLog
from checkout_hub.services import journal

pytestmark = pytest.mark.django_db

CARD = "4242 4242 4242 4242"
SECRETS = [
    "Bearer sk_test_abc123",
    "nonce-value-1234",
    "wp-nonce-5678",
    "sig-base64-xyz==",
    "sessionid=cookie-secret",
    "eyJhbGciOiJIUzI1NiJ9.cart.token",
    "hunter2-password",
    "consumer-secret-987",
    "4242424242424242",
    CARD,
    # The CVC "314" is checked in its context below: three digits alone can turn up in any
    # random id or timestamp of the row (a rare flake when it was a bare substring here).
    '"cvc": "314"',
    "card[cvc]=314",
    "card%5Bcvc%5D=314",
]


def all_text(row: RequestLog) -> str:
    return json.dumps(
        {f.name: str(getattr(row, f.name)) for f in RequestLog._meta.fields}, ensure_ascii=False
    )


def test_one_row_per_api_request_with_its_facts(client):
    client.get("/__hub/health", headers={"X-Correlation-Id": "corr-123"})
    row = RequestLog.objects.get()
    assert (row.vendor, row.method, row.path, row.status) == ("hub", "GET", "/__hub/health", 200)
    assert row.correlation_id == "corr-123"
    assert row.duration_ms > 0
    assert json.loads(row.response_body)["status"] == "ok"


def test_pages_and_admin_are_not_journaled(client):
    client.get("/")
    client.get("/admin/login/")
    assert not RequestLog.objects.exists()


def test_unknown_vendor_paths_are_journaled_by_prefix(client):
    client.post("/wp-json/cocart/v2/nowhere", {}, content_type="application/json")
    row = RequestLog.objects.get()
    assert (row.vendor, row.status) == ("cocart", 404)


def test_no_secret_reaches_the_table(client):
    body = {
        "scenario": "server_error",
        "note": f"card {CARD} in a note",
        "password": "hunter2-password",
        "customer_password": "hunter2-password",
        "payment_data": [{"key": "card_number", "value": "4242424242424242"}],
        "card": {"number": "4242424242424242", "cvc": "314", "exp_month": 12},
    }
    client.post(
        "/__hub/scenarios?consumer_secret=consumer-secret-987&page=2",
        json.dumps(body),
        content_type="application/json",
        headers={
            "Authorization": "Bearer sk_test_abc123",
            "Nonce": "nonce-value-1234",
            "X-WP-Nonce": "wp-nonce-5678",
            "X-Signature": "sig-base64-xyz==",
            "Cookie": "sessionid=cookie-secret",
            "Cart-Token": "eyJhbGciOiJIUzI1NiJ9.cart.token",
        },
    )
    client.post(
        "/stripe/v1/payment_intents",
        "amount=2000&card[number]=4242424242424242&card[cvc]=314",
        content_type="application/x-www-form-urlencoded",
    )
    rows = list(RequestLog.objects.all())
    assert len(rows) == 2
    for row in rows:
        text = all_text(row)
        for secret in SECRETS:
            assert secret not in text, (secret, text)
    first = RequestLog.objects.get(path="/__hub/scenarios")
    assert first.request_headers["Authorization"] == journal.REDACTED
    assert "page=2" in first.query
    kept = json.loads(first.request_body)
    assert kept["scenario"] == "server_error"  # what is not secret stays readable
    assert kept["card"]["exp_month"] == journal.REDACTED


def test_card_numbers_need_the_luhn_check():
    assert journal.mask_card_numbers("order 4242424242424241 ref") == "order 4242424242424241 ref"
    assert journal.mask_card_numbers("pan 4000 0566 5566 5556.") == f"pan {journal.REDACTED}."


@override_settings(HUB_JOURNAL_MAX_BODY_BYTES=50)
def test_bodies_are_cut_to_size():
    text = journal.redact_body(b"x" * 500, "text/plain")
    assert text.startswith("x" * 50) and "450 more characters" in text


def test_prune_keeps_the_newest_rows():
    assert journal.prune(max_rows=10) == 0  # an empty journal
    for i in range(30):
        RequestLog.objects.create(method="GET", path=f"/p/{i}", status=200, duration_ms=1)
    assert journal.prune(max_rows=10) == 20
    assert [r.path for r in RequestLog.objects.all()][:2] == ["/p/29", "/p/28"]
    assert RequestLog.objects.count() == 10
    assert journal.prune(max_rows=10) == 0


@override_settings(HUB_JOURNAL_MAX_ROWS=5)
def test_the_table_stays_bounded_while_requests_arrive(client, monkeypatch):
    monkeypatch.setattr(journal, "PRUNE_EVERY", 4)
    for _ in range(20):
        client.get("/__hub/health")
    assert RequestLog.objects.count() <= 5 + 4


def test_one_insert_per_request(client, django_assert_num_queries):
    client.get("/__hub/health")  # warm the scenario-rule cache
    # SELECT 1 (health) + the journal INSERT; nothing else.
    with django_assert_num_queries(2):
        client.get("/__hub/health")


def test_header_pairs_are_the_headers_django_names(rf):
    """The journal reads a request's headers from its environ and a reply's from its store;
    both come out as `request.headers` and `response.headers` name them."""
    from django.http import HttpResponse

    request = rf.post(
        "/wp-json/wc/store/v1/cart",
        data="{}",
        content_type="application/json",
        HTTP_CART_TOKEN="eyJ.a.b",
        HTTP_X_WP_NONCE="n",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    pairs = journal.request_header_items(request.META)
    assert dict(pairs) == dict(request.headers)
    assert {"Cart-Token", "X-Wp-Nonce", "Content-Type", "Content-Length"} <= dict(pairs).keys()
    assert journal.request_header_items({"HTTP_HOST": "h", "wsgi.input": None}) == (("Host", "h"),)
    assert journal.request_header_items({"REMOTE_ADDR": "127.0.0.1"}) == ()
    # The same keys again, other values: the values are this request's.
    again = {**request.META, "HTTP_CART_TOKEN": "eyJ.c.d"}
    assert dict(journal.request_header_items(again))["Cart-Token"] == "eyJ.c.d"

    response = HttpResponse(b"{}", content_type="application/json")
    response["vary"] = "Accept"
    response["X-WP-Total"] = "3"
    assert journal.response_header_items(response) == tuple(response.headers.items())
    assert dict(journal.response_header_items(response))["vary"] == "Accept"


def test_a_new_correlation_id_is_a_version_4_uuid():
    import uuid

    from checkout_hub.middleware import new_correlation_id

    ids = {new_correlation_id() for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == value
