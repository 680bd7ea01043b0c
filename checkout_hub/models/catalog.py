"""The catalogue: categories, products (simple, variable and their variations), images.

Prices are integers in minor units of the store currency. A variable product is a parent whose
purchasable children are `variation` products; `attributes` on the parent lists the options,
`variation_attributes` on a variation says which option it is ("" means "any").
"""

from django.db import models
from django.dispatch import Signal
from django.utils.text import slugify

from checkout_hub import clock
from checkout_hub.models.fields import ClockUpdatedAtField

from .prepared import PreparedQuery


class Category(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


# Sent after a write of products in bulk (update, delete, bulk_create, bulk_update), which sends
# no post_save: the hub's copies of products (services.reference) are dropped on it.
products_written = Signal()


class ProductQuerySet(models.QuerySet):
    def update(self, **kwargs):
        count = super().update(**kwargs)
        products_written.send(sender=Product)
        return count

    update.alters_data = True

    def delete(self):
        result = super().delete()
        products_written.send(sender=Product)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        products_written.send(sender=Product)
        return created

    def bulk_update(self, *args, **kwargs):
        count = super().bulk_update(*args, **kwargs)
        products_written.send(sender=Product)
        return count

    def published(self):
        return self.filter(status=Product.Status.PUBLISH)

    def catalogue(self):
        """Top-level products a storefront lists (variations are reached through parents)."""
        return self.published().exclude(type=Product.Type.VARIATION)

    def with_display_data(self):
        return self.select_related("parent").prefetch_related("images", "categories", "variations")


class Product(models.Model):
    class Type(models.TextChoices):
        SIMPLE = "simple", "Simple"
        VARIABLE = "variable", "Variable"
        VARIATION = "variation", "Variation"

    class Status(models.TextChoices):
        PUBLISH = "publish", "Published"
        DRAFT = "draft", "Draft"
        PRIVATE = "private", "Private"

    class StockStatus(models.TextChoices):
        IN_STOCK = "instock", "In stock"
        OUT_OF_STOCK = "outofstock", "Out of stock"
        ON_BACKORDER = "onbackorder", "On backorder"

    class Backorders(models.TextChoices):
        NO = "no", "Do not allow"
        NOTIFY = "notify", "Allow, but notify customer"
        YES = "yes", "Allow"

    type = models.CharField(max_length=20, choices=Type.choices, default=Type.SIMPLE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="variations",
        help_text="For variations: the variable product they belong to.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISH)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    sku = models.CharField(max_length=100, unique=True, null=True, blank=True)
    short_description = models.TextField(blank=True)
    description = models.TextField(blank=True)
    featured = models.BooleanField(default=False)
    menu_order = models.IntegerField(default=0)

    regular_price = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minor units (cents). Empty: not purchasable."
    )
    sale_price = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units.")
    sale_starts_at = models.DateTimeField(null=True, blank=True)
    sale_ends_at = models.DateTimeField(null=True, blank=True)
    tax_class = models.CharField(max_length=50, blank=True, default="")
    taxable = models.BooleanField(default=True)

    virtual = models.BooleanField(default=False, help_text="Needs no shipping.")
    downloadable = models.BooleanField(default=False)
    downloads = models.JSONField(default=list, blank=True, help_text='[{"name", "file"}]')

    manage_stock = models.BooleanField(default=False)
    stock_quantity = models.IntegerField(null=True, blank=True)
    stock_status = models.CharField(
        max_length=20, choices=StockStatus.choices, default=StockStatus.IN_STOCK
    )
    backorders = models.CharField(max_length=10, choices=Backorders.choices, default="no")
    low_stock_amount = models.PositiveIntegerField(null=True, blank=True)
    sold_individually = models.BooleanField(default=False)
    quantity_min = models.PositiveIntegerField(default=1)
    quantity_max = models.PositiveIntegerField(null=True, blank=True)
    quantity_step = models.PositiveIntegerField(default=1)

    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    # Centimetres (WooCommerce's default dimension unit); empty on a variation means the parent's.
    length_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    attributes = models.JSONField(
        default=list,
        blank=True,
        help_text='Variable products: [{"name": "Color", "slug": "pa_color", '
        '"options": ["Blue", "Red"], "variation": true}]',
    )
    variation_attributes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Variations: {"pa_color": "Blue", "pa_size": ""} ("" = any value).',
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="products")
    tags = models.ManyToManyField("checkout_hub.Tag", blank=True, related_name="products")
    brands = models.ManyToManyField("checkout_hub.Brand", blank=True, related_name="products")

    class CatalogVisibility(models.TextChoices):
        VISIBLE = "visible", "Shop and search results"
        CATALOG = "catalog", "Shop only"
        SEARCH = "search", "Search results only"
        HIDDEN = "hidden", "Hidden"

    catalog_visibility = models.CharField(
        max_length=10, choices=CatalogVisibility.choices, default=CatalogVisibility.VISIBLE
    )

    average_rating = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    review_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = ClockUpdatedAtField()

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "id"]
        indexes = [models.Index(fields=["status", "type"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        if self.manage_stock and self.stock_quantity is not None:
            self.stock_status = self.stock_status_for(self.stock_quantity)
        super().save(*args, **kwargs)

    def _unique_slug(self) -> str:
        base = slugify(self.name) or "product"
        slug, n = base, 2
        while Product.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def stock_status_for(self, quantity: int) -> str:
        """WooCommerce's rule for managed stock: out at <= 0 unless backorders are allowed."""
        if quantity > 0:
            return self.StockStatus.IN_STOCK
        if self.backorders != self.Backorders.NO:
            return self.StockStatus.ON_BACKORDER
        return self.StockStatus.OUT_OF_STOCK

    # --- prices -------------------------------------------------------------------------------
    def is_on_sale(self, at=None) -> bool:
        if self.sale_price is None or self.regular_price is None:
            return False
        if self.sale_price >= self.regular_price:
            return False
        at = at or clock.now()
        if self.sale_starts_at and at < self.sale_starts_at:
            return False
        return not (self.sale_ends_at and at >= self.sale_ends_at)

    @property
    def on_sale(self) -> bool:
        return self.is_on_sale()

    @property
    def price(self) -> int | None:
        """The price a buyer pays now, in minor units."""
        return self.sale_price if self.is_on_sale() else self.regular_price

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        products_written.send(sender=Product)  # the process's copies of products (reference)
        return result

    # --- stock ----------------------------------------------------------------------------------
    @property
    def is_in_stock(self) -> bool:
        return self.stock_status != self.StockStatus.OUT_OF_STOCK

    @property
    def backorders_allowed(self) -> bool:
        return self.backorders != self.Backorders.NO

    @property
    def is_purchasable(self) -> bool:
        if self.type == self.Type.VARIABLE:
            return False  # the buyer purchases one of its variations
        if self.status != self.Status.PUBLISH or self.regular_price is None:
            return False
        return not (self.parent_id and self.parent.status != self.Status.PUBLISH)

    @property
    def effective_weight_grams(self) -> int | None:
        """The weight, a variation without its own taking its parent's (as WooCommerce does)."""
        if self.weight_grams is not None or not self.parent_id:
            return self.weight_grams
        return self.parent.weight_grams

    def effective_dimensions_cm(self) -> tuple:
        """(length, width, height) in cm, each falling back to the parent's on a variation."""
        own = (self.length_cm, self.width_cm, self.height_cm)
        if not self.parent_id:
            return own
        parent = self.parent
        inherited = (parent.length_cm, parent.width_cm, parent.height_cm)
        return tuple(o if o is not None else i for o, i in zip(own, inherited, strict=True))

    def available_quantity(self) -> int | None:
        """How many can be bought now; None means unlimited."""
        if not self.manage_stock:
            return None if self.is_in_stock else 0
        if self.backorders_allowed:
            return None
        return max(self.stock_quantity or 0, 0)

    @property
    def needs_shipping(self) -> bool:
        return not self.virtual

    @property
    def display_name(self) -> str:
        """A variation's name as WooCommerce shows it: "Hoodie - Blue, Large"."""
        if self.type != self.Type.VARIATION or not self.variation_attributes:
            return self.name
        base = self.parent.name if self.parent_id else self.name
        # In the parent's attribute order: PostgreSQL's jsonb does not keep key order.
        order = (
            [a.get("slug") or a.get("name") for a in self.parent.attributes]
            if self.parent_id
            else []
        )
        slugs = sorted(
            self.variation_attributes, key=lambda s: order.index(s) if s in order else 99
        )
        values = [self.variation_attributes[s] for s in slugs if self.variation_attributes[s]]
        return f"{base} - {', '.join(values)}" if values else base


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    src = models.URLField(max_length=500)
    name = models.CharField(max_length=200, blank=True)
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name or self.src


# --- the hot read of add-to-cart: one or two products (a product and its variation) by id ---
_BY_ID = {
    1: PreparedQuery(
        lambda a: Product.objects.select_related("parent").filter(pk__in=[a]),
        lambda connection, a: [a],
        sample=(1,),
    ),
    2: PreparedQuery(
        lambda a, b: Product.objects.select_related("parent").filter(pk__in=[a, b]),
        lambda connection, a, b: [a, b],
        sample=(1, 2),
    ),
}


def products_by_id(ids: list[int]) -> list[Product]:
    """`Product.objects.select_related("parent").filter(pk__in=ids)` for up to two distinct
    ids, from prepared SQL (more go through the ORM)."""
    if not ids:
        return []
    prepared = _BY_ID.get(len(ids))
    if prepared is None:
        return list(Product.objects.select_related("parent").filter(pk__in=ids))
    return prepared.fetch(*ids)
