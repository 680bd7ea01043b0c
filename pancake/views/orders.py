"""Order actions: `onetime-order/cancel-order`, `subscription-order/cancel-order` and
`subscription-order/reactivate-order` (reference §6.4), for a merchant's API Key (its own
stores' orders) or a customer's session token (only that buyer's orders in its store)."""

from __future__ import annotations

from rest_framework.response import Response

from checkout_hub.services.errors import InvalidStatusTransition

from .. import auth, errors, ids, orders
from ..models import PancakeOrder
from .base import PancakeView, ok
from .checkout import PancakeIdempotentMixin

NOT_YOURS = "Subscription order does not belong to this credential"


def owned_order(credential: auth.Credential, order_id, kind: str) -> PancakeOrder:
    if not ids.is_short_id(order_id, "ORD"):
        raise errors.bad_request(errors.invalid_short_id("ORD", order_id), errors.ORDER)
    order = (
        PancakeOrder.objects.select_related("store", "order", "session")
        .filter(short_id=order_id, kind=kind)
        .first()
    )
    if order is None:
        raise errors.not_found("Order not found", errors.ORDER)
    if credential.kind == auth.API_KEY:
        mine = order.store.merchant_id == credential.merchant.pk
    else:
        identity = credential.buyer_identity
        mine = order.store_id == credential.store.pk and identity in (
            order.buyer_identity,
            order.buyer_email,
        )
    if not mine or order.environment != credential.environment:
        label = "Subscription order" if kind == "subscription" else "Order"
        raise errors.forbidden(f"{label} does not belong to this credential", errors.ORDER)
    return order


class OrderAction(PancakeIdempotentMixin, PancakeView):
    credentials = (auth.API_KEY, auth.SESSION_TOKEN)
    kind = "onetime"

    def post(self, request):
        credential = self.authenticate_pancake(request)
        replay = self.claim_idempotency_key(request)
        if replay is not None:
            return replay
        data = self.json_object()
        if not data.get("orderId"):
            raise errors.bad_request("Missing required field: orderId", errors.ORDER)
        order = owned_order(credential, data["orderId"], self.kind)
        order = self.act(order)
        return Response(ok({"orderId": order.short_id, "status": order.status}))

    def act(self, order: PancakeOrder) -> PancakeOrder:
        raise NotImplementedError


class CancelOnetimeOrderView(OrderAction):
    credentials = (auth.SESSION_TOKEN, auth.API_KEY)

    def act(self, order):
        try:
            return orders.cancel_onetime(order)
        except InvalidStatusTransition:
            raise errors.bad_request(
                f"Only a pending order can be canceled (it is {order.status})", errors.ORDER
            ) from None


class CancelSubscriptionView(OrderAction):
    kind = "subscription"

    def act(self, order):
        try:
            return orders.cancel_subscription(order)
        except InvalidStatusTransition:
            raise errors.bad_request(
                f"Subscription cannot be canceled (it is {order.status})", errors.ORDER
            ) from None


class ReactivateSubscriptionView(OrderAction):
    kind = "subscription"

    def act(self, order):
        try:
            return orders.reactivate_subscription(order)
        except InvalidStatusTransition:
            raise errors.bad_request(
                f"Only a canceling subscription can be reactivated (it is {order.status})",
                errors.ORDER,
            ) from None
        except orders.UnpaidBalance:
            raise errors.bad_request(
                "Subscription with an unpaid balance cannot be reactivated", errors.ORDER
            ) from None
