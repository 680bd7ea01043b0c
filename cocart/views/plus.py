"""CoCart Plus routes storefronts use (reference §1, docs): cart/apply-coupon, cart/coupons
(GET, DELETE), cart/coupons/{code} (DELETE), cart/coupons/validate, cart/set-shipping-method,
cart/calculate/shipping. Coupon and shipping rules are the cart service's."""

from __future__ import annotations

from django.conf import settings
from rest_framework.response import Response

from checkout_hub.services import cart as cart_service
from checkout_hub.services.errors import CouponNotApplied, InvalidShippingRate

from .. import errors, serializers
from ..errors import CoCartError
from .base import CartView, text_param, truthy


def require_coupons() -> None:
    if not settings.HUB_COUPONS_ENABLED:
        raise CoCartError("cocart_coupons_disabled", "Coupons are disabled.", 404)


class ApplyCouponView(CartView):
    def post(self, request):
        require_coupons()
        params = self.params()
        code = text_param(params, "coupon") or text_param(params, "code")
        if not code.strip():
            raise CoCartError("cocart_coupon_required", "Coupon code is required.", 400)
        self.error_stage = errors.COUPON
        cart = self.writable_cart()
        cart_service.apply_coupon(cart, code)
        self.notice("Coupon code applied successfully.")
        return self.cart_response()


class CouponsView(CartView):
    def get(self, request):
        return Response(serializers.coupons_list(self.totals()))

    def delete(self, request):
        cart = self.session.cart
        if cart.pk is not None:
            for code in list(cart.coupon_codes):
                cart_service.remove_coupon(cart, code)
        self.notice("Coupons removed.")
        return self.cart_response()


class CouponView(CartView):
    def delete(self, request, code):
        require_coupons()
        cart = self.saved_cart(CouponNotApplied(code=code))
        cart_service.remove_coupon(cart, code)
        self.notice("Coupon code removed successfully.")
        return self.cart_response()


class ValidateCouponsView(CartView):
    """Re-checks the applied coupons: those that stopped applying are removed and noticed."""

    def get(self, request):
        cart = self.session.cart
        totals = cart_service.loaded_totals(cart)
        for error in totals.coupon_errors:
            self.notice(error.message, "error")
        return self.cart_response()


class SetShippingMethodView(CartView):
    def post(self, request):
        params = self.params()
        key = next(
            (v for v in (text_param(params, n) for n in ("method_key", "key", "method")) if v), ""
        )
        if not key:
            raise CoCartError(
                "cocart_shipping_method_required", "Shipping method is required.", 400
            )
        cart = self.writable_cart()
        totals = cart_service.loaded_totals(cart)
        available = [r.rate_id for r in totals.shipping_rates]
        if key not in available:
            raise InvalidShippingRate(rate_id=key, available=available)
        cart_service.select_shipping_rate(cart, key)
        self.notice("Shipping method set.")
        return self.cart_response()


class CalculateShippingView(CartView):
    """Sets the shipping destination (country, state, postcode, city) and answers the cart,
    or with `return_methods` the rates of the first package."""

    def post(self, request):
        params = self.params()
        fields = {
            k: text_param(params, k)
            for k in ("country", "state", "postcode", "city")
            if params.get(k)
        }
        if not fields.get("country"):
            raise CoCartError("cocart_shipping_country_required", "A country is required.", 400)
        cart = self.writable_cart()
        self.error_stage = errors.CUSTOMER
        cart_service.update_customer(cart, shipping=fields)
        if truthy(params.get("return_methods")):
            data = serializers.shipping_object(self.session.reload(), self.totals())
            packages = data.get("packages") if isinstance(data, dict) else None
            return Response(packages["default"]["rates"] if packages else [])
        self.notice("Shipping costs updated.")
        return self.cart_response()
