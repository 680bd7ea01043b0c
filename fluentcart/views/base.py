"""FluentCart's base view: its error shapes, parsers and the cart session for every route.

Every FluentCart view derives from `FluentView` (the kit's `VendorAPIView`). `self.session`
names the cart the request works on (`fluentcart.session`), loaded once; a reply that created
the global cart sets the `fct_cart_hash` cookie. Place-order routes count against the
place-order rate limit (5 per 60 s per IP/user; the 6th answers 429).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework.parsers import FormParser, MultiPartParser

from checkout_hub.api import NoRouteMixin, RateLimit, VendorAPIView
from checkout_hub.api.auth import browsable_api_csrf_ok, user_of
from checkout_hub.api.errors import VendorError
from checkout_hub.api.parsers import BoundedJSONParser
from checkout_hub.models import Vendor
from checkout_hub.services import ratelimit
from checkout_hub.wordpress import nonces
from checkout_hub.wordpress.params import read_params

from .. import errors, session
from ..auth import FluentCartCookieAuthentication

LOOPBACK = ("127.0.0.1", "::1")


def client_ip(request) -> str:
    """AddressHelper::getIpAddress: X-Forwarded-For is trusted only from the loopback."""
    remote = ratelimit.client_ip(request)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in LOOPBACK and forwarded:
        return forwarded.split(",")[0].strip()[:64] or remote
    return remote


class FluentView(VendorAPIView):
    vendor = Vendor.FLUENTCART
    exception_handler = errors.handle
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    authentication_classes = [FluentCartCookieAuthentication]
    # Routes that place an order count against the place-order limit.
    places_order = False
    # WordPress's REST cookie auth (rest_cookie_check_errors): a logged-in request needs the
    # wp_rest nonce, else it is a guest; a wrong nonce is 403. admin-ajax has no such rule.
    rest_cookie_auth = True

    def perform_authentication(self, request):
        super().perform_authentication(request)
        user = user_of(request)
        if not self.rest_cookie_auth or user is None or browsable_api_csrf_ok(request):
            return
        given = (request.headers.get("X-WP-Nonce") or request.GET.get("_wpnonce") or "").strip()
        if not given:
            request.user = AnonymousUser()
            return
        token = request.session.session_key or ""
        if not nonces.verify_nonce(given, token, user.pk, action=nonces.REST_ACTION):
            raise VendorError("rest_cookie_invalid_nonce", "Cookie check failed", 403)

    def params(self) -> dict:
        if not hasattr(self, "_params"):
            self._params = read_params(self.request)
        return self._params

    def request_data(self):
        return self.params()

    @property
    def session(self) -> session.FluentSession:
        if not hasattr(self, "_session"):
            self._session = session.for_request(self.request, params=self.params())
        return self._session

    @property
    def user(self):
        return user_of(self.request)

    def rate_limit(self, request):
        if self.places_order and request.method == "POST" and settings.FLUENTCART_RATE_LIMIT:
            return RateLimit(
                "fluentcart_place_order",
                settings.FLUENTCART_RATE_LIMIT,
                settings.FLUENTCART_RATE_LIMIT_SECONDS,
            )
        return None

    def rate_limit_key(self, request) -> str:
        # RateLimiter::isSpamming: md5(IP [+ "_user_<id>"]) + the action.
        user = user_of(request)
        suffix = f"_user_{user.pk}" if user is not None else ""
        return f"ip:{client_ip(request)}{suffix}"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if hasattr(self, "_session"):
            session.set_cookie(response, self._session, request)
        return response


class NoRouteView(NoRouteMixin, FluentView):
    """Anything under /wp-json/fluent-cart/v2/ that no route matches: rest_no_route."""
