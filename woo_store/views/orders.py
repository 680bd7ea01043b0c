"""`GET /order/{id}`: an order for its buyer (reference §4), with WooCommerce's authorization.

- Unknown order (a checkout-draft is not an order yet) -> 404 woocommerce_rest_invalid_order.
- An order whose customer is tied to a user -> only that logged-in user; anyone else 403
  woocommerce_rest_invalid_user.
- A guest order -> `key` must be the order key (401 woocommerce_rest_invalid_order) and
  `billing_email` must match, ignoring case (401 woocommerce_rest_invalid_billing_email).
  Current builds check both for everyone; older ones only for logged-out visitors.

The route is a plain WooView: no session, so no Nonce or Cart-Token headers.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from checkout_hub.api.representation import represent
from checkout_hub.models import OrderItem
from checkout_hub.services import orders

from ..serializers.orders import OrderSerializer
from .base import WooView


def items_prefetch() -> Prefetch:
    """Everything OrderSerializer reads of the lines, in a fixed number of queries whatever the
    line count (products and their parents joined, their images prefetched)."""
    items = OrderItem.objects.select_related("product", "product__parent").prefetch_related(
        "product__images", "product__parent__images"
    )
    return Prefetch("items", queryset=items)


class OrderView(WooView):
    """An order as its buyer sees it: `?key=wc_order_…&billing_email=…` for guest orders."""

    serializer_class = OrderSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("key", OpenApiTypes.STR, description="The order key (wc_order_…)."),
            OpenApiParameter(
                "billing_email",
                OpenApiTypes.STR,
                description="The order's billing email; required for guest orders.",
            ),
        ],
        responses=OrderSerializer,
    )
    def get(self, request, id):
        order = orders.find(id)
        params = self.params()
        # WordPress's sanitize_text_field trims what the client sends.
        orders.authorize(
            order,
            request.user,
            str(params.get("key") or "").strip(),
            str(params.get("billing_email") or "").strip(),
        )
        # Lines are loaded only once the caller may see them.
        prefetch_related_objects([order], items_prefetch())
        context = {**self.get_serializer_context(), "currency": order.currency}
        return Response(represent(OrderSerializer, order, context))
