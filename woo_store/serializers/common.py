"""Wire pieces every Store API object shares: money, currency fields, addresses, images.

Money is the kit's minor-unit rendering (`checkout_hub.api.money`): strings of integer minor
units ("1800" for 18.00 USD) followed by WooCommerce's seven `currency_*` fields; the
serializer context carries the currency code as `currency`.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from checkout_hub import media
from checkout_hub.api.money import (  # noqa: F401 - the Store API's money pieces, re-exported
    CURRENCY_KEYS,
    RAW_PRECISION,
    MinorUnits,
    MoneyObject,
    currency_fields,
    raw_amount,
)
from checkout_hub.models import ADDRESS_FIELDS, Product
from checkout_hub.services import reference
from checkout_hub.services.addresses import SHIPPING_FIELDS


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

    def run_validation(self, data=serializers.empty):
        # WordPress's schema check, in its words: every address field is a string.
        name = self.field_name or "address"
        if data is not serializers.empty and data is not None and not isinstance(data, dict):
            raise serializers.ValidationError(
                [f"{name} is not of type object."], code="rest_invalid_type"
            )
        for key, value in (data if isinstance(data, dict) else {}).items():
            if key in self.fields and isinstance(value, dict | list | bool):
                raise serializers.ValidationError(
                    [f"{name}[{key}] is not of type string."], code="rest_invalid_type"
                )
        return super().run_validation(data)

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
    """ImageAttachmentSchema for a product's images (a variation falls back to its parent's),
    from the process's copy of the store's images (no query)."""
    own = reference.images(product.pk)
    if not own and product.parent_id:
        own = reference.images(product.parent_id)
    result = []
    for image in own:
        # The hub's own images come in several widths (srcset); any other URL as it is.
        sizes = media.image_sizes(image.src) or {"thumbnail": image.src, "srcset": "", "sizes": ""}
        result.append(
            {
                "id": image.pk,
                "src": image.src,
                "thumbnail": sizes["thumbnail"],
                "srcset": sizes["srcset"],
                "sizes": sizes["sizes"],
                "name": image.name,
                "alt": image.alt,
            }
        )
    return result


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
