"""Idempotency keys, as Stripe defines them: the first reply to a key is stored, success or
failure, and replayed for later requests with the same key and the same parameters; the same
key with other parameters is a conflict, and so is a key whose first request is still running.
Keys expire after settings.HUB_IDEMPOTENCY_TTL_SECONDS (Stripe: 24 h); an expired key is a new
request, and expired rows are swept every PRUNE_EVERY new keys (and by `hub_cleanup`).

    replay = idempotency.begin(scope, key, fingerprint(params))
    if replay: return replay            # the stored (status, body, headers)
    try: ...build the reply...
    except: idempotency.release(scope, key); raise
    idempotency.complete(scope, key, status, body, headers)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from checkout_hub import clock
from checkout_hub.models import IdempotencyRecord

from .errors import DomainError

MAX_KEY_LENGTH = 255
PRUNE_EVERY = 100  # new keys between two sweeps of the expired ones


class IdempotencyConflict(DomainError):
    """facts: key, reason ("mismatch": other parameters; "in_progress": still running), and
    endpoint (what the key was first used on, "" when not recorded)."""

    code = "idempotency_conflict"
    default_message = "This idempotency key was already used with different parameters."


@dataclass(frozen=True)
class Replay:
    status: int
    body: str
    headers: dict


def fingerprint(*parts) -> str:
    """A stable hash of the request's parameters (dict key order does not matter)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


ENDPOINT_MAX = IdempotencyRecord._meta.get_field("endpoint").max_length


def _expired_before() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.HUB_IDEMPOTENCY_TTL_SECONDS)


def begin(scope: str, key: str, print_: str, *, endpoint: str = "") -> Replay | None:
    """Claim `key` in `scope` for a request with fingerprint `print_` made on `endpoint`
    (`POST /v1/refunds`: a conflict names the first one). None: go ahead (and call complete()
    or release()); a Replay: answer with it. Raises IdempotencyConflict."""
    cutoff = _expired_before()
    rows = IdempotencyRecord.objects.filter(scope=scope, key=key)
    record = rows.first()
    if record is not None and record.created_at < cutoff:
        rows.delete()  # pruned: a new request, as Stripe treats keys older than 24 h
        record = None
    if record is None:
        try:
            with transaction.atomic():
                created = IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=print_, endpoint=endpoint[:ENDPOINT_MAX]
                )
        except IntegrityError:
            record = rows.first()  # a concurrent request took the key first
            if record is None:
                raise IdempotencyConflict(
                    "A request with this idempotency key is still being processed.",
                    key=key,
                    reason="in_progress",
                ) from None
        else:
            if created.pk % PRUNE_EVERY == 0:
                prune()
            return None
    if record.fingerprint != print_:
        raise IdempotencyConflict(key=key, reason="mismatch", endpoint=record.endpoint)
    if not record.completed:
        raise IdempotencyConflict(
            "A request with this idempotency key is still being processed.",
            key=key,
            reason="in_progress",
            endpoint=record.endpoint,
        )
    return Replay(record.status_code, record.response_body, record.response_headers)


def prune() -> int:
    """Delete expired keys; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted


def complete(scope: str, key: str, status: int, body: str, headers: dict | None = None) -> None:
    """Store the reply to replay for `key`."""
    IdempotencyRecord.objects.filter(scope=scope, key=key).update(
        status_code=status,
        response_body=body,
        response_headers=headers or {},
        completed_at=clock.now(),
    )


def release(scope: str, key: str) -> None:
    """Give `key` back unanswered (the request failed before it had a reply to store)."""
    IdempotencyRecord.objects.filter(scope=scope, key=key, status_code__isnull=True).delete()
