"""CoCart v2's product object and its listing query (reference §0, §1): prices as minor-unit
strings with the currency, `hidden_conditions`, stock, variations; the list is
`{products, page, total_pages, total_products}` with WordPress's pagination headers."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q

from checkout_hub import clock
from checkout_hub.models import Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import catalog, reference

from .serializers import DIMENSION_UNIT, WEIGHT_UNIT, currency_object, kilograms, minor

BASE = "/wp-json/cocart/v2"


def with_product_data(queryset):
    """What a product list reads, in a fixed number of queries (images: services.reference)."""
    variations = Product.objects.order_by("menu_order", "id")
    return queryset.select_related("parent").prefetch_related(
        "categories", Prefetch("variations", queryset=variations)
    )


def iso(value) -> str | None:
    return value.replace(tzinfo=None).isoformat(timespec="seconds") if value else None


def dates(product: Product) -> dict:
    return {
        "created": iso(product.created_at),
        "created_gmt": iso(product.created_at),
        "modified": iso(product.updated_at),
        "modified_gmt": iso(product.updated_at),
    }


def image_object(image, position: int) -> dict:
    sizes = ("thumbnail", "medium", "medium_large", "large", "single", "full")
    return {
        "id": image.pk,
        "src": {size: image.src for size in sizes},
        "name": image.name,
        "alt": image.alt,
        "position": position,
        "featured": position == 0,
    }


def prices_object(product: Product, currency: str) -> dict:
    on_sale = catalog.is_on_sale(product)
    price_range = None
    if product.type == Product.Type.VARIABLE:
        low, high = catalog.price_span(product)
        price, regular, sale = low, low, low
        if low is not None and low != high:
            price_range = {"from": minor(low), "to": minor(high)}
    else:
        price, regular = product.price, product.regular_price
        sale = product.sale_price if on_sale else None
    return {
        "price": minor(price) if price is not None else "",
        "regular_price": minor(regular) if regular is not None else "",
        "sale_price": minor(sale) if sale is not None else "",
        "price_range": price_range,
        "on_sale": on_sale,
        "date_on_sale": {
            "from": iso(product.sale_starts_at),
            "from_gmt": iso(product.sale_starts_at),
            "to": iso(product.sale_ends_at),
            "to_gmt": iso(product.sale_ends_at),
        },
        "currency": currency_object(currency),
    }


def stock_object(product: Product) -> dict:
    status = catalog.stock_status(product)
    return {
        "is_in_stock": status != catalog.OUT_OF_STOCK,
        "stock_quantity": product.stock_quantity if product.manage_stock else None,
        "stock_status": status,
        "backorders": product.backorders,
        "backorders_allowed": product.backorders_allowed,
        "backordered": catalog.is_on_backorder(product),
        "low_stock_amount": product.low_stock_amount,
    }


def attributes_object(product: Product) -> dict:
    out = {}
    for position, attribute in enumerate(product.attributes):
        slug = attribute.get("slug") or attribute.get("name", "")
        out[f"attribute_{slug}"] = {
            "id": position + 1,
            "name": attribute.get("name", slug),
            "position": position,
            "is_attribute_visible": True,
            "used_for_variation": bool(attribute.get("variation")),
            "options": {o.lower().replace(" ", "-"): o for o in attribute.get("options", [])},
        }
    return out


def variation_object(variation: Product, currency: str) -> dict:
    images = reference.images(variation.pk)
    return {
        "id": variation.pk,
        "sku": variation.sku or "",
        "description": variation.description,
        "attributes": {f"attribute_{k}": v for k, v in variation.variation_attributes.items()},
        "featured_image": images[0].src if images else "",
        "prices": prices_object(variation, currency),
        "stock": stock_object(variation),
    }


def add_to_cart(product: Product) -> dict:
    variable = product.type == Product.Type.VARIABLE
    purchasable = catalog.is_purchasable(product)
    limits = cart_service.quantity_limits(product) if not variable else None
    unlimited = limits is None or (
        not product.sold_individually and product.available_quantity() is None
    )
    return {
        "text": "Select options" if variable else ("Add to cart" if purchasable else "Read more"),
        "description": (
            f"Select options for “{product.name}”"
            if variable
            else f"Add to cart: “{product.display_name}”"
        ),
        "has_options": variable,
        "is_purchasable": purchasable,
        "purchase_quantity": {
            "min_purchase": limits.minimum if limits else 1,
            "max_purchase": -1 if unlimited else limits.maximum,
        },
        "rest_url": f"{settings.HUB_PUBLIC_URL}{BASE}/cart/add-item?id={product.pk}",
    }


def product_object(product: Product, currency: str) -> dict:
    slug = product.parent.slug if product.parent_id else product.slug
    images = reference.images(product.pk)
    return {
        "id": product.pk,
        "parent_id": product.parent_id or 0,
        "name": product.display_name,
        "type": product.type,
        "slug": product.slug,
        "permalink": f"{settings.HUB_PUBLIC_URL}/product/{slug}/",
        "sku": product.sku or "",
        "description": product.description,
        "short_description": product.short_description,
        "dates": dates(product),
        "featured": product.featured,
        "prices": prices_object(product, currency),
        "hidden_conditions": {
            "virtual": product.virtual,
            "downloadable": product.downloadable,
            "manage_stock": product.manage_stock,
            "sold_individually": product.sold_individually,
            "reviews_allowed": True,
            "shipping_required": product.needs_shipping,
        },
        "average_rating": f"{product.average_rating:.2f}",
        "review_count": product.review_count,
        "rating_count": product.review_count,
        "rated_out_of": "5",
        "images": [image_object(image, i) for i, image in enumerate(images)],
        "categories": [
            {
                "id": c.pk,
                "name": c.name,
                "slug": c.slug,
                "rest_url": f"{settings.HUB_PUBLIC_URL}{BASE}/products/categories/{c.pk}",
            }
            for c in product.categories.all()
        ],
        "tags": [],
        "attributes": attributes_object(product),
        "default_attributes": [],
        "variations": [variation_object(v, currency) for v in catalog.visible_variations(product)],
        "grouped_products": [],
        "stock": stock_object(product),
        "weight": {"value": kilograms(product.weight_grams or 0), "unit": WEIGHT_UNIT},
        "dimensions": {"length": "", "width": "", "height": "", "unit": DIMENSION_UNIT},
        "reviews": [],
        "related": [],
        "upsells": [],
        "cross_sells": [],
        "total_sales": 0,
        "external_url": "",
        "button_text": "",
        "add_to_cart": add_to_cart(product),
        "meta_data": [],
    }


ORDERBY = (
    "date",
    "id",
    "include",
    "title",
    "slug",
    "modified",
    "menu_order",
    "price",
    "popularity",
    "rating",
)


def filter_products(q: dict):
    """The list's filters (WooCommerce's REST product args, as CoCart takes them)."""
    now = clock.now()
    queryset = Product.objects.filter(status=catalog.PUBLISH)
    kind = q.get("type")
    if kind:
        queryset = queryset.filter(type=kind)
    elif not q.get("sku"):
        queryset = queryset.exclude(type=catalog.VARIATION)
    if q.get("include"):
        queryset = queryset.filter(pk__in=q["include"])
    if q.get("exclude"):
        queryset = queryset.exclude(pk__in=q["exclude"])
    if q.get("search"):
        queryset = queryset.filter(Q(name__icontains=q["search"]) | Q(sku__icontains=q["search"]))
    if q.get("slug"):
        queryset = queryset.filter(slug__in=[s for s in q["slug"].split(",") if s])
    if q.get("sku"):
        queryset = queryset.filter(sku__in=[s for s in q["sku"].split(",") if s])
    if "featured" in q:
        queryset = queryset.filter(featured=q["featured"])
    if q.get("category"):
        values = q["category"]
        refs = [int(v) for v in values if v.isdigit()] if values[0].isdigit() else values
        queryset = catalog.filter_terms(queryset, catalog.category_groups(refs), "in")
    if q.get("tag"):
        queryset = queryset.none()  # the hub has no tags
    if "on_sale" in q:
        queryset = catalog.filter_on_sale(queryset, q["on_sale"], at=now)
    if q.get("stock_status"):
        queryset = catalog.filter_stock_status(queryset, q["stock_status"])
    queryset = catalog.filter_price(queryset, q.get("min_price"), q.get("max_price"), at=now)
    return catalog.ordered(
        queryset,
        q.get("orderby", "date"),
        descending=q.get("order", "desc") == "desc",
        include=q.get("include") or (),
        at=now,
    )
