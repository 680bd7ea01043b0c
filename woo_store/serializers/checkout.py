"""The checkout object (reference §3, the seed's responses): the order being checked out, or
before there is one, the session's "draft response" (order_id 0)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checkout_hub.models import Cart, Order
from checkout_hub.services import payments

from .cart import CartSerializer
from .common import BillingAddressSerializer, ShippingAddressSerializer, address_out


def order_received_url(order: Order) -> str:
    return f"{settings.HUB_PUBLIC_URL}/checkout/order-received/{order.pk}/?key={order.order_key}"


def payment_result(status: str, *, order: Order | None = None, details=None, redirect=""):
    """{payment_status, payment_details: [{key, value}], redirect_url}."""
    if not redirect and order is not None and status == "success":
        redirect = order_received_url(order)
    return {
        "payment_status": status,
        "payment_details": [
            {"key": str(k), "value": v} for k, v in (details or {}).items() if v is not None
        ],
        "redirect_url": redirect,
    }


# The result an unpaid draft carries (the seed's GET /checkout reply).
EMPTY_RESULT = {"payment_status": "", "payment_details": [], "redirect_url": ""}


@dataclass
class CheckoutState:
    order_id: int
    status: str
    order_key: str
    order_number: str
    customer_note: str
    customer_id: int
    billing_address: dict
    shipping_address: dict
    payment_method: str
    payment_result: dict | None
    additional_fields: dict
    cart: dict | None = None


def for_order(order: Order, result: dict | None, cart: dict | None = None) -> CheckoutState:
    customer = order.customer
    return CheckoutState(
        order_id=order.pk,
        status=order.status,
        order_key=order.order_key,
        order_number=order.number or str(order.pk),
        customer_note=order.customer_note,
        customer_id=(customer.user_id or 0) if customer is not None else 0,
        billing_address=order.billing_address,
        shipping_address=order.shipping_address,
        payment_method=order.payment_method,
        payment_result=result,
        additional_fields=order.additional_fields,
        cart=cart,
    )


def for_session(cart: Cart, user_id: int, cart_data: dict | None) -> CheckoutState:
    """WooCommerce 10.8+'s reply when no order exists yet: values from the session."""
    available = payments.available()
    return CheckoutState(
        order_id=0,
        status=Order.Status.CHECKOUT_DRAFT,
        order_key="",
        order_number="0",
        customer_note=cart.customer_note,
        customer_id=user_id,
        billing_address=cart.billing_address,
        shipping_address=cart.shipping_address,
        payment_method=cart.payment_method or (available[0].id if available else ""),
        payment_result=None,
        additional_fields=cart.additional_fields,
        cart=cart_data,
    )


class PaymentDetailSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()


class PaymentResultSerializer(serializers.Serializer):
    payment_status = serializers.ChoiceField(["success", "pending", "failure", "error", ""])
    payment_details = PaymentDetailSerializer(many=True)
    redirect_url = serializers.CharField()


@extend_schema_field(CartSerializer(allow_null=True))
class RenderedCart(serializers.Field):
    """A cart object already rendered by CartSerializer (or null)."""

    def to_representation(self, value):
        return value


class CheckoutSerializer(serializers.Serializer):
    """instance: CheckoutState"""

    order_id = serializers.IntegerField()
    status = serializers.CharField()
    order_key = serializers.CharField()
    order_number = serializers.CharField()
    customer_note = serializers.CharField()
    customer_id = serializers.IntegerField()
    billing_address = serializers.SerializerMethodField()
    shipping_address = serializers.SerializerMethodField()
    payment_method = serializers.CharField()
    payment_result = PaymentResultSerializer(allow_null=True)
    additional_fields = serializers.DictField()
    extensions = serializers.SerializerMethodField()

    def get_fields(self):
        # "__experimentalCart" cannot be a class attribute (Python mangles the name).
        fields = super().get_fields()
        extensions = fields.pop("extensions")
        fields["__experimentalCart"] = RenderedCart(source="cart", read_only=True)
        fields["extensions"] = extensions
        return fields

    def get_billing_address(self, state) -> BillingAddressSerializer:
        return address_out(state.billing_address, "billing")

    def get_shipping_address(self, state) -> ShippingAddressSerializer:
        return address_out(state.shipping_address, "shipping")

    def get_extensions(self, state) -> dict:
        return {}
