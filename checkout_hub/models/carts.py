"""Carts and their lines: what a buyer is about to order, whichever API they came through."""

import datetime as dt

from django.conf import settings
from django.db import models

from checkout_hub import clock

from .vendors import Vendor


def new_cart_key() -> str:
    # WooCommerce guest session keys look like "t_" + 30 characters.
    return "t_" + clock.random_hex(30)


def default_cart_expiry() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=settings.HUB_CART_TTL_SECONDS)


def default_currency() -> str:
    return settings.HUB_CURRENCY


class CartQuerySet(models.QuerySet):
    def with_lines(self):
        """Everything pricing and rendering read, in a fixed number of queries."""
        return self.select_related("customer", "draft_order").prefetch_related(
            models.Prefetch(
                "items",
                queryset=CartItem.objects.select_related("product", "product__parent")
                .prefetch_related("product__images", "product__parent__images")
                .order_by("id"),
            )
        )

    def open(self):
        return self.filter(completed=False, expires_at__gt=clock.now())

    def expired(self):
        return self.filter(expires_at__lte=clock.now())


class Cart(models.Model):
    key = models.CharField(max_length=64, unique=True, default=new_cart_key)
    vendor = models.CharField(max_length=20, choices=Vendor.choices, default=Vendor.HUB)
    currency = models.CharField(max_length=3, default=default_currency)
    customer = models.ForeignKey(
        "checkout_hub.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    shipping_rate_id = models.CharField(
        max_length=100, blank=True, help_text='The chosen rate, e.g. "flat_rate:1".'
    )
    coupon_codes = models.JSONField(default=list, blank=True)
    payment_method = models.CharField(max_length=50, blank=True)
    customer_note = models.TextField(blank=True)
    additional_fields = models.JSONField(default=dict, blank=True)
    meta = models.JSONField(default=dict, blank=True, help_text="Vendor session extras.")
    draft_order = models.ForeignKey(
        "checkout_hub.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The order being checked out from this cart (draft, pending or failed).",
    )
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_cart_expiry)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CartQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return self.key

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    def touch(self, ttl_seconds: int | None = None) -> None:
        ttl = ttl_seconds or settings.HUB_CART_TTL_SECONDS
        self.expires_at = clock.now() + dt.timedelta(seconds=ttl)


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=32, help_text="md5 of product, variation and item data.")
    product = models.ForeignKey("checkout_hub.Product", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=1)
    variation = models.JSONField(
        default=dict, blank=True, help_text="Chosen attribute values, e.g. {'pa_color': 'Blue'}."
    )
    item_data = models.JSONField(default=list, blank=True)
    # A price locked elsewhere (a hosted checkout session's snapshot, Pancake's priceSnapshot)
    # that wins over the product's current price; None: the product's price.
    locked_unit_price = models.BigIntegerField(
        null=True, blank=True, help_text="Minor units; overrides the product's price."
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cart", "key"], name="unique_cart_line")]

    def __str__(self):
        return f"{self.quantity} x {self.product}"
