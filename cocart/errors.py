"""Every error CoCart answers, in WordPress's envelope `{code, message, data: {status}}`.

One table maps each domain exception to CoCart's code and status (reference §1, §2, §5 and the
seed's checkout codes); a few differ by where they arose (`stage`: adding an item, updating
it, checking out). Errors only CoCart knows (a missing product id, a bad namespace, the cart
key guards) are raised as `CoCartError`. DRF's own errors are WordPress's `rest_*` answers and
anything unexpected `cocart_unknown_server_error`, never an HTML page.
"""

from __future__ import annotations

import logging

from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api.errors import ErrorTable, Row, Situation, VendorError, WireError
from checkout_hub.services import errors as domain
from checkout_hub.services.idempotency import IdempotencyConflict
from checkout_hub.services.removed_items import ItemAlreadyRestored, RemovedItemNotFound
from checkout_hub.wordpress import errors as wp

ADD = "add"
UPDATE = "update"
RESTORE = "restore"
CUSTOMER = "customer"
CHECKOUT = "checkout"
COUPON = "coupon"


class CoCartError(VendorError):
    """An error only CoCart knows, rendered as given; `data` goes beside `status`."""

    def __init__(self, code: str, message: str, status: int = 400, **data):
        super().__init__(code, message, status, data)


class SessionGuardError(VendorError):
    """The cart-key guards CoCart 4.8.0 answers with wp_send_json_error():
    `{"success": false, "data": [{"code", "message"}]}` (reference §0, §3)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message, 403, {"guard": True})


def quoted(product) -> str:
    """CoCart's product name in curly quotes, as its notices and messages print it."""
    return f"“{product.display_name if product is not None else 'This product'}”"


def _in_cart(exc, at) -> int:
    """How many of the product the request's cart already holds (the service refused before
    changing anything, so the view's loaded cart still says)."""
    session = getattr(at.view, "session", None)
    product = exc.facts.get("product")
    if session is None or product is None or session.cart.pk is None:
        return 0
    return sum(i.quantity for i in session.cart.items.all() if i.product_id == product.pk)


def stock_data(exc) -> dict:
    product = exc.facts.get("product")
    return {
        "product_id": product.pk if product is not None else 0,
        "product_name": product.display_name if product is not None else "",
        "requested_quantity": exc.facts.get("requested", 0),
        "available_quantity": exc.facts.get("available", 0),
    }


def _stock_code(exc, at):
    if at.stage == CHECKOUT:
        return "cocart_insufficient_stock"
    if not exc.partially:
        return "cocart_product_out_of_stock"
    return (
        "cocart_not_enough_stock_remaining" if _in_cart(exc, at) else "cocart_not_enough_in_stock"
    )


def _stock_status(exc, at):
    return 400 if at.stage == CHECKOUT else 404


def _stock_message(exc, at):
    name = quoted(exc.facts.get("product"))
    if at.stage == CHECKOUT:
        return f"Sorry, we do not have enough {name} in stock to fulfill your order."
    if not exc.partially:
        return f"You cannot add {name} to the cart because the product is out of stock."
    held = _in_cart(exc, at)
    if held:
        return (
            f"You cannot add that amount to the cart — we have {exc.available} in stock and "
            f"you already have {held} in your cart."
        )
    return (
        f"You cannot add that amount of {name} to the cart because there is not enough stock "
        f"({exc.available} remaining)."
    )


def _stock_details(exc, at):
    return {"stock_data": [stock_data(exc)]} if at.stage == CHECKOUT else {}


VARIATION = {
    "invalid_variation_id": ("cocart_no_variation_found", 404),
    "no_match": ("cocart_no_variation_found", 404),
    "invalid_value": ("cocart_invalid_variation_data", 400),
    "missing_attributes": ("cocart_missing_variation_data", 400),
}


def _variation(exc, at):
    return VARIATION.get(exc.facts.get("reason"), ("cocart_invalid_variation_data", 400))


def _parent_gone(exc) -> bool:
    product = exc.facts.get("product")
    return bool(product is not None and product.parent_id and product.parent.status != "publish")


def _too_many(exc, at):
    if at.stage == UPDATE:
        return (
            "cocart_can_not_increase_quantity",
            405,
            f"You can only have 1 {quoted(exc.facts.get('product'))} in your cart.",
        )
    return (
        "cocart_product_sold_individually",
        403,
        f"You cannot add another {quoted(exc.facts.get('product'))} to your cart.",
    )


def _address_fields(exc) -> dict:
    """{"billing_email": message, ...}: the hub's `billing_address.email` keys in CoCart's
    prefixed field names (its update-customer and checkout field names)."""
    fields = {}
    for key, message in exc.facts.get("errors", {}).items():
        kind, _, name = key.partition("_address.")
        fields[f"{kind}_{name}"] = message
    return fields


def _address(exc, at):
    if at.stage == CUSTOMER:
        return ("rest_invalid_param", {"params": _address_fields(exc)})
    return ("cocart_checkout_invalid_address", {"invalid_fields": _address_fields(exc)})


def _cart_problems(exc, at) -> dict:
    problems = exc.facts.get("problems", [])
    stock = [p for p in problems if isinstance(p, domain.OutOfStock)]
    data: dict = {}
    if stock:
        data["stock_data"] = [stock_data(p) for p in stock]
    data["additional_errors"] = [
        {"code": e.code, "message": e.message, "data": {"status": e.status}}
        for e in (TABLE.describe(p, at) for p in problems)
    ]
    return data


def _cart_code(exc, at):
    problems = exc.facts.get("problems", [])
    if any(isinstance(p, domain.OutOfStock) for p in problems):
        return "cocart_insufficient_stock"
    return "cocart_cart_invalid"


def _gateway_error(exc, at) -> dict:
    return {
        "error_type": "payment_error",
        "gateway_error": {
            "code": exc.facts.get("gateway_code") or exc.code,
            "message": exc.message,
            "decline_code": exc.facts.get("decline_code"),
        },
    }


def _rate_headers(exc, at) -> dict:
    return {
        "RateLimit-Limit": str(exc.facts.get("limit", 0)),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(exc.facts.get("reset_at", 0)),
        "RateLimit-Retry-After": str(exc.facts.get("retry_after", 0)),
    }


def _empty(exc, at):
    if at.stage == CHECKOUT:
        return ("cocart_checkout_empty_cart", 400, "Cannot checkout with an empty cart.")
    return ("cocart_cart_empty", 404, "No items in cart.")


ROWS: dict[type[Exception], Row] = {
    domain.ProductNotFound: Row(
        "cocart_invalid_product", 400, "This product cannot be added to the cart."
    ),
    domain.NotPurchasable: Row(
        lambda e, at: (
            "cocart_cart_invalid_parent_product"
            if _parent_gone(e)
            else "cocart_cannot_be_purchased"
        ),
        lambda e, at: 404 if _parent_gone(e) else 400,
        lambda e, at: (
            "This product cannot be added to the cart: its parent product is not available."
            if _parent_gone(e)
            else f"Sorry, {quoted(e.facts.get('product'))} cannot be purchased."
        ),
    ),
    domain.InvalidVariation: Row(
        lambda e, at: _variation(e, at)[0], lambda e, at: _variation(e, at)[1]
    ),
    domain.OutOfStock: Row(_stock_code, _stock_status, _stock_message, _stock_details),
    domain.TooManyInCart: Row(
        lambda e, at: _too_many(e, at)[0],
        lambda e, at: _too_many(e, at)[1],
        lambda e, at: _too_many(e, at)[2],
    ),
    domain.InvalidQuantity: Row("cocart_quantity_invalid_amount", 405),
    domain.CartItemNotFound: Row("cocart_item_not_in_cart", 404, "Unable to find item in cart."),
    RemovedItemNotFound: Row(
        "cocart_item_restored_to_cart", 404, "Item does not exist in cart or was not removed."
    ),
    ItemAlreadyRestored: Row(
        "cocart_item_restored_to_cart", 405, "Item is already restored to the cart."
    ),
    domain.EmptyCart: Row(
        lambda e, at: _empty(e, at)[0],
        lambda e, at: _empty(e, at)[1],
        lambda e, at: _empty(e, at)[2],
    ),
    domain.CartCompleted: Row(
        lambda e, at: _empty(e, at)[0],
        lambda e, at: _empty(e, at)[1],
        lambda e, at: _empty(e, at)[2],
    ),
    domain.InvalidCart: Row(_cart_code, 400, details=_cart_problems),
    domain.CartNotFound: Row("cocart_cart_not_found", 404, "Cart does not exist."),
    # CoCart Plus's coupon routes answer WooCommerce's coupon message with a 400.
    domain.InvalidCoupon: Row("cocart_coupon_error", 400),
    domain.CouponNotApplied: Row(
        "cocart_coupon_not_applied", 404, "Coupon cannot be removed as it is not applied."
    ),
    domain.InvalidAddress: Row(
        lambda e, at: _address(e, at)[0],
        400,
        lambda e, at: (
            "Invalid parameter(s): " + ", ".join(_address_fields(e))
            if at.stage == CUSTOMER
            else "Please check your address: some fields are missing or invalid."
        ),
        lambda e, at: _address(e, at)[1],
    ),
    domain.InvalidShippingRate: Row(
        "cocart_invalid_shipping_method",
        400,
        "Sorry, this shipping method is not available.",
        lambda e, at: {"available": list(e.facts.get("available") or [])},
    ),
    domain.MissingPaymentMethod: Row(
        "cocart_checkout_missing_payment_method", 400, "Please select a payment method."
    ),
    domain.InvalidPaymentMethod: Row(
        "cocart_invalid_payment_method",
        400,
        "The selected payment method is not available.",
        lambda e, at: {"available": list(e.facts.get("available") or [])},
    ),
    domain.TotalMismatch: Row("cocart_checkout_total_mismatch", 409),
    domain.PaymentRequired: Row("cocart_payment_required", 400),
    # The seed: data {status: 400, error_type, gateway_error {code, message, decline_code}}.
    domain.PaymentDeclined: Row("cocart_payment_failed", 400, details=_gateway_error),
    domain.PaymentFailed: Row("cocart_payment_failed", 400, details=_gateway_error),
    domain.RefundNotPossible: Row("cocart_refund_not_possible", 400),
    domain.OrderNotFound: Row("cocart_order_not_found", 404, "Order not found."),
    domain.InvalidOrderKey: Row("cocart_invalid_order_key", 403, "Invalid order key."),
    domain.OrderOwnedByAnother: Row(
        "cocart_order_access_denied", 403, "You do not have permission to view this order."
    ),
    domain.InvalidBillingEmail: Row("cocart_invalid_billing_email", 403),
    domain.OrderNotPayable: Row("cocart_order_not_payable", 400),
    domain.InvalidStatusTransition: Row("cocart_order_not_payable", 400),
    # The unreleased core code: HTTP 400 (not 429) with the RateLimit-* headers (reference §0).
    domain.RateLimited: Row("rate_limit_exceeded", 400, headers=_rate_headers),
    domain.NotAuthenticated: Row("cocart_rest_not_authorized", 401),
    domain.CheckoutDisabled: Row("cocart_checkout_disabled", 403),
    domain.ServerError: Row("cocart_unknown_server_error", 500),
    domain.UnknownScenario: Row(
        "rest_invalid_param", 400, details=lambda e, at: {"params": {"X-Hub-Scenario": e.message}}
    ),
    IdempotencyConflict: Row("cocart_idempotency_conflict", 409),
    domain.CheckoutSessionUnavailable: Row("cocart_checkout_session_invalid", 404),
}

TABLE = ErrorTable(ROWS, fallback=ROWS[domain.ServerError])


def describe(exc: domain.DomainError, stage: str = "") -> WireError:
    return TABLE.describe(exc, Situation(stage=stage))


class CoCartErrorHandler(wp.WordPressErrorHandler):
    table = TABLE
    log = logging.getLogger("checkout_hub.cocart")
    server_error_code = "cocart_unknown_server_error"
    server_error_message = "Unknown server error."

    def render(self, error, situation):
        if error.details.get("guard"):
            body = {"success": False, "data": [{"code": error.code, "message": error.message}]}
            return Response(body, status=error.status, headers=error.headers)
        return super().render(error, situation)

    def drf_error(self, exc, situation):
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            return WireError(
                "cocart_authentication_error", 401, str(exc.detail) or "Authentication failed."
            )
        return super().drf_error(exc, situation)


handle = CoCartErrorHandler()
