"""Outbound webhooks: where a vendor's events go, each delivery (the durable outbox) and every
attempt to send it.

A vendor registers its endpoints (Pancake: per store, from admin or its `store/add-webhook`
action) with a `signing` strategy name; `checkout_hub.services.webhooks.emit()` writes one
`WebhookDelivery` row per endpoint that wants the event, with the exact body and the signed
headers stamped once, then a task worker sends it. The row is the outbox: a delivery survives
a restart, and its attempts say what happened each time.
"""

import uuid

from django.db import models

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from .vendors import Vendor


class WebhookEndpoint(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vendor = models.CharField(max_length=20, choices=Vendor.choices, db_index=True)
    owner = models.CharField(
        max_length=100,
        db_index=True,
        help_text="Whose endpoint this is in the vendor's words (e.g. a Pancake STO_ id).",
    )
    url = models.URLField(max_length=2048)
    channel = models.CharField(max_length=20, default="http")
    events = models.JSONField(
        default=list, blank=True, help_text="Event types it receives; empty: every event."
    )
    signing = models.CharField(
        max_length=40, default="none", help_text="The signing strategy (per vendor)."
    )
    secret = models.CharField(max_length=255, blank=True)
    test_mode = models.BooleanField(default=True, help_text="Receives test events (else live).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ClockUpdatedAtField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.url

    def wants(self, event_type: str, test_mode: bool) -> bool:
        if not self.active or self.test_mode != test_mode:
            return False
        return not self.events or event_type in self.events


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCESS = "success", "Delivered"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=100, db_index=True)
    event_id = models.CharField(max_length=100, db_index=True)
    body = models.TextField(help_text="The exact bytes sent (UTF-8).")
    headers = models.JSONField(default=dict, blank=True, help_text="Stamped once, reused.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempt_count = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=4)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = ClockUpdatedAtField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # One delivery per event per endpoint (Pancake: per eventType + eventId).
            models.UniqueConstraint(
                fields=["endpoint", "event_type", "event_id"], name="one_delivery_per_event"
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=clock.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2 KB of the reply.")
    error = models.TextField(blank=True, help_text="Why no reply came (timeout, refused).")
    success = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery_id", "number"]

    def __str__(self):
        return f"attempt {self.number}"
