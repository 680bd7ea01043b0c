"""Every error the HWP bridge answers, in HWP's envelope:
`{"error": {"code", "message", "details"}, "meta": {...}}`.

One table (`TABLE`) maps each domain exception to its HWP code and HTTP status, with the
details a client reads. DRF's own errors come out in the same envelope (malformed JSON and
serializer errors as 422 VALIDATION_FAILED with zod-style `formErrors`/`fieldErrors`, 404
NOT_FOUND, 405 METHOD_NOT_ALLOWED, 413 REQUEST_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE), and
anything unexpected as 500 INTERNAL_ERROR, never an HTML page.

Statuses the HWP documents do not give (reference §2 lists only 403/405/413/422/429) are the
hub's choice, documented in the OpenAPI schema: 501 CHECKOUT_NOT_IMPLEMENTED (an unknown
strategy), 503 CHECKOUT_DISABLED and CHECKOUT_STRIPE_NOT_CONFIGURED (switched off by the
operator), 409 IDEMPOTENCY_KEY_REUSE_CONFLICT, and CHECKOUT_FAILED as 409 (the cart cannot be
bought), 402 (Stripe declined the card) or 502 (Stripe failed otherwise).
"""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api.errors import (
    ErrorHandler,
    ErrorTable,
    Row,
    Situation,
    VendorError,
    WireError,
)
from checkout_hub.services import errors as domain
from checkout_hub.services.idempotency import IdempotencyConflict

from . import envelope

log = logging.getLogger("checkout_hub.hwp_bridge")

# --- codes ---
VALIDATION_FAILED = "VALIDATION_FAILED"
CHECKOUT_FAILED = "CHECKOUT_FAILED"
CHECKOUT_NOT_IMPLEMENTED = "CHECKOUT_NOT_IMPLEMENTED"
CHECKOUT_DISABLED = "CHECKOUT_DISABLED"
CHECKOUT_STRIPE_NOT_CONFIGURED = "CHECKOUT_STRIPE_NOT_CONFIGURED"
CSRF_FAILED = "CSRF_FAILED"
RATE_LIMITED = "RATE_LIMITED"
NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
IDEMPOTENCY_KEY_REUSE_CONFLICT = "IDEMPOTENCY_KEY_REUSE_CONFLICT"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
FORBIDDEN = "FORBIDDEN"
INTERNAL_ERROR = "INTERNAL_ERROR"

VALIDATION_MESSAGE = "Validation failed."
CHECKOUT_FAILED_MESSAGE = "Checkout failed."
PHASE = "checkout_session"  # details.phase of every CHECKOUT_FAILED this route answers

# Stripe decline details the headless site must not see (seed: "to avoid leaking sensitive
# decline details"), and the customer-safe codes they become.
SENSITIVE_DECLINE_CODES = {"lost_card", "stolen_card", "fraudulent", "merchant_blacklist"}
GENERIC_DECLINE_CODE = "payment_card_declined_generic"
FRAUD_BLOCKED_CODE = "payment_fraud_blocked"
GENERIC_DECLINE_MESSAGE = "Your card was declined."

# Hub address keys -> the camelCase names the request uses (error paths).
ADDRESS_WIRE_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "address_1": "address1",
    "address_2": "address2",
}
ADDRESS_OBJECTS = {"billing_address": "billingAddress", "shipping_address": "shippingAddress"}


class HwpError(VendorError):
    """An error only the bridge knows (nonce, strategy, body size, routes), rendered as given."""


def validation_failed(
    field_errors: dict[str, list[str]] | None = None, form_errors: list[str] | None = None
) -> HwpError:
    return HwpError(
        VALIDATION_FAILED,
        VALIDATION_MESSAGE,
        422,
        {"formErrors": form_errors or [], "fieldErrors": field_errors or {}},
    )


def not_found() -> HwpError:
    return HwpError(NOT_FOUND, "No route was found matching the URL and request method.", 404)


def too_large(limit: int) -> HwpError:
    return HwpError(
        REQUEST_TOO_LARGE,
        f"The request body is too large (at most {limit} bytes).",
        413,
        {"maxBytes": limit},
    )


# --- zod-style flattening of DRF errors: {"items[0].quantity": ["..."]} ---
def flatten(detail) -> tuple[list[str], dict[str, list[str]]]:
    """(formErrors, fieldErrors) for a DRF ValidationError.detail."""
    form: list[str] = []
    fields: dict[str, list[str]] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "non_field_errors":
                    walk(value, path)
                elif isinstance(key, int):  # ListField/DictField errors are keyed by index
                    walk(value, f"{path}[{key}]")
                else:
                    walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            if all(not isinstance(item, dict | list) for item in node):
                target = fields.setdefault(path, []) if path else form
                target.extend(str(item) for item in node)
                return
            for index, item in enumerate(node):  # a ListSerializer: one entry per element
                if item:
                    walk(item, f"{path}[{index}]")
        else:
            (fields.setdefault(path, []) if path else form).append(str(node))

    walk(detail, "")
    return form, fields


# --- the table ---
def _product_ids(product) -> dict:
    if product is None:
        return {"productId": None}
    if product.parent_id:
        return {"productId": product.parent_id, "variationId": product.pk}
    return {"productId": product.pk}


def _item_path(exc, field: str) -> str | None:
    index = exc.facts.get("item_index")
    return None if index is None else f"items[{index}].{field}"


def _field_errors(exc, field: str | None) -> dict:
    if field is None:
        return {"formErrors": [exc.message], "fieldErrors": {}}
    return {"formErrors": [], "fieldErrors": {field: [exc.message]}}


def _item_field(field: str):
    return lambda exc: _field_errors(exc, _item_path(exc, field))


def _coupon_details(exc) -> dict:
    return _field_errors(exc, exc.facts.get("field") or "couponCode")


def _address_details(exc) -> dict:
    fields: dict[str, list[str]] = {}
    for key, message in exc.facts.get("errors", {}).items():
        kind, _, name = key.partition(".")
        path = f"{ADDRESS_OBJECTS.get(kind, kind)}.{ADDRESS_WIRE_NAMES.get(name, name)}"
        fields.setdefault(path, []).append(message)
    return {"formErrors": [], "fieldErrors": fields}


def _scenario_details(exc) -> dict:
    return {"formErrors": [], "fieldErrors": {"X-Hub-Scenario": [exc.message]}}


def _cart_problem(exc: domain.DomainError) -> dict:
    """What a client reads about one line or coupon the order cannot be placed with."""
    problem = {"safeReason": exc.code}
    if "product" in exc.facts:
        problem.update(_product_ids(exc.facts.get("product")))
    if exc.facts.get("item_index") is not None:
        problem["itemIndex"] = exc.facts["item_index"]
    if isinstance(exc, domain.OutOfStock):
        problem["requested"] = exc.facts.get("requested")
        problem["available"] = exc.facts.get("available")
    if isinstance(exc, domain.InvalidCoupon):
        problem["couponCode"] = exc.facts.get("code")
    return problem


def _checkout_failed(exc) -> dict:
    details = {
        "phase": PHASE,
        "step": exc.facts.get("step") or "cart",
        **_cart_problem(exc),
    }
    if isinstance(exc, domain.InvalidCart):
        details["problems"] = [_cart_problem(p) for p in exc.facts.get("problems", [])]
    return details


def gateway_error(exc: domain.PaymentDeclined | domain.PaymentFailed) -> dict:
    """Stripe's error fields, sanitised for a customer-facing checkout."""
    facts = exc.facts
    code, decline_code, message = facts.get("gateway_code"), facts.get("decline_code"), exc.message
    if decline_code in SENSITIVE_DECLINE_CODES:
        decline_code, message = GENERIC_DECLINE_CODE, GENERIC_DECLINE_MESSAGE
    if code == "fraud":
        code, message = FRAUD_BLOCKED_CODE, GENERIC_DECLINE_MESSAGE
    default_type = "card_error" if isinstance(exc, domain.PaymentDeclined) else "api_error"
    return {
        "type": facts.get("error_type") or default_type,
        "code": code,
        "decline_code": decline_code,
        "param": facts.get("param"),
        "message": message,
    }


def _stripe_details(exc) -> dict:
    return {
        "safeReason": "stripe_error",
        "phase": PHASE,
        "step": "stripe_request",
        "gatewayError": gateway_error(exc),
        "gatewayRequestId": exc.facts.get("request_id"),
    }


def _rate_details(exc) -> dict:
    return {"retryAfter": exc.facts.get("retry_after"), "limit": exc.facts.get("limit")}


def _idempotency_details(exc) -> dict:
    return {"reason": exc.facts.get("reason")}


def _stripe_not_configured(exc) -> dict:
    return {"provider": "stripe", "strategy": "token_handoff"}


def _one(fn):
    """A table function of the exception only (the bridge's codes never depend on a stage)."""
    return lambda exc, at: fn(exc)


def _validation(details):
    return Row(VALIDATION_FAILED, 422, VALIDATION_MESSAGE, _one(details))


def _checkout(status: int = 409):
    return Row(CHECKOUT_FAILED, status, None, _one(_checkout_failed))


def _stripe(status: int):
    return Row(CHECKOUT_FAILED, status, CHECKOUT_FAILED_MESSAGE, _one(_stripe_details))


ROWS: dict[type[Exception], Row] = {
    # access and availability
    domain.RateLimited: Row(
        RATE_LIMITED,
        429,
        details=_one(_rate_details),
        headers=lambda e, at: {"Retry-After": str(e.facts.get("retry_after") or 1)},
    ),
    domain.NotAuthenticated: Row(NOT_AUTHENTICATED, 401),
    domain.CheckoutDisabled: Row(CHECKOUT_DISABLED, 503),
    domain.InvalidPaymentMethod: Row(
        CHECKOUT_STRIPE_NOT_CONFIGURED,
        503,
        "Stripe is not configured, so token handoff checkout is unavailable.",
        _one(_stripe_not_configured),
    ),
    IdempotencyConflict: Row(IDEMPOTENCY_KEY_REUSE_CONFLICT, 409, None, _one(_idempotency_details)),
    domain.ServerError: Row(INTERNAL_ERROR, 500),
    # The hub's own switch: the same 400 on every vendor (README), in this envelope.
    domain.UnknownScenario: Row(
        VALIDATION_FAILED, 400, VALIDATION_MESSAGE, _one(_scenario_details)
    ),
    # what the request names: products, quantities, coupons, addresses
    domain.ProductNotFound: _validation(_item_field("productId")),
    domain.NotPurchasable: _validation(_item_field("productId")),
    domain.InvalidVariation: _validation(_item_field("variationId")),
    domain.InvalidQuantity: _validation(_item_field("quantity")),
    domain.InvalidCoupon: _validation(_coupon_details),
    domain.CouponNotApplied: _validation(_coupon_details),
    domain.InvalidAddress: _validation(_address_details),
    # the cart cannot be bought as it is
    domain.OutOfStock: _checkout(),
    domain.TooManyInCart: _checkout(),
    domain.InvalidCart: _checkout(),
    domain.EmptyCart: _checkout(),
    domain.CartCompleted: _checkout(),
    domain.CartItemNotFound: _checkout(),
    domain.CartNotFound: _checkout(),
    domain.InvalidShippingRate: _checkout(),
    domain.MissingPaymentMethod: _checkout(),
    domain.TotalMismatch: _checkout(),
    # the order, once placed, cannot take this step (the bridge's route never meets these:
    # it makes a fresh order; each still answers deliberately)
    domain.PaymentRequired: _checkout(402),
    domain.OrderNotPayable: _checkout(),
    domain.InvalidStatusTransition: _checkout(),
    domain.RefundNotPossible: _checkout(),
    domain.OrderNotFound: Row(NOT_FOUND, 404),
    # The bridge's checkout session is a WooCommerce order, never a CheckoutSession row.
    domain.CheckoutSessionUnavailable: Row(NOT_FOUND, 404),
    domain.InvalidOrderKey: Row(FORBIDDEN, 403),
    domain.OrderOwnedByAnother: Row(FORBIDDEN, 403),
    domain.InvalidBillingEmail: Row(FORBIDDEN, 403),
    # Stripe refused (402: a card decline) or failed (502: any other Stripe error)
    domain.PaymentDeclined: _stripe(402),
    domain.PaymentFailed: _stripe(502),
}
TABLE = ErrorTable(ROWS, fallback=_checkout())  # a domain error no route of the bridge meets


# --- the DRF exception handler ---
class HwpErrorHandler(ErrorHandler):
    """Every HWP bridge reply that is an error: `{error: {code, message, details}, meta}`."""

    table = TABLE
    log = logging.getLogger("checkout_hub.hwp_bridge")

    def render(self, error: WireError, situation: Situation) -> Response:
        body = envelope.error_body(situation.request, error.code, error.message, error.details)
        return Response(body, status=error.status, headers=error.headers)

    def drf_error(self, exc: drf.APIException, situation: Situation) -> WireError:
        request = situation.request
        if isinstance(exc, drf.ParseError):
            form = [f"Malformed JSON body: {exc.detail}"]
            return WireError(VALIDATION_FAILED, 422, VALIDATION_MESSAGE, _details(form))
        if isinstance(exc, drf.ValidationError):
            form, fields = flatten(exc.detail)
            return WireError(VALIDATION_FAILED, 422, VALIDATION_MESSAGE, _details(form, fields))
        if isinstance(exc, drf.MethodNotAllowed):
            message = f'Method "{request.method}" is not allowed on this route.'
            return WireError(METHOD_NOT_ALLOWED, 405, message, {"method": request.method})
        if isinstance(exc, drf.NotFound):
            return not_found().wire()
        if isinstance(exc, drf.UnsupportedMediaType):
            message = f'Unsupported media type "{request.content_type}": send application/json.'
            return WireError(UNSUPPORTED_MEDIA_TYPE, 415, message)
        if isinstance(exc, drf.NotAcceptable):
            return WireError(NOT_ACCEPTABLE, 406, "The requested response format is not available.")
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            return WireError(NOT_AUTHENTICATED, 401, str(exc.detail))
        if isinstance(exc, drf.PermissionDenied):
            return WireError(FORBIDDEN, 403, str(exc.detail))
        if isinstance(exc, drf.Throttled):
            wait = int(exc.wait or 1)
            return WireError(
                RATE_LIMITED, 429, str(exc.detail), {"retryAfter": wait}, {"Retry-After": str(wait)}
            )
        codes = exc.get_codes()
        code = codes.upper() if isinstance(codes, str) else "BAD_REQUEST"
        return WireError(code, exc.status_code, str(exc.detail))

    def server_error(self, situation: Situation) -> WireError:
        return WireError(INTERNAL_ERROR, 500, "An unexpected error occurred. Please try again.")

    def too_large(self, exc, situation: Situation) -> WireError:
        limit = getattr(exc, "limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return too_large(limit).wire()


def _details(form: list[str], fields: dict | None = None) -> dict:
    return {"formErrors": form, "fieldErrors": fields or {}}


handle = HwpErrorHandler()
