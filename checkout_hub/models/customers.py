"""Customers: one row per normalised email, optionally tied to a Django user."""

from django.conf import settings
from django.db import models

from checkout_hub import clock

# The canonical address keys shared by every cart and order; vendors map their names to these.
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


class CustomerQuerySet(models.QuerySet):
    def for_email(self, email: str):
        return self.filter(email=normalise_email(email))


class Customer(models.Model):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CustomerAddress(models.Model):
    """A saved address (FluentCart's billing_address_id, a Woo customer's stored address)."""

    class Kind(models.TextChoices):
        BILLING = "billing", "Billing"
        SHIPPING = "shipping", "Shipping"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_default = models.BooleanField(default=False)
    label = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=100, blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    address_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["customer", "kind", "-is_default", "id"]
        verbose_name_plural = "customer addresses"

    def __str__(self):
        return f"{self.kind}: {self.address_1}, {self.city} {self.country}"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}
