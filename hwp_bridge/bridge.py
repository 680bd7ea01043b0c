"""The HWP bridge's checkout, on the hub's services: the request's items become a pending
WooCommerce order (`checkout.place_order_from_items`, with the attribution meta), and for
`token_handoff` the order is paid through the Stripe gateway.

Domain errors pass through untouched; the core adds where they arose (`item_index`, `step`),
and the bridge the request field of a refused coupon (`field`), for its error table.
"""

from __future__ import annotations

from collections.abc import Mapping

from checkout_hub.models import Order, Vendor
from checkout_hub.services import attribution, checkout, payments
from checkout_hub.services.errors import DomainError, InvalidCoupon
from checkout_hub.services.payments import Outcome, PaymentOutcome

from .serializers import STRATEGY_TOKEN, coupon_fields

STRIPE = "stripe"
ATTRIBUTION_PARAMS = ("ref", "campaign", "utm_source", "utm_medium", "utm_campaign", "utm_content")

# HeadlessWP's own order meta (the order-pay page links back with the return/cancel URLs).
META_STRATEGY = "_headlesswp_checkout_strategy"
META_RETURN_URL = "_headlesswp_return_url"
META_CANCEL_URL = "_headlesswp_cancel_url"
META_CORRELATION_ID = "_headlesswp_correlation_id"


def attribution_params(query: Mapping[str, str]) -> dict[str, str]:
    """The attribution query parameters that were sent."""
    return {name: query[name] for name in ATTRIBUTION_PARAMS if name in query}


def order_meta(
    query: Mapping[str, str],
    user_agent: str | None,
    *,
    strategy: str,
    return_url: str | None = None,
    cancel_url: str | None = None,
    correlation_id: str = "",
) -> dict[str, str]:
    """Woo order attribution plus the bridge's own meta for a new order."""
    meta = attribution.order_meta(attribution_params(query), user_agent)
    meta[META_STRATEGY] = strategy
    for key, value in (
        (META_RETURN_URL, return_url),
        (META_CANCEL_URL, cancel_url),
        (META_CORRELATION_ID, correlation_id),
    ):
        if value:
            meta[key] = value
    return meta


def create_order(data: dict, *, meta: dict, user=None, payment_method: str | None = None) -> Order:
    """A pending order for the validated checkout-session `data` (the core's items -> order).
    A refused coupon names the request field that brought it (`field`)."""
    coupons = coupon_fields(data)
    items = [
        checkout.ItemRequest(item["productId"], item["quantity"], item.get("variationId"))
        for item in data["items"]
    ]
    try:
        result = checkout.place_order_from_items(
            items,
            vendor=Vendor.HWP_BRIDGE,
            coupons=[code for _path, code in coupons],
            user=user,
            payment_method=payment_method,
            billing=data.get("billing"),
            shipping=data.get("shipping"),
            customer_note=data.get("notes") or None,
            meta=meta,
        )
    except DomainError as exc:
        index = exc.facts.get("coupon_index")
        if isinstance(exc, InvalidCoupon) and index is not None:
            exc.facts.setdefault("field", coupons[index][0])
        raise
    return result.order


def ensure_stripe() -> None:
    """Raise InvalidPaymentMethod (CHECKOUT_STRIPE_NOT_CONFIGURED) unless the store offers
    Stripe (HUB_PAYMENT_METHODS) and the gateway has its secret key."""
    payments.get(STRIPE)


def pay_with_token(order: Order, payment_token: str, return_url: str) -> PaymentOutcome:
    """Token handoff: the Stripe gateway creates the PaymentIntent, then confirms it with the
    payment method and `return_url`. Refusals raise PaymentDeclined/PaymentFailed (the order
    is failed by `payments.pay`)."""
    return payments.pay(order, STRIPE, {"payment_method": payment_token, "return_url": return_url})


def handoff_reply(order: Order, outcome: PaymentOutcome) -> dict:
    """The token handoff answer for a payment Stripe accepted or wants authenticated."""
    reply = {
        "orderId": order.pk,
        "mode": STRATEGY_TOKEN,
        "strategy": STRATEGY_TOKEN,
        "provider": STRIPE,
    }
    if outcome.status == Outcome.ACTION_REQUIRED and outcome.redirect_url:
        # 3-D Secure. The seed is silent here: the hub answers Stripe's own vocabulary
        # (requires_action + next_action.redirect_to_url) so the site can send the buyer on.
        reply.update(
            paymentStatus="pending",
            status="requires_action",
            nextAction={"type": "redirect_to_url", "url": outcome.redirect_url},
        )
    elif outcome.paid:
        reply.update(paymentStatus="paid", status="succeeded")
    else:
        reply.update(paymentStatus="processing", status="processing")
    return reply
