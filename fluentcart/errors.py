"""Every error FluentCart answers, in its own shapes (reference §3, the seed's error replies).

FluentCart has three: the checkout's `{status: "failed", message[, errors | data]}` (mostly at
HTTP 200: validation errors, an empty cart, a duplicate order), a bare `{message}` with a
status (422 out of stock, 429 rate limit, the admin-ajax cart's 422s), and WordPress's REST
envelope `{code, message, data: {status}}` for what WordPress itself refuses (no route, bad
JSON). One table maps each domain error to its shape, status and message.
"""

from __future__ import annotations

from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api.errors import ErrorTable, Row, Situation, VendorError, WireError
from checkout_hub.services import errors as domain
from checkout_hub.services.checkout_stages import OrderAlreadyPaid
from checkout_hub.services.idempotency import IdempotencyConflict
from checkout_hub.wordpress.errors import WordPressErrorHandler

# The envelope a WireError's code selects.
FAILED = "fct_failed"  # {status: "failed", message, **details}
PLAIN = "fct_message"  # {message, **details}
LOGIN = "fct_login"  # wp_send_json_error: {success: false, data: {message, code}}
WP_ERROR = "fct_wp_error"  # a statusless WP_Error: HTTP 500 {code, message, data: ""}

EMPTY_CART = "Cart is empty or already completed"
DUPLICATE_ORDER = "You have already completed this order."
RATE_LIMITED = "Too many requests. Please try again later."  # the seed's wording
NO_PAYMENT_METHOD = "No valid payment method found!"
OUT_OF_STOCK = "Product is out of stock"
VALIDATION = "Validation failed"  # not on the wire: the errors say it

# Hub address fields -> FluentCart's checkout field names.
ADDRESS_KIND = {"billing_address": "billing", "shipping_address": "shipping"}
CODE_RULES = {"required": "required"}  # anything else the core reports is "invalid"


class FluentError(VendorError):
    """An error only FluentCart knows; `code` is one of FAILED, PLAIN, LOGIN."""


def failed(message: str, status: int = 200, **details) -> FluentError:
    return FluentError(FAILED, message, status, details)


def plain(message: str, status: int = 422, **details) -> FluentError:
    return FluentError(PLAIN, message, status, details)


def validation_failed(errors: dict) -> FluentError:
    """{status: "failed", errors: {field: {rule: message}}} at HTTP 200 (seed)."""
    return FluentError(FAILED, VALIDATION, 200, {"errors": errors, "_no_message": True})


def _address_errors(exc, at) -> dict:
    found: dict[str, dict[str, str]] = {}
    codes = exc.facts.get("codes", {})
    for key, message in exc.facts.get("errors", {}).items():
        kind, _, field = key.partition(".")
        name = f"{ADDRESS_KIND.get(kind, kind)}_{field}"
        rule = CODE_RULES.get(codes.get(key, ""), "invalid")
        found.setdefault(name, {})[rule] = message.rstrip(".") + "."
    return {"errors": found, "_no_message": True}


def _shipping_errors(exc, at) -> dict:
    rule = "unavailable" if exc.facts.get("rate_id") else "required"
    message = (
        "The selected shipping method is not available for your address."
        if rule == "unavailable"
        else "You must select a shipping method."
    )
    return {"errors": {"shipping_method": {rule: message}}, "_no_message": True}


def _out_of_stock(exc, at) -> str:
    return OUT_OF_STOCK if not exc.facts.get("available") else exc.message


def _cart_message(exc, at) -> str:
    problems = exc.facts.get("problems") or []
    if problems and isinstance(problems[0], domain.OutOfStock):
        return _out_of_stock(problems[0], at)
    return problems[0].message if problems else exc.message


def _rate_headers(exc, at) -> dict:
    return {"Retry-After": str(exc.facts.get("retry_after") or 1)}


def _order_info(exc, at) -> dict:
    return {"data": []}


ROWS: dict[type[Exception], Row] = {
    # access
    domain.RateLimited: Row(PLAIN, 429, RATE_LIMITED, headers=_rate_headers),
    domain.NotAuthenticated: Row(FAILED, 403),
    domain.CheckoutDisabled: Row(FAILED, 403),
    domain.UnknownScenario: Row(PLAIN, 400),
    domain.ServerError: Row(PLAIN, 500),
    IdempotencyConflict: Row(PLAIN, 409),
    # the cart
    domain.EmptyCart: Row(FAILED, 200, EMPTY_CART),
    domain.CartNotFound: Row(FAILED, 200, EMPTY_CART),
    domain.CartCompleted: Row(FAILED, 200, EMPTY_CART),
    OrderAlreadyPaid: Row(FAILED, 200, DUPLICATE_ORDER),
    domain.CartItemNotFound: Row(PLAIN, 422),
    domain.ProductNotFound: Row(PLAIN, 422, "Invalid item."),
    domain.NotPurchasable: Row(PLAIN, 422),
    domain.InvalidVariation: Row(PLAIN, 422, "Invalid item."),
    domain.InvalidQuantity: Row(PLAIN, 422),
    domain.TooManyInCart: Row(PLAIN, 422),
    domain.OutOfStock: Row(PLAIN, 422, _out_of_stock),
    domain.InvalidCart: Row(PLAIN, 422, _cart_message),
    domain.InvalidCoupon: Row(PLAIN, 422),
    domain.CouponNotApplied: Row(PLAIN, 422),
    # checkout fields
    domain.InvalidAddress: Row(FAILED, 200, VALIDATION, _address_errors),
    domain.InvalidShippingRate: Row(FAILED, 200, VALIDATION, _shipping_errors),
    domain.TotalMismatch: Row(FAILED, 200),
    domain.MissingPaymentMethod: Row(FAILED, 423, NO_PAYMENT_METHOD, _order_info),
    domain.InvalidPaymentMethod: Row(FAILED, 423, NO_PAYMENT_METHOD, _order_info),
    # the gateway answered with an error (the plugin's WP_Error from the gateway: 422)
    domain.PaymentDeclined: Row(FAILED, 422, None, _order_info),
    domain.PaymentFailed: Row(FAILED, 422, None, _order_info),
    domain.PaymentRequired: Row(FAILED, 423, None, _order_info),
    domain.OrderNotPayable: Row(FAILED, 423, None, _order_info),
    domain.InvalidStatusTransition: Row(FAILED, 423, None, _order_info),
    domain.RefundNotPossible: Row(FAILED, 423, None, _order_info),
    # orders and sessions a route names
    domain.OrderNotFound: Row(PLAIN, 404),
    domain.InvalidOrderKey: Row(PLAIN, 404),
    domain.OrderOwnedByAnother: Row(PLAIN, 404),
    domain.InvalidBillingEmail: Row(PLAIN, 404),
    domain.CheckoutSessionUnavailable: Row(PLAIN, 404),
}
TABLE = ErrorTable(ROWS, fallback=Row(PLAIN, 500, "An unexpected error occurred."))


class FluentCartErrorHandler(WordPressErrorHandler):
    table = TABLE
    server_error_code = "fluent_cart_error"

    def render(self, error: WireError, situation: Situation) -> Response:
        details = dict(error.details)
        if error.code == FAILED:
            body = {"status": "failed"}
            if not details.pop("_no_message", False):
                body["message"] = error.message
            body.update(details)
        elif error.code == PLAIN:
            body = {"message": error.message, **details}
        elif error.code == LOGIN:
            body = {"success": False, "data": {"message": error.message, **details}}
        elif error.code == WP_ERROR:
            # A WP_Error without a status: WordPress answers 500 with its numeric code.
            body = {"code": details.get("wp_code"), "message": error.message, "data": ""}
        else:
            return super().render(error, situation)
        return Response(body, status=error.status, headers=error.headers)

    def drf_error(self, exc: drf.APIException, situation: Situation) -> WireError:
        view = situation.view
        if getattr(view, "plain_errors", False) and not isinstance(
            exc, drf.MethodNotAllowed | drf.NotFound
        ):
            # admin-ajax: WordPress's own errors do not apply; the handler answers {message}.
            message = "Invalid request." if isinstance(exc, drf.ParseError) else str(exc.detail)
            return WireError(PLAIN, 422 if exc.status_code < 500 else 500, message)
        return super().drf_error(exc, situation)

    def server_error(self, situation: Situation) -> WireError:
        return WireError(PLAIN, 500, "An unexpected error occurred.")


handle = FluentCartErrorHandler()
