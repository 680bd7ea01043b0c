"""The catalogue's rules, once for every vendor: whether a product is on sale, what it costs
now, the price span of a variable product, its effective stock status, the category and term
filters and the orderings a product listing offers.

A listing both filters on these rules (over the whole catalogue, so in SQL) and renders them
(per product on a page, from the product and its prefetched `variations`, so with no query per
product). Each such rule therefore lives here twice, side by side, as a query expression and
as a Python function, and tests/services/test_catalog.py proves each pair agrees:

    sale_active(at)          Product.is_on_sale(at)       a product's own sale window
    on_sale(at)              is_on_sale(product, at)      ...and a variable one's, from variations
    current_price(at)        price_at(product, at)        the price a buyer pays at `at`
    with_price_bounds(q, at) price_span(product, at)      (lowest, highest) current price
    stock_status_expression() stock_status(product)       a variable product's synced status

Vendor-neutral: arguments arrive parsed (ints, booleans, lists). Each vendor maps its own
parameter names, validation and wording (WordPress's `rest_invalid_param`, ...) onto these.
The rules follow WooCommerce's (the catalogue WordPress vendors sit on), cited where they are
odd.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from checkout_hub import clock
from checkout_hub.models import Category, Order, OrderItem, Product

PUBLISH = Product.Status.PUBLISH
VARIABLE = Product.Type.VARIABLE
VARIATION = Product.Type.VARIATION
IN_STOCK = Product.StockStatus.IN_STOCK
ON_BACKORDER = Product.StockStatus.ON_BACKORDER
OUT_OF_STOCK = Product.StockStatus.OUT_OF_STOCK

# Orders whose lines count in total_sales (WooCommerce records sales on these statuses).
SALES_STATUSES = (Order.Status.PROCESSING, Order.Status.COMPLETED, Order.Status.ON_HOLD)

# The annotations with_price_bounds() adds (filter_price and ordered() read them).
MIN_PRICE = "catalog_min_price"
MAX_PRICE = "catalog_max_price"

# The orderings ordered() knows: WooCommerce's catalogue ordering vocabulary.
ORDERINGS = (
    "date",
    "modified",
    "id",
    "include",
    "title",
    "slug",
    "price",
    "popularity",
    "rating",
    "menu_order",
    "comment_count",
)


# --- visibility ---------------------------------------------------------------------------
def published_children() -> QuerySet:
    """The published variations of the product in the outer query (for Exists/Subquery)."""
    return Product.objects.filter(parent=OuterRef("pk"), status=PUBLISH)


def visible(queryset: QuerySet) -> QuerySet:
    """Published products, and variations only of published parents (a storefront cannot
    reach a variation whose parent is a draft)."""
    return queryset.filter(status=PUBLISH).filter(~Q(type=VARIATION) | Q(parent__status=PUBLISH))


def visible_variations(product: Product) -> list[Product]:
    """A variable product's published variations (get_visible_children), from the prefetch of
    `variations`; nothing for any other type. published_children() in Python."""
    if product.type != VARIABLE:
        return []
    return [v for v in product.variations.all() if v.status == PUBLISH]


# --- on sale ------------------------------------------------------------------------------
def sale_active(at: dt.datetime) -> Q:
    """Product.is_on_sale(at) as a filter: a sale price below the regular one, within its
    window (the start inclusive, the end exclusive)."""
    return (
        Q(sale_price__isnull=False, regular_price__isnull=False, sale_price__lt=F("regular_price"))
        & (Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=at))
        & (Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=at))
    )


def on_sale(at: dt.datetime) -> Q:
    """Products on sale at `at`, and variable products with a variation on sale
    (wc_get_product_ids_on_sale())."""
    variable = Q(type=VARIABLE)
    # A variable product's own prices are not its sale (WooCommerce syncs them from the
    # variations): so `?on_sale=true` lists exactly the products rendered `"on_sale": true`.
    return (~variable & sale_active(at)) | (
        variable & Exists(published_children().filter(sale_active(at)))
    )


def is_on_sale(product: Product, at: dt.datetime | None = None) -> bool:
    """A product's on-sale flag as a listing shows it: a variable product is on sale when one
    of its published variations is (WC_Product_Variable::is_on_sale)."""
    at = at or clock.now()
    if product.type == VARIABLE:
        return any(v.is_on_sale(at) for v in visible_variations(product))
    return product.is_on_sale(at)


def filter_on_sale(queryset: QuerySet, value: bool, at: dt.datetime | None = None) -> QuerySet:
    """Only the products on sale (True), or only those not on sale (False)."""
    match = on_sale(at or clock.now())
    return queryset.filter(match) if value else queryset.exclude(match)


# --- prices -------------------------------------------------------------------------------
def current_price(at: dt.datetime) -> Case:
    """The price a buyer pays at `at` (the sale price within its window), as an expression."""
    return Case(
        When(sale_active(at), then=F("sale_price")),
        default=F("regular_price"),
        output_field=IntegerField(),
    )


def price_at(product: Product, at: dt.datetime | None = None) -> int | None:
    """current_price() in Python; Product.price is this at the clock's now."""
    return product.sale_price if product.is_on_sale(at or clock.now()) else product.regular_price


def with_price_bounds(queryset: QuerySet, at: dt.datetime | None = None) -> QuerySet:
    """Annotates MIN_PRICE and MAX_PRICE (wc_product_meta_lookup's min_price/max_price): a
    product's current price, or for a variable product the span of its priced published
    variations (NULL when it has none)."""
    at = at or clock.now()
    priced = published_children().filter(regular_price__isnull=False).annotate(p=current_price(at))
    lowest = Subquery(priced.order_by("p").values("p")[:1], output_field=IntegerField())
    highest = Subquery(priced.order_by("-p").values("p")[:1], output_field=IntegerField())
    return queryset.annotate(
        **{
            MIN_PRICE: Case(
                When(type=VARIABLE, then=lowest),
                default=current_price(at),
                output_field=IntegerField(),
            ),
            MAX_PRICE: Case(
                When(type=VARIABLE, then=highest),
                default=current_price(at),
                output_field=IntegerField(),
            ),
        }
    )


def priced_variations(product: Product) -> list[Product]:
    """The published variations that have a price (the others cannot be bought)."""
    return [v for v in visible_variations(product) if v.regular_price is not None]


def price_span(product: Product, at: dt.datetime | None = None) -> tuple[int | None, int | None]:
    """with_price_bounds() in Python: (lowest, highest) current price; a variable product's
    from its priced published variations, (None, None) when it has none."""
    if product.type != VARIABLE:
        price = price_at(product, at)
        return price, price
    prices = [price_at(v, at) for v in priced_variations(product)]
    if not prices:
        return None, None
    return min(prices), max(prices)


def filter_price(
    queryset: QuerySet,
    low: int | None = None,
    high: int | None = None,
    at: dt.datetime | None = None,
) -> QuerySet:
    """Products whose price span reaches into [low, high] (minor units; None: no bound)."""
    if not (low or high):
        return queryset
    queryset = with_price_bounds(queryset, at)
    if low:
        queryset = queryset.filter(**{f"{MAX_PRICE}__gte": low})
    if high:
        queryset = queryset.filter(**{f"{MIN_PRICE}__lte": high})
    return queryset


# --- stock --------------------------------------------------------------------------------
def stock_status_expression() -> Case:
    """A product's effective stock status: a variable product's is synced from its published
    variations (in stock if one is, else on backorder if one is, else out of stock)."""
    variable = Q(type=VARIABLE)
    children = published_children()
    return Case(
        When(variable & Exists(children.filter(stock_status=IN_STOCK)), then=Value(IN_STOCK)),
        When(
            variable & Exists(children.filter(stock_status=ON_BACKORDER)),
            then=Value(ON_BACKORDER),
        ),
        When(variable & Exists(children), then=Value(OUT_OF_STOCK)),
        default=F("stock_status"),
    )


def stock_status(product: Product) -> str:
    """stock_status_expression() in Python, from the prefetched variations."""
    children = visible_variations(product)
    if not children:
        return product.stock_status
    statuses = {v.stock_status for v in children}
    for status in (IN_STOCK, ON_BACKORDER):
        if status in statuses:
            return status
    return OUT_OF_STOCK


def is_in_stock(product: Product) -> bool:
    return stock_status(product) != OUT_OF_STOCK


def is_on_backorder(product: Product, quantity: int = 0) -> bool:
    """WC_Product::is_on_backorder($qty_in_cart): on backorder, or `quantity` would take
    managed stock below zero where backorders are allowed."""
    if stock_status(product) == ON_BACKORDER:
        return True
    return (
        product.manage_stock
        and product.backorders_allowed
        and (product.stock_quantity or 0) - quantity < 0
    )


def is_purchasable(product: Product) -> bool:
    """Whether a listing offers the product for sale."""
    # WooCommerce counts a published variable product with a priced variation as purchasable
    # (its price is the lowest variation price), even though the cart takes only variations.
    if product.type == VARIABLE:
        return product.status == PUBLISH and bool(priced_variations(product))
    return product.is_purchasable


def filter_stock_status(queryset: QuerySet, statuses: Iterable[str]) -> QuerySet:
    """Products whose effective stock status is one of `statuses`."""
    return queryset.alias(catalog_stock_status=stock_status_expression()).filter(
        catalog_stock_status__in=list(statuses)
    )


# --- categories and terms -----------------------------------------------------------------
def category_groups(refs: Sequence[int | str]) -> list[set[int]]:
    """Each requested category (an int is an id, a str a slug) with its descendants, as
    WordPress's tax_query includes children; unknown categories are dropped."""
    categories = list(Category.objects.values_list("pk", "slug", "parent_id"))
    by_id = {pk for pk, _, _ in categories}
    slugs = {slug: pk for pk, slug, _ in categories}
    kids: dict[int | None, list[int]] = {}
    for pk, _, parent in categories:
        kids.setdefault(parent, []).append(pk)
    groups = []
    for ref in refs:
        root = slugs.get(ref) if isinstance(ref, str) else ref
        if root is None or root not in by_id:
            continue
        found, stack = set(), [root]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(kids.get(node, []))
        groups.append(found)
    return groups


def in_categories(ids: set[int]) -> Exists:
    through = Product.categories.through
    return Exists(through.objects.filter(product_id=OuterRef("pk"), category_id__in=ids))


def filter_terms(queryset: QuerySet, groups: list[set[int]] | None, operator: str) -> QuerySet:
    """WP_Tax_Query over category groups: `in` any, `not_in` none, `and` one of every group.
    With no known term, `in` matches nothing and `not_in` or `and` everything (a taxonomy the
    hub lacks, tags or brands, passes None)."""
    if not groups:
        return queryset.none() if operator == "in" else queryset
    if operator == "in":
        return queryset.filter(in_categories(set().union(*groups)))
    if operator == "not_in":
        return queryset.exclude(in_categories(set().union(*groups)))
    for group in groups:  # and: in every requested category (or one of its children)
        queryset = queryset.filter(in_categories(group))
    return queryset


# --- ordering -----------------------------------------------------------------------------
def total_sales() -> Coalesce:
    """Units sold of the product in the outer query (WooCommerce's total_sales)."""
    sold = (
        OrderItem.objects.filter(product_ref=OuterRef("pk"), order__status__in=SALES_STATUSES)
        .order_by()
        .values("product_ref")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(sold, output_field=IntegerField()), Value(0))


def ordered(
    queryset: QuerySet,
    orderby: str = "date",
    descending: bool = True,
    include: Sequence[int] = (),
    at: dt.datetime | None = None,
) -> QuerySet:
    """The listing in one of ORDERINGS (get_catalog_ordering_args + the Store API's
    ProductQuery overrides), ties broken by id; `include` is the id order for "include".
    An unknown name, or "include" without ids, orders by date."""

    def by(*fields):
        return [F(f).desc() if descending else F(f).asc() for f in fields]

    if orderby == "include" and include:
        position = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(include)],
            output_field=IntegerField(),
        )
        return queryset.order_by(position)
    if orderby == "price":
        if MIN_PRICE not in queryset.query.annotations:
            queryset = with_price_bounds(queryset, at)
        # MySQL sorts NULL first ascending, last descending.
        if descending:
            return queryset.order_by(F(MAX_PRICE).desc(nulls_last=True), F("pk").desc())
        return queryset.order_by(F(MIN_PRICE).asc(nulls_first=True), F("pk").asc())
    if orderby == "popularity":  # total_sales DESC, whatever the direction
        return queryset.alias(catalog_sales=total_sales()).order_by("-catalog_sales", "-pk")
    if orderby == "rating":  # average_rating DESC, rating_count DESC, whatever the direction
        return queryset.order_by("-average_rating", "-review_count", "-pk")
    fields = {
        "id": ("pk",),
        "title": ("name", "pk"),
        "slug": ("slug",),
        "modified": ("updated_at", "pk"),
        "menu_order": ("menu_order", "name"),
        "comment_count": ("review_count", "pk"),
    }.get(orderby, ("created_at", "pk"))  # date (and include without ids): "date ID"
    return queryset.order_by(*by(*fields))
