"""Wire pieces every Store API object shares: money, currency fields, addresses, images.

Money is a string of integer minor units ("1800" for 18.00 USD, "0" for nothing). Every money
object ends with WooCommerce's seven `currency_*` fields (CurrencyFormatter appends them after
the amounts); the serializer context carries the currency code as `currency`.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checkout_hub.models import ADDRESS_FIELDS, Product
from checkout_hub.services import money
from checkout_hub.services.addresses import SHIPPING_FIELDS

CURRENCY_KEYS = (
    "currency_code",
    "currency_symbol",
    "currency_minor_unit",
    "currency_decimal_separator",
    "currency_thousand_separator",
    "currency_prefix",
    "currency_suffix",
)
RAW_PRECISION = 6  # wc_get_rounding_precision()


@extend_schema_field(OpenApiTypes.STR)
class MinorUnits(serializers.Field):
    """An integer amount as WooCommerce's string of minor units; None stays null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else str(int(value))


@extend_schema_field(OpenApiTypes.STR)
class _CurrencyFact(serializers.Field):
    def __init__(self, attribute: str, **kwargs):
        self.attribute_name = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, _value):
        return getattr(money.currency(self.context.get("currency", "")), self.attribute_name)


@extend_schema_field(OpenApiTypes.INT)
class _CurrencyDigits(_CurrencyFact):
    pass


class MoneyObject(serializers.Serializer):
    """A set of amounts followed by the currency fields (and then `trailing` fields)."""

    currency_code = _CurrencyFact("code")
    currency_symbol = _CurrencyFact("symbol")
    currency_minor_unit = _CurrencyDigits("minor_unit")
    currency_decimal_separator = _CurrencyFact("decimal_separator")
    currency_thousand_separator = _CurrencyFact("thousand_separator")
    currency_prefix = _CurrencyFact("prefix")
    currency_suffix = _CurrencyFact("suffix")

    trailing: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        last = set(CURRENCY_KEYS) | set(self.trailing)
        ordered = {name: f for name, f in fields.items() if name not in last}
        ordered.update({name: fields[name] for name in CURRENCY_KEYS})
        ordered.update({name: fields[name] for name in self.trailing})
        return ordered


def currency_fields(code: str) -> dict:
    cur = money.currency(code)
    return {
        "currency_code": cur.code,
        "currency_symbol": cur.symbol,
        "currency_minor_unit": cur.minor_unit,
        "currency_decimal_separator": cur.decimal_separator,
        "currency_thousand_separator": cur.thousand_separator,
        "currency_prefix": cur.prefix,
        "currency_suffix": cur.suffix,
    }


def raw_amount(amount: int | None, code: str) -> str:
    """An amount at WooCommerce's rounding precision (6): 1800 USD -> "18000000"."""
    if amount is None:
        return ""
    return str(int(amount) * 10 ** (RAW_PRECISION - money.currency(code).minor_unit))


# --- addresses ---
def address_out(address: dict | None, kind: str = "billing") -> dict:
    """Every address key in WooCommerce's order ("" when unknown); billing has email."""
    fields = ADDRESS_FIELDS if kind == "billing" else SHIPPING_FIELDS
    address = address or {}
    return {name: str(address.get(name) or "") for name in fields}


class _AddressBase(serializers.Serializer):
    first_name = serializers.CharField(required=False, allow_blank=True)
    last_name = serializers.CharField(required=False, allow_blank=True)
    company = serializers.CharField(required=False, allow_blank=True)
    address_1 = serializers.CharField(required=False, allow_blank=True)
    address_2 = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    state = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Not an object.", code="invalid")
        # Keys outside the schema are dropped (reference §6), values kept as sent.
        return {k: ("" if v is None else str(v)) for k, v in data.items() if k in self.fields}

    def to_representation(self, instance):
        return address_out(instance, self.kind)


class ShippingAddressSerializer(_AddressBase):
    kind = "shipping"
    phone = serializers.CharField(required=False, allow_blank=True)


class BillingAddressSerializer(_AddressBase):
    kind = "billing"
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)


# --- product bits shared by products, cart items and order items ---
def permalink(product: Product) -> str:
    slug = product.parent.slug if product.parent_id else product.slug
    return f"{settings.HUB_PUBLIC_URL}/product/{slug}/"


def images(product: Product) -> list[dict]:
    """ImageAttachmentSchema for a product's images (a variation falls back to its parent's);
    reads the prefetched `images` of the product and its parent."""
    own = list(product.images.all())
    if not own and product.parent_id:
        own = list(product.parent.images.all())
    return [
        {
            "id": image.pk,
            "src": image.src,
            "thumbnail": image.src,
            "srcset": "",
            "sizes": "",
            "name": image.name,
            "alt": image.alt,
        }
        for image in own
    ]


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    src = serializers.CharField()
    thumbnail = serializers.CharField()
    srcset = serializers.CharField()
    sizes = serializers.CharField()
    name = serializers.CharField()
    alt = serializers.CharField()


LOW_STOCK_DEFAULT = 2  # woocommerce_notify_low_stock_amount


def low_stock_remaining(product: Product) -> int | None:
    """Stock left, only when managed and at or below the low-stock threshold."""
    if not product.manage_stock or product.stock_quantity is None:
        return None
    threshold = (
        product.low_stock_amount if product.low_stock_amount is not None else LOW_STOCK_DEFAULT
    )
    return max(product.stock_quantity, 0) if product.stock_quantity <= threshold else None
