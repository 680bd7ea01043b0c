"""What the cart and checkout routes accept (their WordPress arg schemas). Failures become
`rest_missing_callback_param` / `rest_invalid_param` in `errors.handle`; the browsable API
builds its forms from these."""

from __future__ import annotations

from rest_framework import serializers

from .common import BillingAddressSerializer, ShippingAddressSerializer


class VariationInput(serializers.Serializer):
    attribute = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class AddItemRequest(serializers.Serializer):
    # WooCommerce does not require `id`: a missing id becomes 0, an invalid product.
    id = serializers.IntegerField(required=False, default=0)
    quantity = serializers.IntegerField(required=False, default=1)
    variation = VariationInput(many=True, required=False, default=list)


class ItemKeyRequest(serializers.Serializer):
    key = serializers.CharField()


class UpdateItemRequest(serializers.Serializer):
    key = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.IntegerField(required=False, allow_null=True, default=None)


class QuantityRequest(serializers.Serializer):
    quantity = serializers.IntegerField()


class CouponRequest(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)


class UpdateCustomerRequest(serializers.Serializer):
    billing_address = BillingAddressSerializer(required=False)
    shipping_address = ShippingAddressSerializer(required=False)


class SelectShippingRateRequest(serializers.Serializer):
    rate_id = serializers.CharField(required=False, allow_blank=True, default="")
    package_id = serializers.JSONField(required=False, allow_null=True, default=None)


# --- checkout ---
def _check_additional_fields(value: dict) -> dict:
    for key, field_value in value.items():
        if "/" not in key:
            raise serializers.ValidationError(
                f'"{key}" is not a namespaced field: use "plugin-namespace/field-name".'
            )
        if not isinstance(field_value, str | bool | int | float):
            raise serializers.ValidationError(f'"{key}" must be a string or a boolean.')
    return value


class AdditionalFields(serializers.DictField):
    def to_internal_value(self, data):
        return _check_additional_fields(super().to_internal_value(data))


class _PaymentDataList(serializers.ListSerializer):
    """`payment_data` as WordPress's schema checks it: an array of {key, value} objects."""

    def run_validation(self, data=serializers.empty):
        name = self.field_name or "payment_data"
        if data is not serializers.empty and not isinstance(data, list):
            raise serializers.ValidationError(
                [f"{name} is not of type array."], code="rest_invalid_type"
            )
        for index, item in enumerate(data if isinstance(data, list) else []):
            if not isinstance(item, dict):
                raise serializers.ValidationError(
                    [f"{name}[{index}] is not of type object."], code="rest_invalid_type"
                )
        return super().run_validation(data)


class PaymentDataItem(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()

    def validate_value(self, value):
        if not isinstance(value, str | bool | int | float) and value is not None:
            raise serializers.ValidationError("value must be a string or a boolean.")
        return value

    class Meta:
        list_serializer_class = _PaymentDataList


class CheckoutUpdateRequest(serializers.Serializer):
    """PUT/PATCH /checkout: only the posted fields are validated and stored."""

    payment_method = serializers.CharField(required=False, allow_blank=True)
    order_notes = serializers.CharField(required=False, allow_blank=True)
    # POST's name for the note, accepted on PUT too (clients reuse one payload).
    customer_note = serializers.CharField(required=False, allow_blank=True)
    additional_fields = AdditionalFields(required=False)
    # The seed's "Validate Before Submitting" example PUTs the billing address.
    billing_address = BillingAddressSerializer(required=False)
    shipping_address = ShippingAddressSerializer(required=False)


class CheckoutRequest(serializers.Serializer):
    """POST /checkout: place the order."""

    billing_address = BillingAddressSerializer()
    shipping_address = ShippingAddressSerializer(required=False)
    payment_method = serializers.CharField(required=False, allow_blank=True, default="")
    payment_data = PaymentDataItem(many=True, required=False, default=list)
    customer_note = serializers.CharField(required=False, allow_blank=True)
    create_account = serializers.BooleanField(required=False, default=False)
    customer_password = serializers.CharField(required=False, allow_blank=True)
    additional_fields = AdditionalFields(required=False)
    extensions = serializers.DictField(required=False)
    # WooCommerce 11: the total the shopper saw, in minor units; a mismatch is a 409.
    expected_total = serializers.RegexField(r"^\d+$", required=False, allow_null=True)


class OrderPayRequest(serializers.Serializer):
    """POST /checkout/{id}: pay for an existing pending or failed order."""

    key = serializers.CharField(required=False, allow_blank=True, default="")
    billing_email = serializers.CharField(required=False, allow_blank=True, default="")
    billing_address = BillingAddressSerializer(required=False)
    shipping_address = ShippingAddressSerializer(required=False)
    payment_method = serializers.CharField(required=False, allow_blank=True, default="")
    payment_data = PaymentDataItem(many=True, required=False, default=list)
