"""FluentCart's wire format out: products, carts, shipping methods, totals. Plain functions
over loaded objects (no field trees rebuilt per request); money is integer cents (reference
§5) and formatted strings ("$50.00") where the plugin sends them. Render only, never write.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from checkout_hub.api.money import cents
from checkout_hub.models import Cart, Product, ShippingMethod
from checkout_hub.services import catalog, money, pricing

DATE = "%Y-%m-%d %H:%M:%S"  # MySQL datetimes, as the plugin's models serialize them

try:  # product images read once per process (issue 11's services.reference), where it exists
    from checkout_hub.services.reference import images as _reference_images
except ImportError:  # before it: the cart and catalogue queries prefetch `images`
    _reference_images = None


def _images(product: Product) -> list:
    if _reference_images is not None:
        return _reference_images(product.pk)
    return list(product.images.all())


def formatted(amount: int, currency: str | None = None) -> str:
    return money.format_price(int(amount or 0), currency or settings.HUB_CURRENCY)


def _date(value) -> str | None:
    return value.strftime(DATE) if value else None


def view_url(product: Product) -> str:
    parent = product.parent if product.parent_id else product
    url = f"{settings.HUB_PUBLIC_URL}/product/{parent.slug}/"
    return f"{url}?selected={product.pk}" if product.parent_id else url


def thumbnail(product: Product) -> str | None:
    for candidate in (product, product.parent):
        if candidate is None:
            continue
        images = _images(candidate)
        if images:
            return images[0].src
    return None


def fulfillment_type(product: Product) -> str:
    return "digital" if not product.needs_shipping else "physical"


def stock_status(product: Product) -> str:
    return "in-stock" if product.is_in_stock else "out-of-stock"


# --- products (GET public/products) ---
def variations_of(product: Product) -> list[Product]:
    """Every purchasable of a product is a variation: a simple product is its own one."""
    if product.type == Product.Type.VARIABLE:
        return catalog.visible_variations(product)
    return [product]


def variant(product: Product, index: int, parent: Product) -> dict:
    available = product.available_quantity()
    return {
        "id": product.pk,
        "post_id": parent.pk,
        "serial_index": index + 1,
        "variation_title": product.display_name if product.parent_id else product.name,
        "sku": product.sku or "",
        "payment_type": "onetime",
        "fulfillment_type": fulfillment_type(product),
        "item_status": "active" if product.is_purchasable else "inactive",
        "manage_stock": "1" if product.manage_stock else "0",
        "stock_status": stock_status(product),
        "available": available if available is not None else None,
        "total_stock": product.stock_quantity if product.manage_stock else None,
        "sold_individually": "1" if product.sold_individually else "0",
        "item_price": cents(product.price or 0),
        "compare_price": cents(product.regular_price if product.on_sale else 0) or 0,
        "other_info": {"payment_type": "onetime"},
        "formatted_total": formatted(product.price or 0),
        "thumbnail": thumbnail(product),
    }


def product(item: Product) -> dict:
    variants = variations_of(item)
    prices = [v.price or 0 for v in variants] or [0]
    physical = any(v.needs_shipping for v in variants)
    return {
        "ID": item.pk,
        "post_title": item.name,
        "post_name": item.slug,
        "post_excerpt": item.short_description,
        "post_content": item.description,
        "post_status": "publish",
        "post_type": "fluent-products",
        "post_date": _date(item.created_at),
        "view_url": view_url(item),
        "thumbnail": thumbnail(item),
        "has_subscription": False,
        "detail": {
            "id": item.pk,
            "post_id": item.pk,
            "fulfillment_type": "physical" if physical else "digital",
            "min_price": cents(min(prices)),
            "max_price": cents(max(prices)),
            "default_variation_id": variants[0].pk if variants else None,
            "variation_type": (
                "simple_variations" if item.type == Product.Type.VARIABLE else "simple"
            ),
            "manage_stock": "1" if any(v.manage_stock for v in variants) else "0",
            "stock_availability": (
                "in-stock" if any(v.is_in_stock for v in variants) else "out-of-stock"
            ),
        },
        "variants": [variant(v, i, item) for i, v in enumerate(variants)],
    }


# --- the cart ---
def cart_line(line: pricing.LineTotals, index: int, currency: str) -> dict:
    product = line.product
    parent = product.parent or product
    return {
        "id": index + 1,
        "object_id": product.pk,
        "post_id": parent.pk,
        "quantity": line.quantity,
        "post_title": parent.name,
        "title": product.display_name if product.parent_id else product.name,
        "price": line.unit_price,
        "unit_price": line.unit_price,
        "line_total": line.total,
        "subtotal": line.subtotal,
        "coupon_discount": line.discount,
        "fulfillment_type": fulfillment_type(product),
        "featured_media": thumbnail(product),
        "other_info": {"payment_type": "onetime"},
        "cost": 0,
        "view_url": view_url(product),
        "line_total_formatted": formatted(line.total, currency),
        "variation_type": "simple_variations" if product.parent_id else "simple",
        "is_custom": False,
    }


def cart(cart: Cart, totals: pricing.CartTotals) -> dict:
    """The plugin's Cart resource (its hidden order_id, customer_id and user_id left out)."""
    billing = cart.billing_address or {}
    return {
        "cart_hash": cart.key,
        "checkout_data": cart.meta.get("checkout_data", {}),
        "cart_data": [cart_line(line, i, cart.currency) for i, line in enumerate(totals.lines)],
        "utm_data": cart.meta.get("utm_data", {}),
        "coupons": list(cart.coupon_codes),
        "first_name": billing.get("first_name", ""),
        "last_name": billing.get("last_name", ""),
        "email": billing.get("email", ""),
        "stage": "completed" if cart.completed else cart.meta.get("stage", "draft"),
        "cart_group": cart.meta.get("cart_group", "global"),
        "user_agent": cart.meta.get("user_agent", ""),
        "ip_address": cart.meta.get("ip_address", ""),
        "completed_at": _date(cart.completed_at),
        "deleted_at": None,
        "created_at": _date(cart.created_at),
        "updated_at": _date(cart.updated_at),
    }


def cart_lines(cart: Cart, totals: pricing.CartTotals) -> list[dict]:
    return [cart_line(line, i, cart.currency) for i, line in enumerate(totals.lines)]


def items_total(totals: pricing.CartTotals) -> int:
    """What the plugin's summary totals count: the items after discounts (no tax, no fees)."""
    return totals.items_total


def cart_fragments(cart: Cart, totals: pricing.CartTotals) -> list[dict]:
    lines = cart_lines(cart, totals)
    html = render_to_string(
        "fluentcart/cart_items.html",
        {"lines": lines, "subtotal": formatted(items_total(totals), cart.currency)},
    )
    return [
        {"selector": "[data-fluent-cart-cart-list]", "content": html, "type": "replace"},
        {
            "selector": "[data-fluent-cart-cart-badge-count]",
            "content": str(totals.items_count),
            "type": "replace",
        },
    ]


# --- shipping methods ---
def shipping_method(method: ShippingMethod, cost: int) -> dict:
    """The seed's fields (charge_amount in cents, countries, states) and the plugin's own
    (zone_id, type, amount as a decimal string, is_enabled...)."""
    states = [s.split(":", 1)[1] for s in method.states if ":" in s]
    countries = list(method.countries) or list(method.zone.countries)
    return {
        "id": method.pk,
        "title": method.title,
        "charge_type": "flat_rate" if method.method_id != "free_shipping" else "free_shipping",
        "charge_amount": cents(cost),
        "status": "active" if method.enabled else "inactive",
        "countries": countries,
        "states": states,
        # the plugin's ShippingMethod model
        "zone_id": method.zone_id,
        "type": method.method_id,
        "settings": {"description": method.description, "delivery_time": method.delivery_time},
        "amount": money.to_decimal_string(cost, settings.HUB_CURRENCY),
        "is_enabled": "1" if method.enabled else "0",
        "order": method.order,
        "meta": None,
        "formatted_states": states,
        "zone": {"id": method.zone_id, "name": method.zone.name, "region": countries},
    }


def summary_view(cart: Cart, totals: pricing.CartTotals, shipping_charge: int) -> str:
    lines = cart_lines(cart, totals)
    return render_to_string(
        "fluentcart/checkout_summary.html",
        {
            "lines": lines,
            "subtotal": formatted(items_total(totals), cart.currency),
            "coupons": [
                {"code": c.code, "discount": formatted(c.discount, cart.currency)}
                for c in totals.coupons
            ],
            "shipping": formatted(shipping_charge, cart.currency) if shipping_charge else "",
            "total": formatted(items_total(totals) + shipping_charge, cart.currency),
        },
    )
