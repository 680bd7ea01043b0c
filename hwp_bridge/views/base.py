"""The HWP bridge's base view: HWP's envelope, parsers and renderers for every route.

Every bridge view derives from `HwpView`, so every reply (errors of DRF's own included)
carries the envelope's `meta` and the `X-Correlation-Id` header, bodies over
HWP_MAX_BODY_BYTES are refused before they are parsed, and the browsable API works.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import renderers
from rest_framework.permissions import AllowAny

from checkout_hub.api import VendorAPIView
from checkout_hub.api.parsers import BoundedJSONParser
from checkout_hub.models import Vendor

from .. import envelope, errors
from ..auth import CookieSessionAuthentication


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API with its raw JSON form only: request bodies are nested JSON (lists
    of items) that DRF's HTML forms cannot express. The raw form sends Django's CSRF token,
    which stands in for the X-WP-Nonce (see `auth.browsable_api_form`)."""

    def get_rendered_html_form(self, data, view, method, request):
        if method in ("POST", "PUT", "PATCH"):
            return None
        return super().get_rendered_html_form(data, view, method, request)


class HwpView(VendorAPIView):
    vendor = Vendor.HWP_BRIDGE
    exception_handler = staticmethod(errors.handle)
    renderer_classes = [renderers.JSONRenderer, BrowsableAPIRenderer]
    parser_classes = [BoundedJSONParser]
    authentication_classes = [CookieSessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list = []
    raw_form_example: dict | None = None  # the browsable API's starting request body

    def initial(self, request, *args, **kwargs):
        envelope.correlation_id(request)
        self.check_body_size(request)
        super().initial(request, *args, **kwargs)

    def check_body_size(self, request) -> None:
        limit = settings.HWP_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            raise errors.too_large(limit)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if envelope.HEADER not in response:  # a replayed reply keeps its own
            response[envelope.HEADER] = envelope.correlation_id(request)
        # The HWP proxy boundary keeps JSON replies out of every cache.
        response.setdefault("Cache-Control", "no-store")
        return response

    def options(self, request, *args, **kwargs):
        # DRF's route description, in the envelope like every other reply.
        return envelope.ok(request, self.metadata_class().determine_metadata(request, self))

    def get_serializer_context(self) -> dict:
        return {"request": self.request, "view": self, "currency": settings.HUB_CURRENCY}

    def get_serializer(self, *args, **kwargs):
        # The browsable API builds its raw JSON form from this, pre-filled with a request
        # that works as it is.
        serializer_class = getattr(self, "serializer_class", None)
        if serializer_class is None:
            return None
        if not args and "instance" not in kwargs and "data" not in kwargs:
            kwargs["instance"] = self.raw_form_example
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class NoRouteView(HwpView):
    """Anything under /wp-json/headlesswp/v1/ that no route matches."""

    schema = None  # not an endpoint of its own

    def dispatch_any(self, request, *args, **kwargs):
        raise errors.not_found()

    get = post = put = patch = delete = options = dispatch_any
