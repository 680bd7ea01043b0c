"""`manage.py stripe_listen --forward-to URL` and `manage.py stripe_trigger EVENT`: the Stripe
CLI's `stripe listen` and `stripe trigger` for the fake."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from checkout_hub.models import WebhookEndpoint as HubEndpoint
from checkout_hub.services import webhooks
from stripe_fake.management.commands.stripe_listen import Listener
from stripe_fake.management.commands.stripe_trigger import FIXTURES
from stripe_fake.models import Event, WebhookEndpoint

from .support import card_params

READY = re.compile(
    r"^> Ready! You are using Stripe API Version \[[^\]]+\]\. Your webhook signing secret is "
    r"(whsec_\w+) \(\^C to quit\)$",
    re.M,
)


def listen(url, **options) -> str:
    out = io.StringIO()
    call_command("stripe_listen", forward_to=url, polls=1, stdout=out, **options)
    return out.getvalue()


def test_prints_the_secret_and_reuses_the_endpoint(db, receiver):
    first = READY.search(listen(receiver.url)).group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.data["enabled_events"]) == (receiver.url, ["*"])
    assert endpoint.endpoint.secret == first

    again = listen(receiver.url, events="payment_intent.succeeded, charge.refunded")
    assert READY.search(again).group(1) == first  # the same endpoint, the same secret
    endpoint.refresh_from_db()
    assert endpoint.data["enabled_events"] == ["payment_intent.succeeded", "charge.refunded"]
    assert HubEndpoint.objects.get().events == ["payment_intent.succeeded", "charge.refunded"]
    assert listen(receiver.url, print_secret=True) == first + "\n"


def test_prints_each_delivery_as_it_happens(db, stripe_client, receiver):
    receiver.secret = READY.search(listen(receiver.url, events="payment_intent.succeeded")).group(1)
    endpoint = WebhookEndpoint.objects.select_related("endpoint").get()
    lines = []
    listener = Listener(endpoint, lines.append)
    receiver.statuses = [500]
    intent = stripe_client.v1.payment_intents.create(params=card_params(confirm=True))
    assert listener.poll() == 1
    webhooks.run_due()
    assert listener.poll() == 1
    webhooks.redeliver(endpoint.endpoint.deliveries.get())
    webhooks.run_due()
    assert listener.poll() == 1
    assert listener.poll() == 0

    (event,) = receiver.events[1:]
    assert event.data.object.id == intent.id  # verified with the printed secret
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    assert re.fullmatch(rf"{stamp}   --> payment_intent\.succeeded \[{event.id}\]", lines[0])
    assert re.fullmatch(rf"{stamp}  <--  \[500\] POST {receiver.url} \[{event.id}\]", lines[1])
    assert re.fullmatch(rf"{stamp}  <--  \[200\] POST {receiver.url} \[{event.id}\]", lines[2])


def test_an_unreachable_url_prints_the_error(db, stripe_client, settings):
    settings.HUB_WEBHOOK_TIMEOUT_SECONDS = 2
    listen("http://127.0.0.1:9/webhook")
    lines = []
    listener = Listener(WebhookEndpoint.objects.select_related("endpoint").get(), lines.append)
    stripe_client.v1.payment_intents.create(params=card_params())
    webhooks.run_due()
    listener.poll()
    assert "  <--  [ERROR] " in lines[1] and lines[1].endswith("[" + lines[0].split("[")[-1])


def test_unknown_event_types_are_refused(db):
    with pytest.raises(CommandError, match="payment_intent.paid"):
        listen("http://localhost:4242/webhook", events="payment_intent.paid")
    assert not WebhookEndpoint.objects.exists()


# --- manage.py stripe_trigger ---
@pytest.mark.parametrize("event", sorted(FIXTURES))
def test_trigger_makes_the_event(db, event):
    out = io.StringIO()
    call_command("stripe_trigger", event, stdout=out)
    assert out.getvalue().endswith(
        "Trigger succeeded! Check the admin's Stripe events for its details.\n"
    )
    assert Event.objects.filter(type=event).exists()


def test_trigger_refuses_an_event_it_cannot_make(db):
    with pytest.raises(CommandError, match="'invoice.paid' is not supported"):
        call_command("stripe_trigger", "invoice.paid")
