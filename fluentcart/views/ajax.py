"""What a FluentCart storefront really calls (reference §1b): `/wp-admin/admin-ajax.php`.

- `action=fluent_cart_checkout_routes&fc_checkout_action=<x>`: the cart and checkout
  actions (`fluent_cart_cart_update`, `fluent_cart_cart_status`, `apply_coupon`,
  `remove_coupon`, `get_checkout_summary_view`, `reapply_coupon`, `save_checkout_data`,
  `get_shipping_methods_list_view`, `get_country_info`, `get_order_info`);
- `action=fluent_cart_place_order` (the checkout form post; the same handler as REST);
- `action=fluent_cart_confirm_stripe_payment` (`intentId`: settle the on-site card payment).

No nonce is checked (the plugin checks none). Every array reply carries `_bench` (seconds);
an error is 422 `{message}`. An unknown action answers WordPress's `0` with HTTP 400.
"""

from __future__ import annotations

import time

from django.http import HttpResponse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from checkout_hub.api.renderers import JSONRenderer
from checkout_hub.services import cart as cart_service
from checkout_hub.services import cart_lines
from checkout_hub.wordpress.params import absint

from .. import countries, errors, placing, render, shipping
from . import checkout
from .base import FluentView

UTM_KEYS = (
    "utm_campaign", "utm_content", "utm_term", "utm_source", "utm_medium", "utm_id",
    "refer_url", "fbclid", "gclid",
)  # fmt: skip
FORM_KEYS_PREFIXES = ("billing_", "shipping_")
FORM_KEYS = (
    "ship_to_different", "order_notes", "_fct_pay_method", "billing_address_id",
    "shipping_address_id",
)  # fmt: skip
MAX_FORM_VALUE = 500
TRUTHY = ("1", "true", "yes", "on")


def _truthy(value) -> bool:
    return str(value or "").strip().lower() in TRUTHY


def _int(value) -> int:
    """PHP's intval: leading digits with their sign, else 0."""
    text = str(value or "").strip()
    sign = -1 if text.startswith("-") else 1
    return sign * absint(text.lstrip("+-")) if text else 0


class JsonWhateverAccept(DefaultContentNegotiation):
    """admin-ajax ignores the Accept header."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AdminAjaxView(FluentView):
    plain_errors = True  # admin-ajax answers {message}, not WordPress's REST envelope
    rest_cookie_auth = False  # admin-ajax trusts the login cookie as it is
    renderer_classes = [JSONRenderer]  # wp_send_json: JSON whatever the browser asks for
    content_negotiation_class = JsonWhateverAccept

    def get(self, request):
        return self.dispatch_action()

    def post(self, request):
        return self.dispatch_action()

    @property
    def places_order(self) -> bool:
        return self.params().get("action") == "fluent_cart_place_order"

    def dispatch_action(self):
        self.started = time.perf_counter()
        params = self.params()
        action = params.get("action")
        if action == "fluent_cart_checkout_routes":
            handler = ROUTES.get(str(params.get("fc_checkout_action") or ""))
            if handler is None:
                raise errors.plain("Invalid request.", 422)
            return handler(self, params)
        if action == "fluent_cart_place_order" and self.request.method == "POST":
            return Response(placing.place(self, params))
        if action == "fluent_cart_confirm_stripe_payment":
            status, body = placing.confirm_stripe(params.get("intentId"))
            return Response(body, status=status)
        return HttpResponse("0", status=400, content_type="text/html; charset=UTF-8")

    # --- replies ---
    def bench(self, body: dict, status: int = 200) -> Response:
        body["_bench"] = round(time.perf_counter() - self.started, 6)
        return Response(body, status=status)

    def write_cart(self):
        cart = self.session.cart
        if self.session.from_param and cart.pk is None:
            raise errors.plain("No active cart found", 422)
        return self.session.cart_for_write()


# --- the actions ---
def cart_update(view: AdminAjaxView, params: dict) -> Response:
    item_id = absint(params.get("item_id")) if params.get("item_id") not in (None, "") else 0
    if not item_id or item_id >= 2**63:
        raise errors.plain("Invalid item.", 422)
    cart = view.write_cart()
    quantity = _int(params.get("quantity"))
    utm = {k: str(params[k])[:200] for k in UTM_KEYS if isinstance(params.get(k), str)}
    if utm:
        cart.meta = {**cart.meta, "utm_data": {**cart.meta.get("utm_data", {}), **utm}}
        cart.save(update_fields=["meta", "updated_at"])
    from checkout_hub.services.errors import InvalidVariation, NotPurchasable, ProductNotFound

    # quantity defaults to 0, which removes the item (reference §6); else a change, or the
    # new quantity with by_input.
    absolute = quantity == 0 or _truthy(params.get("by_input"))
    try:
        cart_lines.set_line_quantity(cart, item_id, quantity, absolute=absolute)
    except (ProductNotFound, InvalidVariation):
        pass  # an unknown item: the cart stays as it is (reference §6)
    except NotPurchasable as exc:
        raise errors.plain(exc.message, 422) from exc
    cart = view.session.reload()
    totals = cart_service.loaded_totals(cart)
    return view.bench(
        {
            "message": "Cart updated successfully",
            "data": {"cart": render.cart(cart, totals)},
            "fragments": render.cart_fragments(cart, totals),
        }
    )


def cart_status(view: AdminAjaxView, params: dict) -> Response:
    cart = view.session.cart
    if cart.pk is None:
        return view.bench({})
    totals = cart_service.loaded_totals(cart)
    user = view.user
    return view.bench(
        {
            "cart_hash": cart.key,
            "cart_data": render.cart_lines(cart, totals),
            "cart_user": {"id": user.pk, "email": user.email} if user else None,
        }
    )


def _coupon_reply(view, cart, *, with_cart: bool) -> Response:
    totals = cart_service.loaded_totals(cart)
    body = {"fragments": render.cart_fragments(cart, totals)}
    if with_cart:
        body["cart"] = render.cart(cart, totals)
    body.update(
        {
            "total": render.items_total(totals),
            "formatted_total": render.formatted(render.items_total(totals), cart.currency),
            "applied_coupons": [c.code for c in totals.coupons],
            "has_subscriptions": False,
        }
    )
    return view.bench(body)


def _existing_cart(view):
    cart = view.session.cart
    if cart.pk is None:
        raise errors.plain("No active cart found", 422)
    return cart


def apply_coupon(view: AdminAjaxView, params: dict) -> Response:
    cart = _existing_cart(view)
    code = params.get("coupon_code")
    if not isinstance(code, str) or not code.strip():
        raise errors.plain("Coupon code is required.", 422)
    cart_service.apply_coupon(cart, code)
    return _coupon_reply(view, view.session.reload(), with_cart=True)


def remove_coupon(view: AdminAjaxView, params: dict) -> Response:
    cart = _existing_cart(view)
    code = params.get("coupon_code")
    cart_service.remove_coupon(cart, code if isinstance(code, str) else "")
    return _coupon_reply(view, view.session.reload(), with_cart=False)


def checkout_summary(view: AdminAjaxView, params: dict) -> Response:
    cart = view.session.cart
    method_id = params.get("shipping_method_id")
    if cart.pk is not None and method_id not in (None, ""):
        chosen = shipping.method(method_id)
        data = cart.meta.get("checkout_data", {})
        data = {**data, "shipping_data": {"shipping_method_id": str(method_id)}}
        cart.meta = {**cart.meta, "checkout_data": data}
        cart.save(update_fields=["meta", "updated_at"])
        if chosen is not None:
            cart_service.select_shipping_rate(cart, chosen.rate_id)
        cart = view.session.reload()
    totals = cart_service.loaded_totals(cart)
    items = checkout.summary(cart, totals, method_id)
    return view.bench(
        {
            "fragments": [
                {
                    "selector": "[data-fluent-cart-checkout-page-cart-items-wrapper]",
                    "content": items["views"],
                    "type": "replace",
                }
            ],
            "total": items["unformatted_total"],
            "applied_coupons": [c.code for c in totals.coupons],
            "shipping_charge": items["shipping_charge"],
            "formatted_shipping_charge": items["shipping_charge_formated"],
            "has_subscriptions": False,
            "shipping_method_id": items["shipping_method_id"],
        }
    )


def save_checkout_data(view: AdminAjaxView, params: dict) -> Response:
    cart = _existing_cart(view)
    if "data_key" in params:
        fields = {str(params.get("data_key")): params.get("data_value", "")}
    else:
        fields = dict(params)
    data = dict(cart.meta.get("checkout_data", {}))
    form = dict(data.get("form_data", {}))
    for key, value in fields.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        value = str(value)[:MAX_FORM_VALUE]
        if key == "shipping_method_id":
            data["shipping_data"] = {"shipping_method_id": value}
        elif key == "fct_billing_tax_id":
            data["tax_data"] = {"vat_number": value}
        elif key.startswith(FORM_KEYS_PREFIXES) or key in FORM_KEYS:
            form[key] = value
    data["form_data"] = form
    cart.meta = {**cart.meta, "checkout_data": data}
    cart.save(update_fields=["meta", "updated_at"])
    return view.bench({"message": "Checkout data has been saved", "checkout_data": data})


def shipping_methods_list(view: AdminAjaxView, params: dict) -> Response:
    error, methods, country = checkout.available_methods(view.request, params)
    if error is not None:
        return view.bench(error)
    selected = str(
        view.session.cart.meta.get("checkout_data", {})
        .get("shipping_data", {})
        .get("shipping_method_id", "")
    )
    return view.bench(
        {
            "status": True,
            "fragments": [
                {
                    "selector": "[data-fluent-cart-checkout-page-shipping-methods-wrapper]",
                    "content": checkout.methods_list_html(methods, selected),
                    "type": "replace",
                }
            ],
            "country_code": country,
        }
    )


def country_info(view: AdminAjaxView, params: dict) -> Response:
    country = shipping.country_from(params)
    from checkout_hub.services import addresses

    if not country or country not in addresses.country_codes():
        raise errors.plain("Country code is required", 422)
    return view.bench({"country_info": countries.info(country)})


def order_info(view: AdminAjaxView, params: dict) -> Response:
    totals = cart_service.loaded_totals(view.session.cart)
    status, body = checkout.order_info(params.get("method"), totals)
    return view.bench(body, status)


ROUTES = {
    "fluent_cart_cart_update": cart_update,
    "fluent_cart_cart_status": cart_status,
    "apply_coupon": apply_coupon,
    "remove_coupon": remove_coupon,
    "get_checkout_summary_view": checkout_summary,
    "reapply_coupon": checkout_summary,
    "save_checkout_data": save_checkout_data,
    "get_shipping_methods_list_view": shipping_methods_list,
    "get_country_info": country_info,
    "get_order_info": order_info,
}
