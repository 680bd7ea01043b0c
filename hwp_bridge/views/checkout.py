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

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from checkout_hub.services import checkout, idempotency, ratelimit
from checkout_hub.services.errors import NotAuthenticated
from woo_store.pages import order_pay_url

from .. import auth, bridge, envelope, errors, schema
from ..serializers import STRATEGIES, STRATEGY_REDIRECT, STRATEGY_TOKEN, HwpCheckoutSessionRequest
from .base import HwpView

RATE_LIMIT_GROUP = "hwp_bridge:checkout-session"
IDEMPOTENCY_HEADERS = ("Idempotency-Key", "X-Idempotency-Key")
REPLAYED_HEADER = "Idempotent-Replayed"
TOKEN_FIELDS_MESSAGE = "Required for the token_handoff strategy."


def idempotency_scope(user) -> str:
    return f"hwp_bridge:checkout-session:{user.pk if user is not None else 'guest'}"


def request_fingerprint(query, body) -> str:
    """What makes two requests "the same" for an Idempotency-Key: the attribution query
    parameters and the parsed body."""
    return idempotency.fingerprint(bridge.attribution_params(query), body)


class CheckoutSessionView(HwpView):
    serializer_class = HwpCheckoutSessionRequest
    raw_form_example = {"items": [{"productId": 1, "quantity": 1}], "strategy": "redirect_to_woo"}
    claim: tuple[str, str] | None = None  # the Idempotency-Key this request holds

    @extend_schema(
        operation_id="hwp_checkout_session",
        summary="Create a checkout session (HWP WooCommerce checkout bridge)",
        request=HwpCheckoutSessionRequest,
        parameters=schema.CHECKOUT_PARAMETERS,
        responses=schema.CHECKOUT_RESPONSES,
    )
    def post(self, request):
        self.check_rate_limit(request)
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
        replay = self.claim_idempotency_key(request, user)
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
    def check_rate_limit(self, request) -> None:
        limit = settings.HWP_RATE_LIMIT
        if limit <= 0:
            return
        ratelimit.check(
            request,
            group=RATE_LIMIT_GROUP,
            key=f"ip:{ratelimit.client_ip(request)}",
            limit=limit,
            seconds=settings.HWP_RATE_LIMIT_SECONDS,
        )

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

    # --- Idempotency-Key ---
    def claim_idempotency_key(self, request, user) -> Response | None:
        """Claim the request's Idempotency-Key; a Response replays the first reply to it.
        Raises IdempotencyConflict (another body, or the first request still running)."""
        key = next((request.headers[h] for h in IDEMPOTENCY_HEADERS if request.headers.get(h)), "")
        key = key.strip()
        if not key:
            return None
        if len(key) > idempotency.MAX_KEY_LENGTH:
            raise errors.validation_failed(
                {
                    "Idempotency-Key": [
                        f"Ensure this header has no more than {idempotency.MAX_KEY_LENGTH} "
                        "characters."
                    ]
                }
            )
        scope = idempotency_scope(user)
        replay = idempotency.begin(
            scope, key, request_fingerprint(request.query_params, request.data)
        )
        if replay is not None:
            headers = {**replay.headers, REPLAYED_HEADER: "true"}
            return Response(json.loads(replay.body), replay.status, headers=headers)
        self.claim = (scope, key)
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.claim is not None:
            scope, key = self.claim
            self.claim = None
            self.settle(scope, key, response)
        return response

    def settle(self, scope: str, key: str, response) -> None:
        """Keep the reply for replays once the request got past validation: a success or a
        CHECKOUT_FAILED (a gateway failure included, as Stripe keeps its 500s: a retry must not
        make a second order). Give the key back after a validation failure or an unexpected
        error, so a corrected or later retry can run."""
        data = getattr(response, "data", None) or {}
        code = (data.get("error") or {}).get("code") if isinstance(data, dict) else None
        if code in (errors.VALIDATION_FAILED, errors.INTERNAL_ERROR):
            idempotency.release(scope, key)
            return
        headers = {envelope.HEADER: response[envelope.HEADER]}
        if response.has_header("Retry-After"):
            headers["Retry-After"] = response["Retry-After"]
        body = json.dumps(data, cls=DjangoJSONEncoder)
        idempotency.complete(scope, key, response.status_code, body, headers)
