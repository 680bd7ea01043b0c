"""Every error the Store API answers, in WordPress's envelope: `{code, message, data: {status}}`.

One table (`TABLE`, the kit's `ErrorTable`) maps each domain exception to its WooCommerce code,
HTTP status and extra data; a few codes depend on where the error arose (`stage`: adding an
item is a 400, the same stock problem found while validating the cart for checkout is a 409).
Every 409 carries `data.cart` so the client can resync. DRF's own errors and anything
unexpected are the WordPress layer's (`checkout_hub.wordpress.errors`), the latter as
`woocommerce_rest_unknown_server_error`, never an HTML page.
"""

from __future__ import annotations

import logging

from checkout_hub.api.errors import ErrorTable, Row, Situation, VendorError, WireError
from checkout_hub.services import errors as domain
from checkout_hub.services.idempotency import IdempotencyConflict
from checkout_hub.wordpress import errors as wp

# Stages a view declares (view.error_stage) where a code or status differs.
ADD = "add"  # add-item, POST /cart/items
UPDATE = "update"  # update-item, PUT /cart/items/{key}
CUSTOMER = "customer"  # update-customer
COUPON_BY_CODE = "coupon_by_code"  # /cart/coupons/{code}
CHECKOUT = "checkout"  # POST /checkout: the cart is validated
CALC_TOTALS = "calc_totals"  # PUT /checkout?__experimental_calc_totals=true


class WooError(VendorError):
    """An error only the Store API knows (nonces, parameters, routes), rendered as given;
    `data` goes into the envelope's `data` beside `status`."""

    def __init__(self, code: str, message: str, status: int = 400, **data):
        super().__init__(code, message, status, data)


no_route = wp.no_route


def _product_name(exc) -> str:
    product = exc.facts.get("product")
    return product.display_name if product is not None else "This product"


def _stock_code(exc, at):
    return (
        "woocommerce_rest_product_partially_out_of_stock"
        if exc.partially
        else "woocommerce_rest_product_out_of_stock"
    )


def _stock_message(exc, at) -> str:
    if exc.partially:
        return (
            f'You cannot add that amount of "{_product_name(exc)}" to the cart because there '
            f"is not enough stock ({exc.available} remaining)."
        )
    return f'You cannot add "{_product_name(exc)}" to the cart because the product is out of stock.'


def _in_validation(stage: str) -> bool:
    return stage in (CHECKOUT, CALC_TOTALS)


def _400_or_409(exc, at) -> int:
    return 409 if _in_validation(at.stage) else 400


VARIATION_CODES = {
    "invalid_variation_id": "woocommerce_rest_cart_invalid_parent_product",
    "invalid_value": "woocommerce_rest_invalid_variation_data",
    "missing_attributes": "woocommerce_rest_missing_attributes",
    "no_match": "woocommerce_rest_variation_id_from_variation_data",
}


def _variation_code(exc, at):
    if exc.facts.get("reason") == "missing_attributes" and exc.facts.get("nothing_chosen"):
        return "woocommerce_rest_missing_variation_data"
    return VARIATION_CODES.get(exc.facts.get("reason"), "woocommerce_rest_invalid_variation_data")


def _not_purchasable_code(exc, at):
    # A variation whose parent product is not published (WooCommerce's parent check).
    product = exc.facts.get("product")
    if product is not None and product.parent_id and product.parent.status != "publish":
        return "woocommerce_rest_cart_invalid_parent_product"
    return "woocommerce_rest_product_not_purchasable"


def _empty_cart_code(exc, at):
    # The seed documents woocommerce_rest_checkout_cart_empty for POST /checkout; WooCommerce's
    # cart validation (PUT with __experimental_calc_totals) says woocommerce_rest_cart_empty.
    if at.stage == CALC_TOTALS:
        return "woocommerce_rest_cart_empty"
    return "woocommerce_rest_checkout_cart_empty"


def _too_many_code(exc, at):
    # A sold-individually line's quantity is not editable: adding it again or raising it is
    # readonly_quantity; finding more than one in the cart at validation is too_many_in_cart.
    if at.stage in (ADD, UPDATE):
        return "readonly_quantity"
    return "woocommerce_rest_product_too_many_in_cart"


def _too_many_message(exc, at) -> str:
    if at.stage in (ADD, UPDATE):
        return f'The quantity of "{_product_name(exc)}" cannot be changed'
    return f'There are too many "{_product_name(exc)}" in the cart. Only 1 can be purchased.'


def _quantity_message(exc, at) -> str:
    """QuantityLimits::validate_cart_item_quantity's words; WooCommerce's strings carry the
    quotes as the HTML entity `&quot;`, and so does its JSON."""
    product, quantity = exc.facts.get("product"), exc.facts.get("quantity", 0)
    if product is None or "minimum" not in exc.facts:
        return exc.message
    name = f"&quot;{product.display_name}&quot;"
    if quantity < exc.facts["minimum"]:
        return f"The minimum quantity of {name} allowed in the cart is {exc.facts['minimum']}"
    if quantity > exc.facts["maximum"]:
        return f"The maximum quantity of {name} allowed in the cart is {exc.facts['maximum']}"
    return f"The quantity of {name} must be a multiple of {exc.facts['multiple_of']}"


def _coupon_message(exc, at) -> str:
    # CartController::apply_coupon's wording for a code already in the cart.
    if exc.facts.get("reason") == "already_applied":
        return f'Coupon code "{exc.facts.get("code", "")}" has already been applied.'
    return exc.message


def _coupon_code(exc, at):
    return (
        "woocommerce_rest_cart_coupon_errors"
        if _in_validation(at.stage)
        else ("woocommerce_rest_cart_coupon_error")
    )


def _address_message(exc, at) -> str:
    if at.stage == CUSTOMER:
        return f"Invalid parameter(s): {', '.join(_address_params(exc))}"
    kinds = sorted({key.split("_address.")[0] for key in exc.facts.get("errors", {})})
    return f"Invalid {' and '.join(kinds) or 'billing'} address provided."


def _address_code(exc, at) -> str:
    # update-customer validates the addresses as route parameters (WordPress's wording).
    return (
        "rest_invalid_param"
        if at.stage == CUSTOMER
        else "woocommerce_rest_checkout_invalid_address"
    )


def _address_details(exc, at) -> dict:
    if at.stage == CUSTOMER:
        return {"params": _address_params(exc), "details": _address_param_details(exc)}
    # WooCommerce's own order validation groups the messages per address.
    grouped: dict[str, list[str]] = {}
    for key, text in exc.facts.get("errors", {}).items():
        grouped.setdefault(key.split("_address.")[0], []).append(text)
    return {"params": dict(exc.facts.get("errors", {})), "errors": grouped}


def _address_keys(exc, kind: str) -> list[str]:
    return [k for k in exc.facts.get("errors", {}) if k.startswith(kind + ".")]


def _address_params(exc) -> dict:
    return {
        kind: " ".join(exc.facts["errors"][k] for k in keys)
        for kind in ("billing_address", "shipping_address")
        if (keys := _address_keys(exc, kind))
    }


def _address_param_details(exc) -> dict:
    """update-customer: WordPress's schema validation wording (reference §6)."""
    codes = exc.facts.get("codes", {})

    def one(key: str) -> dict:
        return {
            "code": codes.get(key, "invalid_" + key.split(".")[1]),
            "message": exc.facts["errors"][key],
            "data": {"status": 400},
        }

    details = {}
    for kind in ("billing_address", "shipping_address"):
        keys = _address_keys(exc, kind)
        if not keys:
            continue
        detail = one(keys[0])
        if len(keys) > 1:
            detail["additional_errors"] = [one(k) for k in keys[1:]]
        details[kind] = detail
    return details


def _cart_details(exc, at) -> dict:
    problems = exc.facts.get("problems", [])
    if not problems:
        return {}
    data: dict = {
        "additional_errors": [
            {"code": e.code, "message": e.message, "data": {"status": e.status}}
            for e in (TABLE.describe(p, at) for p in problems)
        ]
    }
    coupons = [p.code for p in problems if isinstance(p, domain.InvalidCoupon)]
    if coupons:
        data["removed_coupons"] = coupons
    return data


def _coupon_details(exc, at) -> dict:
    return {"removed_coupons": [exc.facts.get("code", "")]} if _in_validation(at.stage) else {}


def _rate_headers(exc, at) -> dict:
    return {
        "RateLimit-Limit": str(exc.facts.get("limit", 0)),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(exc.facts.get("reset_at", 0)),
        "RateLimit-Retry-After": str(exc.facts.get("retry_after", 0)),
    }


ROWS: dict[type[Exception], Row] = {
    domain.ProductNotFound: Row(
        "woocommerce_rest_cart_invalid_product",
        400,
        lambda e, at: "This product cannot be added to the cart.",
    ),
    domain.NotPurchasable: Row(
        _not_purchasable_code,
        _400_or_409,
        lambda e, at: f'Sorry, "{_product_name(e)}" cannot be purchased.',
    ),
    domain.InvalidVariation: Row(_variation_code, 400),
    domain.OutOfStock: Row(_stock_code, _400_or_409, _stock_message),
    domain.TooManyInCart: Row(_too_many_code, _400_or_409, _too_many_message),
    domain.InvalidQuantity: Row("invalid_quantity", 400, _quantity_message),
    domain.CartItemNotFound: Row("woocommerce_rest_cart_invalid_key", 409),
    domain.EmptyCart: Row(_empty_cart_code, 400),
    domain.CartCompleted: Row(
        _empty_cart_code, 400, lambda e, at: domain.EmptyCart.default_message
    ),
    # The seed's code for a cart with several problems; each problem's own WooCommerce code
    # follows in additional_errors (a single problem answers with its own code, as Woo does).
    domain.InvalidCart: Row("woocommerce_rest_checkout_invalid_cart", 409, details=_cart_details),
    domain.CartNotFound: Row(
        # No Store API route finds a cart by id (the session names it); WooCommerce's generic
        # cart error code, should a service raise it.
        "woocommerce_rest_cart_error",
        404,
    ),
    domain.InvalidCoupon: Row(_coupon_code, _400_or_409, _coupon_message, _coupon_details),
    # remove-coupon answers 400, DELETE /cart/coupons/{code} (and its GET) 404.
    domain.CouponNotApplied: Row(
        "woocommerce_rest_cart_coupon_invalid_code",
        lambda e, at: 404 if at.stage == COUPON_BY_CODE else 400,
    ),
    domain.InvalidAddress: Row(_address_code, 400, _address_message, _address_details),
    domain.InvalidShippingRate: Row(
        "woocommerce_rest_invalid_shipping_option",
        400,
        details=lambda e, at: {"rate_id": e.facts.get("rate_id", "")},
    ),
    domain.MissingPaymentMethod: Row("woocommerce_rest_checkout_missing_payment_method", 400),
    domain.InvalidPaymentMethod: Row(
        "woocommerce_rest_checkout_payment_method_disabled",
        400,
        lambda e, at: "This payment gateway is not available.",
    ),
    domain.TotalMismatch: Row(
        "woocommerce_rest_checkout_total_mismatch",
        409,
        lambda e, at: "The cart total has changed. Please review your order and try again.",
        lambda e, at: {
            "expected_total": str(e.facts.get("expected")),
            "actual_total": str(e.facts.get("actual")),
        },
    ),
    domain.PaymentRequired: Row("woocommerce_rest_checkout_payment_required", 400),
    # A gateway that threw rather than answering (WooCommerce folds this into
    # woocommerce_rest_checkout_process_payment_error; the seed names it payment_error).
    domain.PaymentDeclined: Row("woocommerce_rest_checkout_payment_error", 400),
    domain.PaymentFailed: Row("woocommerce_rest_checkout_payment_error", 400),
    # No Store API route refunds (refunds are admin's, through the gateway); wc/v3's code.
    domain.RefundNotPossible: Row("woocommerce_rest_cannot_create_order_refund", 400),
    domain.OrderNotFound: Row("woocommerce_rest_invalid_order", 404),
    domain.InvalidOrderKey: Row("woocommerce_rest_invalid_order", 401),
    domain.OrderOwnedByAnother: Row("woocommerce_rest_invalid_user", 403),
    domain.InvalidBillingEmail: Row("woocommerce_rest_invalid_billing_email", 401),
    domain.OrderNotPayable: Row("invalid_order_update_status", 400),
    domain.InvalidStatusTransition: Row("invalid_order_update_status", 400),
    domain.RateLimited: Row(  # Woo answers 400, not 429
        "rate_limit_exceeded", 400, headers=_rate_headers
    ),
    domain.NotAuthenticated: Row(
        lambda e, at: (
            "woocommerce_rest_guest_checkout_disabled"
            if at.stage in (CHECKOUT, CALC_TOTALS)
            else "rest_not_logged_in"
        ),
        lambda e, at: 403 if at.stage in (CHECKOUT, CALC_TOTALS) else 401,
    ),
    # WooCommerce has no switch for this; the hub's own code, in Woo's naming.
    domain.CheckoutDisabled: Row("woocommerce_rest_checkout_disabled", 403),
    domain.ServerError: Row("woocommerce_rest_unknown_server_error", 500),
    domain.UnknownScenario: Row(
        "rest_invalid_param", 400, details=lambda e, at: {"params": {"X-Hub-Scenario": e.message}}
    ),
    # The Store API takes no Idempotency-Key; the hub's own code, in Woo's naming, should a
    # shared service raise it.
    IdempotencyConflict: Row("woocommerce_rest_idempotency_conflict", 409),
    # The Store API's checkout is the cart itself (no session object); should a shared service
    # meet an unusable checkout session, the hub's own code in Woo's naming.
    domain.CheckoutSessionUnavailable: Row("woocommerce_rest_checkout_session_invalid", 404),
}

TABLE = ErrorTable(ROWS, fallback=ROWS[domain.ServerError])


def describe(exc: domain.DomainError, stage: str = "") -> WireError:
    """The wire answer (code, status, message, details) for a domain error at `stage`."""
    return TABLE.describe(exc, Situation(stage=stage))


class StoreApiErrorHandler(wp.WordPressErrorHandler):
    """DRF exception handler for every Store API view."""

    table = TABLE
    log = logging.getLogger("checkout_hub.woo_store")
    server_error_code = "woocommerce_rest_unknown_server_error"

    def render(self, error, situation):
        response = super().render(error, situation)
        view = situation.view
        if error.status == 409 and view is not None and hasattr(view, "cart_data"):
            response.data["data"]["cart"] = view.cart_data()
        return response


handle = StoreApiErrorHandler()
