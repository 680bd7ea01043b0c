"""CoCart's wire format (reference §2, §4): the cart object and its parts, the raw totals, the
products, the store, and the Preview checkout's objects. Render only, never write.

Money follows CoCart 4.9's quirks: `cocart_prepare_money_response` gives strings of minor units
("1800" for 18.00, zero as "0") for item prices, item `totals.subtotal`, every cart total,
shipping costs, coupon savings and tax prices, while an item's `totals.subtotal_tax`, `total`
and `tax` stay WooCommerce's raw numbers in major units (36, 32.4); `cart/totals` is all raw
major units. The Preview checkout answers decimal strings ("44.98") as its docs show.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from checkout_hub.models import ADDRESS_FIELDS, Cart, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import catalog, money, pricing, reference

NO_HASH = "No items in cart so no hash"
BILLING_ORDER = (
    "first_name",
    "last_name",
    "company",
    "country",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "phone",
    "email",
)
SHIPPING_ORDER = BILLING_ORDER[:-2]
WEIGHT_UNIT, DIMENSION_UNIT = "kg", "cm"


# --- money ---
def minor(amount: int | None) -> str:
    """cocart_prepare_money_response: a string of minor units, zero as "0"."""
    return str(int(amount or 0))


def major(amount: int | None, currency: str) -> int | float:
    """WooCommerce's raw float in major units (JSON 36 or 32.4)."""
    digits = money.currency(currency).minor_unit
    value = Decimal(int(amount or 0)).scaleb(-digits)
    return int(value) if value == value.to_integral_value() else float(value)


def decimal(amount: int | None, currency: str) -> str:
    """The Preview checkout's decimal strings ("44.98")."""
    return money.to_decimal_string(int(amount or 0), currency)


def price_html(amount: int, currency: str) -> str:
    """wc_price() with its HTML stripped: "$5.00"."""
    return money.format_price(int(amount or 0), currency)


def currency_object(code: str) -> dict:
    cur = money.currency(code)
    return {
        "currency_code": cur.code,
        "currency_symbol": cur.symbol,
        # In the reference's cart object (§2); shipped 4.9 source omits it. The option's value.
        "currency_symbol_pos": cur.position,
        "currency_minor_unit": cur.minor_unit,
        "currency_decimal_separator": cur.decimal_separator,
        "currency_thousand_separator": cur.thousand_separator,
        "currency_prefix": cur.prefix,
        "currency_suffix": cur.suffix,
    }


def kilograms(grams: int) -> str:
    value = (Decimal(int(grams or 0)) / 1000).normalize()
    return f"{value:f}"


# --- addresses ---
def customer_object(cart: Cart) -> dict:
    billing, shipping = cart.billing_address or {}, cart.shipping_address or {}
    return {
        "billing_address": {f"billing_{k}": str(billing.get(k) or "") for k in BILLING_ORDER},
        "shipping_address": {f"shipping_{k}": str(shipping.get(k) or "") for k in SHIPPING_ORDER},
    }


def plain_address(address: dict | None, kind: str) -> dict:
    fields = ADDRESS_FIELDS if kind == "billing" else SHIPPING_ORDER
    address = address or {}
    return {name: str(address.get(name) or "") for name in fields}


# --- items ---
def featured_image(product: Product) -> str:
    """The first image (a variation falls back to its parent's), from the process's copy of
    the store's images (services.reference: no query)."""
    images = reference.images(product.pk)
    if not images and product.parent_id:
        images = reference.images(product.parent_id)
    return images[0].src if images else ""


def variation_labels(product: Product, chosen: dict) -> dict:
    """{"Color": "Blue", "Size": "M"} in the parent's attribute order."""
    parent = product.parent if product.parent_id else product
    labels = {}
    for attribute in parent.attributes:
        slug = attribute.get("slug") or attribute.get("name", "")
        if chosen.get(slug):
            labels[attribute.get("name", slug)] = chosen[slug]
    return labels


def quantity_object(product: Product, quantity: int) -> dict:
    limits = cart_service.quantity_limits(product)
    unlimited = (
        not product.sold_individually
        and product.available_quantity() is None
        and not product.quantity_max
    )
    return {
        "value": quantity,
        "min_purchase": limits.minimum,
        "max_purchase": -1 if unlimited else max(limits.maximum, quantity),
    }


def backorders(product: Product, quantity: int) -> str:
    notify = product.backorders == Product.Backorders.NOTIFY
    return "Available on backorder" if notify and catalog.is_on_backorder(product, quantity) else ""


def item_object(
    key: str,
    product: Product,
    quantity: int,
    chosen: dict,
    item_data,
    amounts: tuple[int, int, int, int, int],
    currency: str,
    thumb: bool = True,
) -> dict:
    """One item; `amounts` = (unit price, line subtotal, its tax, line total, its tax)."""
    price, subtotal, subtotal_tax, total, tax = amounts
    item = {
        "item_key": key,
        "id": product.pk,
        "name": product.display_name,
        "title": product.parent.name if product.parent_id else product.name,
        "price": minor(price),
        "quantity": quantity_object(product, quantity),
        "totals": {
            "subtotal": minor(subtotal),
            # Raw WooCommerce numbers in major units: CoCart 4.9.3 still leaves these as is.
            "subtotal_tax": major(subtotal_tax, currency),
            "total": major(total, currency),
            "tax": major(tax, currency),
        },
        "slug": product.slug,
        "meta": {
            "product_type": product.type,
            "sku": product.sku or "",
            "dimensions": {"length": "", "width": "", "height": "", "unit": DIMENSION_UNIT},
            "weight": kilograms((product.weight_grams or 0) * quantity),
            "variation": variation_labels(product, chosen),
        },
        "backorders": backorders(product, quantity),
        "cart_item_data": item_data or {},
        "featured_image": featured_image(product) if thumb else "",
        "extensions": {},
    }
    if not thumb:  # only with thumb=true (the default)
        del item["featured_image"]
    return item


def line_object(line: pricing.LineTotals, currency: str, thumb: bool = True) -> dict:
    return item_object(
        line.key,
        line.product,
        line.quantity,
        line.item.variation,
        line.item.item_data,
        (line.unit_price, line.subtotal, line.subtotal_tax, line.total, line.total_tax),
        currency,
        thumb,
    )


def removed_object(removed, currency: str, thumb: bool = True) -> dict:
    price = removed.product.price or 0
    subtotal = price * removed.quantity
    return item_object(
        removed.key,
        removed.product,
        removed.quantity,
        removed.variation,
        removed.item_data,
        (price, subtotal, 0, subtotal, 0),
        currency,
        thumb,
    )


# --- shipping, coupons, taxes, totals ---
def package_details(totals: pricing.CartTotals) -> str:
    return ", ".join(
        f"{line.product.display_name} &times; {line.quantity}"
        for line in totals.lines
        if line.product.needs_shipping
    )


def formatted_destination(cart: Cart) -> str:
    address = cart.shipping_address if (cart.shipping_address or {}).get("country") else None
    address = address or cart.billing_address or {}
    parts = [
        address.get("address_1"),
        address.get("address_2"),
        address.get("city"),
        " ".join(p for p in (address.get("state"), address.get("postcode")) if p),
        address.get("country"),
    ]
    return ", ".join(p for p in parts if p)


def rate_html(rate: pricing.ShippingRate, currency: str) -> str:
    if not rate.cost:
        return rate.title
    return f"{rate.title}: {price_html(rate.cost, currency)}"


def shipping_object(cart: Cart, totals: pricing.CartTotals) -> dict | list:
    if not totals.needs_shipping:
        return []
    packages: dict | list = []
    if totals.has_calculated_shipping and totals.shipping_rates:
        details = package_details(totals)
        chosen = totals.shipping_rate.rate_id if totals.shipping_rate else ""
        rates = {
            rate.rate_id: {
                "key": rate.rate_id,
                "method_id": rate.method_id,
                "instance_id": rate.instance_id,
                "label": rate.title,
                "cost": minor(rate.cost),
                "html": rate_html(rate, totals.currency),
                "taxes": minor(rate.taxes) if rate.taxes else "",
                "chosen_method": rate.rate_id == chosen,
                "meta_data": {"items": details},
            }
            for rate in totals.shipping_rates
        }
        packages = {
            "default": {
                "package_name": "Shipping",
                "rates": rates,
                "package_details": details,
                "index": 0,
                "chosen_method": chosen,
                "formatted_destination": formatted_destination(cart),
            }
        }
    return {
        "total_packages": 1,
        "show_package_details": False,
        "has_calculated_shipping": totals.has_calculated_shipping,
        "packages": packages,
    }


def coupons_list(totals: pricing.CartTotals) -> list[dict]:
    return [
        {
            "coupon": c.code,
            "label": f"Coupon: {c.code}",
            "discount_type": c.coupon.discount_type,
            "saving": minor(c.discount),
            "saving_html": f"-{price_html(c.discount, totals.currency)}",
        }
        for c in totals.coupons
    ]


def tax_code(rate) -> str:
    """WC_Tax::get_rate_code: COUNTRY-STATE-NAME-PRIORITY, upper-cased."""
    parts = [rate.country, rate.state, rate.name or "TAX", str(rate.priority)]
    return "-".join(p for p in parts if p).upper()


def taxes_object(totals: pricing.CartTotals) -> dict | list:
    lines = [t for t in totals.tax_lines if t.total]
    if not lines:
        return []
    return {tax_code(t.rate): {"name": t.rate.name, "price": minor(t.total)} for t in lines}


def totals_object(totals: pricing.CartTotals) -> dict:
    return {
        "subtotal": minor(totals.items_subtotal),
        "subtotal_tax": minor(totals.items_subtotal_tax),
        "fee_total": minor(totals.fee_total),
        "fee_tax": minor(totals.fee_tax),
        "discount_total": minor(totals.discount_total),
        "discount_tax": minor(totals.discount_tax),
        "shipping_total": minor(totals.shipping_total),
        "shipping_tax": minor(totals.shipping_tax),
        "total": minor(totals.total),
        "total_tax": minor(totals.tax_total),
    }


RAW_TOTAL_KEYS = (
    "subtotal",
    "subtotal_tax",
    "shipping_total",
    "shipping_tax",
    "shipping_taxes",
    "discount_total",
    "discount_tax",
    "cart_contents_total",
    "cart_contents_tax",
    "cart_contents_taxes",
    "fee_total",
    "fee_tax",
    "fee_taxes",
    "total",
    "total_tax",
)


def raw_totals(totals: pricing.CartTotals, html: bool = False) -> dict:
    """WC_Cart::get_totals() in major units (cart/totals); `html`: currency-formatted."""
    cur = totals.currency

    def one(amount):
        return price_html(amount, cur) if html else major(amount, cur)

    shipping_taxes = {str(t.rate.pk): one(t.shipping_tax_total) for t in totals.tax_lines}
    contents_taxes = {str(t.rate.pk): one(t.tax_total) for t in totals.tax_lines}
    values = {
        "subtotal": one(totals.items_subtotal),
        "subtotal_tax": one(totals.items_subtotal_tax),
        "shipping_total": one(totals.shipping_total),
        "shipping_tax": one(totals.shipping_tax),
        "shipping_taxes": {k: v for k, v in shipping_taxes.items() if v},
        "discount_total": one(totals.discount_total),
        "discount_tax": one(totals.discount_tax),
        "cart_contents_total": one(totals.items_total),
        "cart_contents_tax": one(totals.items_tax),
        "cart_contents_taxes": contents_taxes,
        "fee_total": one(totals.fee_total),
        "fee_tax": one(totals.fee_tax),
        "fee_taxes": {},
        "total": one(totals.total),
        "total_tax": one(totals.tax_total),
    }
    return {key: values[key] for key in RAW_TOTAL_KEYS}


# --- the cart ---
def cart_hash(cart: Cart) -> str:
    return (cart_service.contents_hash(cart) if cart.pk else "") or NO_HASH


def cart_object(
    cart: Cart,
    key: str,
    totals: pricing.CartTotals,
    *,
    removed: list,
    notices: dict,
    thumb: bool = True,
) -> dict:
    currency = totals.currency
    return {
        "cart_hash": cart_hash(cart),
        "cart_key": key,
        "currency": currency_object(currency),
        "customer": customer_object(cart),
        "items": [line_object(line, currency, thumb) for line in totals.lines],
        "item_count": totals.items_count,
        "items_weight": kilograms(totals.items_weight),
        "coupons": coupons_list(totals),
        "needs_payment": totals.needs_payment,
        "needs_shipping": totals.needs_shipping,
        "shipping": shipping_object(cart, totals),
        "fees": [],
        "taxes": taxes_object(totals),
        "totals": totals_object(totals),
        "removed_items": [removed_object(r, currency, thumb) for r in removed],
        "cross_sells": [],
        "notices": {kind: list(texts) for kind, texts in notices.items() if texts} or [],
    }


def raw_contents(totals: pricing.CartTotals) -> dict:
    """`default=true`: WooCommerce's own cart contents, keyed by item key, in major units."""
    cur = totals.currency
    contents = {}
    for line in totals.lines:
        product = line.product
        contents[line.key] = {
            "key": line.key,
            "product_id": product.parent_id or product.pk,
            "variation_id": product.pk if product.parent_id else 0,
            "variation": {f"attribute_{k}": v for k, v in line.item.variation.items()},
            "quantity": line.quantity,
            "data_hash": cart_service.line_key(product.pk, 0, {}, []),
            "line_tax_data": {
                "subtotal": {str(k): major(v, cur) for k, v in line.taxes.items()},
                "total": {str(k): major(v, cur) for k, v in line.taxes.items()},
            },
            "line_subtotal": major(line.subtotal, cur),
            "line_subtotal_tax": major(line.subtotal_tax, cur),
            "line_total": major(line.total, cur),
            "line_tax": major(line.total_tax, cur),
        }
    return contents


def select_fields(data: dict, fields: str) -> dict:
    """`fields=a,b,totals:subtotal-total`: only those keys (children after a colon, split by
    "-")."""
    wanted: dict[str, set[str] | None] = {}
    for part in (p.strip() for p in str(fields).split(",")):
        if not part:
            continue
        parent, sep, children = part.partition(":")
        if sep:
            current = wanted.get(parent) or set()
            wanted[parent] = current | {c for c in children.split("-") if c}
        else:
            wanted[parent] = None
    out = {}
    for name, children in wanted.items():
        if name not in data:
            continue
        value = data[name]
        if children is not None and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in children}
        out[name] = value
    return out


def public_url() -> str:
    return settings.HUB_PUBLIC_URL
