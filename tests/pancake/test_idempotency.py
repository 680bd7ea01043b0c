"""X-Idempotency-Key on create-session (reference §3): a 2xx replayed for 24 h, the key alone
is the identity, 409 while in flight, malformed keys 400, non-2xx replies not kept."""

import pytest

from checkout_hub import clock
from checkout_hub.models import CheckoutSession, IdempotencyRecord

from .conftest import CREATE, error_of


def test_replay_returns_the_first_reply(api, shop):
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    first = api.signed(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="order-42")
    again = api.signed(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="order-42")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert CheckoutSession.objects.count() == 1


def test_key_alone_is_the_identity(api, shop):
    first = api.signed(
        CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, HTTP_X_IDEMPOTENCY_KEY="k1"
    )
    other = api.signed(
        CREATE, {"productId": shop.onetime.short_id, "currency": "EUR"}, HTTP_X_IDEMPOTENCY_KEY="k1"
    )
    assert other.json() == first.json()


def test_shared_across_credentials(api, shop):
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    first = api.signed(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="shared")
    assert api.slug(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="shared").json() == first.json()


def test_expires_after_24_hours(api, shop):
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    first = api.signed(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="day")
    clock.advance(24 * 3600 + 1)
    later = api.signed(CREATE, body, HTTP_X_IDEMPOTENCY_KEY="day")
    assert later.status_code == 200 and later.json() != first.json()


def test_failed_request_does_not_keep_the_key(api, shop):
    bad = api.signed(CREATE, {"productId": shop.onetime.short_id}, HTTP_X_IDEMPOTENCY_KEY="retry")
    assert bad.status_code == 400
    good = api.signed(
        CREATE,
        {"productId": shop.onetime.short_id, "currency": "USD"},
        HTTP_X_IDEMPOTENCY_KEY="retry",
    )
    assert good.status_code == 200


def test_in_flight_is_409(api, shop):
    IdempotencyRecord.objects.create(scope="pancake", key="busy", fingerprint="key-only")
    reply = api.signed(
        CREATE,
        {"productId": shop.onetime.short_id, "currency": "USD"},
        HTTP_X_IDEMPOTENCY_KEY="busy",
    )
    assert error_of(reply)[0] == 409


@pytest.mark.parametrize("key", ["has space", "a" * 257, "ünï", "semi;colon", "   "])
def test_malformed_key_is_400(api, shop, key):
    reply = api.signed(
        CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, HTTP_X_IDEMPOTENCY_KEY=key
    )
    assert error_of(reply)[0] == 400
