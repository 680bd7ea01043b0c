"""Every error the Store API answers, in WordPress's envelope: `{code, message, data: {status}}`.

One table (`TABLE`) maps each domain exception to its WooCommerce code and HTTP status; a few
codes depend on where the error arose (`stage`: adding an item is a 400, the same stock
problem found while validating the cart for checkout is a 409). Every 409 carries `data.cart`
so the client can resync. DRF's own errors come out as WordPress says them (`rest_invalid_json`,
`rest_no_route`, `rest_missing_callback_param`, `rest_invalid_param`), and anything unexpected
as `woocommerce_rest_unknown_server_error`, never an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.services import errors as domain

log = logging.getLogger("checkout_hub.woo_store")

# Stages a view declares (view.error_stage) where a code or status differs.
ADD = "add"  # add-item, POST /cart/items
UPDATE = "update"  # update-item, PUT /cart/items/{key}
CUSTOMER = "customer"  # update-customer
COUPON_BY_CODE = "coupon_by_code"  # /cart/coupons/{code}
CHECKOUT = "checkout"  # POST /checkout: the cart is validated
CALC_TOTALS = "calc_totals"  # PUT /checkout?__experimental_calc_totals=true


class WooError(drf.APIException):
    """An error only the Store API knows (nonces, parameters, routes), rendered as given."""

    def __init__(self, code: str, message: str, status: int = 400, **data):
        self.code, self.message, self.status_code, self.data = code, message, status, data
        super().__init__(message, code)


def no_route() -> WooError:
    return WooError("rest_no_route", "No route was found matching the URL and request method.", 404)


@dataclass(frozen=True)
class Row:
    code: str | Callable[[domain.DomainError, str], str]
    status: int | Callable[[domain.DomainError, str], int]
    message: Callable[[domain.DomainError, str], str] | None = None


def _product_name(exc) -> str:
    product = exc.facts.get("product")
    return product.display_name if product is not None else "This product"


def _stock_code(exc, stage):
    return (
        "woocommerce_rest_product_partially_out_of_stock"
        if exc.partially
        else "woocommerce_rest_product_out_of_stock"
    )


def _stock_message(exc, stage) -> str:
    if exc.partially:
        return (
            f'You cannot add that amount of "{_product_name(exc)}" to the cart because there '
            f"is not enough stock ({exc.available} remaining)."
        )
    return f'You cannot add "{_product_name(exc)}" to the cart because the product is out of stock.'


def _in_validation(stage: str) -> bool:
    return stage in (CHECKOUT, CALC_TOTALS)


def _400_or_409(exc, stage) -> int:
    return 409 if _in_validation(stage) else 400


VARIATION_CODES = {
    "invalid_variation_id": "woocommerce_rest_cart_invalid_parent_product",
    "invalid_value": "woocommerce_rest_invalid_variation_data",
    "missing_attributes": "woocommerce_rest_missing_attributes",
    "no_match": "woocommerce_rest_variation_id_from_variation_data",
}


def _variation_code(exc, stage):
    if exc.facts.get("reason") == "missing_attributes" and exc.facts.get("nothing_chosen"):
        return "woocommerce_rest_missing_variation_data"
    return VARIATION_CODES.get(exc.facts.get("reason"), "woocommerce_rest_invalid_variation_data")


def _not_purchasable_code(exc, stage):
    # A variation whose parent product is not published (WooCommerce's parent check).
    product = exc.facts.get("product")
    if product is not None and product.parent_id and product.parent.status != "publish":
        return "woocommerce_rest_cart_invalid_parent_product"
    return "woocommerce_rest_product_not_purchasable"


def _empty_cart_code(exc, stage):
    # The seed documents woocommerce_rest_checkout_cart_empty for POST /checkout; WooCommerce's
    # cart validation (PUT with __experimental_calc_totals) says woocommerce_rest_cart_empty.
    if stage == CALC_TOTALS:
        return "woocommerce_rest_cart_empty"
    return "woocommerce_rest_checkout_cart_empty"


def _address_message(exc, stage) -> str:
    kinds = sorted({key.split("_address.")[0] for key in exc.facts.get("errors", {})})
    return f"Invalid {' and '.join(kinds) or 'billing'} address provided."


def _too_many_code(exc, stage):
    # A sold-individually line's quantity is not editable: adding it again or raising it is
    # readonly_quantity; finding more than one in the cart at validation is too_many_in_cart.
    if stage in (ADD, UPDATE):
        return "readonly_quantity"
    return "woocommerce_rest_product_too_many_in_cart"


def _too_many_message(exc, stage) -> str:
    if stage in (ADD, UPDATE):
        return f'The quantity of "{_product_name(exc)}" cannot be changed'
    return f'There are too many "{_product_name(exc)}" in the cart. Only 1 can be purchased.'


def _coupon_code(exc, stage):
    return (
        "woocommerce_rest_cart_coupon_errors"
        if _in_validation(stage)
        else ("woocommerce_rest_cart_coupon_error")
    )


TABLE: dict[type[domain.DomainError], Row] = {
    domain.ProductNotFound: Row(
        "woocommerce_rest_cart_invalid_product",
        400,
        lambda e, s: "This product cannot be added to the cart.",
    ),
    domain.NotPurchasable: Row(
        _not_purchasable_code,
        _400_or_409,
        lambda e, s: f'Sorry, "{_product_name(e)}" cannot be purchased.',
    ),
    domain.InvalidVariation: Row(_variation_code, 400),
    domain.OutOfStock: Row(_stock_code, _400_or_409, _stock_message),
    domain.TooManyInCart: Row(_too_many_code, _400_or_409, _too_many_message),
    domain.InvalidQuantity: Row("invalid_quantity", 400),
    domain.CartItemNotFound: Row("woocommerce_rest_cart_invalid_key", 409),
    domain.EmptyCart: Row(_empty_cart_code, 400),
    domain.CartCompleted: Row(_empty_cart_code, 400, lambda e, s: domain.EmptyCart.default_message),
    # The seed's code for a cart with several problems; each problem's own WooCommerce code
    # follows in additional_errors (a single problem answers with its own code, as Woo does).
    domain.InvalidCart: Row("woocommerce_rest_checkout_invalid_cart", 409),
    domain.InvalidCoupon: Row(_coupon_code, _400_or_409),
    domain.CouponNotApplied: Row(
        "woocommerce_rest_cart_coupon_invalid_code",
        lambda e, stage: 404 if stage == COUPON_BY_CODE else 409,
    ),
    domain.InvalidAddress: Row("woocommerce_rest_checkout_invalid_address", 400, _address_message),
    domain.InvalidShippingRate: Row("woocommerce_rest_invalid_shipping_option", 400),
    domain.MissingPaymentMethod: Row("woocommerce_rest_checkout_missing_payment_method", 400),
    domain.InvalidPaymentMethod: Row(
        "woocommerce_rest_checkout_payment_method_disabled",
        400,
        lambda e, s: "This payment gateway is not available.",
    ),
    domain.TotalMismatch: Row(
        "woocommerce_rest_checkout_total_mismatch",
        409,
        lambda e, s: "The cart total has changed. Please review your order and try again.",
    ),
    domain.PaymentRequired: Row("woocommerce_rest_checkout_payment_required", 400),
    # A gateway that threw rather than answering (WooCommerce folds this into
    # woocommerce_rest_checkout_process_payment_error; the seed names it payment_error).
    domain.PaymentDeclined: Row("woocommerce_rest_checkout_payment_error", 400),
    domain.PaymentFailed: Row("woocommerce_rest_checkout_payment_error", 400),
    domain.OrderNotFound: Row("woocommerce_rest_invalid_order", 404),
    domain.InvalidOrderKey: Row("woocommerce_rest_invalid_order", 401),
    domain.OrderNotPayable: Row("invalid_order_update_status", 400),
    domain.InvalidStatusTransition: Row("invalid_order_update_status", 400),
    domain.RateLimited: Row("rate_limit_exceeded", 400),  # Woo answers 400, not 429
    domain.NotAuthenticated: Row(
        lambda e, stage: (
            "woocommerce_rest_guest_checkout_disabled"
            if stage in (CHECKOUT, CALC_TOTALS)
            else "rest_not_logged_in"
        ),
        lambda e, stage: 403 if stage in (CHECKOUT, CALC_TOTALS) else 401,
    ),
    # WooCommerce has no switch for this; the hub's own code, in Woo's naming.
    domain.CheckoutDisabled: Row("woocommerce_rest_checkout_disabled", 403),
    domain.ServerError: Row("woocommerce_rest_unknown_server_error", 500),
    domain.UnknownScenario: Row("rest_invalid_param", 400),
}


def _row_for(exc: domain.DomainError) -> Row:
    for cls in type(exc).__mro__:
        if cls in TABLE:
            return TABLE[cls]
    return TABLE[domain.ServerError]


def describe(exc: domain.DomainError, stage: str = "") -> tuple[str, int, str]:
    """(code, status, message) for a domain error at `stage`."""
    row = _row_for(exc)
    code = row.code(exc, stage) if callable(row.code) else row.code
    status = row.status(exc, stage) if callable(row.status) else row.status
    message = row.message(exc, stage) if row.message else exc.message
    return code, status, message


def _domain_body(exc: domain.DomainError, stage: str) -> tuple[dict, int]:
    code, status, message = describe(exc, stage)
    data: dict = {"status": status}
    if isinstance(exc, domain.InvalidAddress):
        if stage == CUSTOMER:
            return _address_param_body(exc), 400
        data["params"] = dict(exc.facts.get("errors", {}))
        # WooCommerce's own order validation groups the messages per address.
        grouped: dict[str, list[str]] = {}
        for key, text in exc.facts.get("errors", {}).items():
            grouped.setdefault(key.split("_address.")[0], []).append(text)
        data["errors"] = grouped
    elif isinstance(exc, domain.InvalidCart):
        problems = exc.facts.get("problems", [])
        if problems:
            data["additional_errors"] = [
                {"code": c, "message": m, "data": {"status": s}}
                for c, s, m in (describe(p, stage) for p in problems)
            ]
            coupons = [p.code for p in problems if isinstance(p, domain.InvalidCoupon)]
            if coupons:
                data["removed_coupons"] = coupons
    elif isinstance(exc, domain.InvalidCoupon) and _in_validation(stage):
        data["removed_coupons"] = [exc.facts.get("code", "")]
    elif isinstance(exc, domain.InvalidShippingRate):
        data["rate_id"] = exc.facts.get("rate_id", "")
    elif isinstance(exc, domain.UnknownScenario):
        data["params"] = {"X-Hub-Scenario": exc.message}
    elif isinstance(exc, domain.TotalMismatch):
        data["expected_total"] = str(exc.facts.get("expected"))
        data["actual_total"] = str(exc.facts.get("actual"))
    return {"code": code, "message": message, "data": data}, status


def _address_param_body(exc: domain.InvalidAddress) -> dict:
    """update-customer: WordPress's schema validation wording (reference §6)."""
    params, details = {}, {}
    codes = exc.facts.get("codes", {})
    for kind in ("billing_address", "shipping_address"):
        keys = [k for k in exc.facts.get("errors", {}) if k.startswith(kind + ".")]
        if not keys:
            continue
        messages = [exc.facts["errors"][k] for k in keys]
        params[kind] = " ".join(messages)
        first = keys[0]
        detail = {
            "code": codes.get(first, "invalid_" + first.split(".")[1]),
            "message": exc.facts["errors"][first],
            "data": {"status": 400},
        }
        if len(keys) > 1:
            detail["additional_errors"] = [
                {
                    "code": codes.get(k, "invalid_" + k.split(".")[1]),
                    "message": exc.facts["errors"][k],
                    "data": {"status": 400},
                }
                for k in keys[1:]
            ]
        details[kind] = detail
    return {
        "code": "rest_invalid_param",
        "message": f"Invalid parameter(s): {', '.join(params)}",
        "data": {"status": 400, "params": params, "details": details},
    }


def _validation_body(exc: drf.ValidationError) -> dict:
    """DRF field errors as WordPress's missing/invalid parameter errors."""
    detail = exc.detail if isinstance(exc.detail, dict) else {"body": exc.detail}
    codes = exc.get_codes() if isinstance(exc.get_codes(), dict) else {}
    missing = [name for name, c in codes.items() if c == ["required"] or c == "required"]
    if missing:
        return {
            "code": "rest_missing_callback_param",
            "message": f"Missing parameter(s): {', '.join(missing)}",
            "data": {"status": 400, "params": missing},
        }
    params, details = {}, {}
    for name, messages in detail.items():
        text = _flatten(messages)
        params[name] = text
        details[name] = {"code": _detail_code(codes.get(name)), "message": text, "data": None}
    return {
        "code": "rest_invalid_param",
        "message": f"Invalid parameter(s): {', '.join(params)}",
        "data": {"status": 400, "params": params, "details": details},
    }


DRF_TO_WP_CODES = {
    "invalid": "rest_invalid_type",
    "max_value": "rest_out_of_bounds",
    "min_value": "rest_out_of_bounds",
    "invalid_choice": "rest_not_in_enum",
    "not_a_list": "rest_invalid_type",
    "not_a_dict": "rest_invalid_type",
}


def _detail_code(codes) -> str:
    """WordPress's detail code for a field's first DRF error code."""
    while isinstance(codes, list | dict):
        if not codes:
            return "rest_invalid_param"
        codes = codes[0] if isinstance(codes, list) else next(iter(codes.values()))
    code = str(codes or "")
    return code if code.startswith("rest_") else DRF_TO_WP_CODES.get(code, "rest_invalid_param")


def _flatten(messages) -> str:
    if isinstance(messages, dict):
        return " ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


def handle(exc, context):
    """DRF exception handler for every Store API view."""
    view = context.get("view")
    stage = getattr(view, "error_stage", "") or ""
    headers = {}
    if isinstance(exc, WooError):
        body = {"code": exc.code, "message": exc.message, "data": {"status": exc.status_code}}
        body["data"].update(exc.data)
        status = exc.status_code
    elif isinstance(exc, domain.DomainError):
        body, status = _domain_body(exc, stage)
        if isinstance(exc, domain.RateLimited):
            headers = {
                "RateLimit-Limit": str(exc.facts.get("limit", 0)),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(exc.facts.get("reset_at", 0)),
                "RateLimit-Retry-After": str(exc.facts.get("retry_after", 0)),
            }
    elif isinstance(exc, drf.ParseError):
        status = 400
        body = {
            "code": "rest_invalid_json",
            "message": "Invalid JSON body passed.",
            "data": {"status": 400, "json_error_code": 4, "json_error_message": "Syntax error"},
        }
    elif isinstance(exc, drf.ValidationError):
        body, status = _validation_body(exc), 400
    elif isinstance(exc, drf.MethodNotAllowed | drf.NotFound | Http404):
        err = no_route()
        body, status = {"code": err.code, "message": err.message, "data": {"status": 404}}, 404
    elif isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed | drf.PermissionDenied):
        status = 401
        body = {
            "code": "rest_forbidden",
            "message": "Sorry, you are not allowed to do that.",
            "data": {"status": 401},
        }
    elif isinstance(exc, drf.APIException):
        status = exc.status_code
        body = {
            "code": f"rest_{exc.get_codes() if isinstance(exc.get_codes(), str) else 'error'}",
            "message": str(exc.detail),
            "data": {"status": status},
        }
    else:
        log.exception("Unexpected error in the Store API", exc_info=exc)
        status = 500
        body = {
            "code": "woocommerce_rest_unknown_server_error",
            "message": "Unknown server error.",
            "data": {"status": 500},
        }
    if status == 409 and view is not None and hasattr(view, "cart_data"):
        body["data"]["cart"] = view.cart_data()
    return Response(body, status=status, headers=headers)
