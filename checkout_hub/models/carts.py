"""Carts and their lines: what a buyer is about to order, whichever API they came through."""

import datetime as dt

from django.conf import settings
from django.db import models

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from .prepared import PreparedQuery
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
                # Images come from services.reference (kept per process), not a query.
                queryset=CartItem.objects.select_related("product", "product__parent").order_by(
                    "id"
                ),
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
    updated_at = ClockUpdatedAtField()

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


# --- the hot read: a key's open cart and its lines, in two prepared SELECTs ---
_OPEN_CART = PreparedQuery(
    lambda key, now: (
        Cart.objects.select_related("customer", "draft_order")
        .filter(key=key, completed=False, expires_at__gt=now)
        .order_by()[:1]
    ),
    # Django binds the date, then the key (`NOT completed` is in the SQL itself).
    lambda connection, key, now: [connection.ops.adapt_datetimefield_value(now), key],
    sample=("t_sample", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
)
_LINES = PreparedQuery(
    lambda cart_id: (
        CartItem.objects.select_related("product", "product__parent")
        .filter(cart_id=cart_id)
        .order_by("id")
    ),
    lambda connection, cart_id: [cart_id],
    sample=(1,),
)


_PLAIN_LINES = PreparedQuery(
    lambda cart_id: CartItem.objects.filter(cart_id=cart_id).order_by("id"),
    lambda connection, cart_id: [cart_id],
    sample=(1,),
)


def load_open_cart(key: str, products=None) -> Cart | None:
    """`Cart.objects.with_lines().filter(key=key).open().first()`, from prepared SQL: the open
    cart holding `key` with its lines (and their products) in its prefetch cache, or None.
    `products(ids)` ({id: product with its parent}), when given, supplies the lines' products
    instead of a join (the process's copies: services.reference.products); a product it does
    not have is left to load on first use."""
    found = _OPEN_CART.fetch(key, clock.now())
    if not found:
        return None
    cart = found[0]
    if products is None:
        items = _LINES.fetch(cart.pk)
    else:
        items = _PLAIN_LINES.fetch(cart.pk)
        by_id = products(list(dict.fromkeys(item.product_id for item in items))) if items else {}
        for item in items:
            product = by_id.get(item.product_id)
            if product is not None:
                CartItem.product.field.set_cached_value(item, product)
    for item in items:
        CartItem.cart.field.set_cached_value(item, cart)
    # What prefetch_related("items") leaves behind: cart.items.all() answers from it.
    lines = cart.items.all()
    lines._result_cache = items
    lines._prefetch_done = True
    cart._prefetched_objects_cache = {"items": lines}
    return cart
