"""The catalogue's taxonomies as a storefront filters and counts them: tags, brands, global
attributes (with their terms), ratings and catalogue visibility, plus the aggregates a filter
block shows (term counts, price range, stock and rating counts).

Vendor-neutral: a term is counted on the published top-level products it is assigned to (what
WordPress's term `count` holds), an attribute term on the products whose `attributes` list it
among an attribute's options. Every function here issues a fixed number of queries, never one
per term or product.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.text import slugify

from checkout_hub.models import Attribute, Brand, Category, Product, Review, Tag

from . import catalog, reference

# Which Product relation holds each term model.
RELATIONS = {Category: "categories", Tag: "tags", Brand: "brands"}
ATTRIBUTE_OPERATORS = ("in", "not_in", "and")


def _published_products() -> Q:
    return Q(products__status=Product.Status.PUBLISH) & ~Q(products__type=Product.Type.VARIATION)


def with_counts(queryset: QuerySet) -> QuerySet:
    """Terms (categories, tags, brands) annotated with `product_count`: their published
    top-level products."""
    return queryset.annotate(product_count=Count("products", filter=_published_products()))


def review_counts(model, term_ids: Iterable[int]) -> dict[int, int]:
    """Approved reviews of the products of each term (and of its children, for hierarchical
    terms), as WooCommerce's category and brand schemas count them."""
    term_ids = list(term_ids)
    if not term_ids:
        return {}
    field = RELATIONS[model]
    through = getattr(Product, field).through
    column = f"{model._meta.model_name}_id"
    hierarchical = any(f.name == "parent" for f in model._meta.fields)
    children: dict[int, set[int]] = {}
    if hierarchical:
        for pk, parent in model.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, set()).add(pk)
    links = through.objects.values_list(column, "product_id")
    products_of: dict[int, set[int]] = {}
    for term, product in links:
        products_of.setdefault(term, set()).add(product)
    reviews = Counter(
        Review.objects.filter(status=Review.Status.APPROVED).values_list("product_id", flat=True)
    )
    result = {}
    for term in term_ids:
        found, stack = set(), [term]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(children.get(node, ()))
        products = set().union(*(products_of.get(t, set()) for t in found))
        result[term] = sum(reviews[p] for p in products)
    return result


# --- term filters (tags and brands, as catalog's categories) ----------------------------------
def term_groups(model, refs: Sequence[int | str]) -> list[set[int]]:
    """Each requested term (id or slug) with its descendants when the taxonomy has parents;
    unknown terms are dropped."""
    if model is Category:
        return catalog.category_groups(refs)
    hierarchical = any(f.name == "parent" for f in model._meta.fields)
    fields = ("pk", "slug", "parent_id") if hierarchical else ("pk", "slug")
    rows = list(model.objects.values_list(*fields))
    ids = {row[0] for row in rows}
    slugs = {row[1]: row[0] for row in rows}
    kids: dict[int, list[int]] = {}
    if hierarchical:
        for pk, _, parent in rows:
            kids.setdefault(parent, []).append(pk)
    groups = []
    for ref in refs:
        root = slugs.get(ref) if isinstance(ref, str) else ref
        if root not in ids:
            continue
        found, stack = set(), [root]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(kids.get(node, []))
        groups.append(found)
    return groups


def _in_terms(model, ids: set[int]) -> Exists:
    through = getattr(Product, RELATIONS[model]).through
    column = f"{model._meta.model_name}_id__in"
    return Exists(through.objects.filter(product_id=OuterRef("pk"), **{column: ids}))


def filter_terms(queryset: QuerySet, model, groups: list[set[int]], operator: str) -> QuerySet:
    """WP_Tax_Query: `in` any, `not_in` none, `and` one of every group; no known term: `in`
    matches nothing, the others everything."""
    if not groups:
        return queryset.none() if operator == "in" else queryset
    if operator == "in":
        return queryset.filter(_in_terms(model, set().union(*groups)))
    if operator == "not_in":
        return queryset.exclude(_in_terms(model, set().union(*groups)))
    for group in groups:
        queryset = queryset.filter(_in_terms(model, group))
    return queryset


# --- attributes ------------------------------------------------------------------------------
def attribute_by_ref(ref) -> Attribute | None:
    """A global attribute by id (`3`, 3) or taxonomy name (`pa_color`)."""
    known = reference.attributes()
    text = str(ref).strip().lower()
    if text.isdigit():
        return next((a for a in known.values() if a.pk == int(text)), None)
    return known.get(text)


def _product_term_slugs(rows) -> dict[int, dict[str, set[str]]]:
    """{product id: {attribute slug: option slugs}} from (pk, attributes) rows."""
    result: dict[int, dict[str, set[str]]] = {}
    for pk, attributes in rows:
        by_slug: dict[str, set[str]] = {}
        for attribute in attributes or []:
            if isinstance(attribute, dict) and attribute.get("slug"):
                options = attribute.get("options", [])
                by_slug[attribute["slug"]] = {slugify(str(o)) for o in options}
        result[pk] = by_slug
    return result


def filter_attributes(queryset: QuerySet, queries: list[dict], relation: str = "and") -> QuerySet:
    """ProductQuery's `attributes[]` filter: each query names an attribute (`attribute`) and
    terms by `term_id` or `slug`, with `operator` in/not_in/and; `relation` joins the queries.
    A query naming no known attribute is skipped, as WordPress drops an unknown taxonomy."""
    checks = []
    for query in queries:
        attribute = attribute_by_ref(query.get("attribute", ""))
        if attribute is None:
            continue
        terms = {t.pk: t.slug for t in attribute.terms.all()}
        wanted = set()
        for value in _as_list(query.get("term_id")):
            if str(value).isdigit() and int(value) in terms:
                wanted.add(terms[int(value)])
        for value in _as_list(query.get("slug")):
            wanted.add(slugify(str(value)))
        operator = query.get("operator") or "in"
        checks.append((attribute.slug, wanted, operator))
    if not checks:
        return queryset
    rows = _product_term_slugs(queryset.values_list("pk", "attributes"))

    def passes(product_slugs: dict[str, set[str]], check) -> bool:
        slug, wanted, operator = check
        have = product_slugs.get(slug, set())
        if operator == "not_in":
            return not (have & wanted)
        if operator == "and":
            return bool(wanted) and wanted <= have
        return bool(have & wanted)

    join = all if relation == "and" else any
    keep = [pk for pk, slugs in rows.items() if join(passes(slugs, c) for c in checks)]
    return queryset.filter(pk__in=keep)


def attribute_term_counts(queryset: QuerySet, attribute: Attribute) -> dict[int, int]:
    """{term id: products in `queryset` that offer it} for one attribute (terms with none are
    left out, as WooCommerce's counts are)."""
    rows = _product_term_slugs(queryset.values_list("pk", "attributes"))
    counts: dict[int, int] = {}
    for term in attribute.terms.all():
        count = sum(1 for slugs in rows.values() if term.slug in slugs.get(attribute.slug, ()))
        if count:
            counts[term.pk] = count
    return counts


def attribute_term_totals(attribute: Attribute) -> dict[int, int]:
    """The term `count` of every term of an attribute: published top-level products."""
    return attribute_term_counts(Product.objects.catalogue(), attribute)


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [v for v in str(value).split(",") if v != ""]


# --- ratings and visibility ------------------------------------------------------------------
def rounded_rating(product: Product) -> int:
    """The product's `rated-N` term: its average rating rounded, 0 when unrated."""
    return min(5, int(float(product.average_rating or 0) + 0.5))


def filter_rating(queryset: QuerySet, ratings: Iterable[int]) -> QuerySet:
    """Products whose rounded average rating is one of `ratings` (1-5)."""
    wanted = {int(r) for r in ratings if str(r).isdigit() and 1 <= int(r) <= 5}
    if not wanted:
        return queryset
    rows = queryset.values_list("pk", "average_rating")
    keep = [pk for pk, avg in rows if min(5, int(float(avg or 0) + 0.5)) in wanted]
    return queryset.filter(pk__in=keep)


VISIBILITY = Product.CatalogVisibility


def filter_catalog_visibility(queryset: QuerySet, value: str) -> QuerySet:
    """ProductQuery's catalog_visibility: `visible` shop and search, `catalog` the shop (also
    catalog-only ones), `search` search results (also search-only ones), `hidden` neither;
    `any` (or nothing) no filter."""
    allowed = {
        "visible": [VISIBILITY.VISIBLE],
        "catalog": [VISIBILITY.VISIBLE, VISIBILITY.CATALOG],
        "search": [VISIBILITY.VISIBLE, VISIBILITY.SEARCH],
        "hidden": [VISIBILITY.HIDDEN],
    }.get(value)
    return queryset if allowed is None else queryset.filter(catalog_visibility__in=allowed)


# --- collection aggregates -------------------------------------------------------------------
def price_range(queryset: QuerySet) -> tuple[int | None, int | None]:
    """The lowest and highest current price over the collection (a variable product by its
    variations' prices), in minor units; (None, None) for an empty collection."""
    low = high = None
    for product in queryset.prefetch_related("variations"):
        span = catalog.price_span(product)
        for value in span:
            if value is None:
                continue
            low = value if low is None else min(low, value)
            high = value if high is None else max(high, value)
    return low, high


def stock_status_counts(queryset: QuerySet) -> dict[str, int]:
    rows = (
        queryset.order_by()
        .annotate(catalog_stock_status=catalog.stock_status_expression())
        .values_list("catalog_stock_status", flat=True)
    )
    counts = Counter(rows)
    return {status: counts[status] for status in ("instock", "outofstock", "onbackorder")}


def rating_counts(queryset: QuerySet) -> dict[int, int]:
    """{rounded rating: products} for the rated products of the collection."""
    counts = Counter(
        min(5, int(float(avg or 0) + 0.5))
        for avg in queryset.values_list("average_rating", flat=True)
    )
    return {rating: counts[rating] for rating in sorted(counts, reverse=True) if rating > 0}


def taxonomy_term_counts(queryset: QuerySet, model) -> dict[int, int]:
    """{term id: products of the collection in it} for categories, tags or brands."""
    through = getattr(Product, RELATIONS[model]).through
    column = f"{model._meta.model_name}_id"
    rows = through.objects.filter(product_id__in=queryset.values("pk")).values_list(
        column, flat=True
    )
    return dict(Counter(rows))
