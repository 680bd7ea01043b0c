"""Idempotency-Key on checkout-session: the first reply is replayed for the same key and body
(one order, however often the client retries); another body, or a first request still
running, is 409 IDEMPOTENCY_KEY_REUSE_CONFLICT. Validation failures and server errors give
the key back."""

import pytest

from checkout_hub.models import Coupon, IdempotencyRecord, Order, Product
from checkout_hub.services import idempotency
from hwp_bridge.views.checkout import idempotency_scope, request_fingerprint
from tests.factories import UserFactory
from tests.hwp_bridge.conftest import (
    BASE,
    BELT,
    TSHIRT,
    assert_error,
    assert_ok,
    field_errors,
    post_checkout,
)

ITEMS = {"items": [{"productId": TSHIRT, "quantity": 1}]}
KEY = "order-attempt-7f3a"


def post(client, nonce, body=ITEMS, key=KEY, **kwargs):
    return post_checkout(client, body, nonce=nonce, HTTP_IDEMPOTENCY_KEY=key, **kwargs)


def test_same_key_same_body_replays_the_first_reply(client, store, nonce):
    first = post(client, nonce)
    data = assert_ok(first)
    second = post(client, nonce, HTTP_X_CORRELATION_ID="retry-1")
    assert (second.status_code, second.json()) == (200, first.json())
    assert second["Idempotent-Replayed"] == "true"
    # The replay is the first reply: its meta and its X-Correlation-Id.
    assert second["X-Correlation-Id"] == first["X-Correlation-Id"]
    assert "Idempotent-Replayed" not in first
    assert list(Order.objects.values_list("pk", flat=True)) == [int(data["orderId"])]


def test_key_order_in_the_body_does_not_matter(client, store, nonce):
    body = {"items": [{"quantity": 1, "productId": TSHIRT}], "notes": "n"}
    assert_ok(post(client, nonce, body))
    same = {"notes": "n", "items": [{"productId": TSHIRT, "quantity": 1}]}
    assert post(client, nonce, same)["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_same_key_other_body_is_a_conflict(client, store, nonce):
    assert_ok(post(client, nonce))
    reply = post(client, nonce, {"items": [{"productId": TSHIRT, "quantity": 2}]})
    assert assert_error(reply, 409, "IDEMPOTENCY_KEY_REUSE_CONFLICT") == {"reason": "mismatch"}
    assert "different parameters" in reply.json()["error"]["message"]
    assert Order.objects.count() == 1


def test_same_key_other_attribution_is_a_conflict(client, store, nonce):
    assert_ok(post(client, nonce, query="ref=aff1"))
    reply = post(client, nonce, query="ref=aff2")
    assert_error(reply, 409, "IDEMPOTENCY_KEY_REUSE_CONFLICT")


def test_a_key_still_running_is_a_conflict(client, store, nonce):
    fingerprint = request_fingerprint({}, ITEMS)
    assert idempotency.begin(idempotency_scope(None), KEY, fingerprint) is None
    reply = post(client, nonce)
    assert assert_error(reply, 409, "IDEMPOTENCY_KEY_REUSE_CONFLICT") == {"reason": "in_progress"}
    assert reply.json()["error"]["message"] == (
        "A request with this idempotency key is still being processed."
    )
    assert not Order.objects.exists()


def test_keys_belong_to_their_user(client, store, nonce):
    assert_ok(post(client, nonce))
    client.force_login(UserFactory())
    user_nonce = client.get(f"{BASE}/nonce").json()["data"]["nonce"]
    assert "Idempotent-Replayed" not in post(client, user_nonce)
    assert Order.objects.count() == 2


def test_without_a_key_every_request_is_new(client, store, nonce):
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))
    assert_ok(post_checkout(client, ITEMS, nonce=nonce))
    assert Order.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_checkout_failure_is_replayed(client, store, nonce):
    body = {"items": [{"productId": BELT, "quantity": 1}]}
    first = post(client, nonce, body)
    assert_error(first, 409, "CHECKOUT_FAILED")
    Product.objects.filter(pk=BELT).update(stock_quantity=5, stock_status="instock")
    second = post(client, nonce, body)
    assert (second.status_code, second.json()) == (409, first.json())
    assert not Order.objects.exists()


def test_a_gateway_failure_is_replayed_without_a_second_order(client, store, nonce):
    body = {**ITEMS, "paymentToken": "pm_card_visa", "returnUrl": "https://shop.test/done"}
    first = post(client, nonce, body, HTTP_X_HUB_SCENARIO="payment_failed")
    assert_error(first, 502, "CHECKOUT_FAILED")
    second = post(client, nonce, body)  # the gateway is fine now: still the first reply
    assert (second.status_code, second.json()) == (502, first.json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.get().status == Order.Status.FAILED


def test_a_validation_failure_gives_the_key_back(client, store, nonce):
    body = {**ITEMS, "couponCode": "later"}
    assert list(field_errors(post(client, nonce, body))) == ["couponCode"]
    Coupon.objects.create(code="later", discount_type=Coupon.DiscountType.PERCENT, amount=5)
    assert_ok(post(client, nonce, body))


def test_a_server_error_gives_the_key_back(client, store, nonce, monkeypatch):
    from hwp_bridge import bridge

    real = bridge.create_order
    monkeypatch.setattr(bridge, "create_order", lambda *a, **k: 1 / 0)
    assert_error(post(client, nonce), 500, "INTERNAL_ERROR")
    monkeypatch.setattr(bridge, "create_order", real)
    assert_ok(post(client, nonce))
    assert Order.objects.count() == 1


def test_checks_before_the_key_leave_it_unclaimed(client, store, nonce):
    assert_error(post(client, "", ITEMS), 403, "CSRF_FAILED")
    assert field_errors(post(client, nonce, {"items": []}))
    assert not IdempotencyRecord.objects.exists()


def test_a_key_too_long(client, store, nonce):
    reply = post(client, nonce, key="k" * 256)
    assert field_errors(reply) == {
        "Idempotency-Key": ["Ensure this header has no more than 255 characters."]
    }


@pytest.mark.parametrize("header", ["HTTP_IDEMPOTENCY_KEY", "HTTP_X_IDEMPOTENCY_KEY"])
def test_both_header_spellings(client, store, nonce, header):
    assert_ok(post_checkout(client, ITEMS, nonce=nonce, **{header: "k1"}))
    replay = post_checkout(client, ITEMS, nonce=nonce, **{header: "k1"})
    assert replay["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
