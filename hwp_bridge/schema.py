"""drf-spectacular for the HWP bridge: the envelope around every reply, one documented example
per error code and status, and the cookie session as an OpenAPI security scheme."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    inline_serializer,
)
from rest_framework import serializers

from . import errors
from .serializers import (
    HwpCartMetaSerializer,
    HwpErrorEnvelopeSerializer,
    HwpHealthSerializer,
    HwpMetaSerializer,
    HwpNonceSerializer,
    HwpRedirectResultSerializer,
    HwpTokenHandoffResultSerializer,
)

META = {
    "correlationId": "0c1e9d0b-cc00-4c8a-9d3f-5c0b6ad1772c",
    "correlation_id": "0c1e9d0b-cc00-4c8a-9d3f-5c0b6ad1772c",
    "request_id": "0c1e9d0b-cc00-4c8a-9d3f-5c0b6ad1772c",
    "timestamp": "2025-01-01T00:00:00Z",
}


class CookieSessionScheme(OpenApiAuthenticationExtension):
    target_class = "hwp_bridge.auth.CookieSessionAuthentication"
    name = "WordPressCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": (
                "The login session (WordPress's logged-in cookie). Optional: guests check out "
                "when guest checkout is on. Mutating routes also need X-WP-Nonce."
            ),
        }


def envelope(name: str, data, meta=HwpMetaSerializer):
    """`{data, meta}` around `data` (a serializer class or instance)."""
    return inline_serializer(
        name,
        {"data": data() if isinstance(data, type) else data, "meta": meta()},
    )


def success(name: str, data, description: str = "", examples=(), meta=HwpMetaSerializer):
    return OpenApiResponse(
        envelope(name, data, meta),
        description=description,
        examples=[
            OpenApiExample(title, value={"data": value, "meta": META}, response_only=True)
            for title, value in examples
        ],
    )


def failure(description: str, *cases: tuple[str, str, dict]) -> OpenApiResponse:
    """An error status: each case is (code, message, details)."""
    return OpenApiResponse(
        HwpErrorEnvelopeSerializer,
        description=description,
        examples=[
            OpenApiExample(
                code if len(cases) == 1 else f"{code} ({message[:40]})",
                value={
                    "error": {"code": code, "message": message, "details": details},
                    "meta": META,
                },
                response_only=True,
            )
            for code, message, details in cases
        ],
    )


def validation(*fields: tuple[str, str]) -> tuple[str, str, dict]:
    return (
        errors.VALIDATION_FAILED,
        errors.VALIDATION_MESSAGE,
        {"formErrors": [], "fieldErrors": {path: [message] for path, message in fields}},
    )


# --- the errors every route can answer ---
NOT_FOUND = failure(
    "Anything else under /wp-json/headlesswp/v1/.",
    (errors.NOT_FOUND, "No route was found matching the URL and request method.", {}),
)
METHOD_NOT_ALLOWED = failure(
    "The route does not take this method.",
    (errors.METHOD_NOT_ALLOWED, 'Method "POST" is not allowed on this route.', {"method": "POST"}),
)
INTERNAL_ERROR = failure(
    "Anything unexpected (also the server_error scenario).",
    (errors.INTERNAL_ERROR, "An unexpected error occurred. Please try again.", {}),
)
COMMON = {405: METHOD_NOT_ALLOWED, 500: INTERNAL_ERROR}

# --- POST store/checkout-session ---
STRIPE_DECLINE = {
    "safeReason": "stripe_error",
    "phase": "checkout_session",
    "step": "stripe_request",
    "gatewayError": {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "param": None,
        "message": "Your card has insufficient funds.",
    },
    "gatewayRequestId": "req_123",
}
STRIPE_FAILURE = {
    **STRIPE_DECLINE,
    "gatewayError": {
        "type": "invalid_request_error",
        "code": "parameter_invalid_empty",
        "decline_code": None,
        "param": "payment_method",
        "message": "Payment method is required.",
    },
}

CHECKOUT_RESULT = PolymorphicProxySerializer(
    component_name="HwpCheckoutSessionResult",
    serializers=[HwpRedirectResultSerializer, HwpTokenHandoffResultSerializer],
    resource_type_field_name=None,
)

CHECKOUT_PARAMETERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("ref", "Affiliate ref id (AffiliateWP): stamps referral attribution."),
        ("campaign", "Affiliate campaign slug."),
        ("utm_source", "UTM source (source_type=utm without a ref)."),
        ("utm_medium", "UTM medium."),
        ("utm_campaign", "UTM campaign."),
        ("utm_content", "UTM content."),
    )
] + [
    OpenApiParameter(
        "X-WP-Nonce",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description="The wp_rest nonce from GET /nonce (CSRF_FAILED without it).",
    ),
    OpenApiParameter(
        "Idempotency-Key",
        str,
        OpenApiParameter.HEADER,
        description=(
            "Replays the first reply to the same key and body; another body is 409 "
            "IDEMPOTENCY_KEY_REUSE_CONFLICT."
        ),
    ),
    OpenApiParameter(
        "X-Correlation-Id",
        str,
        OpenApiParameter.HEADER,
        description="Echoed in meta and the X-Correlation-Id header (<= 128 of [A-Za-z0-9._:-]).",
    ),
]

CHECKOUT_RESPONSES = {
    200: success(
        "HwpCheckoutSessionReply",
        CHECKOUT_RESULT,
        "redirect_to_woo: the order-pay URL of a pending order. token_handoff: the payment.",
        [
            (
                "redirect_to_woo",
                {
                    "checkoutUrl": "http://127.0.0.1:8000/checkout/order-pay/123/"
                    "?pay_for_order=true&key=wc_order_AbCdEfGhIjKlM",
                    "orderId": "123",
                },
            ),
            (
                "token_handoff (paid)",
                {
                    "orderId": 123,
                    "mode": "token_handoff",
                    "strategy": "token_handoff",
                    "provider": "stripe",
                    "paymentStatus": "paid",
                    "status": "succeeded",
                },
            ),
            (
                "token_handoff (3-D Secure)",
                {
                    "orderId": 123,
                    "mode": "token_handoff",
                    "strategy": "token_handoff",
                    "provider": "stripe",
                    "paymentStatus": "pending",
                    "status": "requires_action",
                    "nextAction": {"type": "redirect_to_url", "url": "https://hooks.stripe.com/…"},
                },
            ),
        ],
    ),
    401: failure(
        "Guest checkout is off (HWP_GUEST_CHECKOUT) and nobody is logged in; also the "
        "not_authenticated scenario.",
        (errors.NOT_AUTHENTICATED, "You must be logged in to check out.", {}),
    ),
    402: failure(
        "Stripe declined the card (token_handoff). Sensitive decline codes (lost_card, "
        "stolen_card, fraudulent, merchant_blacklist) read payment_card_declined_generic.",
        (errors.CHECKOUT_FAILED, errors.CHECKOUT_FAILED_MESSAGE, STRIPE_DECLINE),
    ),
    403: failure(
        "Missing or invalid X-WP-Nonce.",
        (errors.CSRF_FAILED, "Missing X-WP-Nonce header: this route requires a nonce.", {}),
    ),
    409: failure(
        "The cart cannot be bought (stock), or the Idempotency-Key was used with another body "
        "or its first request is still running.",
        (
            errors.CHECKOUT_FAILED,
            '"Belt" is out of stock and cannot be purchased.',
            {
                "phase": "checkout_session",
                "step": "cart",
                "safeReason": "out_of_stock",
                "productId": 6,
                "itemIndex": 0,
                "requested": 1,
                "available": 0,
            },
        ),
        (
            errors.IDEMPOTENCY_KEY_REUSE_CONFLICT,
            "This idempotency key was already used with different parameters.",
            {"reason": "mismatch"},
        ),
    ),
    405: METHOD_NOT_ALLOWED,
    413: failure(
        "The body is larger than HWP_MAX_BODY_BYTES.",
        (
            errors.REQUEST_TOO_LARGE,
            "The request body is too large (at most 65536 bytes).",
            {"maxBytes": 65536},
        ),
    ),
    415: failure(
        "The body is not JSON.",
        (
            errors.UNSUPPORTED_MEDIA_TYPE,
            'Unsupported media type "text/plain": send application/json.',
            {},
        ),
    ),
    422: failure(
        "The body failed validation (zod flatten() style paths), or names an unknown product, "
        "variation, coupon or a bad address.",
        validation(("items[0].quantity", "Ensure this value is less than or equal to 50.")),
        validation(("items[0].productId", "This product cannot be found.")),
        validation(("couponCode", "This coupon has expired.")),
        validation(("billingAddress.postcode", "The provided postcode / ZIP is not valid.")),
        validation(("paymentToken", "Required for the token_handoff strategy.")),
        validation(("unexpected", "Unknown field.")),
    ),
    429: failure(
        "More than HWP_RATE_LIMIT requests in HWP_RATE_LIMIT_SECONDS from this IP (Retry-After "
        "says how long to wait); also the rate_limited scenario.",
        (
            errors.RATE_LIMITED,
            "Too many requests. Please wait 60 seconds before trying again.",
            {"retryAfter": 60, "limit": 5},
        ),
    ),
    500: INTERNAL_ERROR,
    501: failure(
        "An unknown strategy.",
        (
            errors.CHECKOUT_NOT_IMPLEMENTED,
            'Checkout strategy "paypal_popup" is not implemented.',
            {
                "strategy": "paypal_popup",
                "supportedStrategies": ["redirect_to_woo", "token_handoff"],
            },
        ),
    ),
    502: failure(
        "Stripe failed otherwise (not a card decline) during token_handoff.",
        (errors.CHECKOUT_FAILED, errors.CHECKOUT_FAILED_MESSAGE, STRIPE_FAILURE),
    ),
    503: failure(
        "Checkout is switched off (HUB_CHECKOUT_ENABLED, the checkout_disabled scenario), or "
        "token_handoff while Stripe is not among HUB_PAYMENT_METHODS.",
        (errors.CHECKOUT_DISABLED, "Checkout is currently disabled.", {}),
        (
            errors.CHECKOUT_STRIPE_NOT_CONFIGURED,
            "Stripe is not configured, so token handoff checkout is unavailable.",
            {"provider": "stripe", "strategy": "token_handoff"},
        ),
    ),
}

# --- the GET routes ---
NONCE_RESPONSES = {
    200: success(
        "HwpNonceReply",
        HwpNonceSerializer,
        "A wp_rest nonce for X-WP-Nonce, and the logged-in user (null for guests).",
        [
            (
                "logged out",
                {
                    "nonce": "df1b8d2d2c",
                    "headerName": "X-WP-Nonce",
                    "userLoggedIn": False,
                    "user": None,
                },
            )
        ],
    ),
    **COMMON,
}
HEALTH_RESPONSES = {200: success("HwpHealthReply", HwpHealthSerializer), **COMMON}
CART_RESPONSES = {
    200: success(
        "HwpStoreCartReply",
        serializers.DictField(help_text="The WooCommerce Store API cart, passed through."),
        "The Store API cart of the Cart-Token's session (a new one without it).",
        meta=HwpCartMetaSerializer,
    ),
    **COMMON,
}
