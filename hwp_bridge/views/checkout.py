"""POST /wp-json/headlesswp/v1/store/checkout-session: start a WooCommerce checkout through
the HWP bridge, by redirect (`redirect_to_woo`: a pending order and its order-pay URL) or by
token handoff (`token_handoff`: the order paid at once with a Stripe payment method).

Checks run in this order, each with its own code: RATE_LIMITED, CSRF_FAILED,
NOT_AUTHENTICATED, VALIDATION_FAILED, CHECKOUT_NOT_IMPLEMENTED, CHECKOUT_DISABLED, the
token_handoff fields, CHECKOUT_STRIPE_NOT_CONFIGURED, IDEMPOTENCY_KEY_REUSE_CONFLICT; then
the cart and order (VALIDATION_FAILED for what the request names, CHECKOUT_FAILED for what
cannot be bought) and the payment (CHECKOUT_FAILED).
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema

from checkout_hub.api import RateLimit
from checkout_hub.api.idempotency import IdempotentRequestMixin
from checkout_hub.services import checkout, idempotency
from checkout_hub.services.errors import NotAuthenticated

# HWP sits on a WooCommerce site: redirect_to_woo sends the buyer to WooCommerce's order-pay
# page, which the Store API app serves (the one vendor-to-vendor import the layering allows).
from woo_store.pages import order_pay_url

from .. import auth, bridge, envelope, errors, schema
from ..serializers import STRATEGIES, STRATEGY_REDIRECT, STRATEGY_TOKEN, HwpCheckoutSessionRequest
from .base import HwpView

RATE_LIMIT_GROUP = "hwp_bridge:checkout-session"
TOKEN_FIELDS_MESSAGE = "Required for the token_handoff strategy."


def idempotency_scope(user) -> str:
    return f"hwp_bridge:checkout-session:{user.pk if user is not None else 'guest'}"


def request_fingerprint(query, body) -> str:
    """What makes two requests "the same" for an Idempotency-Key: the attribution query
    parameters and the parsed body."""
    return idempotency.fingerprint(bridge.attribution_params(query), body)


class CheckoutSessionView(IdempotentRequestMixin, HwpView):
    serializer_class = HwpCheckoutSessionRequest
    raw_form_example = {"items": [{"productId": 1, "quantity": 1}], "strategy": "redirect_to_woo"}
    idempotency_headers = ("Idempotency-Key", "X-Idempotency-Key")
    replay_headers = (envelope.HEADER, "Retry-After")

    @extend_schema(
        operation_id="hwp_checkout_session",
        summary="Create a checkout session (HWP WooCommerce checkout bridge)",
        request=HwpCheckoutSessionRequest,
        parameters=schema.CHECKOUT_PARAMETERS,
        responses=schema.CHECKOUT_RESPONSES,
    )
    def post(self, request):
        auth.check_nonce(request)
        self.check_guest(request)
        data = self.validated(HwpCheckoutSessionRequest)
        strategy = self.strategy(data)
        user = auth.user_of(request)
        checkout.ensure_open(user)
        if strategy == STRATEGY_TOKEN:
            missing = [name for name in ("paymentToken", "returnUrl") if not data.get(name)]
            if missing:
                raise errors.validation_failed({name: [TOKEN_FIELDS_MESSAGE] for name in missing})
            bridge.ensure_stripe()
        replay = self.claim_idempotency_key(request)
        if replay is not None:
            return replay

        meta = bridge.order_meta(
            request.query_params,
            request.headers.get("User-Agent"),
            strategy=strategy,
            return_url=data.get("returnUrl"),
            cancel_url=data.get("cancelUrl"),
            correlation_id=envelope.correlation_id(request),
        )
        if strategy == STRATEGY_REDIRECT:
            order = bridge.create_order(data, meta=meta, user=user)
            # The seed's example gives this orderId as a string.
            return envelope.ok(
                request, {"checkoutUrl": order_pay_url(order), "orderId": str(order.pk)}
            )
        order = bridge.create_order(data, meta=meta, user=user, payment_method=bridge.STRIPE)
        outcome = bridge.pay_with_token(order, data["paymentToken"], data["returnUrl"])
        return envelope.ok(request, bridge.handoff_reply(order, outcome))

    # --- the checks, in order ---
    def rate_limit(self, request) -> RateLimit | None:
        # Counted by the kit before anything else runs (RATE_LIMITED is the first check).
        if request.method != "POST" or settings.HWP_RATE_LIMIT <= 0:
            return None
        return RateLimit(RATE_LIMIT_GROUP, settings.HWP_RATE_LIMIT, settings.HWP_RATE_LIMIT_SECONDS)

    def check_guest(self, request) -> None:
        # The plugin's guest checkout setting, and the hub's own switch every vendor honours.
        guests = settings.HWP_GUEST_CHECKOUT and settings.HUB_GUEST_CHECKOUT
        if not guests and auth.user_of(request) is None:
            raise NotAuthenticated("You must be logged in to check out.")

    def strategy(self, data: dict) -> str:
        strategy = (data.get("strategy") or "").strip()
        if not strategy:
            return STRATEGY_TOKEN if data.get("paymentToken") else STRATEGY_REDIRECT
        if strategy not in STRATEGIES:
            raise errors.HwpError(
                errors.CHECKOUT_NOT_IMPLEMENTED,
                f'Checkout strategy "{strategy}" is not implemented.',
                501,
                {"strategy": strategy, "supportedStrategies": list(STRATEGIES)},
            )
        return strategy

    # --- Idempotency-Key (the kit's mixin) ---
    def idempotency_scope(self, request) -> str:
        return idempotency_scope(auth.user_of(request))

    def idempotency_fingerprint(self, request) -> str:
        return request_fingerprint(request.query_params, request.data)

    def invalid_idempotency_key(self, key: str, message: str) -> Exception:
        return errors.validation_failed({"Idempotency-Key": [message]})

    def keep_reply(self, response) -> bool:
        """Keep the reply for replays once the request got past validation: a success or a
        CHECKOUT_FAILED (a gateway failure included, as Stripe keeps its 500s: a retry must not
        make a second order). Give the key back after a validation failure or an unexpected
        error, so a corrected or later retry can run."""
        data = getattr(response, "data", None) or {}
        code = (data.get("error") or {}).get("code") if isinstance(data, dict) else None
        return code not in (errors.VALIDATION_FAILED, errors.INTERNAL_ERROR)
