"""GET /wp-json/fluent-cart/v2/cart/add_item (reference §1a: present up to 1.3.9): adds
`quantity` (default 1) of variation `item_id` to the global cart. Its failures are WP_Errors
whose codes are numbers with no status, so WordPress answers them as HTTP 500
`{code, message, data: ""}`."""

from __future__ import annotations

from rest_framework.response import Response

from checkout_hub.services import cart_lines
from checkout_hub.services.errors import DomainError
from checkout_hub.wordpress.params import absint

from ..errors import WP_ERROR, FluentError
from .base import FluentView


def wp_error(code: int, message: str) -> FluentError:
    return FluentError(WP_ERROR, message, 500, {"wp_code": code})


class AddItemView(FluentView):
    def get(self, request):
        params = self.params()
        item_id = absint(params.get("item_id") or 0)
        raw = str(params.get("quantity", "1")).strip() or "1"
        if raw.startswith("-"):
            raise wp_error(403, "Quantity can not be negative.")
        quantity = absint(raw) or 1
        if not item_id or item_id >= 2**63:
            raise wp_error(400, "Invalid item.")
        cart = self.session.cart_for_write()
        try:
            cart_lines.set_line_quantity(cart, item_id, quantity)
        except DomainError as exc:
            raise wp_error(423, exc.message) from exc
        return Response({"message": "Successfully added!", "data": True})
