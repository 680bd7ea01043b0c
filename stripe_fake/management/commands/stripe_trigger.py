"""`python manage.py stripe_trigger payment_intent.succeeded`: the Stripe CLI's `stripe trigger`
for the embedded fake. It makes, through the SDK, the objects whose change Stripe reports with
that event (a PaymentIntent paid with a test card, a refund, a customer, ...), so the event and
the others that come with it are published and delivered to the webhook endpoints (for
instance the one `stripe_listen` made)."""

from __future__ import annotations

import stripe
from django.core.management.base import BaseCommand, CommandError

from .stripe_listen import fake_client

RETURN_URL = "https://example.com/return"


def _intent(client, payment_method: str, **extra):
    params = {
        "amount": 2000,
        "currency": "usd",
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "confirm": True,
        **extra,
    }
    try:
        return client.v1.payment_intents.create(params=params)
    except stripe.CardError as exc:  # the decline is the point: its events are published
        return exc.error.payment_intent


def _refunded(client):
    intent = _intent(client, "pm_card_visa")
    client.v1.refunds.create(params={"payment_intent": intent["id"]})


def _canceled(client):
    intent = client.v1.payment_intents.create(
        params={"amount": 2000, "currency": "usd", "payment_method_types": ["card"]}
    )
    client.v1.payment_intents.cancel(intent.id)


def _setup(client):
    customer = client.v1.customers.create(params={"description": "stripe_trigger"})
    client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )


def _session_expired(client):
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "success_url": RETURN_URL,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 2000,
                        "product_data": {"name": "stripe_trigger"},
                    },
                }
            ],
        }
    )
    client.v1.checkout.sessions.expire(session.id)


FIXTURES = {
    "payment_intent.created": lambda c: _intent(c, "pm_card_visa"),
    "payment_intent.succeeded": lambda c: _intent(c, "pm_card_visa"),
    "charge.succeeded": lambda c: _intent(c, "pm_card_visa"),
    "payment_intent.payment_failed": lambda c: _intent(c, "pm_card_chargeDeclined"),
    "charge.failed": lambda c: _intent(c, "pm_card_chargeDeclined"),
    "payment_intent.requires_action": lambda c: _intent(
        c, "pm_card_authenticationRequired", return_url=RETURN_URL
    ),
    "payment_intent.amount_capturable_updated": lambda c: _intent(
        c, "pm_card_visa", capture_method="manual"
    ),
    "payment_intent.canceled": _canceled,
    "charge.refunded": _refunded,
    "customer.created": lambda c: c.v1.customers.create(params={"description": "stripe_trigger"}),
    "setup_intent.created": _setup,
    "setup_intent.succeeded": _setup,
    "payment_method.attached": _setup,
    "checkout.session.expired": _session_expired,
}


class Command(BaseCommand):
    help = "Make the objects whose change the given Stripe event reports (as `stripe trigger`)."

    def add_arguments(self, parser):
        parser.add_argument("event", help=f"One of: {', '.join(sorted(FIXTURES))}.")

    def handle(self, *args, **options):
        event = options["event"]
        fixture = FIXTURES.get(event)
        if fixture is None:
            raise CommandError(
                f"The event '{event}' is not supported. Supported: {', '.join(sorted(FIXTURES))}."
            )
        self.stdout.write(f"Setting up fixture for: {event}")
        self.stdout.write(f"Running fixture for: {event}")
        try:
            fixture(fake_client())
        except stripe.StripeError as exc:
            raise CommandError(f"Trigger failed: {exc.user_message or exc}") from exc
        self.stdout.write("Trigger succeeded! Check the admin's Stripe events for its details.")
