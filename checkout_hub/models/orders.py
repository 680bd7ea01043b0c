"""Orders, their lines and meta, and the payments made against them.

An order is a snapshot: every line and every total is copied from the cart at checkout, so
later catalogue or price changes never alter it.
"""

from django.db import models

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from .prepared import save_fields
from .vendors import Vendor


def new_order_key() -> str:
    # WooCommerce: "wc_order_" + 13 random characters.
    return "wc_order_" + clock.random_string(13)


class OrderQuerySet(models.QuerySet):
    def with_details(self):
        return self.select_related("customer").prefetch_related("items", "meta", "payments")


class Order(models.Model):
    class Status(models.TextChoices):
        CHECKOUT_DRAFT = "checkout-draft", "Draft"
        PENDING = "pending", "Pending payment"
        PROCESSING = "processing", "Processing"
        ON_HOLD = "on-hold", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Failed"

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", "Unpaid"
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    number = models.CharField(max_length=32, blank=True, db_index=True)
    order_key = models.CharField(max_length=64, unique=True, default=new_order_key)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    source = models.CharField(
        max_length=20,
        choices=Vendor.choices,
        default=Vendor.HUB,
        db_index=True,
        help_text="The API that created the order.",
    )
    currency = models.CharField(max_length=3)
    customer = models.ForeignKey(
        "checkout_hub.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    billing_email = models.EmailField(blank=True, db_index=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)

    subtotal = models.BigIntegerField(default=0, help_text="Lines before discounts.")
    subtotal_tax = models.BigIntegerField(default=0)
    discount_total = models.BigIntegerField(default=0)
    discount_tax = models.BigIntegerField(default=0)
    shipping_total = models.BigIntegerField(default=0)
    shipping_tax = models.BigIntegerField(default=0)
    fee_total = models.BigIntegerField(default=0)
    fee_tax = models.BigIntegerField(default=0)
    tax_total = models.BigIntegerField(default=0, help_text="All taxes (lines + shipping).")
    total = models.BigIntegerField(default=0)
    total_refunded = models.BigIntegerField(default=0)
    shipping_lines = models.JSONField(default=list, blank=True)
    coupon_lines = models.JSONField(default=list, blank=True)
    tax_lines = models.JSONField(default=list, blank=True)
    fee_lines = models.JSONField(default=list, blank=True)

    payment_method = models.CharField(max_length=50, blank=True)
    payment_method_title = models.CharField(max_length=100, blank=True)
    transaction_id = models.CharField(max_length=100, blank=True)
    customer_note = models.TextField(blank=True)
    additional_fields = models.JSONField(default=dict, blank=True)
    cart = models.ForeignKey(
        "checkout_hub.Cart", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    cart_hash = models.CharField(max_length=32, blank=True)
    stock_reduced = models.BooleanField(default=False, help_text="It holds its stock.")
    coupon_usage_counted = models.BooleanField(
        default=False, help_text="Its coupons' uses are counted (WooCommerce's recorded usage)."
    )

    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = ClockUpdatedAtField()
    paid_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.number or self.pk}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not self.number:
            # WooCommerce order numbers are the order id unless a plugin says otherwise.
            self.number = str(self.pk)
            save_fields(self, ["number"])

    @property
    def needs_payment(self) -> bool:
        return self.total > 0 and self.status in (
            self.Status.CHECKOUT_DRAFT,
            self.Status.PENDING,
            self.Status.FAILED,
        )

    @property
    def is_paid(self) -> bool:
        return self.payment_status == self.PaymentStatus.PAID

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        for row in self.meta.all():
            if row.key == key:
                return row.value
        return default


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "checkout_hub.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_ref = models.PositiveBigIntegerField(help_text="Product id at the time of order.")
    variation_ref = models.PositiveBigIntegerField(default=0, help_text="0 unless a variation.")
    item_key = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=255)
    sku = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    price = models.BigIntegerField(help_text="Unit price paid, minor units, before discounts.")
    subtotal = models.BigIntegerField(default=0)
    subtotal_tax = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0, help_text="After discounts, before tax.")
    total_tax = models.BigIntegerField(default=0)
    variation = models.JSONField(default=dict, blank=True)
    item_data = models.JSONField(default=list, blank=True)
    virtual = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} x {self.name}"


class OrderMeta(models.Model):
    """Key/value rows: attribution, vendor extras (WooCommerce's order meta)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="meta")
    key = models.CharField(max_length=255, db_index=True)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "order meta"
        verbose_name_plural = "order meta"

    def __str__(self):
        return self.key


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        REQUIRES_ACTION = "requires_action", "Requires action"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    gateway = models.CharField(max_length=50)
    amount = models.BigIntegerField(help_text="Minor units.")
    amount_refunded = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reference = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="Gateway id, e.g. a PaymentIntent."
    )
    error_code = models.CharField(max_length=100, blank=True)
    decline_code = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ClockUpdatedAtField()

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.gateway} {self.reference or self.pk} ({self.status})"
