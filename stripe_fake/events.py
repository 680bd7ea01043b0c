"""What the Stripe fake publishes when an object changes: Stripe's events.

`publish(event_type, obj)` is called by the backend wherever Stripe would create an Event
(`payment_intent.succeeded`, `charge.refunded`, `customer.created`, ...), with the object the
event is about as the API shows it (never expanded). It runs after the transaction commits.

Today it forwards the PaymentIntent events (and `charge.refunded`, with the refunded charge's
intent) to `signals.payment_intent_updated`, which the hub's gateway settles orders from.
"""

from __future__ import annotations

import copy
import logging

from django.db import transaction

from . import signals

log = logging.getLogger(__name__)


def publish(event_type: str, obj: dict, *, previous_attributes: dict | None = None) -> None:
    """Record that `event_type` happened to `obj` once the current transaction commits."""
    snapshot = copy.deepcopy(obj)
    transaction.on_commit(lambda: _notify(event_type, snapshot))


def _notify(event_type: str, obj: dict) -> None:
    if obj.get("object") != "payment_intent":
        return
    # A failing receiver must not fail the API call that changed the intent (like a webhook
    # endpoint that answers 500), so it is logged instead.
    for receiver, result in signals.payment_intent_updated.send_robust(
        sender=None, intent=obj, event=event_type
    ):
        if isinstance(result, Exception):
            log.error("%r failed on %s", receiver, event_type, exc_info=result)
