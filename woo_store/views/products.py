"""The Store API's product routes: GET /products, /products/{id} and /products/{slug}.

Parameters are read and validated as WordPress does for the route's registered args: unknown
ones are ignored, list parameters come as `a,b` or `a[]=…`, and a bad value answers 400
`rest_invalid_param` with `data.params` and `data.details` carrying WordPress's own wording
and codes (`rest_invalid_type`, `rest_out_of_bounds`, `rest_not_in_enum`, ...). The query
follows ProductQuery: published products only, variations only when asked for (`type=
variation`, or found by `sku`/`slug`), prices compared in minor units, and WooCommerce's
ordering clauses. Lists carry `X-WP-Total`, `X-WP-TotalPages`, `Link` and `Last-Modified`.

This module only maps the route's parameters: the catalogue's rules (sale windows, price
spans, stock, terms, ordering) are `checkout_hub.services.catalog`'s, the parameter fields and
pagination headers `checkout_hub.wordpress`'s.
"""

from __future__ import annotations

import re

from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils.http import http_date
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from checkout_hub import clock
from checkout_hub.api.representation import represent
from checkout_hub.models import Brand, Product, Tag
from checkout_hub.services import catalog, taxonomy
from checkout_hub.wordpress.pagination import pagination_headers
from checkout_hub.wordpress.params import (
    IdListField,
    StringListField,
    WPBooleanField,
    WPChoiceField,
    WPDateTimeField,
    WPIntegerField,
    WPStringField,
    absint,
)

from ..errors import WooError
from ..serializers.products import StoreProductSerializer, with_product_data
from .base import WooView

PUBLISH, VARIATION = catalog.PUBLISH, catalog.VARIATION

ORDERBY = (
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
# wc_get_product_types() plus "variation", in WooCommerce's order.
PRODUCT_TYPES = ("simple", "grouped", "external", "variable", "variation")
STOCK_STATUSES = ("instock", "outofstock", "onbackorder")
OPERATORS = ("in", "not_in", "and")
CATALOG_VISIBILITY = ("any", "visible", "catalog", "search", "hidden")
RATINGS = ("1", "2", "3", "4", "5")


class ProductsQuerySerializer(serializers.Serializer):
    """GET /products parameters, in the route's registration order (errors list that way)."""

    page = WPIntegerField(default=1, min_value=1, help_text="Current page of the collection.")
    per_page = WPIntegerField(
        default=10, min_value=1, max_value=100, help_text="Maximum number of items per page."
    )
    search = WPStringField(help_text="Matches the product name or SKU.")
    slug = WPStringField(help_text="Product slug(s), comma separated; finds variations too.")
    after = WPDateTimeField(help_text="Created (or modified, see date_column) after.")
    before = WPDateTimeField(help_text="Created (or modified, see date_column) before.")
    date_column = WPChoiceField(
        ("date", "date_gmt", "modified", "modified_gmt"), default="date", required=False
    )
    exclude = IdListField(help_text="IDs to leave out: `1,2` or `exclude[]=1`.")
    include = IdListField(help_text="Only these IDs: `1,2` or `include[]=1`.")
    offset = WPIntegerField(required=False, help_text="Skip this many (overrides page).")
    order = WPChoiceField(("asc", "desc"), default="desc", required=False)
    orderby = WPChoiceField(ORDERBY, default="date", required=False)
    parent = IdListField(help_text="Parent IDs (0: top-level products).")
    parent_exclude = IdListField()
    type = WPChoiceField(PRODUCT_TYPES, required=False)
    sku = WPStringField(help_text="SKU(s), comma separated; finds variations too.")
    featured = WPBooleanField(required=False)
    category = StringListField(help_text="Category IDs or slugs, comma separated.")
    category_operator = WPChoiceField(OPERATORS, default="in", required=False)
    brand = StringListField(help_text="Brand IDs or slugs, comma separated.")
    brand_operator = WPChoiceField(OPERATORS, default="in", required=False)
    tag = StringListField(help_text="Tag IDs or slugs, comma separated.")
    tag_operator = WPChoiceField(OPERATORS, default="in", required=False)
    on_sale = WPBooleanField(required=False)
    min_price = WPStringField(help_text="Minimum price in minor units (1800 = 18.00).")
    max_price = WPStringField(help_text="Maximum price in minor units.")
    stock_status = StringListField(enum=STOCK_STATUSES, help_text="instock, outofstock, …")
    # attributes[i][attribute|term_id|slug|operator] is read by `indexed_objects`.
    attribute_relation = WPChoiceField(("or", "and"), default="and", required=False)
    catalog_visibility = WPChoiceField(CATALOG_VISIBILITY, required=False)
    rating = StringListField(enum=RATINGS, help_text="Rounded average ratings, 1 to 5.")


_INDEXED = re.compile(r"^(?P<name>\w+)\[(?P<index>\d+)\]\[(?P<key>\w+)\](?P<many>\[\])?$")


def indexed_objects(request, params: dict, name: str) -> list[dict]:
    """A list-of-objects parameter as PHP reads it: `name[0][key]=value` in the query string
    (read_params flattens these), or a JSON list of objects in the body."""
    given = params.get(name)
    if isinstance(given, list) and all(isinstance(v, dict) for v in given):
        return given
    found: dict[int, dict] = {}
    for key, values in request.query_params.lists():
        match = _INDEXED.match(key)
        if match and match["name"] == name:
            item = found.setdefault(int(match["index"]), {})
            item[match["key"]] = values if match["many"] else values[-1]
    return [found[i] for i in sorted(found)]


# --- the query (ProductQuery) -------------------------------------------------------------
def comma_values(text: str) -> list[str]:
    """ProductQuery's sku/slug lists: the parts, plus the whole string when it has commas."""
    parts = [p for p in text.split(",") if p != ""]
    return parts + [text] if len(parts) > 1 else parts


def minor_units(text: str) -> int | None:
    """min_price/max_price: "0" or empty (falsy in PHP) means no filter."""
    try:
        value = int(float(text))
    except (TypeError, ValueError):
        return None
    return value or None


def filter_products(q: dict) -> QuerySet:
    """GET /products' validated parameters as the query, in ProductQuery's order; the
    catalogue's own rules (sale, price span, stock, terms, ordering) come from the service."""
    now = clock.now()
    queryset = Product.objects.filter(status=PUBLISH)

    # Which post types: products; variations too when looking up by SKU or slug.
    kind = q.get("type")
    if kind == VARIATION:
        queryset = queryset.filter(type=VARIATION)
    elif kind:
        queryset = queryset.filter(type=kind)
    elif not (q.get("sku") or q.get("slug")):
        queryset = queryset.exclude(type=VARIATION)

    if q.get("include"):
        queryset = queryset.filter(pk__in=q["include"])
    if q.get("exclude"):
        queryset = queryset.exclude(pk__in=q["exclude"])
    for key, keep in (("parent", True), ("parent_exclude", False)):
        if q.get(key):
            ids = [i for i in q[key] if i]
            match = Q(parent_id__in=ids) | (Q(parent__isnull=True) if 0 in q[key] else Q())
            queryset = queryset.filter(match) if keep else queryset.exclude(match)
    if q.get("search"):
        term = q["search"]
        queryset = queryset.filter(Q(name__icontains=term) | Q(sku__icontains=term))
    if q.get("slug"):
        queryset = queryset.filter(slug__in=comma_values(q["slug"]))
    if q.get("sku"):
        queryset = queryset.filter(sku__in=comma_values(q["sku"]))

    column = "updated_at" if q.get("date_column", "date").startswith("modified") else "created_at"
    if q.get("after"):
        queryset = queryset.filter(**{f"{column}__gt": q["after"]})
    if q.get("before"):
        queryset = queryset.filter(**{f"{column}__lt": q["before"]})

    if "featured" in q:
        queryset = queryset.filter(featured=q["featured"])
    if q.get("category"):
        values = q["category"]
        # ProductQuery reads the terms as ids when the first one is numeric, else as slugs.
        refs = [absint(v) for v in values] if values[0].isdigit() else values
        groups = catalog.category_groups(refs)
        queryset = catalog.filter_terms(queryset, groups, q.get("category_operator", "in"))
    for name, model in (("tag", Tag), ("brand", Brand)):
        if q.get(name):
            values = q[name]
            refs = [absint(v) for v in values] if values[0].isdigit() else values
            groups = taxonomy.term_groups(model, refs)
            queryset = taxonomy.filter_terms(
                queryset, model, groups, q.get(f"{name}_operator", "in")
            )
    if q.get("attributes"):
        queryset = taxonomy.filter_attributes(
            queryset, q["attributes"], q.get("attribute_relation", "and")
        )
    if q.get("catalog_visibility"):
        queryset = taxonomy.filter_catalog_visibility(queryset, q["catalog_visibility"])
    if q.get("rating"):
        queryset = taxonomy.filter_rating(queryset, q["rating"])

    if "on_sale" in q:
        queryset = catalog.filter_on_sale(queryset, q["on_sale"], at=now)
    if q.get("stock_status"):
        queryset = catalog.filter_stock_status(queryset, q["stock_status"])
    low, high = minor_units(q.get("min_price", "")), minor_units(q.get("max_price", ""))
    queryset = catalog.filter_price(queryset, low, high, at=now)
    return catalog.ordered(
        queryset,
        q.get("orderby", "date"),
        descending=q.get("order", "desc") == "desc",
        include=q.get("include") or (),
        at=now,
    )


# --- the views ----------------------------------------------------------------------------
class ProductView(WooView):
    serializer_class = StoreProductSerializer

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["route_url"] = self.route_url
        return context

    def route_url(self, name: str, **kwargs) -> str:
        """An absolute URL under the prefix this request came in on (v1 or the alias)."""
        built = self.__dict__.setdefault("_route_urls", {})  # a listing asks the same ones
        wanted = (name, *sorted(kwargs.items()))
        if wanted not in built:
            match = self.request.resolver_match
            namespace = match.namespace if match and match.namespace else "woo_store"
            url = reverse(f"{namespace}:{name}", kwargs=kwargs)
            built[wanted] = self.request.build_absolute_uri(url)
        return built[wanted]

    def product_payload(self, product: Product) -> dict:
        return represent(StoreProductSerializer, product, self.get_serializer_context())


class ProductsView(ProductView):
    """GET /products: the catalogue, filtered, sorted and paginated like WooCommerce's."""

    @extend_schema(
        operation_id="woo_store_products_list",
        summary="List products",
        parameters=[ProductsQuerySerializer],
        responses=StoreProductSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        q = self.validated(ProductsQuerySerializer)
        q["attributes"] = indexed_objects(request, self.params(), "attributes")
        queryset = filter_products(q)
        total = queryset.count()
        per_page = q["per_page"]
        # WP_Query: a non-zero offset replaces the page's own offset.
        start = q.get("offset") or (q["page"] - 1) * per_page
        # Past the end is an empty page (and an offset beyond SQL's range never reaches SQL).
        products = (
            list(with_product_data(queryset)[start : start + per_page]) if start < total else []
        )
        context = self.get_serializer_context()
        data = represent(StoreProductSerializer, products, context, many=True)
        headers = pagination_headers(
            request, total, q["page"], per_page, url=self.route_url("products")
        )
        response = Response(data)
        for name, value in headers.items():
            response[name] = value
        last_modified = Product.objects.aggregate(last=Max("updated_at"))["last"]
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return response


class ProductByIdView(ProductView):
    """GET /products/{id}: any published product or variation by id."""

    @extend_schema(
        operation_id="woo_store_product_by_id",
        summary="Get a product by id",
        responses=StoreProductSerializer,
    )
    def get(self, request, id, *args, **kwargs):
        product = with_product_data(catalog.visible(Product.objects.filter(pk=int(id)))).first()
        if product is None:
            raise WooError("woocommerce_rest_product_invalid_id", "Invalid product ID.", 404)
        return Response(self.product_payload(product))


class ProductBySlugView(ProductView):
    """GET /products/{slug}: a product by slug, else a variation by slug."""

    @extend_schema(
        operation_id="woo_store_product_by_slug",
        summary="Get a product by slug",
        responses=StoreProductSerializer,
    )
    def get(self, request, slug, *args, **kwargs):
        # Slugs are unique across products and variations, so one lookup finds either.
        product = with_product_data(catalog.visible(Product.objects.filter(slug=slug))).first()
        if product is None:
            raise WooError("woocommerce_rest_product_invalid_slug", "Invalid product slug.", 404)
        return Response(self.product_payload(product))
