"""CoCart's base views: WordPress's envelope, parsers and auth for every route; for cart routes
also the session (which cart), the cart headers, sliding expiry and 4.9's ETags.

Every reply carries `CoCart-Timestamp`; cart routes add `CoCart-API-Cart-Key`,
`CoCart-API-Cart-Expiring` and `CoCart-API-Cart-Expiration` (errors included). `CoCart-Version`
is only sent under WP_DEBUG since 4.6.2, so the hub sends it only with DEBUG on.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework import serializers as drf_serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from checkout_hub import clock
from checkout_hub.api import NoRouteMixin, RateLimit, VendorAPIView
from checkout_hub.api.parsers import BoundedJSONParser
from checkout_hub.api.views import WRITE_METHODS
from checkout_hub.models import Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import ratelimit, removed_items
from checkout_hub.wordpress.params import read_nested_params

from .. import errors, serializers, session
from ..auth import BasicLoginAuthentication, SessionLoginAuthentication
from ..schema import CoCartAutoSchema

VERSION = "4.9.3"
TRUE = {"1", "true", "yes", "on"}


def truthy(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE


def text_param(params: dict, name: str, default: str = "") -> str:
    """A string parameter as WordPress validates it: a number is taken as its text, anything
    else (an object, a list, a boolean) is rest_invalid_param, never echoed back."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise drf_serializers.ValidationError(
            {name: [f"{name} is not of type string."]}, code="invalid"
        )
    return str(value)


def etag_for(cart_hash: str) -> str:
    """4.9's opaque weak ETag for a cart hash."""
    return 'W/"' + hashlib.md5(f"cocart_etag_{cart_hash}{VERSION}".encode()).hexdigest() + '"'


def if_none_match(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    values = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if len(part) >= 2 and part[0] == part[-1] == '"':
            values.add(part[1:-1])
    return values


class CoCartView(VendorAPIView):
    vendor = Vendor.COCART
    exception_handler = errors.handle
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    authentication_classes = [BasicLoginAuthentication, SessionLoginAuthentication]
    schema = CoCartAutoSchema()
    rate_limit_exempt_staff = True  # edit_posts users are exempt
    rate_limit_headers = True
    # The Preview checkout reads a ck_ Basic pair as a consumer key (auth.consumer_key).
    accepts_consumer_keys = False

    def params(self) -> dict:
        # PHP's nesting: the JS client over HTTP sends `variation[attribute_pa_color]=Blue`.
        return read_nested_params(self.request)

    def request_data(self):
        return self.params()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["CoCart-Timestamp"] = str(clock.timestamp())
        if settings.DEBUG:
            response["CoCart-Version"] = VERSION
        return response

    # --- rate limits (CoCart Plus's; off unless enabled) ---
    def rate_limit(self, request) -> RateLimit | None:
        if settings.COCART_RATE_LIMITING_ENABLED and request.method in WRITE_METHODS:
            return RateLimit(
                "cocart",
                settings.COCART_RATE_LIMITING_LIMIT,
                settings.COCART_RATE_LIMITING_SECONDS,
            )
        return None

    def rate_limit_key(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        ip = ratelimit.client_ip(request)
        if settings.COCART_RATE_LIMITING_PROXY_SUPPORT:
            meta = request.META
            forwarded = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
            ip = meta.get("HTTP_X_REAL_IP") or meta.get("HTTP_CLIENT_IP") or forwarded or ip
        return "ip:" + hashlib.md5(ip.encode()).hexdigest()


class CartView(CoCartView):
    """A cart route: the session, its headers and sliding expiry, and 4.9's ETag."""

    etag = True  # the route is in CoCart_ETag's cart routes
    trusted_app = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.notices: dict[str, list[str]] = {}
        self.session = session.resolve(request, trusted_app=self.trusted_app)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        current = getattr(self, "session", None)
        if current is None:
            return response
        session.slide_expiry(current)
        for name, value in session.cart_headers(current).items():
            response[name] = value
        if self.etag and response.status_code < 300:
            if self.skip_cache():
                response["CoCart-Cache"] = "SKIP"
            else:
                data = response.data if isinstance(response.data, dict) else {}
                cart = current._cart
                hashed = cart_service.contents_hash(cart) if cart is not None and cart.pk else ""
                hashed = hashed or data.get("cart_hash", "")
                if hashed:
                    response["ETag"] = etag_for(hashed)
                    response["CoCart-Cache"] = "MISS"
        return response

    def skip_cache(self) -> bool:
        return truthy(self.request.query_params.get("_skip_cache"))

    def not_modified(self) -> Response | None:
        """GET with a matching If-None-Match: 304 with no body (CoCart-Cache: HIT)."""
        if self.request.method != "GET" or self.skip_cache():
            return None
        wanted = if_none_match(self.request)
        cart = self.session.cart
        if not wanted or cart.pk is None:
            return None
        hashed = cart_service.contents_hash(cart)
        etag = etag_for(hashed) if hashed else ""
        if etag and etag[3:-1] in wanted:
            response = Response(status=304)
            response["ETag"] = etag
            response["CoCart-Cache"] = "HIT"
            self.etag = False  # the headers are set
            return response
        return None

    # --- the cart reply ---
    def notice(self, text: str, kind: str = "success") -> None:
        self.notices.setdefault(kind, []).append(text)

    def totals(self, cart=None):
        cart = cart if cart is not None else self.session.cart
        return cart_service.loaded_totals(cart)

    def cart_data(self, *, fresh: bool = True) -> dict:
        cart = self.session.reload() if fresh else self.session.cart
        params = self.params()
        totals = self.totals(cart)
        for dropped in totals.coupon_errors:  # WooCommerce's notice for a coupon it removed
            self.notice(dropped.message, "error")
        data = serializers.cart_object(
            cart,
            self.session.key,
            totals,
            removed=removed_items.lines(cart) if cart.pk else [],
            notices=self.notices,
            thumb=truthy(params.get("thumb"), default=True),
        )
        if fields := text_param(params, "fields"):
            data = serializers.select_fields(data, fields)
        return data

    def cart_response(self, status: int = 200, *, fresh: bool = True) -> Response:
        return Response(self.cart_data(fresh=fresh), status=status)

    def writable_cart(self):
        return self.session.cart_for_write()

    def saved_cart(self, missing: Exception):
        cart = self.session.cart
        if cart.pk is None:
            raise missing
        return cart


class NoRouteView(NoRouteMixin, CoCartView):
    """Anything under /wp-json/cocart/ that no route matches: WordPress's rest_no_route."""
