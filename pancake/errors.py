"""Every error Pancake answers, in its envelope `{"data": null, "errors": [{message, layer}]}`.

The SDK throws `errors[0].message` whatever the HTTP status, so every failure (unknown routes
and DRF's own errors included) is this envelope, never DRF's `{"detail"}` or an HTML page. One
table maps each domain error to its status, layer and message; Pancake-only errors (auth,
fields, the seed's create-session rows) are `PancakeError`s raised with their exact message.
"""

from __future__ import annotations

import logging

from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api.errors import ErrorHandler, ErrorTable, Row, Situation, VendorError, WireError
from checkout_hub.services import errors as domain
from checkout_hub.services.idempotency import IdempotencyConflict

# Layers (reference §4): where the error arose.
GATEWAY, USER, STORE, PRODUCT, ORDER, GRAPHQL = (
    "gateway",
    "user",
    "store",
    "product",
    "order",
    "graphql",
)

# The seed's create-session messages (exact).
ENVIRONMENT = "Missing or invalid header: x-context-environment"
INVALID_JSON = "Invalid JSON body"
MISSING_FIELDS = "Missing required fields: productId, currency"
INVALID_BILLING = "Invalid billingDetail"
EXTERNAL_ID_EMPTY = "orderMerchantExternalId must not be empty"
EXTERNAL_ID_LONG = "orderMerchantExternalId must be at most 128 characters"
UNAUTHORIZED = "Unauthorized"
STORE_INACTIVE = "Store is not active"
STORE_NOT_APPROVED = "Store is not approved for production payments"
PRODUCT_NOT_IN_STORE = "Product does not belong to this store"
STORE_NOT_FOUND = "Store not found"
PRODUCT_NOT_FOUND = "Product not found"
PRODUCT_NOT_ACTIVE = "Product not found or not active for this environment"
INTERNAL = "Internal server error"
TOKEN_EXPIRED = "Token has expired"


def js_string(value) -> str:
    """A value as the gateway's JavaScript template strings print it (`${value}`): objects
    are "[object Object]", so an echoed message never carries a nested secret."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    return "[object Object]"


def invalid_currency(value) -> str:
    value = js_string(value)
    return (
        f'Invalid currency format: "{value}". Must be 3 uppercase letters '
        '(e.g., "USD", "EUR", "JPY")'
    )


def invalid_short_id(prefix: str, value) -> str:
    return f'Expected format: {prefix}_xxx, got "{js_string(value)}"'


def currency_not_supported(currency: str) -> str:
    return f"Currency {currency} is not supported for this product"


class PancakeError(VendorError):
    """An error only Pancake knows, rendered with its exact message and layer."""

    def __init__(self, message: str, status: int = 400, layer: str = GATEWAY):
        super().__init__(layer, message, status)


def bad_request(message: str, layer: str = GATEWAY) -> PancakeError:
    return PancakeError(message, 400, layer)


def unauthorized(message: str = UNAUTHORIZED) -> PancakeError:
    return PancakeError(message, 401, USER)


def forbidden(message: str, layer: str = USER) -> PancakeError:
    return PancakeError(message, 403, layer)


def not_found(message: str, layer: str = GATEWAY) -> PancakeError:
    return PancakeError(message, 404, layer)


def _own(status: int, layer: str):
    return Row(layer, status)


ROWS: dict[type[Exception], Row] = {
    domain.RateLimited: Row(
        GATEWAY,
        429,
        "Too many requests",
        headers=lambda e, at: {"Retry-After": str(e.facts.get("retry_after") or 1)},
    ),
    domain.NotAuthenticated: Row(USER, 401, UNAUTHORIZED),
    domain.CheckoutDisabled: Row(ORDER, 503, "Checkout is currently disabled"),
    domain.InvalidPaymentMethod: Row(ORDER, 400, "Payment method is not available"),
    IdempotencyConflict: Row(
        GATEWAY, 409, "A request with this idempotency key is still being processed"
    ),
    domain.ServerError: Row(GATEWAY, 500, INTERNAL),
    domain.UnknownScenario: _own(400, GATEWAY),
    domain.ProductNotFound: Row(PRODUCT, 404, PRODUCT_NOT_FOUND),
    domain.NotPurchasable: Row(PRODUCT, 404, PRODUCT_NOT_ACTIVE),
    domain.InvalidVariation: _own(400, PRODUCT),
    domain.InvalidQuantity: _own(400, PRODUCT),
    domain.OutOfStock: _own(400, PRODUCT),
    domain.TooManyInCart: _own(400, PRODUCT),
    domain.InvalidCart: _own(400, ORDER),
    domain.EmptyCart: _own(400, ORDER),
    domain.CartCompleted: _own(400, ORDER),
    domain.CartItemNotFound: _own(400, ORDER),
    domain.CartNotFound: _own(404, ORDER),
    domain.InvalidCoupon: _own(400, ORDER),
    domain.CouponNotApplied: _own(400, ORDER),
    domain.InvalidAddress: Row(ORDER, 400, INVALID_BILLING),
    domain.InvalidShippingRate: _own(400, ORDER),
    domain.MissingPaymentMethod: _own(400, ORDER),
    domain.TotalMismatch: _own(400, ORDER),
    domain.PaymentDeclined: _own(402, ORDER),
    domain.PaymentFailed: _own(502, ORDER),
    domain.RefundNotPossible: _own(400, ORDER),
    domain.PaymentRequired: _own(402, ORDER),
    domain.OrderNotFound: Row(ORDER, 404, "Order not found"),
    domain.InvalidOrderKey: Row(ORDER, 404, "Order not found"),
    domain.OrderOwnedByAnother: Row(ORDER, 403, "Order does not belong to this credential"),
    domain.InvalidBillingEmail: Row(ORDER, 403, "Order does not belong to this credential"),
    domain.OrderNotPayable: _own(400, ORDER),
    domain.InvalidStatusTransition: _own(400, ORDER),
    # Reference §4: a checkout session missing or expired is a 404.
    domain.CheckoutSessionUnavailable: Row(ORDER, 404, "Checkout session not found or expired"),
}
TABLE = ErrorTable(ROWS, fallback=ROWS[domain.ServerError])


def body(message: str, layer: str) -> dict:
    return {"data": None, "errors": [{"message": message, "layer": layer}]}


class PancakeErrorHandler(ErrorHandler):
    table = TABLE
    log = logging.getLogger("checkout_hub.pancake")

    def render(self, error: WireError, situation: Situation) -> Response:
        return Response(body(error.message, error.code), status=error.status, headers=error.headers)

    def drf_error(self, exc: drf.APIException, situation: Situation) -> WireError:
        if isinstance(exc, drf.ParseError):
            return WireError(GATEWAY, 400, INVALID_JSON)
        if isinstance(exc, drf.NotFound):
            return WireError(GATEWAY, 404, "Not found")
        if isinstance(exc, drf.MethodNotAllowed):
            return WireError(GATEWAY, 405, f"Method {situation.request.method} not allowed")
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            return WireError(USER, 401, UNAUTHORIZED)
        if isinstance(exc, drf.PermissionDenied):
            return WireError(USER, 403, "Forbidden")
        if isinstance(exc, drf.UnsupportedMediaType):
            return WireError(GATEWAY, 415, "Content-Type must be application/json")
        if isinstance(exc, drf.NotAcceptable):
            return WireError(GATEWAY, 406, "Not acceptable")
        if isinstance(exc, drf.Throttled):
            return WireError(GATEWAY, 429, "Too many requests")
        return WireError(GATEWAY, exc.status_code, str(exc.detail))

    def server_error(self, situation: Situation) -> WireError:
        return WireError(GATEWAY, 500, INTERNAL)

    def too_large(self, exc, situation: Situation) -> WireError:
        return WireError(GATEWAY, 413, "Request body too large")


handle = PancakeErrorHandler()
