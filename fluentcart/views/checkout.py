"""FluentCart's checkout routes, `/wp-json/fluent-cart/v2/checkout/...` (the seed), and the
pieces the admin-ajax checkout actions share with them: place-order, order info, the summary
view, shipping methods (by time zone or country), country info."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from rest_framework.response import Response

from checkout_hub.services import addresses
from checkout_hub.services import cart as cart_service
from checkout_hub.services.payments import stripe_onsite

from .. import countries, errors, placing, render, shipping
from .base import FluentView


class PlaceOrderView(FluentView):
    places_order = True

    def post(self, request):
        return Response(placing.place(self, self.params()))


# --- get-order-info ---
def order_info(method, totals=None) -> tuple[int, dict]:
    if method == "stripe":
        if settings.FLUENTCART_STRIPE_MODE == "hosted":
            return 200, {
                "status": "success",
                "message": "Order info retrieved!",
                "data": [],
                "payment_args": {"checkout_mode": "hosted"},
            }
        if not settings.STRIPE_PUBLISHABLE_KEY:
            return 423, {"status": "failed", "message": "No valid public key found!"}
        amount = totals.total if totals is not None else 0
        setup = stripe_onsite.setup_intent(metadata={"source": "fluentcart"})
        return 200, {
            "status": "success",
            "message": "Order info retrieved!",
            # The seed's data (a SetupIntent's client secret and the publishable key); the
            # plugin's own payment_args.public_key and intent beside them.
            "data": {
                "client_secret": setup["client_secret"],
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            },
            "payment_args": {
                "checkout_mode": "onsite",
                "public_key": settings.STRIPE_PUBLISHABLE_KEY,
                "appearance": {"theme": "stripe"},
            },
            "intent": {
                "mode": "payment",
                "amount": amount,
                "currency": settings.HUB_CURRENCY.lower(),
                "automatic_payment_methods": {"enabled": True},
            },
            "appearance": {"theme": "stripe"},
        }
    if method in placing.GATEWAYS:
        return 200, {
            "status": "success",
            "message": "Order info retrieved!",
            "data": [],
            "payment_args": [],
        }
    return 423, {"status": "failed", "message": errors.NO_PAYMENT_METHOD, "data": []}


class OrderInfoView(FluentView):
    def get(self, request):
        totals = cart_service.loaded_totals(self.session.cart)
        status, body = order_info(self.params().get("method"), totals)
        return Response(body, status=status)


# --- get-checkout-summary-view ---
def shipping_charge(cart, totals, method_id) -> tuple[int, str]:
    """The charge of the chosen method (cents) when the cart ships, and the id as echoed."""
    echoed = str(method_id) if method_id not in (None, "") else ""
    if not totals.needs_shipping or not echoed:
        return 0, echoed
    method = shipping.method(echoed)
    return (method.cost if method else 0), echoed


def summary(cart, totals, method_id) -> dict:
    charge, echoed = shipping_charge(cart, totals, method_id)
    total = render.items_total(totals) + charge
    return {
        "views": render.summary_view(cart, totals, charge),
        "subtotal": render.formatted(render.items_total(totals), cart.currency),
        "has_subscriptions": False,
        "shipping_charge": charge,
        "unformatted_total": total,
        "total": render.formatted(total, cart.currency),
        "shipping_charge_formated": render.formatted(charge, cart.currency),  # sic (plugin)
        "shipping_method_id": echoed,
    }


class SummaryView(FluentView):
    def get(self, request):
        cart = self.session.cart
        totals = cart_service.loaded_totals(cart)
        return Response({"items": summary(cart, totals, self.params().get("shipping_method_id"))})


# --- shipping methods ---
def _no_methods(request, country: str) -> dict:
    user = getattr(request, "user", None)
    admin = bool(user and user.is_authenticated and user.is_staff)
    view = render_to_string(
        "fluentcart/no_shipping.html",
        {"admin": admin, "settings_url": "/admin/checkout_hub/shippingzone/"},
    ).strip()
    return {"status": False, "country_code": country, "view": view}


def available_methods(request, params: dict) -> tuple[dict | None, list, str]:
    """(error body or None, methods, country)."""
    country = shipping.country_from(params)
    if not country:
        return {"status": False, "message": "Country code is required"}, [], ""
    methods = shipping.methods_for(country, shipping.state_from(params))
    if not methods:
        return _no_methods(request, country), [], country
    return None, methods, country


def methods_list_html(methods, selected: str = "") -> str:
    rows = [
        {
            "id": str(m.pk),
            "title": m.title,
            "charge": render.formatted(m.cost) if m.cost else "Free",
        }
        for m in methods
    ]
    return render_to_string(
        "fluentcart/shipping_methods.html", {"methods": rows, "selected": selected}
    ).strip()


class AvailableShippingMethodsView(FluentView):
    def get(self, request):
        error, methods, country = available_methods(request, self.params())
        if error is not None:
            return Response(error)
        return Response(
            {
                "available_shipping_methods": [render.shipping_method(m, m.cost) for m in methods],
                "country_code": country,
            }
        )


class ShippingMethodsListView(FluentView):
    def get(self, request):
        error, methods, country = available_methods(request, self.params())
        if error is not None:
            return Response(error)
        # The seed wraps it in {data: ...}; the plugin returns it bare (reference §0).
        return Response(
            {"data": {"status": True, "view": methods_list_html(methods), "country_code": country}}
        )


class CountryInfoView(FluentView):
    def get(self, request):
        country = shipping.country_from(self.params())
        if not country or country not in addresses.country_codes():
            return Response({"status": False, "message": "Country code is required"})
        return Response({"data": countries.info(country)})
