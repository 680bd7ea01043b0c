"""What the bridge accepts and answers, as DRF serializers (drf-spectacular documents them).

The checkout-session body follows the HWP fixture controller's schema: an allowlist of
top-level fields (anything else is rejected), strict JSON types (an integer is an integer,
never `true`, `1.0` or `"1"`), http/https URLs only. Failures flatten into zod-style paths,
`items[0].quantity`, in `errors.flatten`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import EmailValidator
from rest_framework import serializers

from checkout_hub.models import ADDRESS_FIELDS
from checkout_hub.services import addresses
from checkout_hub.services.errors import InvalidAddress

from .errors import ADDRESS_OBJECTS, ADDRESS_WIRE_NAMES

MAX_ITEMS = 30
MAX_QUANTITY = 50
MAX_COUPONS = 20
MAX_URL_LENGTH = 2048
UNKNOWN_FIELD = "Unknown field."

STRATEGY_REDIRECT = "redirect_to_woo"
STRATEGY_TOKEN = "token_handoff"
STRATEGIES = (STRATEGY_REDIRECT, STRATEGY_TOKEN)


# --- strict JSON types ---
class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: booleans, floats and numeric strings are refused."""

    default_error_messages = {"invalid": "Expected an integer."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string: numbers and booleans are refused (DRF would turn them into text)."""

    default_error_messages = {"invalid": "Expected a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class HttpUrlField(StrictCharField):
    """An absolute http:// or https:// URL (no javascript:, ftp: or relative URLs)."""

    default_error_messages = {"url": "Expected an absolute http or https URL."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_URL_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            parts = urlsplit(value)
        except ValueError:
            self.fail("url")
        if (
            parts.scheme.lower() not in ("http", "https")
            or not parts.hostname
            or any(ch.isspace() or ord(ch) < 32 for ch in value)
        ):
            self.fail("url")
        return value


# --- the body ---
class HwpCheckoutItemSerializer(serializers.Serializer):
    productId = StrictIntegerField(min_value=1)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    variationId = StrictIntegerField(min_value=1, required=False, allow_null=True)


class HwpCustomerSerializer(serializers.Serializer):
    """The buyer; its shape depends on the site's settings, so other keys are ignored."""

    email = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=254,
        validators=[EmailValidator("Enter a valid email address.")],
    )
    firstName = StrictCharField(required=False, allow_blank=True, max_length=200)
    lastName = StrictCharField(required=False, allow_blank=True, max_length=200)
    phone = StrictCharField(required=False, allow_blank=True, max_length=100)


# camelCase wire name -> the hub's address key; Woo's snake_case keys are accepted too.
ADDRESS_KEYS = {ADDRESS_WIRE_NAMES.get(field, field): field for field in ADDRESS_FIELDS}


class HwpAddressSerializer(serializers.Serializer):
    """A billing or shipping address in camelCase (`firstName`, `address1`, ...) or Woo's
    snake_case (`first_name`, `address_1`, ...). Other keys are dropped, as WooCommerce does."""

    firstName = StrictCharField(required=False, allow_blank=True, max_length=200)
    lastName = StrictCharField(required=False, allow_blank=True, max_length=200)
    company = StrictCharField(required=False, allow_blank=True, max_length=200)
    address1 = StrictCharField(required=False, allow_blank=True, max_length=200)
    address2 = StrictCharField(required=False, allow_blank=True, max_length=200)
    city = StrictCharField(required=False, allow_blank=True, max_length=200)
    state = StrictCharField(required=False, allow_blank=True, max_length=200)
    postcode = StrictCharField(required=False, allow_blank=True, max_length=50)
    country = StrictCharField(required=False, allow_blank=True, max_length=100)
    email = StrictCharField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(required=False, allow_blank=True, max_length=100)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            # A snake_case key counts unless its camelCase twin was sent as well.
            data = {
                **{
                    wire: data[hub]
                    for wire, hub in ADDRESS_KEYS.items()
                    if hub != wire and hub in data
                },
                **{k: v for k, v in data.items() if k in ADDRESS_KEYS},
            }
        wire = super().to_internal_value(data)
        return {ADDRESS_KEYS[name]: value for name, value in wire.items()}


class CouponCodesField(serializers.ListField):
    child = StrictCharField(allow_blank=False, max_length=100)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_COUPONS)
        super().__init__(**kwargs)


class HwpCheckoutSessionRequest(serializers.Serializer):
    """POST store/checkout-session: `items` (1..30 of {productId, quantity 1..50,
    variationId?}) and the optional fields below. Unknown top-level fields are refused."""

    items = HwpCheckoutItemSerializer(
        many=True,
        min_length=1,
        max_length=MAX_ITEMS,
        error_messages={
            "min_length": "At least 1 item is required.",
            "max_length": f"At most {MAX_ITEMS} items are allowed.",
        },
    )
    couponCode = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=100)
    couponCodes = CouponCodesField(required=False, allow_null=True)
    returnUrl = HttpUrlField(required=False, allow_null=True)
    cancelUrl = HttpUrlField(required=False, allow_null=True)
    notes = StrictCharField(required=False, allow_blank=True, allow_null=True, max_length=5000)
    paymentToken = StrictCharField(
        required=False, allow_blank=True, allow_null=True, max_length=255
    )
    customer = HwpCustomerSerializer(required=False, allow_null=True)
    billingAddress = HwpAddressSerializer(required=False, allow_null=True)
    shippingAddress = HwpAddressSerializer(required=False, allow_null=True)
    strategy = StrictCharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=100,
        help_text=(
            "redirect_to_woo (default without paymentToken) or token_handoff (default with "
            "one); anything else is 501 CHECKOUT_NOT_IMPLEMENTED."
        ),
    )

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = {key: [UNKNOWN_FIELD] for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate(self, attrs):
        # The addresses as the hub stores them, checked as WooCommerce checks them (country,
        # state, postcode, phone, email); completeness is the order-pay page's business.
        customer = attrs.get("customer") or {}
        billing = attrs.get("billingAddress")
        shipping = attrs.get("shippingAddress")
        from_customer = {
            "email": customer.get("email"),
            "first_name": customer.get("firstName"),
            "last_name": customer.get("lastName"),
            "phone": customer.get("phone"),
        }
        from_customer = {k: v for k, v in from_customer.items() if v}
        if from_customer or billing is not None:
            billing = {**from_customer, **(billing or {})}
        try:
            billing, shipping = addresses.validate(billing, shipping)
        except InvalidAddress as exc:
            errors: dict[str, dict[str, list[str]]] = {}
            for key, message in exc.facts["errors"].items():
                kind, _, field = key.partition(".")
                wire = ADDRESS_WIRE_NAMES.get(field, field)
                errors.setdefault(ADDRESS_OBJECTS[kind], {}).setdefault(wire, []).append(message)
            raise serializers.ValidationError(errors) from None
        attrs["billing"], attrs["shipping"] = billing, shipping
        return attrs


def coupon_fields(data: dict) -> list[tuple[str, str]]:
    """(error path, code) for each coupon to apply, `couponCode` first, without repeats."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    candidates = [("couponCode", data.get("couponCode") or "")]
    candidates += [(f"couponCodes[{i}]", c) for i, c in enumerate(data.get("couponCodes") or [])]
    for path, code in candidates:
        key = code.strip().lower()
        if key and key not in seen:
            seen.add(key)
            found.append((path, code))
    return found


# --- replies (documentation; the views build plain dicts) ---
class HwpMetaSerializer(serializers.Serializer):
    correlationId = serializers.CharField()
    correlation_id = serializers.CharField()
    request_id = serializers.CharField()
    timestamp = serializers.DateTimeField()


class HwpErrorObjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class HwpErrorEnvelopeSerializer(serializers.Serializer):
    error = HwpErrorObjectSerializer()
    meta = HwpMetaSerializer()


class HwpRedirectResultSerializer(serializers.Serializer):
    checkoutUrl = serializers.URLField(help_text="WooCommerce's order-pay page for the order.")
    orderId = serializers.CharField(allow_null=True, help_text="The order id, as a string.")


class HwpNextActionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["redirect_to_url"])
    url = serializers.URLField()


class HwpTokenHandoffResultSerializer(serializers.Serializer):
    orderId = serializers.IntegerField()
    mode = serializers.CharField(help_text='"token_handoff"')
    strategy = serializers.CharField(help_text='"token_handoff"')
    provider = serializers.ChoiceField(choices=["stripe"])
    paymentStatus = serializers.ChoiceField(choices=["paid", "pending", "processing"])
    status = serializers.ChoiceField(choices=["succeeded", "requires_action", "processing"])
    nextAction = HwpNextActionSerializer(
        required=False, help_text="Only with status requires_action (3-D Secure)."
    )


class HwpUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    displayName = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    createdAt = serializers.DateTimeField()


class HwpNonceSerializer(serializers.Serializer):
    nonce = serializers.CharField()
    headerName = serializers.CharField()
    userLoggedIn = serializers.BooleanField()
    userId = serializers.IntegerField(required=False, help_text="Only when logged in.")
    user = HwpUserSerializer(allow_null=True)


class HwpDependenciesSerializer(serializers.Serializer):
    woocommerce = serializers.CharField(help_text='"active" or "missing"')
    restrictContentPro = serializers.CharField(help_text='"active" or "missing"')
    affiliateWp = serializers.CharField(help_text='"active" or "missing"')


class HwpHealthSerializer(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.CharField()
    env = serializers.CharField()
    wpVersion = serializers.CharField()
    phpVersion = serializers.CharField()
    dependencies = HwpDependenciesSerializer()
    buildId = serializers.CharField()
    buildFlavor = serializers.CharField()
    nonceBootstrapStrategy = serializers.CharField()


class HwpTokensSerializer(serializers.Serializer):
    cartToken = serializers.CharField()
    nonce = serializers.CharField()


class HwpCartMetaSerializer(HwpMetaSerializer):
    tokens = HwpTokensSerializer()
