"""The Store API's base views: WordPress's envelope, parsers and renderers for every route;
for cart and checkout routes also the session, the nonce rule and the rate limits.

Every Store API view derives from `WooView` (products, order) or `WooSessionView` (cart,
checkout), both from the kit's `VendorAPIView`, so the browsable API, the error envelope and
the session headers come for free.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer

from checkout_hub.api import NoRouteMixin, RateLimit, VendorAPIView
from checkout_hub.api.auth import LoginSessionAuthentication, browsable_api_csrf_ok
from checkout_hub.api.parsers import BoundedJSONParser
from checkout_hub.api.views import WRITE_METHODS
from checkout_hub.models import Vendor
from checkout_hub.services import pricing, ratelimit
from checkout_hub.wordpress.params import read_params

from .. import errors, session
from ..errors import WooError


class NonceAuthentication(LoginSessionAuthentication):
    """The login session; the Store API's nonce (or a Cart-Token) is its CSRF protection.
    Its own class so the OpenAPI document names the Store API's scheme (woo_store/schema.py)."""


class WooView(VendorAPIView):
    vendor = Vendor.WOO_STORE
    exception_handler = errors.handle
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    authentication_classes = [NonceAuthentication]

    def params(self) -> dict:
        return read_params(self.request)

    def request_data(self):
        return self.params()


class WooSessionView(WooView):
    """Cart and checkout routes. Every reply, errors included, carries the session headers."""

    # Methods that need a nonce (or a valid Cart-Token); /checkout needs it on every method.
    nonce_methods = WRITE_METHODS
    # The rate-limit group this route counts in (POST /checkout has its own when enabled).
    rate_limit_group = "woo_store"
    rate_limit_exempt_staff = True  # edit_posts users are exempt in WooCommerce
    rate_limit_headers = True

    def initial(self, request, *args, **kwargs):
        self.session = session.resolve(request)
        # WordPress's order: rate limits (authentication, in the kit's initial), then the JSON
        # body (parameter validation), then the route's nonce check.
        super().initial(request, *args, **kwargs)
        if request.method in WRITE_METHODS:
            request.data  # noqa: B018 - parses now, so bad JSON is rest_invalid_json
        self.check_nonce(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        current = getattr(self, "session", None)
        if current is not None:
            session.apply(response, current)
        # A cart belongs to one buyer: WooCommerce's cart routes tell every proxy and browser
        # cache not to keep it (errors included).
        response["Cache-Control"] = "no-store"
        return response

    # --- the nonce rule (reference §5) ---
    def check_nonce(self, request) -> None:
        if request.method not in self.nonce_methods or settings.WOO_STORE_DISABLE_NONCE_CHECK:
            return
        if self.token_waives_nonce(request) or self.browsable_api_session(request):
            return
        given = session.nonce_given(request)
        if not given:
            raise WooError(
                "woocommerce_rest_missing_nonce",
                "Missing the Nonce header. This endpoint requires a valid nonce.",
                401,
            )
        if not session.verify_nonce(given, self.session.key, self.session.user_id):
            raise WooError("woocommerce_rest_invalid_nonce", "Nonce is invalid.", 403)

    def token_waives_nonce(self, request) -> bool:
        """A valid Cart-Token stands in for the nonce. Inside a batch only the batch request's
        own token counts: one given only in a sub-request's `headers` does not waive it."""
        if not self.session.token_valid:
            return False
        return getattr(request._request, "woo_batch_token_valid", True)

    def browsable_api_session(self, request) -> bool:
        """DRF's browsable API cannot send a Nonce header, so a browser on the HTML pages may
        read (GET) without one, and its forms may write with Django's CSRF token instead."""
        renderer = getattr(request, "accepted_renderer", None)
        if request.method == "GET" and isinstance(renderer, BrowsableAPIRenderer):
            return True
        return browsable_api_csrf_ok(request)

    # --- rate limits (off unless enabled) ---
    def rate_limit(self, request) -> RateLimit | None:
        if request.method not in WRITE_METHODS:
            return None  # WooCommerce's docs: only writes are limited
        if settings.WOO_STORE_RATE_LIMIT_ENABLED:
            return RateLimit(
                self.rate_limit_group,
                settings.WOO_STORE_RATE_LIMIT,
                settings.WOO_STORE_RATE_LIMIT_SECONDS,
            )
        return None

    def rate_limit_key(self, request) -> str:
        if self.session.user_id:
            return f"user:{self.session.user_id}"
        ip = ratelimit.client_ip(request)
        if settings.WOO_STORE_RATE_LIMIT_PROXY_SUPPORT:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            ip = forwarded.split(",")[0].strip() or ip
        return "ip:" + hashlib.md5(ip.encode()).hexdigest()

    # --- the cart, for replies and for every 409 ---
    def cart_totals(self) -> pricing.CartTotals:
        cart = self.session.cart
        return pricing.calculate(cart, [] if cart.pk is None else None)

    def cart_data(self) -> dict:
        from ..serializers.cart import cart_payload

        return cart_payload(self.session.reload(), self.get_serializer_context())


class NoRouteView(NoRouteMixin, WooView):
    """Anything under the Store API prefix that no route matches: WordPress's rest_no_route."""
