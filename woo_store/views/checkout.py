"""Checkout routes: GET/PUT/PATCH/POST /checkout and POST /checkout/{id} (order-pay).

The seed is followed where WooCommerce's versions differ: GET creates or refreshes a
`checkout-draft` order from a non-empty cart (WooCommerce 10.8+ defers that and answers a
"draft response" with order_id 0, which the hub still gives for an empty cart).
A POST answers the checkout object in every outcome; `payment_result.payment_status` picks
the HTTP status (success 200, pending 202, failure 400, error 500).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from checkout_hub.api import RateLimit
from checkout_hub.api.representation import represent
from checkout_hub.models import Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, orders, payments, pricing
from checkout_hub.services.errors import (
    EmptyCart,
    PaymentDeclined,
    PaymentFailed,
)
from checkout_hub.services.payments import Outcome

from .. import errors
from ..pages import stripe_return_url
from ..serializers import checkout as wire
from ..serializers.cart import cart_payload
from ..serializers.requests import CheckoutRequest, CheckoutUpdateRequest, OrderPayRequest
from .base import WooSessionView

HTTP_FOR_PAYMENT_STATUS = {"success": 200, "pending": 202, "failure": 400, "error": 500}
# The hub's payment outcomes in the Store API's payment_status words.
PAYMENT_STATUS = {
    Outcome.ACCEPTED: "success",
    Outcome.ACTION_REQUIRED: "pending",
    Outcome.PROCESSING: "pending",
}
CALC_TOTALS = OpenApiParameter(
    "__experimental_calc_totals",
    bool,
    description="Recalculate totals, validate the cart and add __experimentalCart.",
)
TRUE_VALUES = {"1", "true", "yes", "on", True}
# WooCommerce's rate_limit_checkout feature: 3 checkouts per 60 s per session.
CHECKOUT_RATE_LIMIT = RateLimit("woo_store_checkout", 3, 60)


def _truthy(value) -> bool:
    return (value.lower() if isinstance(value, str) else value) in TRUE_VALUES


# Where a Store API client may put the payment method: WooCommerce Stripe's legacy
# `stripe_source`, its UPE `wc-stripe-payment-method`, or a plain `payment_method` (and the
# hub has always read `paymentMethod` too).
PAYMENT_METHOD_KEYS = (
    "stripe_source",
    "wc-stripe-payment-method",
    "payment_method",
    "paymentMethod",
)


def _payment_data(items: list[dict]) -> dict:
    """Woo's payment_data list in the payment service's neutral keys; after 3-D Secure the
    buyer comes back to this store's order-received page."""
    values = {item["key"]: item["value"] for item in items}
    method = next((values[k] for k in PAYMENT_METHOD_KEYS if values.get(k)), None)
    return {"payment_method": method, "return_url": stripe_return_url}


class CheckoutRoute(WooSessionView):
    error_stage = errors.CHECKOUT

    def render(self, state: wire.CheckoutState, status: int = 200) -> Response:
        data = represent(wire.CheckoutSerializer, state, self.get_serializer_context())
        return Response(data, status=status)

    def paid_reply(self, result: checkout.CheckoutResult) -> Response:
        outcome = result.payment
        if outcome is None:  # nothing to pay
            reply = wire.payment_result("success", order=result.order)
        else:
            reply = wire.payment_result(
                PAYMENT_STATUS[outcome.status],
                order=result.order,
                details=outcome.details,
                redirect=outcome.redirect_url,
            )
        return self.render(
            wire.for_order(result.order, reply),
            HTTP_FOR_PAYMENT_STATUS.get(reply["payment_status"], 200),
        )

    def refused_reply(self, exc: PaymentDeclined | PaymentFailed) -> Response:
        """A refused or failed payment: the failed order, with the gateway's reasons."""
        failed = isinstance(exc, PaymentDeclined)
        status = "failure" if failed else "error"
        details = {
            "message": exc.message,
            "error_code": exc.facts.get("gateway_code") or exc.code,
            "decline_code": exc.facts.get("decline_code"),
        }
        order = exc.facts.get("order")
        order.refresh_from_db()
        return self.render(
            wire.for_order(order, wire.payment_result(status, details=details)),
            HTTP_FOR_PAYMENT_STATUS[status],
        )


class CheckoutView(CheckoutRoute):
    # /checkout needs a nonce (or a valid Cart-Token) on every method, GET included.
    nonce_methods = {"GET", "POST", "PUT", "PATCH", "DELETE"}
    serializer_class = CheckoutRequest

    def rate_limit(self, request):
        if request.method == "POST" and settings.WOO_STORE_RATE_LIMIT_CHECKOUT:
            return CHECKOUT_RATE_LIMIT
        return super().rate_limit(request)

    def state(self, cart, result, cart_data=None) -> wire.CheckoutState:
        order = checkout.current_order(cart, source=Vendor.WOO_STORE, user=self.request.user)
        if order is None:
            return wire.for_session(cart, self.session.user_id, cart_data)
        return wire.for_order(order, result, cart_data)

    @extend_schema(parameters=[CALC_TOTALS], responses=wire.CheckoutSerializer)
    def get(self, request):
        cart = self.session.cart
        calc = _truthy(self.params().get("__experimental_calc_totals"))
        cart_data = cart_payload(cart, self.get_serializer_context()) if calc else None
        return self.render(self.state(cart, wire.EMPTY_RESULT, cart_data))

    @extend_schema(
        request=CheckoutUpdateRequest, parameters=[CALC_TOTALS], responses=wire.CheckoutSerializer
    )
    def put(self, request):
        params = self.params()
        calc = _truthy(params.get("__experimental_calc_totals"))
        self.error_stage = errors.CALC_TOTALS if calc else errors.CHECKOUT
        data = self.validated(CheckoutUpdateRequest, params)
        cart = self.session.cart_for_write()
        method = data.get("payment_method")
        if method:
            payments.get(method)
        if "billing_address" in data or "shipping_address" in data:
            cart_service.update_customer(
                cart, billing=data.get("billing_address"), shipping=data.get("shipping_address")
            )
        note = data.get("order_notes", data.get("customer_note"))
        cart_service.set_checkout_fields(
            cart,
            payment_method=method,
            customer_note=note,
            additional_fields=data.get("additional_fields"),
        )
        cart = self.session.reload()
        cart_data = None
        if calc:
            totals = pricing.calculate(cart)
            if not totals.lines:
                raise EmptyCart()
            checkout.check_lines(totals)
            cart_data = cart_payload(cart, self.get_serializer_context(), totals)
        # PUT answers payment_result null (the seed's PUT reply).
        return self.render(self.state(cart, None, cart_data))

    patch = put

    @extend_schema(
        request=CheckoutRequest,
        responses={
            200: wire.CheckoutSerializer,
            202: wire.CheckoutSerializer,
            400: wire.CheckoutSerializer,
            500: wire.CheckoutSerializer,
        },
    )
    def post(self, request):
        data = self.validated(CheckoutRequest)
        cart = self.session.cart
        expected = data.get("expected_total")
        try:
            result = checkout.place_order(
                cart,
                payment_method=data.get("payment_method") or None,
                payment_data=_payment_data(data["payment_data"]),
                billing=data["billing_address"],
                shipping=data.get("shipping_address"),
                customer_note=data.get("customer_note"),
                additional_fields=data.get("additional_fields"),
                expected_total=int(expected) if expected not in (None, "") else None,
                source=Vendor.WOO_STORE,
                user=request.user,
            )
        except (PaymentDeclined, PaymentFailed) as exc:
            self.session.reload()
            return self.refused_reply(exc)
        self.session.reload()
        return self.paid_reply(result)


class OrderPayView(CheckoutRoute):
    """Pay for an existing pending or failed order; the session's cart is not touched."""

    nonce_methods = {"POST"}
    serializer_class = OrderPayRequest

    @extend_schema(
        request=OrderPayRequest,
        responses={200: wire.CheckoutSerializer, 400: wire.CheckoutSerializer},
    )
    def post(self, request, id):
        data = self.validated(OrderPayRequest)
        order = orders.find(id)
        orders.authorize(order, request.user, data["key"], data["billing_email"].strip())
        try:
            result = checkout.pay_for_order(
                order,
                payment_method=data["payment_method"] or None,
                payment_data=_payment_data(data["payment_data"]),
                billing=data.get("billing_address"),
                shipping=data.get("shipping_address"),
            )
        except (PaymentDeclined, PaymentFailed) as exc:
            return self.refused_reply(exc)
        return self.paid_reply(result)
