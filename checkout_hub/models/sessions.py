"""Checkout sessions: a hosted checkout page's locked offer, from creation to the order it made.

A vendor that sells through a hosted page (Waffo Pancake first, Stripe Checkout-like flows
later) creates a session server-side, sends the buyer to its URL, and the page turns it into
an order. The session locks what the buyer is offered at creation time: lines, unit prices,
currency, totals, buyer email and billing detail sit in `snapshot`, so later catalogue or
price changes never alter an open session (Pancake's "session locks").

Statuses move only through `checkout_hub.services.checkout_sessions`: `transition()` checks
its table; expiry by the hub's clock (`expires_at`) is applied lazily when a session is read
and in bulk by `hub_cleanup`, each as a conditional UPDATE of sessions still open.
"""

import datetime as dt
import uuid

from django.db import models

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from .vendors import Vendor


def new_session_id() -> str:
    """`cs_` + a version-4 UUID, as Pancake's session ids (and the design's id table) look.

    The UUID's bits come from the hub's random source, so `clock.seed()` makes ids repeatable
    in tests and QA runs, as every other id in the hub is."""
    return "cs_" + str(uuid.UUID(hex=clock.random_hex(32), version=4))


# Pancake's default session TTL: 45 minutes (seed 004). The service takes a TTL per session;
# this default serves rows made without one (admin, factories).
DEFAULT_TTL_SECONDS = 2700


def default_session_expiry() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=DEFAULT_TTL_SECONDS)


class CheckoutSessionQuerySet(models.QuerySet):
    def overdue(self):
        """Open sessions whose time is up but that nobody has marked expired yet."""
        return self.filter(status=CheckoutSession.Status.OPEN, expires_at__lte=clock.now())


class CheckoutSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        # The hosted page has made the order and the buyer is paying for it. Not subject to
        # expiry: the order holds stock and the payment may still succeed, so its outcome
        # decides (completed, or back to open to try again).
        PROCESSING = "processing", "Payment in progress"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    # The integer pk keeps foreign keys and admin URLs plain; the vendor-facing id is
    # `public_id`, whose format a vendor may choose at creation (see the service).
    public_id = models.CharField(
        max_length=100,
        unique=True,
        default=new_session_id,
        help_text="The id the vendor's API shows, e.g. cs_<uuid>.",
    )
    vendor = models.CharField(
        max_length=20,
        choices=Vendor.choices,
        default=Vendor.HUB,
        db_index=True,
        help_text="The API that created the session.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    expires_at = models.DateTimeField(default=default_session_expiry)
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Locked at creation: currency, lines (product id, name, unit price, quantity), "
            "totals, buyer email, billing detail and vendor-specific data."
        ),
    )
    success_url = models.URLField(max_length=2048, blank=True)
    cancel_url = models.URLField(max_length=2048, blank=True)
    cart = models.ForeignKey(
        "checkout_hub.Cart",
        null=True,
        blank=True,
        # Cleanup deletes expired carts; the session keeps its own snapshot.
        on_delete=models.SET_NULL,
        related_name="checkout_sessions",
    )
    order = models.ForeignKey(
        "checkout_hub.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkout_sessions",
        help_text="The order the session produced (set once payment starts).",
    )
    metadata = models.JSONField(
        default=dict, blank=True, help_text="The merchant's own key/value pairs."
    )
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = ClockUpdatedAtField()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = CheckoutSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return self.public_id

    @property
    def is_overdue(self) -> bool:
        """Past its expiry time (whatever its status says)."""
        return self.expires_at <= clock.now()

    @property
    def currency(self) -> str:
        return self.snapshot.get("currency", "")

    @property
    def total(self) -> int:
        return (self.snapshot.get("totals") or {}).get("total", 0)

    @property
    def buyer_email(self) -> str:
        return self.snapshot.get("buyer_email", "")
