"""The embedded Stripe fake's state: Customers, PaymentIntents, PaymentMethods, Charges, Refunds,
Checkout Sessions and SetupIntents.

Each row keeps the object exactly as the API shows it (`data`, the wire object); the other
columns are copies of a few of its fields so admin can list, filter and search them. `save()`
refreshes the copies from `data`, so the engine only ever edits the wire object.
"""

import json

from django.db import models

from checkout_hub import clock

from . import cards


class WireJSONField(models.TextField):
    """JSON kept as written: PostgreSQL's jsonb would re-order the keys, and the wire
    object's key order is part of what the fake reproduces."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


class WireObject(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    created = models.DateTimeField(default=clock.now, db_index=True)
    data = WireJSONField(help_text="The object as the API returns it.")

    # Columns that copy the wire field of the same name.
    COPIED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["-created"]

    def __str__(self):
        return self.id

    def save(self, *args, **kwargs):
        for name in self.COPIED_FIELDS:
            setattr(self, name, self.data[name])
        if self._state.adding and not args and not kwargs:
            # A new object has a new id: an INSERT, without Django's UPDATE-first attempt for
            # a primary key set by hand (half the writes of a create + confirm).
            kwargs["force_insert"] = True
        super().save(*args, **kwargs)


def _customer_column():
    return models.CharField(
        max_length=64, blank=True, null=True, db_index=True, help_text="The wire `customer`."
    )


class Customer(WireObject):
    """A Customer (`cus_…`). A deleted one keeps its row, its `data` the stub Stripe answers
    for it (`{"id", "object": "customer", "deleted": true}`)."""

    email = models.CharField(max_length=512, blank=True, null=True, db_index=True)
    name = models.CharField(max_length=256, blank=True, null=True)
    deleted = models.BooleanField(default=False, db_index=True)

    class Meta(WireObject.Meta):
        verbose_name = "customer"

    def save(self, *args, **kwargs):
        self.deleted = bool(self.data.get("deleted"))
        # Copies for admin, cut to their columns (the wire object keeps the whole value).
        self.email = (self.data.get("email") or "")[:512] or None
        self.name = (self.data.get("name") or "")[:256] or None
        super().save(*args, **kwargs)


class PaymentMethod(WireObject):
    test_card = models.CharField(
        max_length=80, help_text="The test card (alias) that decides how payments behave."
    )
    customer = _customer_column()
    # Not part of the wire object: saved for future use (a SetupIntent, setup_future_usage).
    # A card that asks for 3-D Secure only when it is set up is then charged without it.
    set_up = models.BooleanField(default=False)

    COPIED_FIELDS = ("customer",)

    class Meta(WireObject.Meta):
        verbose_name = "payment method"

    @property
    def card(self) -> cards.TestCard:
        return cards.TEST_CARDS[self.test_card]


class PaymentIntent(WireObject):
    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_CONFIRMATION = "requires_confirmation"
        REQUIRES_ACTION = "requires_action"
        PROCESSING = "processing"
        REQUIRES_CAPTURE = "requires_capture"
        CANCELED = "canceled"
        SUCCEEDED = "succeeded"

    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=30, choices=Status.choices, db_index=True)
    order_id = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="metadata[order_id]"
    )
    customer = _customer_column()
    # Not part of the wire object: where 3-D Secure sends the buyer back to.
    return_url = models.TextField(blank=True)

    COPIED_FIELDS = ("amount", "currency", "status", "customer")

    class Meta(WireObject.Meta):
        verbose_name = "payment intent"

    def save(self, *args, **kwargs):
        self.order_id = str(self.data["metadata"].get("order_id", ""))[:64]
        super().save(*args, **kwargs)


class Charge(WireObject):
    payment_intent = models.ForeignKey(
        PaymentIntent, on_delete=models.CASCADE, related_name="charges"
    )
    amount = models.BigIntegerField()
    amount_refunded = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, db_index=True)
    customer = _customer_column()

    COPIED_FIELDS = ("amount", "amount_refunded", "currency", "status", "customer")

    class Meta(WireObject.Meta):
        verbose_name = "charge"


class Refund(WireObject):
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="refunds")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)
    reason = models.CharField(max_length=40, blank=True, null=True)

    COPIED_FIELDS = ("amount", "currency", "status", "reason")

    class Meta(WireObject.Meta):
        verbose_name = "refund"


class CheckoutSession(WireObject):
    """A Checkout Session (`cs_test_…`) and the hosted payment page its `url` opens."""

    class Status(models.TextChoices):
        OPEN = "open"
        COMPLETE = "complete"
        EXPIRED = "expired"

    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    payment_status = models.CharField(max_length=30)
    amount_total = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    # Not part of the wire object (Stripe lists them at /line_items): what the page shows,
    # and what the session's PaymentIntent is created with.
    line_items = WireJSONField(default=list)
    payment_intent_data = WireJSONField(default=dict)

    COPIED_FIELDS = ("status", "payment_status", "amount_total", "currency")

    class Meta(WireObject.Meta):
        verbose_name = "checkout session"


class SetupIntent(WireObject):
    """A SetupIntent (`seti_…`), confirmed with the same test cards as PaymentIntents."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_CONFIRMATION = "requires_confirmation"
        REQUIRES_ACTION = "requires_action"
        PROCESSING = "processing"
        CANCELED = "canceled"
        SUCCEEDED = "succeeded"

    status = models.CharField(max_length=30, db_index=True)
    customer = _customer_column()
    # Not part of the wire object: where 3-D Secure sends the buyer back to.
    return_url = models.TextField(blank=True)

    COPIED_FIELDS = ("status", "customer")

    class Meta(WireObject.Meta):
        verbose_name = "setup intent"


# --- events and webhook endpoints (stripe_fake.events, stripe_fake.webhooks) ---
class Event(WireObject):
    """An Event (`evt_…`): what happened to an object, with the object as it was then. Each
    one is delivered through the hub's webhook outbox to every endpoint that wants its type;
    the deliveries are `checkout_hub.WebhookDelivery` rows with this event's id."""

    type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(
        max_length=64, db_index=True, help_text="data.object.id: the object it is about."
    )

    COPIED_FIELDS = ("type",)

    class Meta(WireObject.Meta):
        verbose_name = "event"
        ordering = ["-created", "-id"]

    def save(self, *args, **kwargs):
        self.object_id = str(self.data["data"]["object"].get("id") or "")[:64]
        super().save(*args, **kwargs)


class WebhookEndpoint(WireObject):
    """A webhook endpoint (`we_…`) as the API shows it (never its secret). It is the Stripe
    face of a `checkout_hub.WebhookEndpoint` (vendor "stripe"), which holds the `whsec_`
    secret, the enabled events and the status the outbox delivers by."""

    endpoint = models.OneToOneField(
        "checkout_hub.WebhookEndpoint",
        on_delete=models.CASCADE,
        related_name="stripe_webhook_endpoint",
        help_text="The hub's endpoint the deliveries go through.",
    )
    url = models.URLField(max_length=2048)
    status = models.CharField(max_length=20, db_index=True)

    COPIED_FIELDS = ("url", "status")

    class Meta(WireObject.Meta):
        verbose_name = "webhook endpoint"
