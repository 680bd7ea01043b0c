"""API Key request signing with a real RSA key pair: valid, wrong key, tampered body, stale and
future timestamps, the signed path, and the canonical string exactly as reference §2.1."""

import base64
import datetime as dt
import hashlib

import pytest

from checkout_hub import clock
from pancake import keys

from .conftest import CREATE, compact, error_of, signed_headers


def body_for(shop):
    return compact({"productId": shop.onetime.short_id, "currency": "USD"})


def test_canonical_string_is_four_lines(shop):
    body = b'{"a":1}'
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert keys.canonical("POST", "/v1/graphql", "1705312200", body) == (
        f"POST\n/v1/graphql\n1705312200\n{digest}".encode()
    )
    assert keys.body_hash(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def test_valid_signature(api, shop):
    assert api.signed(CREATE, None, raw=body_for(shop)).status_code == 200


def test_wrong_key(api, shop, other_key_pair):
    reply = api.signed(CREATE, None, raw=body_for(shop), private_key=other_key_pair[0])
    assert error_of(reply) == (401, "Unauthorized", "user")


def test_tampered_body(client, shop):
    body = body_for(shop)
    headers = signed_headers(shop.merchant.short_id, shop.private_key, CREATE, body)
    tampered = body.replace(b"USD", b"EUR")
    reply = client.post(CREATE, tampered, content_type="application/json", **headers)
    assert error_of(reply)[:2] == (401, "Unauthorized")


def test_signature_over_another_path(client, shop):
    body = body_for(shop)
    headers = signed_headers(shop.merchant.short_id, shop.private_key, "/v1/graphql", body)
    reply = client.post(CREATE, body, content_type="application/json", **headers)
    assert error_of(reply)[:2] == (401, "Unauthorized")


@pytest.mark.parametrize("offset, ok", [(-290, True), (-301, False), (59, True), (61, False)])
def test_timestamp_window(api, shop, offset, ok):
    # The hub's clock stands still: on a slow machine a second could tick between signing and
    # checking, and 61 s ahead would read as 60.
    with clock.frozen(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)):
        stamp = clock.timestamp() + offset
        reply = api.signed(CREATE, None, raw=body_for(shop), timestamp=stamp)
    assert (reply.status_code == 200) is ok, reply.json()
    if not ok:
        assert error_of(reply)[:2] == (401, "Unauthorized")


def test_millisecond_timestamps_are_accepted(api, shop):
    reply = api.signed(CREATE, None, raw=body_for(shop), timestamp=clock.timestamp() * 1000)
    assert reply.status_code == 200


def test_same_timestamp_twice_is_not_a_replay(api, shop):
    # authenticated.create signs two requests in parallel with one X-Timestamp (reference §2.1)
    stamp = clock.timestamp()
    assert api.signed(CREATE, None, raw=body_for(shop), timestamp=stamp).status_code == 200
    assert api.signed(CREATE, None, raw=body_for(shop), timestamp=stamp).status_code == 200


def test_garbage_signature_and_timestamp(client, shop):
    body = body_for(shop)
    for headers in (
        {"HTTP_X_MERCHANT_ID": shop.merchant.short_id},
        {
            "HTTP_X_MERCHANT_ID": shop.merchant.short_id,
            "HTTP_X_TIMESTAMP": "soon",
            "HTTP_X_SIGNATURE": "abc",
        },
        {
            "HTTP_X_MERCHANT_ID": shop.merchant.short_id,
            "HTTP_X_TIMESTAMP": str(clock.timestamp()),
            "HTTP_X_SIGNATURE": "not base64!!",
        },
    ):
        reply = client.post(CREATE, body, content_type="application/json", **headers)
        assert error_of(reply)[:2] == (401, "Unauthorized")


def test_inactive_key_no_longer_verifies(api, shop):
    shop.merchant.keys.update(active=False)
    assert error_of(api.signed(CREATE, None, raw=body_for(shop)))[:2] == (401, "Unauthorized")


def test_private_key_forms_the_sdk_accepts():
    private, public = keys.generate()
    message = b"hello"
    escaped = private.replace("\n", "\\n")
    crlf = private.replace("\n", "\r\n")
    der = "".join(line for line in private.splitlines() if not line.startswith("-----"))
    for form in (private, escaped, crlf, der):
        assert keys.verify(public, message, keys.sign(form, message))


def test_webhook_signature_round_trip():
    private, public = keys.generate()
    header = keys.webhook_signature(private, 1700000000000, '{"a":1}')
    assert header.startswith("t=1700000000000,v1=")
    assert keys.verify_webhook(public, header, '{"a":1}')
    assert not keys.verify_webhook(public, header, '{"a":2}')
