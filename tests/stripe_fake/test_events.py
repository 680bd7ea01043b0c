"""Events through the official SDK: one for every state change, Stripe's event object exactly
(naming the request that caused it), the list's filters and pagination, and the admin pages
that show each object's events and their deliveries."""

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
import stripe
from django.contrib.admin.utils import quote
from django.urls import reverse

from checkout_hub import clock
from checkout_hub.services import webhooks
from stripe_fake.models import Event

from .support import RETURN_URL, card_params, local_path


def shown(obj) -> dict:
    """An SDK object as the JSON it came from."""
    return json.loads(str(obj))


def types(stripe_client, **params) -> list[str]:
    return [event.type for event in stripe_client.v1.events.list(params=params).data]


def test_the_event_object_is_stripes(stripe_client, intents):
    intent = intents.create(params=card_params(), options={"idempotency_key": "order-7-create"})

    (event,) = stripe_client.v1.events.list().data
    assert isinstance(event, stripe.Event)
    assert event.id.startswith("evt_") and len(event.id) == 28
    assert shown(event) == {
        "id": event.id,
        "object": "event",
        "api_version": stripe.api_version,
        "created": event.created,  # the same second, or the next if the call crossed one
        "data": {"object": shown(intent)},
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": intent.last_response.request_id, "idempotency_key": "order-7-create"},
        "type": "payment_intent.created",
    }
    raw = stripe_client.v1.events.retrieve(event.id).last_response.body
    assert event.created - intent.created in (0, 1)
    assert list(json.loads(raw)) == [  # Stripe's key order
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "pending_webhooks",
        "request",
        "type",
    ]
    assert shown(stripe_client.v1.events.retrieve(event.id)) == shown(event)


def test_every_state_change_has_its_event(stripe_client, intents):
    paid = intents.create(params=card_params(confirm=True))
    with pytest.raises(stripe.CardError):
        intents.create(params=card_params("pm_card_chargeDeclined", confirm=True))
    held = intents.create(params=card_params(confirm=True, capture_method="manual"))
    intents.capture(held.id)
    canceled = intents.create(params=card_params())
    intents.cancel(canceled.id)
    stripe_client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 500})

    assert types(stripe_client, limit=100)[::-1] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "payment_intent.created",
        "charge.failed",
        "payment_intent.payment_failed",
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
        "payment_intent.created",
        "payment_intent.canceled",
        "charge.refunded",
    ]
    (refunded,) = stripe_client.v1.events.list(params={"type": "charge.refunded"}).data
    assert refunded.data.object.object == "charge"  # Stripe sends the charge, refunded
    assert (refunded.data.object.id, refunded.data.object.amount_refunded) == (
        paid.latest_charge,
        500,
    )


def test_three_d_secure_events_and_the_hosted_page_names_no_request(client, intents):
    intent = intents.create(
        params=card_params("pm_card_authenticationRequired", confirm=True, return_url=RETURN_URL)
    )
    client.post(local_path(intent.next_action.redirect_to_url.url), {"action": "complete"})

    events = list(Event.objects.order_by("created", "id"))
    assert [e.type for e in events] == [
        "payment_intent.created",
        "payment_intent.requires_action",
        "charge.succeeded",
        "payment_intent.succeeded",
    ]
    assert events[1].data["request"]["id"] == intent.last_response.request_id
    # the buyer's authentication on the hub's page is no API request
    assert events[3].data["request"] == {"id": None, "idempotency_key": None}


def test_checkout_session_completed_and_expired(stripe_client, client):
    sessions = stripe_client.v1.checkout.sessions
    line = {
        "quantity": 1,
        "price_data": {"currency": "usd", "unit_amount": 900, "product_data": {"name": "Album"}},
    }
    params = {"mode": "payment", "success_url": "https://shop.example/done", "line_items": [line]}
    paid = sessions.create(params=params)
    client.post(urlsplit(paid.url).path, {"test_card": "pm_card_visa", "email": "b@example.com"})
    expired = sessions.create(params=params)
    expired_reply = sessions.expire(expired.id)
    lapsing = sessions.create(params=params)
    clock.advance(25 * 3600)
    sessions.retrieve(lapsing.id)

    found = {
        event.data.object.id: event
        for event in stripe_client.v1.events.list(params={"type": "checkout.session.*"}).data
    }
    assert found[paid.id].type == "checkout.session.completed"
    assert found[paid.id].data.object.payment_status == "paid"
    assert found[expired.id].type == "checkout.session.expired"
    assert found[expired.id]["request"]["id"] == expired_reply.last_response.request_id
    assert found[lapsing.id].type == "checkout.session.expired"
    assert found[lapsing.id]["request"] == {"id": None, "idempotency_key": None}  # by time


def test_no_event_for_a_refused_request_nor_a_replay(stripe_client, intents):
    with pytest.raises(stripe.InvalidRequestError):
        intents.create(params=card_params(amount=10))
    options = {"idempotency_key": "same"}
    first = intents.create(params=card_params(), options=options)
    again = intents.create(params=card_params(), options=options)
    assert again.id == first.id
    assert types(stripe_client) == ["payment_intent.created"]


def test_customer_and_setup_intent_events_are_delivered(stripe_client, endpoint, receiver):
    customer = stripe_client.v1.customers.create(params={"email": "ray@example.com"})
    stripe_client.v1.customers.update(customer.id, params={"name": "Ray"})
    stripe_client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )
    webhooks.run_due()

    assert [item["error"] for item in receiver.received] == [""] * len(receiver.received)
    assert [event.type for event in receiver.events] == [
        "customer.created",
        "customer.updated",
        "setup_intent.created",
        "payment_method.attached",
        "setup_intent.succeeded",
    ]
    updated = receiver.events[1]
    assert updated.data.object.name == "Ray"
    assert updated.data.previous_attributes.name is None
    assert receiver.events[4].data.object.status == "succeeded"


# --- the list ---
def test_filters_by_type_types_and_created(stripe_client, intents):
    with clock.frozen(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)):
        intents.create(params=card_params(confirm=True))
    later = int(dt.datetime(2026, 3, 2, tzinfo=dt.UTC).timestamp())
    with clock.frozen(dt.datetime.fromtimestamp(later, tz=dt.UTC)):
        intents.create(params=card_params())

    assert types(stripe_client, type="charge.succeeded") == ["charge.succeeded"]
    assert types(stripe_client, type="payment_intent.*") == [
        "payment_intent.created",
        "payment_intent.succeeded",
        "payment_intent.created",
    ]
    assert types(stripe_client, type="*.succeeded") == [
        "payment_intent.succeeded",
        "charge.succeeded",
    ]
    assert types(stripe_client, types=["charge.succeeded", "payment_intent.succeeded"]) == [
        "payment_intent.succeeded",
        "charge.succeeded",
    ]
    assert types(stripe_client, created=later) == ["payment_intent.created"]
    assert types(stripe_client, created={"gte": later}) == ["payment_intent.created"]
    assert len(types(stripe_client, created={"lt": later})) == 3
    assert types(stripe_client, created={"gt": later}) == []
    assert types(stripe_client, created={"lte": later - 1, "gt": later - 90000}) == [
        "payment_intent.succeeded",
        "charge.succeeded",
        "payment_intent.created",
    ]


def test_pagination(stripe_client, intents):
    for _ in range(4):
        intents.create(params=card_params())
    everything = [e.id for e in stripe_client.v1.events.list().data]
    assert len(everything) == 4

    page = stripe_client.v1.events.list(params={"limit": 2})
    assert (page.object, page.url, page.has_more) == ("list", "/v1/events", True)
    assert [e.id for e in page.data] == everything[:2]
    rest = stripe_client.v1.events.list(params={"limit": 2, "starting_after": everything[1]})
    assert ([e.id for e in rest.data], rest.has_more) == (everything[2:], False)
    back = stripe_client.v1.events.list(params={"limit": 2, "ending_before": everything[3]})
    assert ([e.id for e in back.data], back.has_more) == (everything[1:3], True)
    # the SDK's auto-pagination walks every page
    walked = stripe_client.v1.events.list(params={"limit": 1}).auto_paging_iter()
    assert [e.id for e in walked] == everything


@pytest.mark.parametrize(
    "params, message, param",
    [
        ({"limit": 0}, "This value must be greater than or equal to 1.", "limit"),
        ({"limit": 101}, "This value must be less than or equal to 100.", "limit"),
        ({"limit": "ten"}, "Invalid integer: ten", "limit"),
        ({"starting_after": "evt_nope"}, "No such event: 'evt_nope'", "starting_after"),
        ({"created": {"since": 1}}, "Received unknown parameter: created[since]", "created[since]"),
        (
            {"type": "charge.succeeded", "types": ["charge.failed"]},
            "You may pass either `type` or `types`, but not both.",
            "types",
        ),
        ({"delivery_success": "maybe"}, "Invalid boolean: maybe", "delivery_success"),
        ({"colour": "red"}, "Received unknown parameter: colour", "colour"),
    ],
)
def test_list_refuses_bad_input(stripe_client, params, message, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.list(params=params)
    assert caught.value.http_status == 400
    assert (caught.value.user_message, caught.value.param) == (message, param)


def test_retrieve_an_unknown_event(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.retrieve("evt_nope")
    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.user_message == "No such event: 'evt_nope'"


def test_delivery_success(stripe_client, intents, endpoint, receiver):
    receiver.statuses = [500]
    intents.create(params=card_params(confirm=True))  # three events
    webhooks.run_due()  # the first delivery fails (to be retried), the others succeed

    undelivered = stripe_client.v1.events.list(params={"delivery_success": False}).data
    assert [e.type for e in undelivered] == ["payment_intent.created"]
    assert undelivered[0].pending_webhooks == 1
    assert types(stripe_client, delivery_success=True) == [
        "payment_intent.succeeded",
        "charge.succeeded",
    ]


# --- admin ---
def change_page(client, model: str, pk: str):
    # Admin quotes a key in its URLs: an id such as "ch_2F..." must be quoted to be found.
    return client.get(reverse(f"admin:stripe_fake_{model}_change", args=[quote(pk)]))


def test_each_objects_page_shows_its_events_and_deliveries(
    staff_client, stripe_client, intents, endpoint
):
    intent = intents.create(params=card_params(confirm=True))
    stripe_client.v1.refunds.create(params={"payment_intent": intent.id})
    webhooks.run_due()
    refunded = Event.objects.get(type="charge.refunded")

    page = change_page(staff_client, "paymentintent", intent.id)
    html = page.content.decode()
    assert page.status_code == 200
    for event in Event.objects.all():  # its own events and its charge's
        assert event.id in html
    assert "/admin/checkout_hub/webhookdelivery/" in html and "Delivered" in html

    charge_page = change_page(staff_client, "charge", intent.latest_charge)
    assert refunded.id in charge_page.content.decode()
    event_page = change_page(staff_client, "event", refunded.id)
    assert event_page.status_code == 200 and endpoint.url in event_page.content.decode()
    endpoint_page = change_page(staff_client, "webhookendpoint", endpoint.id)
    assert refunded.id in endpoint_page.content.decode()
    assert "secret" not in json.loads(str(stripe_client.v1.webhook_endpoints.retrieve(endpoint.id)))
    customer = stripe_client.v1.customers.create(params={"email": "ray@example.com"})
    created = Event.objects.get(type="customer.created")
    customer_page = change_page(staff_client, "customer", customer.id)
    assert created.id in customer_page.content.decode()


# --- the hub, subscribed ---
def test_the_hub_hears_of_refunds_and_settles_from_events(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    """The hub's gateway is subscribed: an order's intent events settle it with the intent,
    and a refund of its charge (charge.refunded, the charge as data.object) settles it from
    its intent read back, as the old in-process signal did."""
    from django.core.management import call_command

    from checkout_hub.services import cart as cart_service
    from checkout_hub.services import checkout, payments
    from checkout_hub.services.payments import stripe_gateway
    from tests.services.test_stripe_gateway import US_ADDRESS, pay

    call_command("seed_store", verbosity=0)
    cart = cart_service.create_cart(vendor="hub")
    cart_service.add_item(cart, 1, 1)
    order = checkout.place_order(cart, billing=US_ADDRESS, pay=False).order
    settled = []
    monkeypatch.setattr(
        stripe_gateway, "settle", lambda found, intent=None: settled.append((found.pk, intent))
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    assert [(pk, intent["status"]) for pk, intent in settled] == [(order.pk, "succeeded")]
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund(order, 500)
    assert settled[1:] == [(order.pk, None)]


def test_hub_cleanup_deletes_events_older_than_stripe_keeps_them(stripe_client, intents):
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        old = intents.create(params=card_params())
    with clock.frozen(dt.datetime(2026, 1, 31, 1, 0, tzinfo=dt.UTC)):
        recent = intents.create(params=card_params())
        out = StringIO()
        call_command("hub_cleanup", stdout=out)
    kept = {e.data.object.id for e in stripe_client.v1.events.list().data}
    assert recent.id in kept and old.id not in kept
    assert "Deleted 1 Stripe events older than 30 days." in out.getvalue()
