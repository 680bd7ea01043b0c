"""Webhook endpoints through the official SDK, and the fake's signed deliveries to a real HTTP
receiver that verifies them with `stripe.Webhook.construct_event`: retries with the outbox's
backoff, every attempt logged and signed anew."""

import datetime as dt
import json

import pytest
import stripe

from checkout_hub import clock
from checkout_hub.models import WebhookDelivery
from checkout_hub.models import WebhookEndpoint as HubEndpoint
from checkout_hub.services import webhooks
from stripe_fake import events
from stripe_fake.models import WebhookEndpoint

from .support import card_params


@pytest.fixture
def endpoints(stripe_client):
    return stripe_client.v1.webhook_endpoints


# --- the API ---
def test_create_answers_the_endpoint_with_its_secret_once(endpoints):
    created = endpoints.create(
        params={
            "url": "https://shop.example/stripe/webhook",
            "enabled_events": ["payment_intent.succeeded", "charge.refunded"],
            "description": "Orders",
            "metadata": {"team": "checkout"},
        }
    )

    assert created.id.startswith("we_")
    assert created.secret.startswith("whsec_") and len(created.secret) == 38
    assert dict(created) == {
        "id": created.id,
        "object": "webhook_endpoint",
        "api_version": None,
        "application": None,
        "created": created.created,
        "description": "Orders",
        "enabled_events": ["payment_intent.succeeded", "charge.refunded"],
        "livemode": False,
        "metadata": {"team": "checkout"},
        "secret": created.secret,
        "status": "enabled",
        "url": "https://shop.example/stripe/webhook",
    }
    shown = dict(endpoints.retrieve(created.id))
    assert "secret" not in shown  # Stripe: only returned at creation
    assert shown == {key: value for key, value in dict(created).items() if key != "secret"}
    # the hub's endpoint it delivers through
    hub = HubEndpoint.objects.get(stripe_webhook_endpoint__id=created.id)
    assert (hub.vendor, hub.owner, hub.signing, hub.secret) == (
        "stripe",
        events.ACCOUNT,
        "stripe",
        created.secret,
    )
    assert (hub.url, hub.events, hub.active, hub.test_mode) == (
        "https://shop.example/stripe/webhook",
        ["payment_intent.succeeded", "charge.refunded"],
        True,
        True,
    )


def test_update_list_and_delete(endpoints):
    first = endpoints.create(params={"url": "http://localhost:4242/a", "enabled_events": ["*"]})
    second = endpoints.create(
        params={
            "url": "http://localhost:4242/b",
            "enabled_events": ["*"],
            "api_version": "2024-06-20",
        }
    )
    assert second.api_version == "2024-06-20"
    assert HubEndpoint.objects.get(url="http://localhost:4242/a").events == []  # "*": all

    updated = endpoints.update(
        first.id,
        params={
            "url": "http://localhost:4242/c",
            "enabled_events": ["checkout.session.completed"],
            "disabled": True,
            "description": "later",
            "metadata": {"a": "1"},
        },
    )
    assert (updated.url, updated.enabled_events, updated.status) == (
        "http://localhost:4242/c",
        ["checkout.session.completed"],
        "disabled",
    )
    assert (updated.description, dict(updated.metadata)) == ("later", {"a": "1"})
    hub = HubEndpoint.objects.get(stripe_webhook_endpoint__id=first.id)
    assert (hub.url, hub.events, hub.active) == (
        "http://localhost:4242/c",
        ["checkout.session.completed"],
        False,
    )
    assert endpoints.update(first.id, params={"disabled": False}).status == "enabled"

    listed = endpoints.list()
    assert listed.object == "list" and listed.url == "/v1/webhook_endpoints"
    assert [e.id for e in listed.data] == [second.id, first.id]  # newest first
    assert not listed.has_more
    page = endpoints.list(params={"limit": 1})
    assert [e.id for e in page.data] == [second.id] and page.has_more
    after = endpoints.list(params={"limit": 1, "starting_after": second.id})
    assert [e.id for e in after.data] == [first.id] and not after.has_more

    deleted = endpoints.delete(first.id)
    assert dict(deleted) == {"id": first.id, "object": "webhook_endpoint", "deleted": True}
    assert not HubEndpoint.objects.filter(url="http://localhost:4242/c").exists()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        endpoints.retrieve(first.id)
    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.user_message == f"No such webhook endpoint: '{first.id}'"


@pytest.mark.parametrize(
    "params, message, param",
    [
        ({"enabled_events": ["*"]}, "Missing required param: url.", "url"),
        (
            {"url": "https://x.example/h"},
            "Missing required param: enabled_events.",
            "enabled_events",
        ),
        ({"url": "not a url", "enabled_events": ["*"]}, "Invalid URL: not a url", "url"),
        (
            {"url": "ftp://x.example/h", "enabled_events": ["*"]},
            "Invalid URL: ftp://x.example/h",
            "url",
        ),
        (
            {"url": "https://x.example/h", "enabled_events": ["*"], "api_version": "1999-01-01"},
            "Invalid Stripe API version: 1999-01-01",
            "api_version",
        ),
    ],
)
def test_create_refuses_bad_input(endpoints, params, message, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        endpoints.create(params=params)
    assert caught.value.http_status == 400
    assert (caught.value.user_message, caught.value.param) == (message, param)
    assert not WebhookEndpoint.objects.exists() and not HubEndpoint.objects.exists()


def test_unknown_event_type_is_refused_with_stripes_list(endpoints):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        endpoints.create(
            params={"url": "https://x.example/h", "enabled_events": ["*", "payment_intent.paid"]}
        )
    assert caught.value.param == "enabled_events[1]"
    assert caught.value.user_message.startswith("Invalid enabled_events[1]: must be one of *, ")
    assert "payment_intent.succeeded" in caught.value.user_message


def test_unknown_parameter_and_too_many_endpoints(endpoints):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        endpoints.create(params={"url": "https://x.example/h", "enabled_events": ["*"], "x": 1})
    assert caught.value.code == "parameter_unknown"
    for n in range(16):
        endpoints.create(params={"url": f"https://x.example/{n}", "enabled_events": ["*"]})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        endpoints.create(params={"url": "https://x.example/17", "enabled_events": ["*"]})
    assert "maximum of 16" in caught.value.user_message


# --- deliveries ---
def test_every_event_is_delivered_signed_and_verifies(stripe_client, endpoint, receiver):
    intent = stripe_client.v1.payment_intents.create(params=card_params(confirm=True))
    assert webhooks.run_due() == 3

    assert [item["error"] for item in receiver.received] == ["", "", ""]
    assert [event.type for event in receiver.events] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]
    first = receiver.received[0]
    assert first["path"] == "/webhook"
    assert first["headers"]["User-Agent"] == "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
    assert first["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert first["headers"]["Stripe-Signature"].startswith("t=")
    sent = json.loads(receiver.received[2]["body"])
    assert sent["data"]["object"]["id"] == intent.id
    assert sent["data"]["object"]["status"] == "succeeded"
    assert sent["pending_webhooks"] == 1  # one endpoint to deliver to, when it was sent
    # the body is the event as the API shows it (now delivered: nothing pending)
    shown = json.loads(str(stripe_client.v1.events.retrieve(sent["id"])))
    assert shown == {**sent, "pending_webhooks": 0}
    delivery = WebhookDelivery.objects.get(event_id=sent["id"])
    assert (delivery.endpoint.vendor, delivery.status, delivery.attempt_count) == (
        "stripe",
        "success",
        1,
    )


def test_pending_webhooks_counts_the_deliveries_not_yet_made(stripe_client, endpoint, receiver):
    stripe_client.v1.webhook_endpoints.create(
        params={"url": receiver.url + "/2", "enabled_events": ["payment_intent.created"]}
    )
    stripe_client.v1.payment_intents.create(params=card_params())
    (event,) = stripe_client.v1.events.list().data
    assert event.pending_webhooks == 2
    webhooks.run_due()
    assert stripe_client.v1.events.retrieve(event.id).pending_webhooks == 1  # one did not verify
    assert [item["error"] != "" for item in receiver.received].count(True) == 1


def test_only_matching_and_enabled_endpoints_receive(stripe_client, receiver):
    api = stripe_client.v1.webhook_endpoints
    wanted = api.create(params={"url": receiver.url, "enabled_events": ["charge.succeeded"]})
    receiver.secret = wanted.secret
    off = api.create(params={"url": receiver.url + "/off", "enabled_events": ["*"]})
    api.update(off.id, params={"disabled": True})

    stripe_client.v1.payment_intents.create(params=card_params(confirm=True))
    webhooks.run_due()

    assert [(item["path"], item["event"].type) for item in receiver.received] == [
        ("/webhook", "charge.succeeded")
    ]


def test_a_failing_receiver_gets_retries_with_the_outbox_backoff(
    stripe_client, endpoint, receiver, settings
):
    settings.HUB_WEBHOOK_BACKOFF_SECONDS = [60, 300]
    receiver.statuses = [500, 503]
    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        intent = stripe_client.v1.payment_intents.create(params=card_params())
        (event,) = stripe_client.v1.events.list().data
        assert webhooks.run_due() == 1
        delivery = WebhookDelivery.objects.get(event_id=event.id)
        assert delivery.status == "pending"
        assert delivery.next_attempt_at == clock.now() + dt.timedelta(seconds=60)
        assert webhooks.run_due() == 0  # not due yet
        clock.advance(60)
        assert webhooks.run_due() == 1
        clock.advance(300)
        assert webhooks.run_due() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("success", 3)
    assert [(a.number, a.status_code, a.success) for a in delivery.attempts.all()] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    # every attempt verified with the SDK, though the hub's clock said 2026-01-01
    assert [item["error"] for item in receiver.received] == ["", "", ""]
    assert {item["event"].data.object.id for item in receiver.received} == {intent.id}
    assert stripe_client.v1.events.retrieve(event.id).pending_webhooks == 0


def test_each_attempt_is_signed_anew(stripe_client, endpoint, receiver, monkeypatch):
    receiver.statuses = [500]
    stripe_client.v1.payment_intents.create(params=card_params())
    (delivery,) = WebhookDelivery.objects.all()
    stamps = iter([1_900_000_000, 1_900_000_100])
    monkeypatch.setattr(events, "unix_now", lambda: next(stamps))
    webhooks.deliver(delivery.pk)
    webhooks.redeliver(delivery)
    webhooks.deliver(delivery.pk)

    sent = [item["headers"]["Stripe-Signature"] for item in receiver.received]
    assert [s.split(",")[0] for s in sent] == ["t=1900000000", "t=1900000100"]
    body = receiver.received[0]["body"]
    for header in sent:
        assert stripe.WebhookSignature.verify_header(body, header, endpoint.secret, tolerance=None)
    delivery.refresh_from_db()
    assert delivery.headers["Stripe-Signature"] == sent[-1]


def test_a_rolled_back_change_delivers_nothing(stripe_client, endpoint):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.payment_intents.create(params=card_params(amount=1))
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_hub_settles_an_order_from_a_delivered_webhook(live_server, settings, receiver):
    """The whole loop over HTTP, as with Stripe itself: the fake delivers to the hub's own
    WooCommerce Stripe webhook URL, which verifies the signature and settles the order."""
    from django.core.management import call_command

    from checkout_hub.models import Order
    from checkout_hub.services import cart as cart_service
    from checkout_hub.services import checkout
    from checkout_hub.services.payments import stripe_gateway
    from tests.services.test_stripe_gateway import US_ADDRESS, pay

    call_command("seed_store", verbosity=0)
    client = stripe_gateway.client()
    created = client.v1.webhook_endpoints.create(
        params={
            "url": f"{live_server.url}/wc-api/wc_stripe/",
            "enabled_events": ["payment_intent.succeeded"],
        }
    )
    settings.STRIPE_WEBHOOK_SECRET = created.secret
    cart = cart_service.create_cart(vendor="hub")
    cart_service.add_item(cart, 1, 1)
    order = checkout.place_order(cart, billing=US_ADDRESS, pay=False).order
    outcome = pay(order, "pm_card_authenticationRequired", return_url="https://shop.test/back")
    events.unsubscribe(stripe_gateway.on_event)  # only the webhook may settle it here
    try:
        from django.test import Client

        path = outcome.redirect_url.removeprefix("http://127.0.0.1:8000")
        Client().post(path, {"action": "complete"})
        order.refresh_from_db()
        assert order.status == Order.Status.PENDING
        assert webhooks.run_due() == 1
    finally:
        events.subscribe(stripe_gateway.on_event)
    (attempt,) = WebhookDelivery.objects.get().attempts.all()
    assert (attempt.status_code, attempt.response_body) == (200, "payment_intent.succeeded")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("processing", "paid")
