"""Store configuration the pricing rules read: coupons, shipping zones and methods, tax rates."""

from django.core.exceptions import ValidationError
from django.db import models

from checkout_hub import clock


class Coupon(models.Model):
    class DiscountType(models.TextChoices):
        PERCENT = "percent", "Percentage discount"
        FIXED_CART = "fixed_cart", "Fixed cart discount"
        FIXED_PRODUCT = "fixed_product", "Fixed product discount"

    code = models.CharField(max_length=100, unique=True, help_text="Stored trimmed, lower-case.")
    description = models.CharField(max_length=255, blank=True)
    discount_type = models.CharField(max_length=20, choices=DiscountType.choices)
    amount = models.PositiveIntegerField(
        help_text="Percent coupons: whole percent (10 = 10%). Fixed coupons: minor units."
    )
    enabled = models.BooleanField(default=True)
    free_shipping = models.BooleanField(
        default=False, help_text="Unlocks free-shipping methods that require a coupon."
    )
    individual_use = models.BooleanField(default=False)
    exclude_sale_items = models.BooleanField(default=False)
    products = models.ManyToManyField(
        "checkout_hub.Product",
        blank=True,
        related_name="coupons",
        help_text="If set, the coupon only discounts these products (or their variations).",
    )
    minimum_spend = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units.")
    maximum_spend = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units.")
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.normalise_code(self.code)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_code(code: str) -> str:
        return (code or "").strip().lower()

    def clean(self):
        if self.discount_type == self.DiscountType.PERCENT and self.amount > 100:
            raise ValidationError({"amount": "A percentage cannot exceed 100."})


class ShippingZone(models.Model):
    """A region. The first zone (by `order`) that matches an address supplies its methods; a
    zone with no countries matches everywhere (WooCommerce's "Locations not covered")."""

    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    countries = models.JSONField(default=list, blank=True, help_text='["US", "CA"]')
    states = models.JSONField(
        default=list, blank=True, help_text='Optional "CC:ST" codes, e.g. ["US:CA"].'
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def matches(self, country: str, state: str) -> bool:
        if not self.countries and not self.states:
            return True
        if self.states and f"{country}:{state}" in self.states:
            return True
        return country in self.countries


class ShippingMethod(models.Model):
    class MethodId(models.TextChoices):
        FLAT_RATE = "flat_rate", "Flat rate"
        FREE_SHIPPING = "free_shipping", "Free shipping"
        LOCAL_PICKUP = "local_pickup", "Local pickup"

    class FreeShippingRequires(models.TextChoices):
        NOTHING = "", "Nothing"
        COUPON = "coupon", "A valid free shipping coupon"
        MIN_AMOUNT = "min_amount", "A minimum order amount"
        EITHER = "either", "A minimum order amount OR a coupon"
        BOTH = "both", "A minimum order amount AND a coupon"

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="methods")
    method_id = models.CharField(max_length=30, choices=MethodId.choices)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    delivery_time = models.CharField(max_length=100, blank=True)
    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    cost = models.PositiveIntegerField(default=0, help_text="Minor units.")
    taxable = models.BooleanField(default=True)
    requires = models.CharField(
        max_length=20,
        choices=FreeShippingRequires.choices,
        blank=True,
        default="",
        help_text="Free shipping: what unlocks it.",
    )
    min_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="Free shipping: order amount (after discounts) needed."
    )
    countries = models.JSONField(
        default=list, blank=True, help_text="Optional further restriction within the zone."
    )
    states = models.JSONField(
        default=list, blank=True, help_text='Optional "CC:ST" codes within the zone.'
    )

    class Meta:
        ordering = ["zone__order", "order", "id"]

    def __str__(self):
        return f"{self.title} ({self.rate_id})"

    @property
    def rate_id(self) -> str:
        return f"{self.method_id}:{self.pk}"

    def matches(self, country: str, state: str) -> bool:
        if self.states:
            return f"{country}:{state}" in self.states
        if self.countries:
            return country in self.countries
        return True


class TaxRate(models.Model):
    """A rate for a country and optionally a state. Per priority, the most specific matching
    rate applies; rates of different priorities add up (state tax + city tax)."""

    name = models.CharField(max_length=100, default="Tax")
    country = models.CharField(max_length=2, blank=True, help_text="Empty: every country.")
    state = models.CharField(max_length=10, blank=True, help_text="Empty: every state.")
    rate = models.DecimalField(max_digits=7, decimal_places=4, help_text="Percent, e.g. 8.8750")
    priority = models.PositiveIntegerField(default=1)
    shipping = models.BooleanField(default=True, help_text="Also applies to shipping.")
    tax_class = models.CharField(max_length=50, blank=True, default="")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self):
        where = ":".join(part for part in (self.country, self.state) if part) or "*"
        return f"{self.name} {self.rate}% ({where})"

    @property
    def label(self) -> str:
        rate = f"{self.rate.normalize():f}"
        return f"{rate}%"
