"""The catalogue's other taxonomies and reviews: tags, brands, global attributes with their
terms, and product reviews (what WooCommerce's product_tag, product_brand and pa_* taxonomies
and its review comments hold).

A product's `attributes` JSON names a global attribute by its slug (`pa_color`) and lists
option names; an `AttributeTerm` of that attribute is the option with its id and slug. A
review's rating feeds the product's `average_rating` and `review_count`.
"""

from django.db import models
from django.db.models import Avg, Count
from django.utils.text import slugify

from checkout_hub import clock


class Tag(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Brand(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    image_src = models.CharField(max_length=500, blank=True, help_text="The brand's logo URL.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Attribute(models.Model):
    """A global product attribute (WooCommerce's `pa_*` taxonomy)."""

    class OrderBy(models.TextChoices):
        MENU_ORDER = "menu_order", "Custom ordering"
        NAME = "name", "Name"
        NAME_NUM = "name_num", "Name (numeric)"
        ID = "id", "Term ID"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text='The taxonomy name, e.g. "pa_color".'
    )
    type = models.CharField(max_length=20, default="select")
    order_by = models.CharField(max_length=20, choices=OrderBy.choices, default="menu_order")
    has_archives = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.slug})"


class AttributeTerm(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    menu_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["menu_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="attribute_term_slug")
        ]

    def __str__(self):
        return f"{self.attribute.name}: {self.name}"

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Review(models.Model):
    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        HOLD = "hold", "Pending"
        SPAM = "spam", "Spam"

    product = models.ForeignKey(
        "checkout_hub.Product", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.CharField(max_length=200)
    reviewer_email = models.EmailField(blank=True)
    review = models.TextField()
    rating = models.PositiveSmallIntegerField(default=5, help_text="1 to 5 stars.")
    verified = models.BooleanField(default=False, help_text="The reviewer bought the product.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.reviewer} on {self.product_id}: {self.rating}/5"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_rating(self.product)

    def delete(self, *args, **kwargs):
        product = self.product
        result = super().delete(*args, **kwargs)
        refresh_rating(product)
        return result


def refresh_rating(product) -> None:
    """The product's average rating and review count from its approved reviews."""
    stats = product.reviews.filter(status=Review.Status.APPROVED, rating__gt=0).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    product.average_rating = round(stats["average"] or 0, 2)
    product.review_count = stats["count"]
    type(product).objects.filter(pk=product.pk).update(
        average_rating=product.average_rating, review_count=product.review_count
    )
