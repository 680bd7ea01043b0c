"""The base every vendor's API view derives from.

`VendorAPIView` holds what every adapter needs once: JSON and the browsable API, the login
session, the vendor tag (for the journal and stored scenario rules), request-level scenarios,
a body-size limit, the route-and-method match first (as WordPress does), a declared rate limit
counted in the shared cache, and the serializer helpers. A vendor's own base view sets its
`vendor`, `exception_handler` (its `errors.handle`), parsers and auth; every view of that
vendor derives from it, so the browsable API and the error envelope come for free.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions as drf
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from checkout_hub.services import ratelimit, scenarios

from .auth import LoginSessionAuthentication
from .parsers import BoundedJSONParser
from .renderers import BrowsableAPIRenderer, JSONRenderer
from .request import HubRequest

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Content negotiation's answers by (view class, renderers, Accept, format): bounded, since the
# Accept header is the client's to choose.
_negotiated: dict[tuple, tuple[int, str]] = {}
NEGOTIATED_MAX = 4096


class BodyTooLarge(RequestDataTooBig):
    """A body over the view's `max_body_bytes` (Django's own limit raises its parent)."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"The request body is over {limit} bytes.")


@dataclass(frozen=True)
class RateLimit:
    """`limit` requests per `seconds` in `group`, per key (see VendorAPIView.rate_limit_key)."""

    group: str
    limit: int
    seconds: int


class VendorAPIView(APIView):
    vendor: str = ""
    # A callable (exc, context) -> Response rendering errors in the vendor's envelope.
    exception_handler = None
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [BoundedJSONParser]
    authentication_classes = [LoginSessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list = []
    # Bodies larger than this are refused before they are parsed (the vendor's too-large
    # error); None: Django's DATA_UPLOAD_MAX_MEMORY_SIZE only.
    max_body_bytes: int | None = None
    # Rate limits: staff are exempt where the vendor says so (WordPress's edit_posts users);
    # with `rate_limit_headers` every counted reply carries RateLimit-Limit/-Remaining/-Reset.
    rate_limit_exempt_staff = False
    rate_limit_headers = False
    # The browsable API's starting request body (its raw JSON form).
    raw_form_example: dict | None = None
    # Where errors of this view arise, for codes that differ by step (see api.errors.Situation).
    error_stage = ""

    def initialize_request(self, request, *args, **kwargs):
        """DRF's, with the hub's Request (api/request.py)."""
        return HubRequest(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
        )

    def get_exception_handler(self):
        handler = type(self).exception_handler
        return handler if handler is not None else super().get_exception_handler()

    def initial(self, request, *args, **kwargs):
        request._request.hub_vendor = self.vendor
        self.check_body_size(request)
        self.rate_headers: dict[str, str] = {}
        super().initial(request, *args, **kwargs)
        scenarios.activate(request._request, self.vendor)
        scenarios.fire(scenarios.REQUEST)
        self.check_rate_limit(request)

    def perform_content_negotiation(self, request, force=False):
        """DRF's choice of renderer, worked out once per view class, renderers, Accept header
        and format (parsing the Accept header is a tenth of a small request's time); a request
        it refuses (406, an unknown ?format=) goes through DRF every time."""
        if force:  # a reply to a request refused before negotiation: DRF's own fallback
            return super().perform_content_negotiation(request, force)
        renderers = self.get_renderers()
        key = (
            type(self),
            tuple(type(renderer) for renderer in renderers),
            request.META.get("HTTP_ACCEPT", ""),
            request.query_params.get(api_settings.URL_FORMAT_OVERRIDE or "format"),
            self.format_kwarg,
        )
        choice = _negotiated.get(key)
        if choice is None:
            renderer, media_type = super().perform_content_negotiation(request)
            choice = (key[1].index(type(renderer)), media_type)
            if len(_negotiated) < NEGOTIATED_MAX:
                _negotiated[key] = choice
        index, media_type = choice
        return renderers[index], media_type  # a fresh renderer: the browsable one keeps state

    def check_permissions(self, request):
        # The route and the method are matched before anything else runs (WordPress's
        # match_request_to_handler); here after content negotiation, so the browsable API can
        # still show a POST-only route's form.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise drf.MethodNotAllowed(request.method)
        super().check_permissions(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in getattr(self, "rate_headers", {}).items():
            response[name] = value
        return response

    # --- body size ---
    def check_body_size(self, request) -> None:
        limit = self.max_body_bytes
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            raise BodyTooLarge(limit)

    # --- rate limits (counted in the shared cache) ---
    def rate_limit(self, request) -> RateLimit | None:
        """The limit this request counts against, or None (the default)."""
        return None

    def rate_limit_key(self, request) -> str:
        return f"ip:{ratelimit.client_ip(request)}"

    def check_rate_limit(self, request) -> None:
        rule = self.rate_limit(request)
        user = getattr(request, "user", None)
        if rule is None or (self.rate_limit_exempt_staff and user is not None and user.is_staff):
            return
        usage = ratelimit.check(
            request,
            group=rule.group,
            key=self.rate_limit_key(request),
            limit=rule.limit,
            seconds=rule.seconds,
        )
        if self.rate_limit_headers:
            self.rate_headers = {
                "RateLimit-Limit": str(usage.limit),
                "RateLimit-Remaining": str(usage.remaining),
                "RateLimit-Reset": str(usage.reset_at),
            }

    # --- serializers ---
    def get_serializer_context(self) -> dict:
        return {"request": self.request, "view": self, "currency": settings.HUB_CURRENCY}

    def get_serializer(self, *args, **kwargs):
        """The request serializer (the browsable API builds its forms from this), pre-filled
        with `raw_form_example` when the view has one."""
        serializer_class = getattr(self, "serializer_class", None)
        if serializer_class is None:
            return None
        if (
            self.raw_form_example is not None
            and not args
            and not {"instance", "data"} & set(kwargs)
        ):
            kwargs["instance"] = self.raw_form_example
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def request_data(self):
        """What `validated()` reads by default: the parsed body."""
        return self.request.data

    def validated(self, serializer_class, data=None) -> dict:
        serializer = serializer_class(
            data=self.request_data() if data is None else data,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class NoRouteMixin:
    """Anything under a vendor's prefix that no route matches: the vendor's not-found error
    (its handler renders DRF's NotFound), for every method, in the browser too."""

    schema = None  # not an endpoint of its own

    def dispatch_any(self, request, *args, **kwargs):
        raise drf.NotFound()

    get = post = put = patch = delete = options = dispatch_any
