"""The Store API's base views: WordPress's envelope, parsers and renderers for every route;
for cart and checkout routes also the session, the nonce rule and the rate limits.

Every Store API view derives from `WooView` (products, order) or `WooSessionView` (cart,
checkout), so the browsable API, the error envelope and the session headers come for free.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.authentication import CSRFCheck, SessionAuthentication
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from checkout_hub.api import VendorAPIView
from checkout_hub.api.parsers import BoundedJSONParser
from checkout_hub.models import Vendor
from checkout_hub.services import pricing, ratelimit
from checkout_hub.wordpress.params import read_params

from .. import errors, session
from ..errors import WooError

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NonceAuthentication(SessionAuthentication):
    """Django's login session, without Django's CSRF check: the Store API's nonce is its CSRF
    protection (and a Cart-Token holder needs none)."""

    def enforce_csrf(self, request):
        return None


class WooView(VendorAPIView):
    vendor = Vendor.WOO_STORE
    exception_handler = staticmethod(errors.handle)
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    authentication_classes = [NonceAuthentication]
    permission_classes = [AllowAny]
    # Where errors of this view arise (errors.ADD, errors.CHECKOUT, ...), for stage-dependent
    # codes and statuses; a view may set it per method.
    error_stage = ""

    def check_permissions(self, request):
        # WordPress matches the route and method before anything else runs. (Here, after
        # content negotiation, so the browsable API still shows a POST-only route's form.)
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise errors.no_route()
        super().check_permissions(request)

    def params(self) -> dict:
        return read_params(self.request)

    def validated(self, serializer_class, data: dict | None = None) -> dict:
        serializer = serializer_class(
            data=self.params() if data is None else data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_serializer_context(self) -> dict:
        return {"request": self.request, "view": self, "currency": settings.HUB_CURRENCY}

    def get_serializer(self, *args, **kwargs):
        # The browsable API builds its forms from this.
        serializer_class = getattr(self, "serializer_class", None)
        if serializer_class is None:
            return None
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)


class WooSessionView(WooView):
    """Cart and checkout routes. Every reply, errors included, carries the session headers."""

    # Methods that need a nonce (or a valid Cart-Token); /checkout needs it on every method.
    nonce_methods = WRITE_METHODS
    # The rate-limit group this route counts in (POST /checkout has its own when enabled).
    rate_limit_group = "woo_store"

    def initial(self, request, *args, **kwargs):
        self.session = session.resolve(request)
        self.rate_headers: dict[str, str] = {}
        super().initial(request, *args, **kwargs)
        # WordPress's order: rate limits (authentication), then the JSON body (parameter
        # validation), then the route's nonce check.
        self.check_rate_limit(request)
        if request.method in WRITE_METHODS:
            request.data  # noqa: B018 - parses now, so bad JSON is rest_invalid_json
        self.check_nonce(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        current = getattr(self, "session", None)
        if current is not None:
            session.apply(response, current)
        for name, value in getattr(self, "rate_headers", {}).items():
            response[name] = value
        return response

    # --- the nonce rule (reference §5) ---
    def check_nonce(self, request) -> None:
        if request.method not in self.nonce_methods or settings.WOO_STORE_DISABLE_NONCE_CHECK:
            return
        if self.session.token_valid or self.browsable_api_session(request):
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

    def browsable_api_session(self, request) -> bool:
        """The hub's QA convenience: DRF's browsable API cannot send a Nonce header, so a
        browser on the HTML pages may read (GET) without one, and its forms may write with
        Django's CSRF token instead. JSON clients always follow WooCommerce's rule."""
        renderer = getattr(request, "accepted_renderer", None)
        if request.method == "GET" and isinstance(renderer, BrowsableAPIRenderer):
            return True
        has_token = "HTTP_X_CSRFTOKEN" in request.META or "csrfmiddlewaretoken" in request.POST
        if not has_token or settings.CSRF_COOKIE_NAME not in request.COOKIES:
            return False
        check = CSRFCheck(lambda _request: None)
        check.process_request(request._request)
        return check.process_view(request._request, None, (), {}) is None

    # --- rate limits (off unless enabled; counted in the shared cache) ---
    def rate_limit_rule(self, request) -> tuple[str, int, int] | None:
        """(group, limit, seconds) for this request, or None when it is not limited."""
        if request.method not in WRITE_METHODS:
            return None  # WooCommerce's docs: only writes are limited
        if settings.WOO_STORE_RATE_LIMIT_ENABLED:
            return (
                self.rate_limit_group,
                settings.WOO_STORE_RATE_LIMIT,
                settings.WOO_STORE_RATE_LIMIT_SECONDS,
            )
        return None

    def check_rate_limit(self, request) -> None:
        rule = self.rate_limit_rule(request)
        user = getattr(request, "user", None)
        if rule is None or (user is not None and user.is_staff):  # edit_posts users are exempt
            return
        group, limit, seconds = rule
        usage = ratelimit.check(
            request, group=group, key=self.rate_limit_key(request), limit=limit, seconds=seconds
        )
        self.rate_headers = {
            "RateLimit-Limit": str(usage.limit),
            "RateLimit-Remaining": str(usage.remaining),
            "RateLimit-Reset": str(usage.reset_at),
        }

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


class NoRouteView(WooView):
    """Anything under the Store API prefix that no route matches: WordPress's rest_no_route."""

    schema = None  # not an endpoint of its own

    def dispatch_any(self, request, *args, **kwargs):
        raise errors.no_route()

    get = post = put = patch = delete = dispatch_any
