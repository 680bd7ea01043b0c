"""The hub's own records: stored scenario rules and the request journal."""

import fnmatch

from django.db import models

from checkout_hub import clock

from .vendors import Vendor


class ScenarioRule(models.Model):
    """Forces a scenario on matching requests, for testers who cannot add headers."""

    scenario = models.CharField(max_length=50)
    vendor = models.CharField(max_length=20, choices=Vendor.choices, blank=True)
    method = models.CharField(
        max_length=10, blank=True, help_text="GET, POST... Empty: any method."
    )
    path_pattern = models.CharField(
        max_length=255,
        blank=True,
        default="*",
        help_text="Shell-style pattern on the path, e.g. /wp-json/wc/store/v1/checkout*",
    )
    enabled = models.BooleanField(default=True)
    remaining_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many more requests it fires on. Empty: no limit."
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    delay_ms = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Hold matching requests this long first (capped by HUB_MAX_DELAY_MS). "
        'With scenario "delay" a rule only delays.',
    )
    note = models.CharField(max_length=255, blank=True)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    # What a person sets (admin form, POST /__hub/scenarios); the rest is bookkeeping.
    EDITABLE_FIELDS = (
        "scenario",
        "vendor",
        "method",
        "path_pattern",
        "enabled",
        "remaining_uses",
        "expires_at",
        "delay_ms",
        "note",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.scenario} on {self.method or '*'} {self.path_pattern or '*'}"

    def save(self, *args, **kwargs):
        self.method = self.method.strip().upper()
        super().save(*args, **kwargs)

    def matches(self, vendor: str, method: str, path: str) -> bool:
        if self.vendor and self.vendor != vendor:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path_pattern or "*")


class RequestLog(models.Model):
    """One row per API request; secrets are redacted before the row is written."""

    # Only the id and created_at are indexed: every request inserts a row and the prune deletes
    # one, and each index more is a B-tree to update both times (vendor, path and status
    # indexes were a fifth of the writer's cost per row). Reads filter a table capped at
    # HUB_JOURNAL_MAX_ROWS, newest first along the id: a scan of it is quick, and the path is
    # matched with `contains`, which no index serves.
    vendor = models.CharField(max_length=20, choices=Vendor.choices, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField()
    # Random ids (uuid4): an index on them dirtied a page per row, most of the writer's commit.
    correlation_id = models.CharField(max_length=100, blank=True)
    scenario = models.CharField(max_length=50, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    request_headers = models.JSONField(default=dict, blank=True)
    request_body = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "request"
        verbose_name_plural = "request journal"

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class IdempotencyRecord(models.Model):
    """The first reply to an `Idempotency-Key`, replayed for later requests with the same key
    and the same body (Stripe's rule, used by the Stripe fake and the HWP bridge)."""

    scope = models.CharField(max_length=100, help_text="Who the key belongs to.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="Hash of the request it answered.")
    endpoint = models.CharField(
        max_length=200, blank=True, help_text="What the key was first used on (POST /v1/refunds)."
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"

    @property
    def completed(self) -> bool:
        return self.status_code is not None
