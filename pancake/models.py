"""Pancake's concepts on the shared store: merchants and their API keys, stores, products with
versions and per-currency prices, and the ORD_/PAY_ faces of the hub's orders and payments.

A Pancake product is sold through a backing hub `Product` (virtual, so it ships nothing), so
the hub's checkout, stock, tax and payments apply; the price a buyer pays is the one the
checkout session locked (a per-currency price of the product's active version, or the
merchant's priceSnapshot).
"""

from django.db import models

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from . import ids


class Environment(models.TextChoices):
    TEST = "test", "Test"
    PROD = "prod", "Production"


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    SUSPENDED = "suspended", "Suspended"


class Merchant(models.Model):
    short_id = models.CharField(max_length=40, unique=True, default=ids.merchant_id)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.short_id})"


class MerchantKey(models.Model):
    """A merchant's RSA public key: requests signed by its private key are the merchant's, in
    the key's environment."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(max_length=100, blank=True)
    environment = models.CharField(
        max_length=4, choices=Environment.choices, default=Environment.TEST
    )
    public_key = models.TextField(help_text="PEM (SubjectPublicKeyInfo or PKCS#1).")
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.merchant.short_id} {self.environment} {self.fingerprint[:12]}"

    def save(self, *args, **kwargs):
        from . import keys

        self.public_key = keys.normalise_public_key(self.public_key)
        self.fingerprint = keys.fingerprint(self.public_key)
        super().save(*args, **kwargs)


class Store(models.Model):
    short_id = models.CharField(max_length=40, unique=True, default=ids.store_id)
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="stores")
    name = models.CharField(max_length=48)
    slug = models.SlugField(max_length=100, unique=True)
    status = models.CharField(
        max_length=10, choices=EntityStatus.choices, default=EntityStatus.ACTIVE
    )
    prod_enabled = models.BooleanField(default=False, help_text="Approved for production payments.")
    dark_mode = models.BooleanField(default=False, help_text="The checkout page's default.")
    success_url = models.URLField(max_length=2048, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ClockUpdatedAtField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.slug})"


class PancakeProduct(models.Model):
    class Kind(models.TextChoices):
        ONETIME = "onetime", "One-time"
        SUBSCRIPTION = "subscription", "Subscription"

    class BillingPeriod(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        YEARLY = "yearly", "Yearly"

    short_id = models.CharField(max_length=40, unique=True, default=ids.product_id)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONETIME)
    billing_period = models.CharField(
        max_length=10, choices=BillingPeriod.choices, blank=True, help_text="Subscriptions."
    )
    trial_days = models.PositiveIntegerField(default=0, help_text="Subscriptions.")
    active_test = models.BooleanField(default=True, help_text="Sold in the test environment.")
    active_prod = models.BooleanField(default=False, help_text="Sold in production.")
    hub_product = models.OneToOneField(
        "checkout_hub.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pancake_product",
        help_text="The hub product orders are placed with (virtual; made on first checkout).",
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ClockUpdatedAtField()

    class Meta:
        ordering = ["id"]
        verbose_name = "product"

    def __str__(self):
        version = self.current_version()
        return f"{version.name if version else '?'} ({self.short_id})"

    def backing_product(self):
        """The virtual hub product orders of this product are placed with (the price a buyer
        pays is the session's locked one, never this product's own). Made on the first
        checkout session, not before: the hub's catalogue (the Store API's /products) shows
        every published product, and a Pancake product is not for sale there."""
        if self.hub_product_id is not None:
            return self.hub_product
        from checkout_hub.models import Product

        version = self.current_version()
        product, _ = Product.objects.get_or_create(
            sku=f"pancake-{self.short_id}",
            defaults={
                "name": version.name if version else f"Pancake product {self.short_id}",
                "slug": f"pancake-{self.short_id.lower().replace('_', '-')}",
                "regular_price": 0,
                "virtual": True,
                "status": Product.Status.PUBLISH,
                "short_description": "Sold through Waffo Pancake's hosted checkout.",
            },
        )
        self.hub_product = product
        PancakeProduct.objects.filter(pk=self.pk).update(hub_product=product)
        return product

    def active_in(self, environment: str) -> bool:
        return self.active_prod if environment == Environment.PROD else self.active_test

    def current_version(self):
        """The newest active version (prefetched versions are used when present)."""
        versions = [v for v in self.versions.all() if v.status == EntityStatus.ACTIVE]
        return max(versions, key=lambda v: v.number, default=None)


class ProductVersion(models.Model):
    """An immutable version of a product: its name, description and prices at one time."""

    product = models.ForeignKey(PancakeProduct, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    public_id = models.UUIDField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=[(EntityStatus.ACTIVE, "Active"), (EntityStatus.INACTIVE, "Inactive")],
        default=EntityStatus.ACTIVE,
    )
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["product_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.public_id is None:
            import uuid

            self.public_id = uuid.UUID(hex=clock.random_hex(32), version=4)
        super().save(*args, **kwargs)
        hub = self.product.hub_product if self.product.hub_product_id else None
        if hub is not None and hub.name != self.name and self.status == EntityStatus.ACTIVE:
            hub.name = self.name
            hub.save(update_fields=["name", "updated_at"])

    def price_for(self, currency: str):
        return next((p for p in self.prices.all() if p.currency == currency), None)


class TaxCategory(models.TextChoices):
    DIGITAL_GOODS = "digital_goods", "Digital goods"
    SAAS = "saas", "SaaS"
    SOFTWARE = "software", "Software"
    EBOOK = "ebook", "E-book"
    ONLINE_COURSE = "online_course", "Online course"
    CONSULTING = "consulting", "Consulting"
    PROFESSIONAL_SERVICE = "professional_service", "Professional service"


class ProductPrice(models.Model):
    version = models.ForeignKey(ProductVersion, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(help_text="Minor units (2900 = 29.00 USD; JPY has none).")
    tax_category = models.CharField(
        max_length=30, choices=TaxCategory.choices, default=TaxCategory.SAAS
    )
    tax_included = models.BooleanField(default=False)
    trial_amount = models.BigIntegerField(null=True, blank=True, help_text="Subscriptions.")

    class Meta:
        ordering = ["version_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["version", "currency"], name="one_price_per_currency")
        ]

    def __str__(self):
        return f"{self.currency} {self.amount}"


class PancakeOrder(models.Model):
    """The ORD_ face of a hub order placed through a Pancake checkout session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"
        ACTIVE = "active", "Active"
        CANCELING = "canceling", "Canceling"
        PAST_DUE = "past_due", "Past due"
        CLOSED = "closed", "Closed"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"

    short_id = models.CharField(max_length=40, unique=True, default=ids.order_id)
    order = models.OneToOneField(
        "checkout_hub.Order", on_delete=models.CASCADE, related_name="pancake"
    )
    session = models.OneToOneField(
        "checkout_hub.CheckoutSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pancake_order",
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="orders")
    product = models.ForeignKey(
        PancakeProduct, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    version = models.ForeignKey(ProductVersion, null=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=20, choices=PancakeProduct.Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    environment = models.CharField(max_length=4, choices=Environment.choices)
    buyer_email = models.EmailField(blank=True, db_index=True)
    buyer_identity = models.CharField(max_length=255, blank=True, db_index=True)
    billing_detail = models.JSONField(default=dict, blank=True)
    merchant_external_id = models.CharField(
        max_length=128, blank=True, db_index=True, help_text="orderMerchantExternalId"
    )
    metadata = models.JSONField(default=dict, blank=True)
    unpaid_balance = models.BooleanField(
        default=False, help_text="A charge was unpaid when it was cancelled (no reactivation)."
    )
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = ClockUpdatedAtField()

    class Meta:
        ordering = ["-id"]
        verbose_name = "order"

    def __str__(self):
        return self.short_id


class PancakePayment(models.Model):
    """The PAY_ face of a hub payment of a Pancake order."""

    short_id = models.CharField(max_length=40, unique=True, default=ids.payment_id)
    payment = models.OneToOneField(
        "checkout_hub.Payment", on_delete=models.CASCADE, related_name="pancake"
    )
    pancake_order = models.ForeignKey(
        PancakeOrder, on_delete=models.CASCADE, related_name="payments"
    )
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "payment"

    def __str__(self):
        return self.short_id


class HubSigningKey(models.Model):
    """The hub's own RSA key pair: it signs every Pancake webhook (X-Waffo-Signature), test and
    prod alike, so one `webhookPublicKey` in the SDK verifies them all (Waffo itself keeps a
    pair per environment)."""

    name = models.CharField(max_length=40, unique=True, default="webhooks")
    private_key = models.TextField()
    public_key = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Hub signing key ({self.name})"
