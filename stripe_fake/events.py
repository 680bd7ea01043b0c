"""What the Stripe fake publishes when an object changes: Stripe's Events, kept and delivered.

`publish(event_type, obj, *, previous_attributes=None)` is called wherever Stripe would create
an Event (`payment_intent.succeeded`, `charge.refunded`, `checkout.session.completed`, ...),
with the object the event is about as the API shows it (never expanded). It:

- writes the Event object (`models.Event`, `evt_…`) exactly as Stripe's API shows it: `id`,
  `object`, `api_version`, `created`, `data.object` (and `data.previous_attributes` when
  given), `livemode`, `pending_webhooks`, `request` (the id and Idempotency-Key of the API call
  that caused it, or nulls for what happened on a hosted page or by time) and `type`;
- queues its delivery through the hub's webhook outbox (`checkout_hub.services.webhooks.emit`)
  to every enabled webhook endpoint whose `enabled_events` match, the body being the event
  JSON signed with Stripe's `Stripe-Signature` (`sign`, registered as strategy "stripe", fresh
  for each attempt as Stripe signs each retry anew); retries, backoff and the attempt log are
  the outbox's;
- hands the event to every `subscribe()`d callback once the transaction commits, in order and
  synchronously (the hub's Stripe gateway settles orders from them, in place of webhooks).

The Event and its deliveries are written inside the transaction that made the change, not
after it commits: they commit or roll back with the change (a refused request leaves no
event, a process dying after the commit loses none), which is the outbox's whole point. Only
the subscribers wait for the commit, so they never see a change that did not happen.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import stripe
from django.db import transaction
from django.db.models import Count

from checkout_hub import clock
from checkout_hub.models import Vendor, WebhookDelivery
from checkout_hub.models import WebhookEndpoint as HubEndpoint
from checkout_hub.services import webhooks

from .models import Event
from .objects import wire_copy

log = logging.getLogger(__name__)

# The one account the fake has: the owner of its endpoints in the hub's outbox.
ACCOUNT = "acct_hub_fake"
SIGNING = "stripe"
SIGNATURE_HEADER = "Stripe-Signature"
# What Stripe's webhook requests carry (docs.stripe.com/webhooks#verify-official-libraries).
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
CONTENT_TYPE = "application/json; charset=utf-8"


# --- what caused it ---
@dataclass
class Cause:
    request_id: str | None
    idempotency_key: str | None
    # The hub's active Stripe endpoints, read once per API call (a create + confirm publishes
    # three events); no route that publishes events changes endpoints.
    endpoints: list | None = None


_cause: contextvars.ContextVar[Cause | None] = contextvars.ContextVar(
    "stripe_fake_event_cause", default=None
)


def caused_by(request_id: str, idempotency_key: str | None, run: Callable):
    """`run` wrapped so that the events it publishes name this API request (engine.handle)."""

    @functools.wraps(run)
    def wrapped(*args, **kwargs):
        token = _cause.set(Cause(request_id, idempotency_key or None))
        try:
            return run(*args, **kwargs)
        finally:
            _cause.reset(token)

    return wrapped


# --- publishing ---
_last_stored: dt.datetime | None = None
_TICK = dt.timedelta(microseconds=1)


def _in_order(now: dt.datetime) -> dt.datetime:
    """The creation time an Event row keeps: `now`, or a microsecond after the last event
    this process made while the hub's clock stands still (frozen), so that lists (newest
    first by that time, then by id) keep events in the order they happened. The wire
    `created` is `now` in whole seconds either way."""
    global _last_stored
    if _last_stored is not None and now <= _last_stored < now + dt.timedelta(seconds=1):
        now = _last_stored + _TICK
    _last_stored = now
    return now


def new_event_id() -> str:
    return "evt_" + clock.random_string(24)


def hub_endpoints(event_type: str) -> list[HubEndpoint]:
    """The hub's endpoints (vendor "stripe") that want `event_type`: Stripe's enabled
    endpoints whose enabled_events match."""
    cause = _cause.get()
    rows = cause.endpoints if cause is not None else None
    if rows is None:
        rows = list(HubEndpoint.objects.filter(vendor=Vendor.STRIPE, owner=ACCOUNT, active=True))
        if cause is not None:
            cause.endpoints = rows
    return [row for row in rows if row.wants(event_type, True)]


def publish(
    event_type: str,
    obj: dict,
    *,
    previous_attributes: dict | None = None,
    automatic: bool = False,
) -> dict:
    """Create the Event `event_type` about `obj` and queue its deliveries (in the current
    transaction); subscribers get it once the transaction commits. `automatic`: nothing asked
    for it (a session lapsing by time), so its `request` is null even inside an API call.
    Returns the event as the API shows it (the one kept for the subscribers: not to be
    changed)."""
    now = clock.now()
    stored_at = _in_order(now)
    event_id = new_event_id()
    cause = None if automatic else _cause.get()
    endpoints = hub_endpoints(event_type)
    data: dict = {"object": wire_copy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = wire_copy(previous_attributes)
    event = {
        "id": event_id,
        "object": "event",
        # The account's default version (the SDK's pinned one, as engine.DEFAULT_VERSION).
        "api_version": stripe.api_version,
        "created": int(now.timestamp()),
        "data": data,
        "livemode": False,
        "pending_webhooks": len(endpoints),
        "request": {
            "id": cause.request_id if cause else None,
            "idempotency_key": cause.idempotency_key if cause else None,
        },
        "type": event_type,
    }
    Event(id=event_id, created=stored_at, data=event).save()
    if endpoints:
        webhooks.emit(
            vendor=Vendor.STRIPE,
            owner=ACCOUNT,
            event_type=event_type,
            event_id=event_id,
            envelope=lambda delivery_id: event,
            test_mode=True,
        )
    transaction.on_commit(lambda: _notify(event))
    return event


# --- subscribers (the hub, tests) ---
_subscribers: list[Callable[[dict], None]] = []


# Stripe keeps events for 30 days (docs.stripe.com/api/events/list).
RETENTION = dt.timedelta(days=30)


def prune() -> int:
    """Delete the events older than Stripe keeps them (by the hub's clock); `hub_cleanup` runs
    it. Their delivery rows go with the outbox's own pruning."""
    deleted, _ = Event.objects.filter(created__lt=clock.now() - RETENTION).delete()
    return deleted


def subscribe(callback: Callable[[dict], None]) -> None:
    """Call `callback(event)` for every event once its transaction commits (once per callback,
    however often it subscribes)."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def unsubscribe(callback: Callable[[dict], None]) -> None:
    if callback in _subscribers:
        _subscribers.remove(callback)


def _notify(event: dict) -> None:
    for callback in list(_subscribers):
        # A failing subscriber must not fail the API call that changed the object (as a
        # webhook endpoint answering 500 does not), nor keep the others from hearing of it.
        try:
            callback(wire_copy(event))
        except Exception:
            log.exception("%r failed on %s %s", callback, event["type"], event["id"])


# --- reading events back ---
def deliveries(event_ids: Iterable[str]):
    """The hub's deliveries of these events (to the fake's endpoints)."""
    return WebhookDelivery.objects.filter(
        endpoint__vendor=Vendor.STRIPE, event_id__in=list(event_ids)
    )


def pending_counts(event_ids: Iterable[str]) -> dict[str, int]:
    """How many deliveries of each event have not succeeded (yet, or at all)."""
    rows = (
        deliveries(event_ids)
        .exclude(status=WebhookDelivery.Status.SUCCESS)
        .values("event_id")
        .annotate(n=Count("id"))
    )
    return {row["event_id"]: row["n"] for row in rows}


def render(events: list[Event]) -> list[dict]:
    """The events as the API shows them: `pending_webhooks` counts the deliveries not yet
    made (a delivered body says how many there were to make)."""
    pending = pending_counts(event.id for event in events)
    shown = []
    for event in events:
        data = wire_copy(event.data)
        data["pending_webhooks"] = pending.get(event.id, 0)
        shown.append(data)
    return shown


# --- Stripe's signature ---
def unix_now() -> int:
    """The real time in Unix seconds (what a receiver compares a signature's `t` with)."""
    return int(time.time())


def signature(secret: str, body: str, timestamp: int) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`, as `stripe.Webhook` verifies it."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def sign(body: str, endpoint, stamped_at) -> dict:
    """The outbox's "stripe" strategy: run for every attempt (Stripe signs each retry anew).
    The timestamp is the real time, not the hub's clock: a receiver checks it against its own
    clock (construct_event's 300 s tolerance), so a frozen or advanced hub clock must not
    make a delivery look stale."""
    return {
        SIGNATURE_HEADER: signature(endpoint.secret, body, unix_now()),
        "User-Agent": USER_AGENT,
        "Content-Type": CONTENT_TYPE,
    }
