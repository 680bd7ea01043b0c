"""The product taxonomy and review routes a storefront's filter and collection blocks read:
products/categories (+/{id}), products/tags, products/brands (+/{id}), products/attributes
(+/{id}, /{id}/terms), products/reviews and products/collection-data.

Terms follow AbstractTermsRoute (WP_Term_Query): `hide_empty` (default true), `orderby`
name/slug/count, `order` asc by default, `per_page` 0 meaning no limit, and pagination headers
only when a page was asked for and more may follow. Counting and filtering are
`checkout_hub.services.taxonomy`'s; this module maps the routes' parameters and shapes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from checkout_hub.api.money import currency_fields
from checkout_hub.models import Attribute, Brand, Category, Product, Review, Tag
from checkout_hub.services import reference, taxonomy
from checkout_hub.wordpress.pagination import page_count, pagination_headers
from checkout_hub.wordpress.params import (
    IdListField,
    WPBooleanField,
    WPChoiceField,
    WPIntegerField,
    WPStringField,
)

from ..errors import WooError
from ..serializers.common import images
from ..serializers.products import html_text
from . import products as product_routes
from .products import ProductView, indexed_objects


# --- terms -----------------------------------------------------------------------------------
class TermsQuerySerializer(serializers.Serializer):
    """AbstractTermsRoute's collection parameters."""

    context = WPChoiceField(("view", "embed", "edit"), default="view", required=False)
    page = WPIntegerField(default=1, min_value=1)
    per_page = WPIntegerField(required=False, min_value=0, help_text="0 or absent: no limit.")
    search = WPStringField()
    exclude = IdListField()
    include = IdListField()
    order = WPChoiceField(("asc", "desc"), default="asc", required=False)
    orderby = WPChoiceField(("name", "slug", "count"), default="name", required=False)
    hide_empty = WPBooleanField(default=True, required=False)
    parent = WPIntegerField(required=False, help_text="Hierarchical taxonomies only.")


class AttributeTermsQuerySerializer(TermsQuerySerializer):
    orderby = WPChoiceField(("name", "slug", "count", "menu_order"), default="name", required=False)


def _image(src: str, name: str, pk: int = 0) -> dict | None:
    if not src:
        return None
    return dict(id=pk, src=src, thumbnail=src, srcset="", sizes="", name=name, alt=name)


class TermsView(ProductView):
    """A term collection: filter, order and page `rows` (dicts with a `count`) as
    WP_Term_Query does."""

    query_serializer = TermsQuerySerializer
    hierarchical = False

    def terms(self) -> list[dict]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        q = self.validated(self.query_serializer)
        rows = self.terms()
        if q.get("include"):
            rows = [r for r in rows if r["id"] in q["include"]]
        if q.get("exclude"):
            rows = [r for r in rows if r["id"] not in q["exclude"]]
        if q.get("hide_empty", True):
            rows = [r for r in rows if r["count"] > 0]
        if q.get("search"):
            term = q["search"].lower()
            rows = [r for r in rows if term in r["name"].lower() or term in r["slug"]]
        if self.hierarchical and "parent" in q:
            rows = [r for r in rows if r.get("parent", 0) == q["parent"]]
        orderby = q.get("orderby", "name")
        key = {
            "name": lambda r: (r["name"].lower(), r["id"]),
            "slug": lambda r: (r["slug"], r["id"]),
            "count": lambda r: (r["count"], r["id"]),
            "menu_order": lambda r: (r.get("_order", 0), r["name"].lower()),
        }[orderby]
        rows.sort(key=key, reverse=q.get("order", "asc") == "desc")
        total = len(rows)
        per_page, page = q.get("per_page") or 0, q["page"]
        if per_page:
            rows = rows[(page - 1) * per_page : page * per_page]
        response = Response([{k: v for k, v in r.items() if k != "_order"} for r in rows])
        # AbstractTermsRoute adds the headers only when a page may have others around it.
        if per_page and (len(rows) == per_page or page > 1):
            headers = pagination_headers(request, total, page, per_page, url=self.collection_url())
            headers["X-WP-TotalPages"] = str(page_count(total, per_page))
            for name, value in headers.items():
                response[name] = value
        return response

    def collection_url(self) -> str:
        return self.request.build_absolute_uri(self.request.path.rstrip("/"))


def term_row(term, count: int, *, parent: int = 0) -> dict:
    """TermSchema: id, name, slug, description, parent, count."""
    return {
        "id": term.pk,
        "name": html_text(term.name),
        "slug": term.slug,
        "description": html_text(term.description),
        "parent": parent,
        "count": count,
    }


class _ArchiveTerms(TermsView):
    """Categories and brands: TermSchema plus image, review_count and permalink."""

    model = Category
    archive = "product-category"
    hierarchical = True

    def image_of(self, term) -> dict | None:
        return None  # the hub's categories have no thumbnail

    def rows(self, queryset) -> list[dict]:
        terms = list(taxonomy.with_counts(queryset))
        reviews = taxonomy.review_counts(self.model, [t.pk for t in terms])
        base = settings.HUB_PUBLIC_URL
        return [
            {
                **term_row(t, t.product_count, parent=t.parent_id or 0),
                "image": self.image_of(t),
                "review_count": reviews.get(t.pk, 0),
                "permalink": f"{base}/{self.archive}/{t.slug}/",
            }
            for t in terms
        ]

    def terms(self) -> list[dict]:
        return self.rows(self.model.objects.all())


class CategoriesView(_ArchiveTerms):
    @extend_schema(operation_id="woo_store_product_categories", parameters=[TermsQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BrandsView(_ArchiveTerms):
    model = Brand
    archive = "brand"

    def image_of(self, term) -> dict | None:
        return _image(term.image_src, term.name)

    @extend_schema(operation_id="woo_store_product_brands", parameters=[TermsQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CategoryByIdView(CategoriesView):
    not_found = ("woocommerce_rest_category_invalid_id", "Invalid category ID.")

    @extend_schema(operation_id="woo_store_product_category")
    def get(self, request, id, *args, **kwargs):
        rows = self.rows(self.model.objects.filter(pk=int(id)))
        if not rows:
            raise WooError(*self.not_found, 404)
        return Response(rows[0])


class BrandByIdView(BrandsView):
    not_found = ("woocommerce_rest_brand_invalid_id", "Invalid brand ID.")

    @extend_schema(operation_id="woo_store_product_brand")
    def get(self, request, id, *args, **kwargs):
        rows = self.rows(self.model.objects.filter(pk=int(id)))
        if not rows:
            raise WooError(*self.not_found, 404)
        return Response(rows[0])


class TagsView(TermsView):
    @extend_schema(operation_id="woo_store_product_tags", parameters=[TermsQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def terms(self) -> list[dict]:
        return [term_row(t, t.product_count) for t in taxonomy.with_counts(Tag.objects.all())]


# --- attributes ------------------------------------------------------------------------------
def attribute_row(attribute: Attribute) -> dict:
    """ProductAttributeSchema: id, name, taxonomy, type, order, has_archives, count."""
    return {
        "id": attribute.pk,
        "name": html_text(attribute.name),
        "taxonomy": attribute.slug,
        "type": attribute.type,
        "order": attribute.order_by,
        "has_archives": attribute.has_archives,
        "count": len(attribute.terms.all()),
    }


class AttributesView(ProductView):
    @extend_schema(operation_id="woo_store_product_attributes")
    def get(self, request, *args, **kwargs):
        attributes = sorted(reference.attributes().values(), key=lambda a: a.pk)
        return Response([attribute_row(a) for a in attributes])


class AttributeByIdView(ProductView):
    @extend_schema(operation_id="woo_store_product_attribute")
    def get(self, request, id, *args, **kwargs):
        attribute = taxonomy.attribute_by_ref(id)
        if attribute is None:
            raise WooError("woocommerce_rest_attribute_invalid_id", "Invalid attribute ID.", 404)
        return Response(attribute_row(attribute))


class AttributeTermsView(TermsView):
    query_serializer = AttributeTermsQuerySerializer

    @extend_schema(
        operation_id="woo_store_product_attribute_terms",
        parameters=[AttributeTermsQuerySerializer],
    )
    def get(self, request, attribute_id, *args, **kwargs):
        self.attribute = taxonomy.attribute_by_ref(attribute_id)
        if self.attribute is None:
            raise WooError("woocommerce_rest_taxonomy_invalid", "Attribute does not exist.", 404)
        return super().get(request, *args, **kwargs)

    def terms(self) -> list[dict]:
        counts = taxonomy.attribute_term_totals(self.attribute)
        return [
            {**term_row(t, counts.get(t.pk, 0)), "_order": t.menu_order}
            for t in self.attribute.terms.all()
        ]


# --- reviews ---------------------------------------------------------------------------------
class ReviewsQuerySerializer(serializers.Serializer):
    context = WPChoiceField(("view", "embed", "edit"), default="view", required=False)
    page = WPIntegerField(default=1, min_value=1)
    per_page = WPIntegerField(default=10, min_value=1, max_value=100)
    offset = WPIntegerField(required=False)
    order = WPChoiceField(("asc", "desc"), default="desc", required=False)
    orderby = WPChoiceField(
        ("date", "date_gmt", "id", "rating", "product"), default="date", required=False
    )
    category_id = IdListField()
    product_id = IdListField()


REVIEW_ORDER = {
    "date": "created_at",
    "date_gmt": "created_at",
    "id": "id",
    "rating": "rating",
    "product": "product_id",
}


def avatar_urls(email: str) -> dict:
    """rest_get_avatar_urls: Gravatar's mystery-person URL at 24, 48 and 96 pixels."""
    digest = hashlib.md5(email.strip().lower().encode()).hexdigest()
    return {
        str(size): f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"
        for size in (24, 48, 96)
    }


def review_row(review: Review) -> dict:
    product = review.product
    created = review.created_at
    local = created.replace(tzinfo=None)
    first_image = (images(product) or [None])[0]
    return {
        "id": review.pk,
        "date_created": local.isoformat(timespec="seconds"),
        "formatted_date_created": f"{created:%B} {created.day}, {created.year}",
        "date_created_gmt": local.isoformat(timespec="seconds"),
        "product_id": product.pk,
        "product_name": html_text(product.name),
        "product_permalink": f"{settings.HUB_PUBLIC_URL}/product/{product.slug}/",
        "product_image": first_image,
        "reviewer": review.reviewer,
        "review": f"<p>{html_text(review.review)}</p>\n",
        "rating": review.rating,
        "verified": review.verified,
        "reviewer_avatar_urls": avatar_urls(review.reviewer_email),
    }


class ReviewsView(ProductView):
    @extend_schema(operation_id="woo_store_product_reviews", parameters=[ReviewsQuerySerializer])
    def get(self, request, *args, **kwargs):
        q = self.validated(ReviewsQuerySerializer)
        reviews = Review.objects.filter(
            status=Review.Status.APPROVED, product__status=Product.Status.PUBLISH
        ).select_related("product")
        wanted = Q()
        if q.get("product_id"):
            wanted |= Q(product_id__in=q["product_id"])
        if q.get("category_id"):
            groups = taxonomy.term_groups(Category, q["category_id"])
            wanted |= Q(product__categories__in=set().union(*groups) if groups else [])
        if q.get("product_id") or q.get("category_id"):
            reviews = reviews.filter(wanted).distinct()
        column = REVIEW_ORDER[q.get("orderby", "date")]
        sign = "-" if q.get("order", "desc") == "desc" else ""
        reviews = reviews.order_by(f"{sign}{column}", f"{sign}id")
        total, per_page, page = reviews.count(), q["per_page"], q["page"]
        start = q.get("offset") or (page - 1) * per_page
        rows = [review_row(r) for r in reviews[start : start + per_page]] if start < total else []
        response = Response(rows)
        for name, value in pagination_headers(
            request, total, page, per_page, url=self.request.build_absolute_uri(
                self.request.path.rstrip("/")
            ),
        ).items():  # fmt: skip
            response[name] = value
        return response


# --- collection data -------------------------------------------------------------------------
class CollectionDataQuerySerializer(product_routes.ProductsQuerySerializer):
    calculate_price_range = WPBooleanField(default=False, required=False)
    calculate_stock_status_counts = WPBooleanField(default=False, required=False)
    calculate_rating_counts = WPBooleanField(default=False, required=False)


COUNTS_MAX_ITEMS = 25
TAXONOMIES = {"product_cat": Category, "product_tag": Tag, "product_brand": Brand}


class CollectionDataView(ProductView):
    """Aggregates over the collection /products would list with the same parameters."""

    @extend_schema(
        operation_id="woo_store_product_collection_data",
        parameters=[CollectionDataQuerySerializer],
    )
    def get(self, request, *args, **kwargs):
        q = self.validated(CollectionDataQuerySerializer)
        params = self.params()
        q["attributes"] = indexed_objects(request, params, "attributes")
        attribute_counts = indexed_objects(request, params, "calculate_attribute_counts")
        taxonomy_counts = params.get("calculate_taxonomy_counts") or []
        if isinstance(taxonomy_counts, str):
            taxonomy_counts = [t for t in taxonomy_counts.split(",") if t]
        for name, given in (
            ("calculate_attribute_counts", attribute_counts),
            ("calculate_taxonomy_counts", taxonomy_counts),
        ):
            if len(given) > COUNTS_MAX_ITEMS:
                raise self.too_many(name)
        data = {
            "price_range": None,
            "attribute_counts": None,
            "rating_counts": None,
            "stock_status_counts": None,
            "taxonomy_counts": None,
        }
        if q.get("calculate_price_range"):
            unpriced = {k: v for k, v in q.items() if k not in ("min_price", "max_price")}
            low, high = taxonomy.price_range(product_routes.filter_products(unpriced))
            if low is not None and high is not None:
                data["price_range"] = {
                    "min_price": str(low),
                    "max_price": str(high),
                    **currency_fields(self.get_serializer_context()["currency"]),
                }
        if attribute_counts:
            data["attribute_counts"] = self.attribute_counts(q, attribute_counts)
        if q.get("calculate_rating_counts"):
            counts = taxonomy.rating_counts(product_routes.filter_products(q))
            data["rating_counts"] = [{"rating": r, "count": c} for r, c in counts.items()]
        if q.get("calculate_stock_status_counts"):
            counts = taxonomy.stock_status_counts(product_routes.filter_products(q))
            data["stock_status_counts"] = [{"status": s, "count": c} for s, c in counts.items()]
        if taxonomy_counts:
            data["taxonomy_counts"] = []
            queryset = product_routes.filter_products(q)
            for name in dict.fromkeys(str(t).strip().lower() for t in taxonomy_counts):
                model = TAXONOMIES.get(name)
                if model is None:
                    continue  # not a registered taxonomy: skipped
                counts = taxonomy.taxonomy_term_counts(queryset, model)
                data["taxonomy_counts"] += [{"term": t, "count": c} for t, c in counts.items()]
        return Response(data)

    def attribute_counts(self, q: dict, requested: list[dict]) -> list[dict]:
        result: list[dict] = []
        seen: set[tuple[str, str]] = set()
        for item in requested:
            attribute = taxonomy.attribute_by_ref(item.get("taxonomy", ""))
            query_type = item.get("query_type") or "or"
            if attribute is None or (attribute.slug, query_type) in seen:
                continue
            seen.add((attribute.slug, query_type))
            # An "or" count leaves out the active filter on the same attribute.
            filters = q["attributes"]
            if query_type == "or":
                filters = [
                    f for f in filters if str(f.get("attribute", "")).lower() != attribute.slug
                ]
            counts = taxonomy.attribute_term_counts(
                product_routes.filter_products({**q, "attributes": filters}), attribute
            )
            result += [{"term": t, "count": c} for t, c in counts.items()]
        return result

    @staticmethod
    def too_many(name: str) -> WooError:
        message = f"{name} must contain at most {COUNTS_MAX_ITEMS} items."
        return WooError(
            "rest_invalid_param",
            f"Invalid parameter(s): {name}",
            400,
            params={name: message},
            details={name: {"code": "rest_too_many_items", "message": message, "data": None}},
        )
