"""The cart object and its parts, exactly as WooCommerce's CartSchema renders them (reference
§2): top-level keys in order, money as strings of minor units plus the currency fields."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checkout_hub.models import Cart, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import payments, pricing
from checkout_hub.services.checkout import line_problems
from checkout_hub.services.errors import CartItemNotFound

from .. import errors
from .common import (
    BillingAddressSerializer,
    ImageSerializer,
    MinorUnits,
    MoneyObject,
    ShippingAddressSerializer,
    address_out,
    currency_fields,
    images,
    low_stock_remaining,
    permalink,
    raw_amount,
)


# --- items ---
class QuantityLimitsSerializer(serializers.Serializer):
    minimum = serializers.IntegerField()
    maximum = serializers.IntegerField()
    multiple_of = serializers.IntegerField()
    editable = serializers.BooleanField()


class RawPricesSerializer(serializers.Serializer):
    precision = serializers.IntegerField()
    price = serializers.CharField()
    regular_price = serializers.CharField()
    sale_price = serializers.CharField()


class ItemPricesSerializer(MoneyObject):
    """A product's prices (instance: the Product)."""

    price = MinorUnits()
    regular_price = MinorUnits()
    sale_price = MinorUnits(source="price")  # equals price when not on sale
    price_range = serializers.SerializerMethodField()
    raw_prices = serializers.SerializerMethodField()
    trailing = ("raw_prices",)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_price_range(self, product):
        return None

    def get_raw_prices(self, product) -> dict:
        return raw_prices(product, self.context.get("currency", ""))


def raw_prices(product: Product, code: str) -> dict:
    return {
        "precision": 6,
        "price": raw_amount(product.price, code),
        "regular_price": raw_amount(product.regular_price, code),
        "sale_price": raw_amount(product.price, code),
    }


class LineTotalsSerializer(MoneyObject):
    line_subtotal = MinorUnits(source="subtotal")
    line_subtotal_tax = MinorUnits(source="subtotal_tax")
    line_total = MinorUnits(source="total")
    line_total_tax = MinorUnits(source="total_tax")


def variation_pairs(product: Product, chosen: dict) -> list[dict]:
    """[{attribute, value}] in the parent's attribute order, with attribute labels."""
    parent = product.parent if product.parent_id else product
    pairs = []
    for attribute in parent.attributes:
        slug = attribute.get("slug") or attribute.get("name", "")
        if slug in chosen:
            pairs.append({"attribute": attribute.get("name", slug), "value": chosen[slug]})
    return pairs


class VariationSerializer(serializers.Serializer):
    attribute = serializers.CharField()
    value = serializers.CharField()


class CartItemSerializer(serializers.Serializer):
    """One cart line (instance: pricing.LineTotals)."""

    key = serializers.CharField()
    id = serializers.IntegerField(source="product.pk")
    type = serializers.CharField(source="product.type")
    quantity = serializers.IntegerField()
    quantity_limits = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    short_description = serializers.CharField(source="product.short_description")
    description = serializers.CharField(source="product.description")
    sku = serializers.SerializerMethodField()
    low_stock_remaining = serializers.SerializerMethodField()
    backorders_allowed = serializers.BooleanField(source="product.backorders_allowed")
    show_backorder_badge = serializers.SerializerMethodField()
    sold_individually = serializers.BooleanField(source="product.sold_individually")
    permalink = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    variation = serializers.SerializerMethodField()
    item_data = serializers.SerializerMethodField()
    prices = ItemPricesSerializer(source="product")
    totals = LineTotalsSerializer(source="*")
    catalog_visibility = serializers.SerializerMethodField()
    has_cart_item_data = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()

    def get_quantity_limits(self, line) -> QuantityLimitsSerializer:
        return line_quantity_limits(line)

    def get_name(self, line) -> str:
        return line_name(line)

    def get_sku(self, line) -> str:
        return line.product.sku or ""

    def get_low_stock_remaining(self, line) -> int | None:
        return low_stock_remaining(line.product)

    def get_show_backorder_badge(self, line) -> bool:
        return show_backorder_badge(line)

    def get_permalink(self, line) -> str:
        return permalink(line.product)

    def get_images(self, line) -> ImageSerializer(many=True):
        return images(line.product)

    def get_variation(self, line) -> VariationSerializer(many=True):
        return variation_pairs(line.product, line.item.variation or {})

    def get_item_data(self, line) -> list[dict]:
        return line_item_data(line)

    def get_catalog_visibility(self, line) -> str:
        return "visible"

    def get_has_cart_item_data(self, line) -> bool:
        return bool(line.item.item_data)

    def get_extensions(self, line) -> dict:
        return {}


def line_quantity_limits(line) -> dict:
    limits = cart_service.quantity_limits(line.product)
    return {
        "minimum": limits.minimum,
        "maximum": max(limits.maximum, line.quantity) if limits.editable else 1,
        "multiple_of": limits.multiple_of,
        "editable": limits.editable,
    }


def line_name(line) -> str:
    product = line.product
    return product.parent.name if product.parent_id else product.name


def show_backorder_badge(line) -> bool:
    product = line.product
    if product.backorders != Product.Backorders.NOTIFY or not product.manage_stock:
        return False
    return (product.stock_quantity or 0) < line.quantity


def line_item_data(line) -> list[dict]:
    data = line.item.item_data
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


# --- coupons, fees, totals ---
class CouponTotalsSerializer(MoneyObject):
    total_discount = MinorUnits(source="discount")
    total_discount_tax = MinorUnits(source="discount_tax")


class CartCouponSerializer(serializers.Serializer):
    """instance: pricing.CouponTotals"""

    code = serializers.CharField()
    discount_type = serializers.CharField(source="coupon.discount_type")
    totals = CouponTotalsSerializer(source="*")


def rate_percent(rate: Decimal) -> str:
    """WC_Tax::get_rate_percent: "7.25%", "20%"."""
    return f"{Decimal(rate).normalize():f}%"


class TaxLineSerializer(serializers.Serializer):
    name = serializers.CharField(source="rate.name")  # the rate's label, e.g. "NY Tax"
    price = MinorUnits(source="total")
    rate = serializers.SerializerMethodField()

    def get_rate(self, line) -> str:
        return rate_percent(line.rate.rate)


class CartTotalsSerializer(MoneyObject):
    """instance: pricing.CartTotals"""

    total_items = MinorUnits(source="items_subtotal")
    total_items_tax = MinorUnits(source="items_subtotal_tax")
    total_fees = MinorUnits(source="fee_total")
    total_fees_tax = MinorUnits(source="fee_tax")
    total_discount = MinorUnits(source="discount_total")
    total_discount_tax = MinorUnits(source="discount_tax")
    total_shipping = serializers.SerializerMethodField()
    total_shipping_tax = serializers.SerializerMethodField()
    total_price = MinorUnits(source="total")
    total_tax = MinorUnits(source="tax_total")
    tax_lines = TaxLineSerializer(many=True)

    # Null, not "0", until shipping has been calculated (reference §8).
    def get_total_shipping(self, totals) -> str | None:
        return str(totals.shipping_total) if totals.has_calculated_shipping else None

    def get_total_shipping_tax(self, totals) -> str | None:
        return str(totals.shipping_tax) if totals.has_calculated_shipping else None


# --- shipping ---
class ShippingRateSerializer(MoneyObject):
    """instance: pricing.ShippingRate, with `items_label` in the context's `package_items`."""

    rate_id = serializers.CharField()
    name = serializers.CharField(source="title")
    description = serializers.SerializerMethodField()
    delivery_time = serializers.SerializerMethodField()
    price = MinorUnits(source="cost")
    taxes = MinorUnits()
    instance_id = serializers.IntegerField()
    method_id = serializers.CharField()
    meta_data = serializers.SerializerMethodField()
    selected = serializers.BooleanField()

    def get_description(self, rate) -> str:
        return ""

    def get_delivery_time(self, rate) -> str:
        return ""

    def get_meta_data(self, rate) -> list[dict]:
        # WooCommerce adds the package contents to each rate as "Items" meta.
        return [{"key": "Items", "value": self.context.get("package_items", "")}]


class PackageItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()


class DestinationSerializer(serializers.Serializer):
    address_1 = serializers.CharField()
    address_2 = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField()


class ShippingPackageSerializer(serializers.Serializer):
    package_id = serializers.IntegerField()
    name = serializers.CharField()
    destination = DestinationSerializer()
    items = PackageItemSerializer(many=True)
    shipping_rates = ShippingRateSerializer(many=True)


def shipping_packages(cart: Cart, totals: pricing.CartTotals, context: dict) -> list[dict]:
    """One package (WooCommerce's default) once shipping has been calculated."""
    if not totals.has_calculated_shipping:
        return []
    shipped = [line for line in totals.lines if line.product.needs_shipping]
    destination = cart.shipping_address or cart.billing_address or {}
    items_label = ", ".join(
        f"{line.product.display_name} &times; {line.quantity}" for line in shipped
    )
    code = context.get("currency", "")
    return [
        {
            "package_id": 0,
            "name": "Shipment 1",
            "destination": {
                k: str(destination.get(k) or "")
                for k in ("address_1", "address_2", "city", "state", "postcode", "country")
            },
            "items": [
                {"key": line.key, "name": line.product.display_name, "quantity": line.quantity}
                for line in shipped
            ],
            "shipping_rates": [
                render_shipping_rate(rate, items_label, code) for rate in totals.shipping_rates
            ],
        }
    ]


# --- the cart ---
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def cart_errors(totals: pricing.CartTotals) -> list[dict]:
    """What is wrong with the cart now (stock, purchasability, coupons), as {code, message}."""
    found = []
    for problem in line_problems(totals):
        error = errors.describe(problem)
        found.append({"code": error.code, "message": error.message})
    return found


@dataclass
class CartState:
    cart: Cart
    totals: pricing.CartTotals
    errors: list[dict] = field(default_factory=list)
    packages: list[dict] = field(default_factory=list)
    payment_methods: list[str] = field(default_factory=list)


class CartSerializer(serializers.Serializer):
    """instance: CartState"""

    items = CartItemSerializer(many=True, source="totals.lines")
    coupons = CartCouponSerializer(many=True, source="totals.coupons")
    fees = serializers.SerializerMethodField()
    totals = CartTotalsSerializer()
    shipping_address = serializers.SerializerMethodField()
    billing_address = serializers.SerializerMethodField()
    needs_payment = serializers.BooleanField(source="totals.needs_payment")
    needs_shipping = serializers.BooleanField(source="totals.needs_shipping")
    payment_requirements = serializers.SerializerMethodField()
    has_calculated_shipping = serializers.BooleanField(source="totals.has_calculated_shipping")
    shipping_rates = serializers.SerializerMethodField()
    items_count = serializers.IntegerField(source="totals.items_count")
    items_weight = serializers.IntegerField(source="totals.items_weight")
    cross_sells = serializers.SerializerMethodField()
    errors = ErrorSerializer(many=True)
    payment_methods = serializers.ListField(child=serializers.CharField())
    extensions = serializers.SerializerMethodField()

    def get_fees(self, state) -> list[dict]:
        return []

    def get_shipping_address(self, state) -> ShippingAddressSerializer:
        return address_out(state.cart.shipping_address, "shipping")

    def get_billing_address(self, state) -> BillingAddressSerializer:
        return address_out(state.cart.billing_address, "billing")

    def get_payment_requirements(self, state) -> list[str]:
        return ["products"]

    def get_shipping_rates(self, state) -> ShippingPackageSerializer(many=True):
        return state.packages

    def get_cross_sells(self, state) -> list[dict]:
        return []

    def get_extensions(self, state) -> dict:
        return {}


def cart_state(cart: Cart, context: dict, totals: pricing.CartTotals | None = None) -> CartState:
    if totals is None:
        totals = pricing.calculate(cart, [] if cart.pk is None else None)
    return CartState(
        cart=cart,
        totals=totals,
        errors=cart_errors(totals),
        packages=shipping_packages(cart, totals, context),
        payment_methods=[g.id for g in payments.available()],
    )


def cart_payload(cart: Cart, context: dict, totals: pricing.CartTotals | None = None) -> dict:
    return render_cart(cart_state(cart, context, totals), context)


def item_payload(cart: Cart, key: str, context: dict) -> dict:
    """One line of the cart as the items routes answer it."""
    totals = pricing.calculate(cart)
    for line in totals.lines:
        if line.key == key:
            return render_item(line, context)
    raise CartItemNotFound(key=key)


def coupon_payload(totals: pricing.CartTotals, code: str, context: dict) -> dict | None:
    for coupon in totals.coupons:
        if coupon.code == code:
            return render_coupon(coupon, context)
    return None


# --- the wire, written directly ---
# A cart read is the Store API's hottest path, and walking the serializers' field trees for every
# line was a quarter of it. These functions write what the serializers above write (the same
# keys in the same order, the same values: a field's value is None when its attribute is, else
# str/int/bool of it as DRF's CharField/IntegerField/BooleanField give). The serializers stay
# the schema (OpenAPI, the browsable API) and the reference: tests/woo_store/test_cart_wire.py
# compares both on carts of every shape, byte for byte.
def _text(value) -> str | None:
    return None if value is None else str(value)


def _int(value) -> int | None:
    return None if value is None else int(value)


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


def _minor(value) -> str | None:  # MinorUnits
    return None if value is None else str(int(value))


@functools.lru_cache(maxsize=64)
def _currency(code: str) -> tuple[tuple[str, object], ...]:
    return tuple(currency_fields(code).items())


def _money(amounts: dict, code: str) -> dict:
    """A MoneyObject: its amounts, then the seven currency fields."""
    amounts.update(_currency(code))
    return amounts


def render_item(line: pricing.LineTotals, context: dict) -> dict:
    """CartItemSerializer(line).data"""
    product, item = line.product, line.item
    code = context.get("currency", "")
    prices = _money(
        {
            "price": _minor(product.price),
            "regular_price": _minor(product.regular_price),
            "sale_price": _minor(product.price),
            "price_range": None,
        },
        code,
    )
    prices["raw_prices"] = raw_prices(product, code)
    return {
        "key": _text(line.key),
        "id": _int(product.pk),
        "type": _text(product.type),
        "quantity": _int(line.quantity),
        "quantity_limits": line_quantity_limits(line),
        "name": line_name(line),
        "short_description": _text(product.short_description),
        "description": _text(product.description),
        "sku": product.sku or "",
        "low_stock_remaining": low_stock_remaining(product),
        "backorders_allowed": _flag(product.backorders_allowed),
        "show_backorder_badge": show_backorder_badge(line),
        "sold_individually": _flag(product.sold_individually),
        "permalink": permalink(product),
        "images": images(product),
        "variation": variation_pairs(product, item.variation or {}),
        "item_data": line_item_data(line),
        "prices": prices,
        "totals": _money(
            {
                "line_subtotal": _minor(line.subtotal),
                "line_subtotal_tax": _minor(line.subtotal_tax),
                "line_total": _minor(line.total),
                "line_total_tax": _minor(line.total_tax),
            },
            code,
        ),
        "catalog_visibility": "visible",
        "has_cart_item_data": bool(item.item_data),
        "extensions": {},
    }


def render_coupon(coupon: pricing.CouponTotals, context: dict) -> dict:
    """CartCouponSerializer(coupon).data"""
    totals = {
        "total_discount": _minor(coupon.discount),
        "total_discount_tax": _minor(coupon.discount_tax),
    }
    return {
        "code": _text(coupon.code),
        "discount_type": _text(coupon.coupon.discount_type),
        "totals": _money(totals, context.get("currency", "")),
    }


def render_totals(totals: pricing.CartTotals, code: str) -> dict:
    """CartTotalsSerializer(totals).data"""
    shipped = totals.has_calculated_shipping
    return _money(
        {
            "total_items": _minor(totals.items_subtotal),
            "total_items_tax": _minor(totals.items_subtotal_tax),
            "total_fees": _minor(totals.fee_total),
            "total_fees_tax": _minor(totals.fee_tax),
            "total_discount": _minor(totals.discount_total),
            "total_discount_tax": _minor(totals.discount_tax),
            "total_shipping": str(totals.shipping_total) if shipped else None,
            "total_shipping_tax": str(totals.shipping_tax) if shipped else None,
            "total_price": _minor(totals.total),
            "total_tax": _minor(totals.tax_total),
            "tax_lines": [
                {
                    "name": _text(line.rate.name),
                    "price": _minor(line.total),
                    "rate": rate_percent(line.rate.rate),
                }
                for line in totals.tax_lines
            ],
        },
        code,
    )


def render_shipping_rate(rate: pricing.ShippingRate, items_label: str, code: str) -> dict:
    """ShippingRateSerializer(rate).data, with the package's items label."""
    return _money(
        {
            "rate_id": _text(rate.rate_id),
            "name": _text(rate.title),
            "description": "",
            "delivery_time": "",
            "price": _minor(rate.cost),
            "taxes": _minor(rate.taxes),
            "instance_id": _int(rate.instance_id),
            "method_id": _text(rate.method_id),
            "meta_data": [{"key": "Items", "value": items_label}],
            "selected": _flag(rate.selected),
        },
        code,
    )


def render_cart(state: CartState, context: dict) -> dict:
    """CartSerializer(state).data"""
    totals, cart = state.totals, state.cart
    code = context.get("currency", "")
    return {
        "items": [render_item(line, context) for line in totals.lines],
        "coupons": [render_coupon(coupon, context) for coupon in totals.coupons],
        "fees": [],
        "totals": render_totals(totals, code),
        "shipping_address": address_out(cart.shipping_address, "shipping"),
        "billing_address": address_out(cart.billing_address, "billing"),
        "needs_payment": _flag(totals.needs_payment),
        "needs_shipping": _flag(totals.needs_shipping),
        "payment_requirements": ["products"],
        "has_calculated_shipping": _flag(totals.has_calculated_shipping),
        "shipping_rates": state.packages,
        "items_count": _int(totals.items_count),
        "items_weight": _int(totals.items_weight),
        "cross_sells": [],
        "errors": [
            {"code": _text(error["code"]), "message": _text(error["message"])}
            for error in state.errors
        ],
        "payment_methods": [_text(method) for method in state.payment_methods],
        "extensions": {},
    }
