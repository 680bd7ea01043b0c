"""Outbound webhooks: emit an event to a vendor's endpoints, deliver it off the request path,
retry with backoff, record every attempt, redeliver from admin, prune old rows.

- `emit(vendor=, owner=, event_type=, event_id=, envelope=, test_mode=)` writes one
  `WebhookDelivery` per endpoint of `owner` that wants the event (one per event and endpoint:
  emitting again changes nothing), its body built by `envelope(delivery_uuid)` and signed once
  by the endpoint's strategy (`signing`; a per-attempt strategy signs each attempt again);
  the send is queued once the transaction commits.
- `deliver(id)` (the task `tasks.deliver_webhook`) claims a due delivery, POSTs it, logs the
  attempt; a 2xx ends it (success), anything else schedules the next attempt after
  `HUB_WEBHOOK_BACKOFF_SECONDS[n]`, and the last failure ends it (failed).
- `run_due()` sends every pending delivery that is due (a worker lost, or a backend that cannot
  defer, such as the immediate one); `redeliver()` re-opens one; `prune()` deletes old ones.

The delivery row is the outbox, so a restart loses nothing: its task is still queued (the
database backend), and `run_due()` finds any that are not.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from checkout_hub import clock
from checkout_hub.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from . import signing

log = logging.getLogger("checkout_hub.webhooks")
D = WebhookDelivery.Status
RESPONSE_KEEP = 2048
USER_AGENT = "CheckoutHub-Webhooks/1.0"


def backoff() -> list[int]:
    return list(settings.HUB_WEBHOOK_BACKOFF_SECONDS)


def dumps(payload: dict) -> str:
    """Compact JSON, as JSON.stringify writes it (the signed bytes are exactly these)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


# --- emitting ---
def emit(
    *,
    vendor: str,
    owner: str,
    event_type: str,
    event_id: str,
    envelope: Callable[[uuid.UUID], dict],
    test_mode: bool,
) -> list[WebhookDelivery]:
    """Queue `event_type` for every active endpoint of (`vendor`, `owner`) that wants it."""
    endpoints = WebhookEndpoint.objects.filter(vendor=vendor, owner=owner, active=True)
    made = []
    for endpoint in endpoints:
        if not endpoint.wants(event_type, test_mode):
            continue
        if WebhookDelivery.objects.filter(
            endpoint=endpoint, event_type=event_type, event_id=event_id
        ).exists():
            continue
        public_id = uuid.UUID(hex=clock.random_hex(32), version=4)
        body = dumps(envelope(public_id))
        now = clock.now()
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    public_id=public_id,
                    endpoint=endpoint,
                    event_type=event_type,
                    event_id=event_id,
                    body=body,
                    headers=signing.sign(endpoint.signing, body, endpoint, now),
                    max_attempts=len(backoff()) + 1,
                    next_attempt_at=now,
                    created_at=now,
                )
        except IntegrityError:  # a concurrent emit of the same event won
            continue
        made.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return made


def enqueue(delivery_id: int, run_after: dt.datetime | None = None) -> None:
    """Hand the delivery to the task backend; a backend that cannot defer gets it now only
    when it is due (later ones wait for `run_due()`). Never raises: the outbox keeps it."""
    from .tasks import deliver_webhook

    try:
        task = deliver_webhook
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=run_after)
        task.enqueue(delivery_id)
    except Exception:  # the row stays pending; run_due() or redelivery sends it
        log.exception("Could not queue webhook delivery %s", delivery_id)


# --- delivering ---
def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Lock the delivery, check it is pending and due, and lease it for one attempt."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        now = clock.now()
        if delivery is None or delivery.status != D.PENDING:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.attempt_count += 1
        # A lease: a second worker finding it meanwhile leaves it alone.
        delivery.next_attempt_at = now + dt.timedelta(
            seconds=settings.HUB_WEBHOOK_TIMEOUT_SECONDS * 3
        )
        delivery.save(update_fields=["attempt_count", "next_attempt_at", "updated_at"])
        return delivery


def post(url: str, body: str, headers: dict, timeout: float) -> tuple[int | None, str, str]:
    """(status, response text, error): one HTTP POST, never raising."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return reply.status, reply.read(RESPONSE_KEEP).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(RESPONSE_KEEP).decode("utf-8", "replace"), ""
    except Exception as exc:  # refused, timeout, DNS, a bad URL
        return None, "", f"{type(exc).__name__}: {exc}"


def deliver(delivery_id: int) -> str:
    """Make one attempt at `delivery_id` if it is pending and due; returns its status after."""
    delivery = _claim(delivery_id)
    if delivery is None:
        found = WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True)
        return found.first() or "missing"
    started = clock.now()
    endpoint = delivery.endpoint
    if signing.per_attempt(endpoint.signing):  # a fresh stamp for this attempt (Stripe)
        delivery.headers = signing.sign(endpoint.signing, delivery.body, endpoint, started)
    begun = time.monotonic()
    status, text, error = post(
        endpoint.url,
        delivery.body,
        delivery.headers,
        settings.HUB_WEBHOOK_TIMEOUT_SECONDS,
    )
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            started_at=started,
            duration_ms=int((time.monotonic() - begun) * 1000),
            status_code=status,
            response_body=text[:RESPONSE_KEEP],
            error=error,
            success=ok,
        )
        retry_at = None
        if ok:
            delivery.status, delivery.delivered_at = D.SUCCESS, clock.now()
            delivery.next_attempt_at = None
        elif delivery.attempt_count >= delivery.max_attempts:
            delivery.status, delivery.next_attempt_at = D.FAILED, None
        else:
            waits = backoff() or [60]
            wait = waits[min(delivery.attempt_count - 1, len(waits) - 1)]
            retry_at = delivery.next_attempt_at = clock.now() + dt.timedelta(seconds=wait)
        delivery.save(
            update_fields=["status", "delivered_at", "next_attempt_at", "headers", "updated_at"]
        )
        if retry_at is not None:
            transaction.on_commit(lambda: enqueue(delivery.pk, retry_at))
    return delivery.status


def run_due(limit: int = 100) -> int:
    """Attempt every pending delivery that is due now (oldest first); returns how many ran."""
    due = list(
        WebhookDelivery.objects.filter(status=D.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        deliver(pk)
    return len(due)


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send `delivery` again now (admin): pending, with a fresh set of attempts; the body and
    its signed headers stay as first stamped, as the real services resend them (a per-attempt
    strategy signs each attempt anew, as Stripe does)."""
    delivery.status = D.PENDING
    delivery.max_attempts = delivery.attempt_count + len(backoff()) + 1
    delivery.next_attempt_at = clock.now()
    delivery.save(update_fields=["status", "max_attempts", "next_attempt_at", "updated_at"])
    transaction.on_commit(lambda: enqueue(delivery.pk))
    return delivery


def prune(retention_days: int | None = None) -> int:
    """Delete finished deliveries (and their attempts) older than the retention."""
    days = settings.HUB_WEBHOOK_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted, _ = WebhookDelivery.objects.filter(
        status__in=[D.SUCCESS, D.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted


__all__ = ["deliver", "emit", "enqueue", "prune", "redeliver", "run_due", "signing"]
