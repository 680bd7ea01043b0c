"""WooCommerce REST API keys (consumer key and secret), as the CoCart Preview checkout requires.

WooCommerce stores the consumer key only as its hash (`wc_api_hash`: HMAC-SHA256 keyed with
"wc-api") plus its last seven characters, and the secret in clear; a request is matched by the
key's hash and then the secret compared in constant time. Keys are created in admin (the new
pair is shown once) and by `seed_store` (the demo pair `manage.py credentials` prints).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models

from checkout_hub import clock


def api_hash(consumer_key: str) -> str:
    """wc_api_hash(): HMAC-SHA256 of the key with "wc-api"."""
    return hmac.new(b"wc-api", consumer_key.encode(), hashlib.sha256).hexdigest()


def new_pair() -> tuple[str, str]:
    """A fresh key and secret: "ck_"/"cs_" + 40 hex characters, as WooCommerce makes them."""
    return "ck_" + clock.random_hex(40), "cs_" + clock.random_hex(40)


class ApiKeyQuerySet(models.QuerySet):
    def matching(self, consumer_key: str, consumer_secret: str):
        """The key with this consumer key and secret, or None."""
        key = self.filter(consumer_key_hash=api_hash(consumer_key or "")).first()
        if key is None or not hmac.compare_digest(
            key.consumer_secret.encode(), (consumer_secret or "").encode()
        ):
            return None
        return key


class ApiKey(models.Model):
    class Permissions(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"
        READ_WRITE = "read_write", "Read/Write"

    description = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="The WordPress user the key belongs to.",
    )
    permissions = models.CharField(
        max_length=10, choices=Permissions.choices, default=Permissions.READ_WRITE
    )
    consumer_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    consumer_secret = models.CharField(max_length=43, editable=False)
    truncated_key = models.CharField(max_length=7, editable=False)
    last_access = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.description or 'API key'} (…{self.truncated_key})"

    def set_pair(self, consumer_key: str, consumer_secret: str) -> None:
        self.consumer_key_hash = api_hash(consumer_key)
        self.consumer_secret = consumer_secret
        self.truncated_key = consumer_key[-7:]

    def allows(self, method: str) -> bool:
        """WooCommerce's check_permissions: read keys GET/HEAD/OPTIONS, write keys the rest."""
        reading = method in ("GET", "HEAD", "OPTIONS")
        if self.permissions == self.Permissions.READ:
            return reading
        if self.permissions == self.Permissions.WRITE:
            return not reading
        return True
