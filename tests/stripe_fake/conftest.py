"""The embedded Stripe fake, driven through the real stripe SDK with no socket."""

import pytest
import stripe

from stripe_fake import signals
from stripe_fake.client import EmbeddedHTTPClient

from .support import API_KEY


@pytest.fixture
def stripe_client(db):
    return stripe.StripeClient(API_KEY, http_client=EmbeddedHTTPClient())


@pytest.fixture
def intents(stripe_client):
    return stripe_client.v1.payment_intents


@pytest.fixture
def notifications():
    """(event, intent) for every payment_intent_updated signal sent during the test."""
    received = []

    def receiver(sender, intent, event, **kwargs):
        received.append((event, intent))

    signals.payment_intent_updated.connect(receiver)
    yield received
    signals.payment_intent_updated.disconnect(receiver)
