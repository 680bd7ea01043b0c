"""Domain exceptions: raised once by the services, rendered by each vendor's errors table.

Each carries the facts a vendor needs to build its own message (product, quantities, field
errors, gateway codes) and a hub-level `code` that the hub's own endpoints and the journal use.
A vendor's `errors.py` maps these classes to its codes, statuses and envelope; nothing here
knows a vendor's wire format.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "hub_error"
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, **facts: Any):
        self.message = message or self.default_message
        self.facts = facts
        super().__init__(self.message)

    def __getattr__(self, name: str) -> Any:
        # Facts read as attributes (err.product, err.requested); only called for missing attrs.
        facts = self.__dict__.get("facts", {})
        if name in facts:
            return facts[name]
        raise AttributeError(name)


# --- catalogue and cart ---
class ProductNotFound(DomainError):
    code = "product_not_found"
    default_message = "This product cannot be found."


class NotPurchasable(DomainError):
    """facts: product"""

    code = "not_purchasable"
    default_message = "This product cannot be purchased."


class InvalidVariation(DomainError):
    """facts: product, reason ('missing_attributes', 'invalid_value', 'no_match'), attributes"""

    code = "invalid_variation"
    default_message = "Please choose product options."


class OutOfStock(DomainError):
    """facts: product, requested, available (0 = none left; >0 = only that many)."""

    code = "out_of_stock"

    def __init__(self, message: str | None = None, *, product=None, requested=0, available=0):
        name = product.display_name if product is not None else "This product"
        if not message:
            if available > 0:
                message = (
                    f'Not enough units of "{name}" are available in stock '
                    f"({available} remaining, {requested} requested)."
                )
            else:
                message = f'"{name}" is out of stock and cannot be purchased.'
        super().__init__(message, product=product, requested=requested, available=available)

    @property
    def partially(self) -> bool:
        return self.available > 0


class TooManyInCart(DomainError):
    """A sold-individually product asked for more than once. facts: product"""

    code = "too_many_in_cart"
    default_message = "You cannot add another of this product to your cart."


class InvalidQuantity(DomainError):
    """facts: product, quantity, minimum, maximum, multiple_of"""

    code = "invalid_quantity"
    default_message = "The quantity is not allowed for this product."


class CartItemNotFound(DomainError):
    """facts: key"""

    code = "cart_item_not_found"
    default_message = "Cart item does not exist."


class EmptyCart(DomainError):
    code = "empty_cart"
    default_message = "Cannot create order from empty cart."


class InvalidCart(DomainError):
    """The cart cannot be checked out as it is. facts: problems (a list of DomainError)."""

    code = "invalid_cart"
    default_message = "There are some errors with the items in your cart."


class CartCompleted(DomainError):
    """facts: order (the order this cart already became)"""

    code = "cart_completed"
    default_message = "This cart has already been checked out."


class CartNotFound(DomainError):
    code = "cart_not_found"
    default_message = "Cart does not exist."


# --- coupons ---
class InvalidCoupon(DomainError):
    """facts: code, reason (one of REASONS)"""

    code = "invalid_coupon"
    REASONS = (
        "not_found",
        "disabled",
        "expired",
        "usage_limit",
        "minimum_spend",
        "maximum_spend",
        "not_applicable",
        "already_applied",
        "individual_use",
    )


class CouponNotApplied(DomainError):
    """facts: code"""

    code = "coupon_not_applied"
    default_message = "Coupon cannot be removed because it is not already applied to the cart."


# --- addresses, shipping, payment methods ---
class InvalidAddress(DomainError):
    """facts: errors {"billing_address.email": "message", ...}, codes {same keys: code}."""

    code = "invalid_address"
    default_message = "Invalid address provided."


class InvalidShippingRate(DomainError):
    """facts: rate_id, available (list of rate ids)"""

    code = "invalid_shipping_rate"
    default_message = "Sorry, this order requires a shipping option."


class MissingPaymentMethod(DomainError):
    code = "missing_payment_method"
    default_message = "No payment method provided."


class InvalidPaymentMethod(DomainError):
    """facts: payment_method, available"""

    code = "invalid_payment_method"
    default_message = "This payment method is not available."


class TotalMismatch(DomainError):
    """facts: expected, actual (minor units)"""

    code = "total_mismatch"
    default_message = "The order total does not match the expected total."


# --- payments ---
class PaymentDeclined(DomainError):
    """The gateway refused the charge. facts: gateway, gateway_code, decline_code, param,
    error_type, request_id, order."""

    code = "payment_declined"
    default_message = "Your card was declined."


class PaymentFailed(DomainError):
    """The gateway could not be reached or errored. facts: gateway, order, request_id"""

    code = "payment_failed"
    default_message = "Payment processing failed. Please try again."


class RefundNotPossible(DomainError):
    """facts: order, requested (minor units)"""

    code = "refund_not_possible"
    default_message = "This order cannot be refunded."


class PaymentRequired(DomainError):
    code = "payment_required"
    default_message = "This order requires payment."


# --- orders ---
class OrderNotFound(DomainError):
    code = "order_not_found"
    default_message = "Invalid order ID or key provided."


class InvalidOrderKey(DomainError):
    code = "invalid_order_key"
    default_message = "Invalid order ID or key provided."


class OrderOwnedByAnother(DomainError):
    """A logged-in customer's order asked for by someone else. facts: order"""

    code = "order_owned_by_another"
    default_message = "This order belongs to a different customer."


class InvalidBillingEmail(DomainError):
    """A guest order asked for with a billing email that is not the order's. facts: order"""

    code = "invalid_billing_email"
    default_message = "Invalid billing email provided."


class OrderNotPayable(DomainError):
    """facts: order"""

    code = "order_not_payable"
    default_message = "This order cannot be paid for."


class InvalidStatusTransition(DomainError):
    """facts: kind, current, requested"""

    code = "invalid_status_transition"


# --- access and availability ---
class RateLimited(DomainError):
    """facts: limit, remaining, reset_at (unix ts), retry_after (seconds)"""

    code = "rate_limited"

    def __init__(self, message=None, *, limit=0, remaining=0, reset_at=0, retry_after=1):
        message = message or (
            f"Too many requests. Please wait {retry_after} seconds before trying again."
        )
        super().__init__(
            message, limit=limit, remaining=remaining, reset_at=reset_at, retry_after=retry_after
        )


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    default_message = "You must be logged in to do this."


class CheckoutDisabled(DomainError):
    code = "checkout_disabled"
    default_message = "Checkout is currently disabled."


class ServerError(DomainError):
    code = "server_error"
    default_message = "An unexpected error occurred. Please try again."
    # The HTTP status a vendor answers it with: its own 500 row's, unless a fault scenario
    # sets another (502, 503, 504), the vendor's envelope kept (checkout_hub.api.errors).
    fault_status: int | None = None


class BadGateway(ServerError):
    code = "bad_gateway"
    default_message = "The server received an invalid response from an upstream server."
    fault_status = 502


class ServiceUnavailable(ServerError):
    code = "service_unavailable"
    default_message = "The service is temporarily unavailable. Please try again later."
    fault_status = 503


class GatewayTimeout(ServerError):
    code = "gateway_timeout"
    default_message = "The server did not answer in time."
    fault_status = 504


class UnknownScenario(DomainError):
    """facts: name, valid (the known scenario names)"""

    code = "unknown_scenario"


# --- checkout sessions (checkout_hub.services.checkout_sessions) ---
class CheckoutSessionUnavailable(DomainError):
    """A checkout session cannot be used (any of the reasons below); a vendor that answers
    them all alike (Pancake: 404 "session not found/expired") maps this one class.
    facts: session_id, and session when one was found."""

    code = "checkout_session_unavailable"
    default_message = "This checkout session cannot be used."


class CheckoutSessionNotFound(CheckoutSessionUnavailable):
    """Raised by `checkout_sessions.get_open()` when no session has the id asked for."""

    code = "checkout_session_not_found"
    default_message = "Checkout session not found."


class CheckoutSessionExpired(CheckoutSessionUnavailable):
    """Raised by `checkout_sessions.get_open()` for a session past its `expires_at` by the
    hub's clock (it is marked expired on the way) or already expired."""

    code = "checkout_session_expired"
    default_message = "This checkout session has expired."


class CheckoutSessionCompleted(CheckoutSessionUnavailable):
    """Raised by `checkout_sessions.get_open()` for a session that already produced its paid
    order. facts: order (that order, for a vendor that redirects to its success page)."""

    code = "checkout_session_completed"
    default_message = "This checkout session has already been completed."


class CheckoutSessionCancelled(CheckoutSessionUnavailable):
    """Raised by `checkout_sessions.get_open()` for a session cancelled by the merchant, the
    buyer or admin."""

    code = "checkout_session_cancelled"
    default_message = "This checkout session has been cancelled."
