"""`python manage.py stripe_listen --forward-to http://localhost:4242/webhook`: the Stripe CLI's
`stripe listen --forward-to` for the embedded fake.

It creates a webhook endpoint in the fake for that URL (or reuses the one it has, with the same
signing secret), prints `> Ready! … Your webhook signing secret is whsec_…` as the CLI does,
then prints each event as it is queued for the URL (`-->`) and each delivery attempt with the
status the URL answered (`<--`) until Ctrl-C. `--events a,b` limits the endpoint to those event
types (default: every event); `--print-secret` prints the secret alone and exits.

The deliveries themselves go through the hub's webhook outbox (signed, retried with backoff,
logged in admin): the task worker sends them (`manage.py db_worker --queue-name webhooks`,
which `bin/run` starts beside the server); the endpoint stays after Ctrl-C (delete it in admin
or through the API), so events keep being delivered, as a Stripe endpoint would.
"""

from __future__ import annotations

import time

import stripe
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from checkout_hub.models import WebhookAttempt, WebhookDelivery

from ...client import EmbeddedHTTPClient
from ...models import WebhookEndpoint
from ...webhooks import ENABLED_EVENTS

DESCRIPTION = "stripe_listen"


def fake_client() -> stripe.StripeClient:
    """The SDK, answered in-process by the embedded fake (whatever STRIPE_API_BASE says)."""
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=EmbeddedHTTPClient())


def endpoint_for(url: str, enabled_events: list[str]) -> tuple[WebhookEndpoint, bool]:
    """The fake's webhook endpoint for `url` (made, or the existing one updated to these
    events and enabled), through the SDK; and whether it was made."""
    api = fake_client().v1.webhook_endpoints
    found = WebhookEndpoint.objects.filter(url=url).order_by("created").first()
    try:
        if found is None:
            made = api.create(
                params={"url": url, "enabled_events": enabled_events, "description": DESCRIPTION}
            )
            return WebhookEndpoint.objects.select_related("endpoint").get(pk=made.id), True
        api.update(found.id, params={"enabled_events": enabled_events, "disabled": False})
    except stripe.StripeError as exc:
        raise CommandError(exc.user_message or str(exc)) from exc
    return WebhookEndpoint.objects.select_related("endpoint").get(pk=found.id), False


class Listener:
    """Prints what happens to one endpoint's deliveries since it started."""

    def __init__(self, endpoint: WebhookEndpoint, write):
        self.endpoint = endpoint
        self.write = write
        hub = endpoint.endpoint
        self.last_delivery = _last_id(WebhookDelivery.objects.filter(endpoint=hub))
        self.last_attempt = _last_id(WebhookAttempt.objects.filter(delivery__endpoint=hub))

    def poll(self) -> int:
        """Print the deliveries queued and the attempts made since the last poll."""
        hub = self.endpoint.endpoint
        printed = 0
        for delivery in WebhookDelivery.objects.filter(
            endpoint=hub, pk__gt=self.last_delivery
        ).order_by("pk"):
            self.last_delivery = delivery.pk
            stamp = delivery.created_at.strftime("%Y-%m-%d %H:%M:%S")
            self.write(f"{stamp}   --> {delivery.event_type} [{delivery.event_id}]")
            printed += 1
        attempts = (
            WebhookAttempt.objects.filter(delivery__endpoint=hub, pk__gt=self.last_attempt)
            .select_related("delivery")
            .order_by("pk")
        )
        for attempt in attempts:
            self.last_attempt = attempt.pk
            stamp = attempt.started_at.strftime("%Y-%m-%d %H:%M:%S")
            answer = (
                f"[{attempt.status_code}]" if attempt.status_code else f"[ERROR] {attempt.error}"
            )
            self.write(f"{stamp}  <--  {answer} POST {hub.url} [{attempt.delivery.event_id}]")
            printed += 1
        return printed


def _last_id(rows) -> int:
    return rows.order_by("-pk").values_list("pk", flat=True).first() or 0


class Command(BaseCommand):
    help = (
        "Forward the embedded Stripe fake's events to a local URL, signed, as `stripe listen "
        "--forward-to` does; prints each delivery until Ctrl-C."
    )
    stealth_options = ("polls",)  # tests: stop after this many polls

    def add_arguments(self, parser):
        parser.add_argument(
            "--forward-to", "-f", required=True, help="The URL to deliver events to."
        )
        parser.add_argument(
            "--events",
            "-e",
            default="*",
            help="Comma-separated event types to forward (default: every event).",
        )
        parser.add_argument(
            "--print-secret", action="store_true", help="Print the signing secret and exit."
        )
        parser.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between looks (default 0.5)."
        )

    def handle(self, *args, **options):
        wanted = [name.strip() for name in options["events"].split(",") if name.strip()]
        unknown = [name for name in wanted if name not in ENABLED_EVENTS]
        if unknown or not wanted:
            raise CommandError(f"Unknown event type(s): {', '.join(unknown) or '(none)'}")
        endpoint, _ = endpoint_for(options["forward_to"], wanted)
        secret = endpoint.endpoint.secret
        if options["print_secret"]:
            self.stdout.write(secret)
            return
        self.stdout.write(
            f"> Ready! You are using Stripe API Version [{stripe.api_version}]. Your webhook "
            f"signing secret is {secret} (^C to quit)"
        )
        self.stdout.write(
            f"  Forwarding {', '.join(wanted)} to {endpoint.url} (webhook endpoint "
            f"{endpoint.id}); the task worker sends them (manage.py db_worker --queue-name "
            "webhooks, which bin/run starts)."
        )
        listener = Listener(endpoint, self.stdout.write)
        polls = options.get("polls")
        try:
            while polls is None or polls > 0:
                listener.poll()
                if polls is not None:
                    polls -= 1
                    if not polls:
                        break
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("")
