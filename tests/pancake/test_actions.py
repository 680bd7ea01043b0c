"""Store webhook actions and the order actions (cancel, subscription cancel/reactivate)."""

import pytest

from checkout_hub.models import Order, WebhookDelivery, WebhookEndpoint
from pancake.models import PancakeOrder

from .conftest import error_of
from .test_hosted_page import US, page, pay

ADD, UPDATE, REMOVE = (f"/v1/actions/store/{a}-webhook" for a in ("add", "update", "remove"))
CANCEL = "/v1/actions/onetime-order/cancel-order"
SUB_CANCEL = "/v1/actions/subscription-order/cancel-order"
REACTIVATE = "/v1/actions/subscription-order/reactivate-order"


def test_webhook_add_update_remove(api, shop):
    reply = api.signed(
        ADD,
        {
            "storeId": shop.store.short_id,
            "channel": "http",
            "url": "https://merchant.example/hook",
            "events": ["order.completed"],
            "testMode": True,
        },
    )
    assert reply.status_code == 200, reply.json()
    hook = reply.json()["data"]["webhook"]
    assert hook["url"] == "https://merchant.example/hook" and hook["events"] == ["order.completed"]
    endpoint = WebhookEndpoint.objects.get(public_id=hook["id"])
    assert endpoint.signing == "pancake_rsa" and endpoint.owner == shop.store.short_id

    reply = api.signed(UPDATE, {"id": hook["id"], "url": "https://merchant.example/v2"})
    assert reply.json()["data"]["webhook"]["url"] == "https://merchant.example/v2"
    reply = api.signed(REMOVE, {"id": hook["id"]})
    assert reply.status_code == 200
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert error_of(api.signed(UPDATE, {"id": hook["id"], "url": "https://x.example"}))[0] == 404


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "http", "url": "https://x.example"},
        {"storeId": "STO_" + "0" * 22, "channel": "http", "url": "https://x.example"},
        {"storeId": None, "channel": "fax", "url": "https://x.example"},
        {"storeId": None, "channel": "http", "url": "ftp://x.example"},
        {"storeId": None, "channel": "http", "url": "https://x.example", "events": ["nope"]},
    ],
)
def test_add_webhook_errors(api, shop, body):
    if "storeId" in body and body["storeId"] is None:
        body = {**body, "storeId": shop.store.short_id}
    status, message, _ = error_of(api.signed(ADD, body))
    assert status in (400, 404) and message


def test_webhook_actions_need_an_api_key(api, shop):
    reply = api.slug(ADD, {"storeId": shop.store.short_id})
    assert error_of(reply) == (401, "Unauthorized", "user")


def test_at_most_20_webhooks(api, shop):
    for n in range(20):
        WebhookEndpoint.objects.create(
            vendor="pancake", owner=shop.store.short_id, url=f"https://x.example/{n}"
        )
    reply = api.signed(
        ADD, {"storeId": shop.store.short_id, "channel": "http", "url": "https://x.example/21"}
    )
    assert error_of(reply)[0] == 400


def _pending_order(client, api, declined=True, **fields):
    session = api.session(**fields)
    client.post(
        page(session), {**US, "email": "buyer@example.com", "card": "pm_card_chargeDeclined"}
    )
    return PancakeOrder.objects.get()


def test_customer_cancels_a_pending_onetime_order(client, api, shop):
    order = _pending_order(client, api)
    token = api.token("buyer@example.com")
    reply = api.bearer(CANCEL, {"orderId": order.short_id}, token)
    assert reply.status_code == 200, reply.json()
    assert reply.json() == {"data": {"orderId": order.short_id, "status": "canceled"}}
    order.refresh_from_db()
    assert order.order.status == Order.Status.CANCELLED
    assert order.session.status == "cancelled"
    assert error_of(api.bearer(CANCEL, {"orderId": order.short_id}, token))[0] == 400


def test_cancel_belongs_to_the_buyer(client, api, shop):
    order = _pending_order(client, api)
    token = api.token("someone-else@example.com")
    reply = api.bearer(CANCEL, {"orderId": order.short_id}, token)
    assert error_of(reply)[:2] == (403, "Order does not belong to this credential")
    assert error_of(api.bearer(CANCEL, {"orderId": "ORD_x"}, token))[0] == 400
    assert error_of(api.bearer(CANCEL, {"orderId": "ORD_" + "1" * 22}, token))[0] == 404


def test_completed_order_cannot_be_canceled(client, api, django_capture_on_commit_callbacks):
    session = api.session()
    pay(client, page(session), django_capture_on_commit_callbacks, email="buyer@example.com")
    order = PancakeOrder.objects.get()
    reply = api.signed(CANCEL, {"orderId": order.short_id})
    assert error_of(reply)[0] == 400


def test_subscription_cancel_and_reactivate(
    client, api, shop, endpoint, django_capture_on_commit_callbacks
):
    session = api.session(productId=shop.subscription.short_id)
    pay(client, page(session), django_capture_on_commit_callbacks, email="buyer@example.com")
    order = PancakeOrder.objects.get()
    assert order.status == "active"
    token = api.token("buyer@example.com")
    reply = api.bearer(SUB_CANCEL, {"orderId": order.short_id}, token)
    assert reply.json()["data"] == {"orderId": order.short_id, "status": "canceling"}
    reply = api.bearer(REACTIVATE, {"orderId": order.short_id}, token)
    assert reply.json()["data"] == {"orderId": order.short_id, "status": "active"}
    reply = api.bearer(REACTIVATE, {"orderId": order.short_id}, token)
    assert error_of(reply)[0] == 400  # not canceling
    events = list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))
    assert events == ["subscription.activated", "subscription.canceling", "subscription.uncanceled"]
    # the merchant's key may cancel too
    assert api.signed(SUB_CANCEL, {"orderId": order.short_id}).json()["data"]["status"] == (
        "canceling"
    )


def test_past_due_cancel_cannot_be_reactivated(
    client, api, shop, django_capture_on_commit_callbacks
):
    session = api.session(productId=shop.subscription.short_id)
    pay(client, page(session), django_capture_on_commit_callbacks, email="buyer@example.com")
    order = PancakeOrder.objects.get()
    PancakeOrder.objects.filter(pk=order.pk).update(status="past_due")
    assert api.signed(SUB_CANCEL, {"orderId": order.short_id}).json()["data"]["status"] == (
        "canceling"
    )
    reply = api.signed(REACTIVATE, {"orderId": order.short_id})
    assert error_of(reply)[:2] == (400, "Subscription with an unpaid balance cannot be reactivated")


def test_onetime_order_is_not_a_subscription(client, api):
    order = _pending_order(client, api)
    assert error_of(api.signed(SUB_CANCEL, {"orderId": order.short_id}))[0] == 404
