"""The Store API's product object, as WooCommerce's ProductSchema renders it (reference §7).

`ProductSerializer` takes a `Product` (simple, variable or variation) and produces every key in
`ProductSchema::get_item_response` order. Money is a string of minor units followed by the
currency fields; a variable product shows its lowest variation price and fills `price_range`.

Everything is computed from the product and its prefetched relations (`categories`,
`variations` and `parent`, see `PRODUCT_PREFETCH`; images come from `services.reference`),
so serialising a list costs the same number of queries whatever its length. Cart cross-sells
can reuse the serializer as is; the routes add WordPress's `_links` on top
(`StoreProductSerializer`).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.utils.text import slugify
from rest_framework import serializers

from checkout_hub.models import Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import catalog, money, reference

from .common import ImageSerializer, MoneyObject, images, low_stock_remaining, permalink

# What a product list needs loaded up front (with select_related("parent")).
PRODUCT_PREFETCH = ("categories", "tags", "brands", "variations")  # images: no query

VARIABLE = Product.Type.VARIABLE
VARIATION = Product.Type.VARIATION


def with_product_data(queryset):
    """A product queryset with everything `ProductSerializer` reads, in constant queries."""
    return queryset.select_related("parent").prefetch_related(*PRODUCT_PREFETCH)


# --- WordPress's text filters -------------------------------------------------------------
# `prepare_html_response` runs wptexturize, convert_chars and trim on every text field; the
# descriptions also go through wpautop (wc_format_content). These are the parts of those
# filters a catalogue actually meets: apostrophes and quotes, ellipses, dashes, "50x70" and
# lone ampersands.
_TEXTURIZE = (
    (re.compile(r"&(?!#?\w+;)"), "&#038;"),
    (re.compile(r"\.\.\."), "&#8230;"),
    (re.compile(r"---"), "&#8212;"),
    (re.compile(r" -- "), " &#8212; "),
    (re.compile(r"--"), "&#8211;"),
    (re.compile(r" - "), " &#8211; "),
    (re.compile(r"\b(\d[\d.,]*)x(\d[\d.,]*)\b"), r"\1&#215;\2"),
    (re.compile(r"(?<=\w)'(?=\w)"), "&#8217;"),  # it's, hub's
    (re.compile(r"(^|[\s(\[{>\"-])'"), r"\1&#8216;"),  # an opening single quote
    (re.compile(r"'"), "&#8217;"),
    (re.compile(r'(^|[\s(\[{>-])"'), r"\1&#8220;"),  # an opening double quote
    (re.compile(r'"'), "&#8221;"),
)
_TAG = re.compile(r"(<[^>]*>)")
_BLOCK = re.compile(r"^\s*<(p|div|ul|ol|h[1-6]|table|blockquote|pre|figure)\b", re.I)


@functools.lru_cache(maxsize=4096)  # a catalogue's texts repeat on every listing
def texturize(text: str) -> str:
    """wptexturize + convert_chars on the text outside HTML tags."""
    parts = _TAG.split(text or "")
    for i in range(0, len(parts), 2):  # even parts are text, odd parts are tags
        for pattern, replacement in _TEXTURIZE:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)


def html_text(text: str) -> str:
    """prepare_html_response: texturized and trimmed."""
    return texturize(text or "").strip()


def html_content(text: str) -> str:
    """wc_format_content + prepare_html_response: paragraphs wrapped in <p> (wpautop)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not _BLOCK.match(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "\n".join(f"<p>{p.replace(chr(10), '<br />' + chr(10))}</p>" for p in paragraphs)
    return html_text(text)


# --- prices -------------------------------------------------------------------------------
def product_prices(product: Product) -> dict:
    """price, regular_price, sale_price (minor units or None) and (min, max) or None.

    A variable product takes the lowest of its priced variations (WooCommerce's
    get_variation_price('min')); the range is there only when the prices differ.
    """
    low, high = catalog.price_span(product)
    if product.type != VARIABLE:
        return {
            "price": low,
            "regular_price": product.regular_price,
            # An empty sale price falls back to the current price (wc_get_price_excluding_tax).
            "sale_price": low,
            "range": None,
        }
    if low is None:
        return {"price": None, "regular_price": None, "sale_price": None, "range": None}
    return {
        "price": low,
        "regular_price": min(v.regular_price for v in catalog.priced_variations(product)),
        # read_price_data: a variation's sale price is its regular price unless on sale now.
        "sale_price": low,
        "range": (low, high) if low != high else None,
    }


def prices_of(product: Product) -> dict:
    """product_prices(), computed once per instance (several fields read it)."""
    cached = getattr(product, "_woo_prices", None)
    if cached is None:
        cached = product._woo_prices = product_prices(product)
    return cached


def _amount(value: int | None) -> str:
    # MoneyFormatter: an empty price is "0", never null.
    return str(int(value or 0))


def _format_decimal(amount: int, cur: money.Currency) -> str:
    value = Decimal(int(amount)).scaleb(-cur.minor_unit)
    whole, _, fraction = f"{value:.{cur.minor_unit}f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    number = sign + cur.thousand_separator.join(groups or ["0"])
    return number + (cur.decimal_separator + fraction if fraction else "")


def _symbol_html(symbol: str) -> str:
    # get_woocommerce_currency_symbol() gives HTML entities ("&#36;" for the dollar).
    return "".join(ch if ch.isalnum() else f"&#{ord(ch)};" for ch in symbol)


def wc_price(amount: int, code: str) -> str:
    """wc_price(): the amount in WooCommerce's price markup."""
    cur = money.currency(code)
    symbol = f'<span class="woocommerce-Price-currencySymbol">{_symbol_html(cur.symbol)}</span>'
    number = _format_decimal(amount, cur)
    formats = {
        "left": f"{symbol}{number}",
        "left_space": f"{symbol}&nbsp;{number}",
        "right": f"{number}{symbol}",
        "right_space": f"{number}&nbsp;{symbol}",
    }
    inner = formats.get(cur.position, formats["left"])
    return f'<span class="woocommerce-Price-amount amount"><bdi>{inner}</bdi></span>'


def _plain(amount: int, code: str) -> str:
    return re.sub(r"<[^>]+>", "", wc_price(amount, code))


def price_html(product: Product, code: str) -> str:
    """get_price_html(): a price, a struck-through sale price, or a variable product's range."""
    prices = prices_of(product)
    low = prices["price"]
    if low is None:
        return ""  # woocommerce_empty_price_html
    if prices["range"]:
        high = prices["range"][1]
        return (
            f'{wc_price(low, code)} <span aria-hidden="true">&ndash;</span> '
            f'{wc_price(high, code)}<span class="screen-reader-text">Price range: '
            f"{_plain(low, code)} through {_plain(high, code)}</span>"
        )
    if product.type == VARIABLE:
        # One price for every variation: a sale shows only when all regular prices agree.
        variations = catalog.visible_variations(product)
        regulars = {v.regular_price for v in variations if v.regular_price}
        on_sale = len(regulars) == 1 and catalog.is_on_sale(product)
        regular = next(iter(regulars)) if on_sale else None
    else:
        regular = product.regular_price if catalog.is_on_sale(product) else None
    if regular is None:
        return wc_price(low, code)
    return (
        f'<del aria-hidden="true">{wc_price(regular, code)}</del> '
        f'<span class="screen-reader-text">Original price was: {_plain(regular, code)}.'
        f'</span><ins aria-hidden="true">{wc_price(low, code)}</ins>'
        f'<span class="screen-reader-text">Current price is: {_plain(low, code)}.</span>'
    )


# --- stock and purchasability -------------------------------------------------------------
# The rules (stock status, in stock, backorder, purchasable) are the catalogue's; this is
# only WooCommerce's wording of them.
def availability(product: Product) -> dict:
    """ProductAvailabilityUtils::get_product_availability: {text, class}."""
    if product.type == VARIABLE:
        available = any(
            v.regular_price is not None and v.is_in_stock
            for v in catalog.visible_variations(product)
        )
        if available:
            return {"text": "", "class": ""}
        return {
            "text": "This product is currently out of stock and unavailable.",
            "class": "out-of-stock",
        }
    if not catalog.is_in_stock(product):
        return {"text": "Out of stock", "class": "out-of-stock"}
    if catalog.is_on_backorder(product, 1):
        notify = product.backorders == Product.Backorders.NOTIFY
        text = "Available on backorder" if notify or not product.manage_stock else ""
        return {"text": text, "class": "available-on-backorder"}
    if product.manage_stock:
        # woocommerce_stock_format "" (the default): always "N in stock".
        text = f"{max(product.stock_quantity or 0, 0)} in stock"
        if product.backorders == Product.Backorders.NOTIFY:
            text += " (can be backordered)"
        return {"text": text, "class": "in-stock"}
    return {"text": "", "class": "in-stock"}


# --- weight and dimensions (wc_format_weight, wc_format_dimensions) ------------------------
WEIGHT_UNIT, DIMENSION_UNIT = "kg", "cm"  # WooCommerce's defaults


def _decimal_text(value) -> str:
    """wc_format_localized_decimal of a stored number: no trailing zeros, "" when unset."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return "" if text in ("0", "") else text


def weight_text(product: Product) -> str:
    grams = product.effective_weight_grams
    return "" if grams is None else _decimal_text(Decimal(grams) / 1000)


def dimensions(product: Product) -> dict:
    length, width, height = product.effective_dimensions_cm()
    return {
        "length": _decimal_text(length),
        "width": _decimal_text(width),
        "height": _decimal_text(height),
    }


def formatted_weight(product: Product) -> str:
    weight = weight_text(product)
    return f"{weight} {WEIGHT_UNIT}" if weight else "N/A"


def formatted_dimensions(product: Product) -> str:
    # wc_format_dimensions joins the set ones with " &times; "; the Store API decodes it.
    parts = [v for v in dimensions(product).values() if v]
    return f"{' × '.join(parts)} {DIMENSION_UNIT}" if parts else "N/A"


def term_list(terms, base: str) -> list[dict]:
    """ProductSchema::get_term_list: {id, name, slug, link} with the term's archive link."""
    root = settings.HUB_PUBLIC_URL
    return [
        {"id": t.pk, "name": t.name, "slug": t.slug, "link": f"{root}/{base}/{t.slug}/"}
        for t in terms
    ]


# --- attributes and variations ------------------------------------------------------------
def _is_taxonomy(attribute: dict) -> bool:
    return str(attribute.get("slug", "")).startswith("pa_")


def _term_slug(attribute: dict, value: str) -> str:
    # Global (pa_) attributes store term slugs on variations; custom ones the value itself.
    return slugify(value) if _is_taxonomy(attribute) else value


def product_attributes(product: Product) -> list[dict]:
    result = []
    known = reference.attributes()
    for attribute in product.attributes or []:
        if not isinstance(attribute, dict):
            continue
        variation = bool(attribute.get("variation"))
        # Only visible or variation attributes are exposed.
        if not attribute.get("visible", True) and not variation:
            continue
        # A global (pa_) attribute and its terms carry their ids; a custom one has none.
        taxonomy = known.get(attribute.get("slug", "")) if _is_taxonomy(attribute) else None
        terms = {t.slug: t for t in taxonomy.terms.all()} if taxonomy else {}
        options = []
        for option in attribute.get("options", []):
            slug = _term_slug(attribute, str(option)) or str(option)
            term = terms.get(slug)
            options.append(
                {
                    "id": term.pk if term else 0,
                    "name": term.name if term else str(option),
                    "slug": slug,
                    "default": False,
                }
            )
        result.append(
            {
                "id": taxonomy.pk if taxonomy else 0,
                "name": attribute.get("name", ""),
                "taxonomy": attribute.get("slug") if _is_taxonomy(attribute) else None,
                "has_variations": variation,
                "terms": options,
            }
        )
    return result


def _variation_attributes(parent: Product) -> list[dict]:
    return [
        a
        for a in parent.attributes or []
        if isinstance(a, dict) and a.get("variation") and (a.get("slug") or a.get("name"))
    ]


def product_variations(product: Product) -> list[dict]:
    """[{id, attributes: [{name, value|null}]}]: null where the variation takes any value."""
    attributes = _variation_attributes(product)
    result = []
    for variation in catalog.visible_variations(product):
        chosen = variation.variation_attributes or {}
        pairs = []
        for attribute in attributes:
            value = chosen.get(attribute.get("slug") or attribute.get("name"), "")
            pairs.append(
                {
                    "name": attribute.get("name", ""),
                    "value": _term_slug(attribute, value) if value else None,
                }
            )
        result.append({"id": variation.pk, "attributes": pairs})
    return result


def variation_label(product: Product) -> str:
    """wc_get_formatted_variation($product, flat, with names): "Color: Blue, Size: S"."""
    if product.type != VARIATION or not product.parent_id:
        return ""
    chosen = product.variation_attributes or {}
    labels = []
    for attribute in _variation_attributes(product.parent):
        value = chosen.get(attribute.get("slug") or attribute.get("name"), "")
        if value:
            labels.append(f"{attribute.get('name', '')}: {value}")
    return ", ".join(labels)


def _attribute_query(product: Product, keep_any: bool) -> dict:
    """A variation's {"attribute_pa_color": "blue", ...}; "any" values only if `keep_any`."""
    chosen = product.variation_attributes or {}
    query = {}
    for attribute in _variation_attributes(product.parent):
        key = attribute.get("slug") or attribute.get("name")
        value = chosen.get(key, "")
        if value or keep_any:
            query[f"attribute_{key}"] = _term_slug(attribute, value) if value else ""
    return query


def product_permalink(product: Product) -> str:
    """A variation's permalink carries its attributes (WC_Product_Variation::get_permalink)."""
    url = permalink(product)
    if product.type != VARIATION or not product.parent_id:
        return url
    query = _attribute_query(product, keep_any=False)
    return f"{url}?{urlencode(query)}" if query else url


def add_to_cart(product: Product) -> dict:
    """Button texts and URL (per product type) and the quantity limits."""
    name = product.display_name
    purchasable = catalog.is_purchasable(product)
    if product.type == VARIABLE:
        text = "Select options" if purchasable else "Read more"
        description = (
            f"Select options for &ldquo;{name}&rdquo;"
            if purchasable
            else f"Read more about &ldquo;{name}&rdquo;"
        )
        url = permalink(product)
    else:
        can_add = purchasable and catalog.is_in_stock(product)
        text = "Add to cart" if can_add else "Read more"
        description = (
            f"Add to cart: &ldquo;{name}&rdquo;"
            if can_add
            else f"Read more about &ldquo;{name}&rdquo;"
        )
        if not can_add:
            url = product_permalink(product)
        elif product.type == VARIATION and product.parent_id:
            query = {"variation_id": product.pk, "add-to-cart": product.parent_id}
            query.update(_attribute_query(product, keep_any=True))
            url = f"{permalink(product)}?{urlencode(query)}"
        else:
            # add_query_arg() on an empty base: WooCommerce answers a relative URL.
            url = f"?add-to-cart={product.pk}"
    limits = cart_service.quantity_limits(product)
    # QuantityLimits ignores a zero stock limit (array_filter), leaving 9999 or the max.
    maximum = limits.maximum or min(product.quantity_max or cart_service.MAX_QUANTITY, 9999)
    return {
        "text": html_text(text),
        "description": html_text(description),
        "url": html_text(url),
        "single_text": "Add to cart",
        "minimum": limits.minimum,
        "maximum": maximum,
        "multiple_of": limits.multiple_of,
    }


def average_rating(product: Product) -> str:
    # Stored as wc_format_decimal(number_format(avg, 2)): "4.50"; never rated: "0".
    value = Decimal(product.average_rating or 0)
    return "0" if value == 0 else f"{value:.2f}"


# --- wire shapes --------------------------------------------------------------------------
class PriceRangeSerializer(serializers.Serializer):
    min_amount = serializers.CharField()
    max_amount = serializers.CharField()


class ProductPricesSerializer(MoneyObject):
    """instance: the Product. Amounts, then the currency fields; no raw_prices on products."""

    price = serializers.SerializerMethodField()
    regular_price = serializers.SerializerMethodField()
    sale_price = serializers.SerializerMethodField()
    price_range = serializers.SerializerMethodField()

    def get_price(self, product) -> str:
        return _amount(prices_of(product)["price"])

    def get_regular_price(self, product) -> str:
        return _amount(prices_of(product)["regular_price"])

    def get_sale_price(self, product) -> str:
        return _amount(prices_of(product)["sale_price"])

    def get_price_range(self, product) -> PriceRangeSerializer(allow_null=True):
        span = prices_of(product)["range"]
        if span is None:
            return None
        return {"min_amount": _amount(span[0]), "max_amount": _amount(span[1])}


class DimensionsSerializer(serializers.Serializer):
    length = serializers.CharField()
    width = serializers.CharField()
    height = serializers.CharField()


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    link = serializers.CharField()


class AttributeTermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    default = serializers.BooleanField()


class AttributeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    taxonomy = serializers.CharField(allow_null=True)
    has_variations = serializers.BooleanField()
    terms = AttributeTermSerializer(many=True)


class VariationAttributeSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField(allow_null=True)


class VariationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    attributes = VariationAttributeSerializer(many=True)


class StockAvailabilitySerializer(serializers.Serializer):
    text = serializers.CharField()
    # "class" is a Python keyword, so it cannot be written as an attribute here.
    locals()["class"] = serializers.CharField()


class AddToCartSerializer(serializers.Serializer):
    text = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()
    single_text = serializers.CharField()
    minimum = serializers.IntegerField()
    maximum = serializers.IntegerField()
    multiple_of = serializers.IntegerField()


class ProductSerializer(serializers.Serializer):
    """One product (instance: a Product, loaded with `with_product_data`)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    slug = serializers.CharField(read_only=True)
    parent = serializers.SerializerMethodField()
    type = serializers.CharField(read_only=True)
    variation = serializers.SerializerMethodField()
    permalink = serializers.SerializerMethodField()
    sku = serializers.SerializerMethodField()
    short_description = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    on_sale = serializers.SerializerMethodField()
    prices = ProductPricesSerializer(source="*", read_only=True)
    price_html = serializers.SerializerMethodField()
    average_rating = serializers.SerializerMethodField()
    review_count = serializers.IntegerField(read_only=True)
    images = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    brands = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()
    variations = serializers.SerializerMethodField()
    grouped_products = serializers.SerializerMethodField()
    has_options = serializers.SerializerMethodField()
    is_purchasable = serializers.SerializerMethodField()
    is_in_stock = serializers.SerializerMethodField()
    # Newer builds (10.6+) add this flag; the hub has no product passwords, so always false.
    is_password_protected = serializers.SerializerMethodField()
    is_on_backorder = serializers.SerializerMethodField()
    low_stock_remaining = serializers.SerializerMethodField()
    stock_availability = serializers.SerializerMethodField()
    sold_individually = serializers.BooleanField(read_only=True)
    # Current WooCommerce: the weight and dimensions in the store's units (kg, cm), as strings.
    weight = serializers.SerializerMethodField()
    dimensions = serializers.SerializerMethodField()
    formatted_weight = serializers.SerializerMethodField()
    formatted_dimensions = serializers.SerializerMethodField()
    add_to_cart = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()

    def get_name(self, product) -> str:
        # A variation's title is its parent's ("Hoodie"); `variation` says which one it is.
        return html_text(product.parent.name if product.parent_id else product.name)

    def get_parent(self, product) -> int:
        return product.parent_id or 0

    def get_variation(self, product) -> str:
        return html_text(variation_label(product))

    def get_permalink(self, product) -> str:
        return product_permalink(product)

    def get_sku(self, product) -> str:
        return html_text(product.sku or "")

    def get_short_description(self, product) -> str:
        return html_content(product.short_description)

    def get_description(self, product) -> str:
        return html_content(product.description)

    def get_on_sale(self, product) -> bool:
        return catalog.is_on_sale(product)

    def get_price_html(self, product) -> str:
        return html_text(price_html(product, self.context.get("currency", "")))

    def get_average_rating(self, product) -> str:
        return average_rating(product)

    def get_images(self, product) -> ImageSerializer(many=True):
        return images(product)

    def get_categories(self, product) -> TermSerializer(many=True):
        base = settings.HUB_PUBLIC_URL
        return [
            {
                "id": c.pk,
                "name": c.name,
                "slug": c.slug,
                "link": f"{base}/product-category/{c.slug}/",
            }
            for c in product.categories.all()
        ]

    def get_tags(self, product) -> TermSerializer(many=True):
        return term_list(product.tags.all(), "product-tag")

    def get_brands(self, product) -> TermSerializer(many=True):
        return term_list(product.brands.all(), "brand")

    def get_weight(self, product) -> str:
        return weight_text(product)

    def get_dimensions(self, product) -> DimensionsSerializer:
        return dimensions(product)

    def get_formatted_weight(self, product) -> str:
        return formatted_weight(product)

    def get_formatted_dimensions(self, product) -> str:
        return formatted_dimensions(product)

    def get_attributes(self, product) -> AttributeSerializer(many=True):
        return product_attributes(product)

    def get_variations(self, product) -> VariationRefSerializer(many=True):
        return product_variations(product)

    def get_grouped_products(self, product) -> list[int]:
        return []  # no grouped products in the hub

    def get_has_options(self, product) -> bool:
        return product.type == VARIABLE

    def get_is_purchasable(self, product) -> bool:
        return catalog.is_purchasable(product)

    def get_is_in_stock(self, product) -> bool:
        return catalog.is_in_stock(product)

    def get_is_password_protected(self, product) -> bool:
        return False

    def get_is_on_backorder(self, product) -> bool:
        return catalog.stock_status(product) == Product.StockStatus.ON_BACKORDER

    def get_low_stock_remaining(self, product) -> int | None:
        remaining = low_stock_remaining(product)
        return None if remaining is None else max(remaining, 0)

    def get_stock_availability(self, product) -> StockAvailabilitySerializer:
        return availability(product)

    def get_add_to_cart(self, product) -> AddToCartSerializer:
        return add_to_cart(product)

    def get_extensions(self, product) -> dict:
        return {}


class LinkSerializer(serializers.Serializer):
    href = serializers.CharField()
    embeddable = serializers.BooleanField(required=False)


class ProductLinksSerializer(serializers.Serializer):
    self = LinkSerializer(many=True)
    collection = LinkSerializer(many=True)
    up = LinkSerializer(many=True, required=False)


class StoreProductSerializer(ProductSerializer):
    """A product as the products routes answer it: WordPress appends `_links` (self,
    collection, and `up` for a variation). The context's `route_url(name, **kwargs)` builds
    absolute URLs under the prefix the request came in on."""

    _links = serializers.SerializerMethodField()

    def get__links(self, product) -> ProductLinksSerializer:
        route_url = self.context.get("route_url")
        if route_url is None:
            return {}
        links = {
            "self": [{"href": route_url("product", id=product.pk)}],
            "collection": [{"href": route_url("products")}],
        }
        if product.parent_id:
            links["up"] = [{"href": route_url("product", id=product.parent_id)}]
        return links


__all__ = [
    "PRODUCT_PREFETCH",
    "ProductPricesSerializer",
    "ProductSerializer",
    "StoreProductSerializer",
    "html_content",
    "html_text",
    "price_html",
    "product_prices",
    "with_product_data",
]
