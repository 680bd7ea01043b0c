"""The catalogue's rules as queries: on-sale windows, current prices, variable price spans,
effective stock status, category filters and ordering."""

from __future__ import annotations

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

from checkout_hub.models import Category, Order, OrderItem, Product
from checkout_hub.wordpress.params import absint

PUBLISH = Product.Status.PUBLISH
VARIABLE = Product.Type.VARIABLE
VARIATION = Product.Type.VARIATION

# Orders whose lines count in total_sales (WooCommerce records sales on these statuses).
SALES_STATUSES = (Order.Status.PROCESSING, Order.Status.COMPLETED, Order.Status.ON_HOLD)


def sale_active(now) -> Q:
    """Product.is_on_sale() as a filter: a lower sale price within its dates."""
    return (
        Q(sale_price__isnull=False, regular_price__isnull=False, sale_price__lt=F("regular_price"))
        & (Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=now))
        & (Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=now))
    )


def current_price(now) -> Case:
    return Case(
        When(sale_active(now), then=F("sale_price")),
        default=F("regular_price"),
        output_field=IntegerField(),
    )


def children() -> QuerySet:
    return Product.objects.filter(parent=OuterRef("pk"), status=PUBLISH)


def with_price_bounds(queryset: QuerySet, now) -> QuerySet:
    """wc_product_meta_lookup's min_price/max_price: a variable product spans its variations."""
    priced = children().filter(regular_price__isnull=False).annotate(p=current_price(now))
    lowest = Subquery(priced.order_by("p").values("p")[:1], output_field=IntegerField())
    highest = Subquery(priced.order_by("-p").values("p")[:1], output_field=IntegerField())
    return queryset.annotate(
        woo_min_price=Case(
            When(type=VARIABLE, then=lowest),
            default=current_price(now),
            output_field=IntegerField(),
        ),
        woo_max_price=Case(
            When(type=VARIABLE, then=highest),
            default=current_price(now),
            output_field=IntegerField(),
        ),
    )


def effective_stock_status() -> Case:
    """A variable product's lookup status is synced from its variations."""
    variable = Q(type=VARIABLE)
    return Case(
        When(variable & Exists(children().filter(stock_status="instock")), then=Value("instock")),
        When(
            variable & Exists(children().filter(stock_status="onbackorder")),
            then=Value("onbackorder"),
        ),
        When(variable & Exists(children()), then=Value("outofstock")),
        default=F("stock_status"),
    )


def category_ids(values: list[str]) -> list[set[int]]:
    """Each requested category (ids if the first value is numeric, else slugs) with its
    descendants, as WordPress's tax_query includes children; unknown terms are dropped."""
    categories = list(Category.objects.values_list("pk", "slug", "parent_id"))
    by_id = {pk for pk, _, _ in categories}
    slugs = {slug: pk for pk, slug, _ in categories}
    kids: dict[int | None, list[int]] = {}
    for pk, _, parent in categories:
        kids.setdefault(parent, []).append(pk)
    numeric = values[0].isdigit()
    roots = [absint(v) for v in values] if numeric else [slugs.get(v) for v in values]
    groups = []
    for root in roots:
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


def term_filter(queryset: QuerySet, groups: list[set[int]] | None, operator: str) -> QuerySet:
    """WP_Tax_Query: IN with no known term matches nothing; NOT IN or AND with none, all."""
    if not groups:
        return queryset.none() if operator == "in" else queryset
    if operator == "in":
        return queryset.filter(in_categories(set().union(*groups)))
    if operator == "not_in":
        return queryset.exclude(in_categories(set().union(*groups)))
    for group in groups:  # and: in every requested category (or one of its children)
        queryset = queryset.filter(in_categories(group))
    return queryset


def order_products(queryset: QuerySet, q: dict) -> QuerySet:
    """get_catalog_ordering_args + ProductQuery's overrides."""
    orderby, desc = q.get("orderby", "date"), q.get("order", "desc") == "desc"

    def by(*fields):
        return [F(f).desc() if desc else F(f).asc() for f in fields]

    if orderby == "include" and q.get("include"):
        position = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(q["include"])],
            output_field=IntegerField(),
        )
        return queryset.order_by(position)
    if orderby == "price":
        # MySQL sorts NULL first ascending, last descending.
        if desc:
            return queryset.order_by(F("woo_max_price").desc(nulls_last=True), F("pk").desc())
        return queryset.order_by(F("woo_min_price").asc(nulls_first=True), F("pk").asc())
    if orderby == "popularity":  # total_sales DESC, whatever `order` says
        sold = (
            OrderItem.objects.filter(product_ref=OuterRef("pk"), order__status__in=SALES_STATUSES)
            .order_by()
            .values("product_ref")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        total_sales = Coalesce(Subquery(sold, output_field=IntegerField()), Value(0))
        return queryset.alias(woo_sales=total_sales).order_by("-woo_sales", "-pk")
    if orderby == "rating":  # average_rating DESC, rating_count DESC, whatever `order` says
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


def visible(queryset: QuerySet) -> QuerySet:
    """Published products, and variations only of published parents (404 otherwise)."""
    return queryset.filter(status=PUBLISH).filter(~Q(type=VARIATION) | Q(parent__status=PUBLISH))
