"""The order object of `GET /order/{id}`, as WooCommerce's OrderSchema renders it (reference §4).

Keys follow `OrderSchema::get_item_response` (id, status, items, coupons, fees, totals,
shipping_address, billing_address, needs_payment, needs_shipping, payment_requirements,
errors); the docs' example lists them in another order, the code is what clients receive.

Everything the order holds comes from its snapshot (OrderItem rows and the order's
coupon/shipping/tax line JSON written by `checkout.write_order`), never from the cart. Like
`OrderItemSchema`, the product-derived bits of a line (descriptions, sku, permalink, images,
current prices) come from the product if it still exists, and fall back to WooCommerce's blank
values when it has been deleted. Money uses the order's currency (context `currency`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape
from rest_framework import serializers

from checkout_hub.api.representation import represent
from checkout_hub.models import Order, OrderItem

from .cart import (
    CouponTotalsSerializer,
    ErrorSerializer,
    ItemPricesSerializer,
    LineTotalsSerializer,
    QuantityLimitsSerializer,
    VariationSerializer,
    rate_percent,
    variation_pairs,
)
from .common import (
    BillingAddressSerializer,
    ImageSerializer,
    MinorUnits,
    MoneyObject,
    ShippingAddressSerializer,
    address_out,
    images,
    permalink,
)

# Shipping methods whose orders need no shipping address (woocommerce_order_hide_shipping_address).
PICKUP_METHODS = ("local_pickup", "pickup_location")

# OrderItemSchema's `prices` when the product no longer exists: WooCommerce's literal fallback,
# blank currency fields included.
DELETED_PRODUCT_PRICES = {
    "price": "",
    "regular_price": "",
    "sale_price": "",
    "price_range": None,
    "currency_code": "",
    "currency_symbol": "",
    "currency_minor_unit": 2,
    "currency_decimal_separator": ".",
    "currency_thousand_separator": ",",
    "currency_prefix": "",
    "currency_suffix": "",
    "raw_prices": {"precision": 6, "price": "", "regular_price": "", "sale_price": ""},
}


def wpautop(text: str) -> str:
    """WordPress's wpautop for a one-paragraph value, as order item meta is displayed."""
    text = str(text).strip()
    return f"<p>{text}</p>\n" if text else ""


# --- items ---
class OrderItemDataSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    key = serializers.CharField()
    value = serializers.CharField()
    display_key = serializers.CharField()
    display_value = serializers.CharField()


class OrderItemSerializer(serializers.Serializer):
    """One order line (instance: OrderItem with product, product.parent and images loaded).

    Unlike a cart item it has no `type`, `has_cart_item_data` or `extensions`; `key` is the
    ORDER's key and `id` the order item id (OrderItemSchema does exactly this)."""

    key = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="pk")
    quantity = serializers.IntegerField()
    quantity_limits = serializers.SerializerMethodField()
    name = serializers.CharField()
    short_description = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    sku = serializers.SerializerMethodField()
    low_stock_remaining = serializers.SerializerMethodField()
    backorders_allowed = serializers.SerializerMethodField()
    show_backorder_badge = serializers.SerializerMethodField()
    sold_individually = serializers.SerializerMethodField()
    permalink = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    variation = serializers.SerializerMethodField()
    item_data = serializers.SerializerMethodField()
    prices = serializers.SerializerMethodField()
    totals = LineTotalsSerializer(source="*")
    catalog_visibility = serializers.SerializerMethodField()

    def get_key(self, item) -> str:
        return self.context.get("order_key", "")

    # An order line cannot be edited: its limits pin the quantity.
    def get_quantity_limits(self, item) -> QuantityLimitsSerializer:
        return {
            "minimum": item.quantity,
            "maximum": item.quantity,
            "multiple_of": 1,
            "editable": False,
        }

    def get_short_description(self, item) -> str:
        return item.product.short_description if item.product else ""

    def get_description(self, item) -> str:
        return item.product.description if item.product else ""

    def get_sku(self, item) -> str:
        return (item.product.sku or "") if item.product else ""

    # Stock facts are not an order's business: WooCommerce sends fixed values.
    def get_low_stock_remaining(self, item) -> int | None:
        return None

    def get_backorders_allowed(self, item) -> bool:
        return False

    def get_show_backorder_badge(self, item) -> bool:
        return False

    def get_sold_individually(self, item) -> bool:
        return bool(item.product and item.product.sold_individually)

    def get_permalink(self, item) -> str:
        return permalink(item.product) if item.product else ""

    def get_images(self, item) -> ImageSerializer(many=True):
        return images(item.product) if item.product else []

    def get_variation(self, item) -> VariationSerializer(many=True):
        # Only variations carry variation data (as on the cart), read from the line's snapshot.
        if item.product is None or not item.product.parent_id:
            return []
        return variation_pairs(item.product, item.variation or {})

    def get_item_data(self, item) -> OrderItemDataSerializer(many=True):
        """The line's stored meta as {id, key, value, display_key, display_value}.

        The hub keeps the cart's item data on the line instead of meta rows, so there is no
        row id: `id` is null, which WooCommerce documents for meta without a stored row.
        Variation attributes are not repeated here: WooCommerce skips them when the line's
        name already shows them, which a variation's display name always does."""
        data = item.item_data if isinstance(item.item_data, list) else []
        entries = []
        for entry in data:
            if not isinstance(entry, dict) or entry.get("hidden"):
                continue
            key = str(entry.get("key") or entry.get("name") or "")
            value = "" if entry.get("value") is None else str(entry.get("value"))
            display = entry.get("display")
            entries.append(
                {
                    "id": None,
                    "key": key,
                    "value": value,
                    "display_key": key,
                    "display_value": wpautop(
                        display if display not in (None, "") else escape(value)
                    ),
                }
            )
        return entries

    def get_prices(self, item) -> ItemPricesSerializer:
        if item.product is None:
            return dict(
                DELETED_PRODUCT_PRICES, raw_prices=dict(DELETED_PRODUCT_PRICES["raw_prices"])
            )
        return represent(ItemPricesSerializer, item.product, self.context)

    def get_catalog_visibility(self, item) -> str:
        return "visible" if item.product else "hidden"


# --- coupons, fees ---
class OrderCouponSerializer(serializers.Serializer):
    """instance: one entry of Order.coupon_lines ({code, discount_type, discount, ...})."""

    code = serializers.CharField()
    discount_type = serializers.SerializerMethodField()
    totals = CouponTotalsSerializer(source="*")

    def get_discount_type(self, line) -> str:
        return line.get("discount_type") or ""


class FeeTotalsSerializer(MoneyObject):
    total = MinorUnits()
    total_tax = MinorUnits()


class OrderFeeSerializer(serializers.Serializer):
    """instance: one entry of Order.fee_lines ({id?, name, total, total_tax})."""

    key = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    def get_key(self, fee) -> int | None:
        return fee.get("id")

    def get_name(self, fee) -> str:
        return str(fee.get("name") or "")

    def get_totals(self, fee) -> FeeTotalsSerializer:
        amounts = {"total": fee.get("total") or 0, "total_tax": fee.get("total_tax") or 0}
        return represent(FeeTotalsSerializer, amounts, self.context)


# --- totals ---
class OrderTaxLineSerializer(serializers.Serializer):
    """instance: one entry of Order.tax_lines. `price` is the tax on items only
    (WC_Order_Item_Tax::get_tax_total), shipping tax is not in it."""

    name = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    rate = serializers.SerializerMethodField()

    def get_name(self, line) -> str:
        return str(line.get("label") or line.get("name") or "Tax")

    def get_price(self, line) -> str:
        return str(int(line.get("tax_total") or 0))

    def get_rate(self, line) -> str:
        return rate_percent(line.get("rate") or 0)


class OrderTotalsSerializer(MoneyObject):
    """instance: the Order. Keys in OrderSchema::get_totals order, then the currency fields.

    Unlike the cart's, shipping totals are never null: an order's shipping is settled."""

    subtotal = MinorUnits()
    total_discount = MinorUnits(source="discount_total")
    total_shipping = MinorUnits(source="shipping_total")
    total_fees = MinorUnits(source="fee_total")
    total_tax = MinorUnits(source="tax_total")
    total_refund = MinorUnits(source="total_refunded")
    total_price = MinorUnits(source="total")
    total_items = serializers.SerializerMethodField()
    total_items_tax = serializers.SerializerMethodField()
    total_fees_tax = MinorUnits(source="fee_tax")
    total_discount_tax = MinorUnits(source="discount_tax")
    total_shipping_tax = MinorUnits(source="shipping_tax")
    tax_lines = OrderTaxLineSerializer(many=True)

    # WooCommerce sums the lines' totals (after discounts) and the tax lines' item taxes.
    def get_total_items(self, order) -> str:
        return str(sum(item.total for item in order.items.all()))

    def get_total_items_tax(self, order) -> str:
        return str(sum(int(line.get("tax_total") or 0) for line in order.tax_lines or []))


# --- the order ---
def needs_shipping(order: Order) -> bool:
    """WC_Order::needs_shipping_address: shipping is on and a line ships (not pickup)."""
    if not settings.HUB_SHIPPING_ENABLED:
        return False
    return any(
        line.get("method_id") not in PICKUP_METHODS
        for line in order.shipping_lines or []
        if isinstance(line, dict)
    )


def stock_errors(order: Order) -> list[dict]:
    """OrderController::get_failed_order_stock_error: an order that is not pending and does
    not hold its stock (a failed one, typically) reports the first line it could no longer
    get. Stock held by other pending orders is not counted here (a simplification)."""
    if order.status == Order.Status.PENDING or order.stock_reduced:
        return []
    items: list[OrderItem] = [i for i in order.items.all() if i.product is not None]
    required: dict[int, int] = {}
    for item in items:
        required[item.product.pk] = required.get(item.product.pk, 0) + item.quantity
    for item in items:
        product = item.product
        if not product.is_in_stock:
            return [
                {
                    "code": "woocommerce_rest_out_of_stock",
                    "message": (
                        f'Sorry, "{product.display_name}" is no longer in stock so this order '
                        "cannot be paid for. We apologize for any inconvenience caused."
                    ),
                }
            ]
        if not product.manage_stock or product.backorders_allowed:
            continue
        available = product.stock_quantity or 0
        if available < required[product.pk]:
            return [
                {
                    "code": "woocommerce_rest_out_of_stock",
                    "message": (
                        f'Sorry, we do not have enough "{product.display_name}" in stock to '
                        f"fulfill your order ({available} available). We apologize for any "
                        "inconvenience caused."
                    ),
                }
            ]
    return []


class OrderSerializer(serializers.Serializer):
    """instance: an Order with `items` prefetched (see views.orders.order_queryset)."""

    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    items = serializers.SerializerMethodField()
    coupons = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    totals = OrderTotalsSerializer(source="*")
    shipping_address = serializers.SerializerMethodField()
    billing_address = serializers.SerializerMethodField()
    needs_payment = serializers.BooleanField()
    needs_shipping = serializers.SerializerMethodField()
    payment_requirements = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()

    def get_items(self, order) -> OrderItemSerializer(many=True):
        context = {**self.context, "order_key": order.order_key}
        return represent(OrderItemSerializer, order.items.all(), context, many=True)

    def get_coupons(self, order) -> OrderCouponSerializer(many=True):
        lines = [c for c in order.coupon_lines or [] if isinstance(c, dict)]
        return represent(OrderCouponSerializer, lines, self.context, many=True)

    def get_fees(self, order) -> OrderFeeSerializer(many=True):
        lines = [f for f in order.fee_lines or [] if isinstance(f, dict)]
        return represent(OrderFeeSerializer, lines, self.context, many=True)

    def get_shipping_address(self, order) -> ShippingAddressSerializer:
        return address_out(order.shipping_address, "shipping")

    def get_billing_address(self, order) -> BillingAddressSerializer:
        # The order's billing email is authoritative when the stored address lacks one.
        billing = dict(order.billing_address or {})
        billing["email"] = billing.get("email") or order.billing_email
        return address_out(billing, "billing")

    def get_needs_shipping(self, order) -> bool:
        return needs_shipping(order)

    def get_payment_requirements(self, order) -> list[str]:
        return ["products"]

    def get_errors(self, order) -> ErrorSerializer(many=True):
        return stock_errors(order)
