"""The HWP bridge's base view: HWP's envelope, parsers and renderers for every route.

Every bridge view derives from `HwpView` (the kit's `VendorAPIView`), so every reply (errors of
DRF's own included) carries the envelope's `meta` and the `X-Correlation-Id` header, bodies
over HWP_MAX_BODY_BYTES are refused before they are parsed (413 REQUEST_TOO_LARGE), and the
browsable API works with its raw JSON form (request bodies are nested JSON that DRF's HTML
forms cannot express; the form sends Django's CSRF token in place of the X-WP-Nonce).
"""

from __future__ import annotations

from django.conf import settings

from checkout_hub.api import NoRouteMixin, VendorAPIView
from checkout_hub.models import Vendor

from .. import envelope, errors
from ..auth import CookieSessionAuthentication


class HwpView(VendorAPIView):
    vendor = Vendor.HWP_BRIDGE
    exception_handler = errors.handle
    browsable_forms = "raw"
    authentication_classes = [CookieSessionAuthentication]

    @property
    def max_body_bytes(self) -> int:
        return settings.HWP_MAX_BODY_BYTES

    def initial(self, request, *args, **kwargs):
        envelope.correlation_id(request)
        super().initial(request, *args, **kwargs)

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


class NoRouteView(NoRouteMixin, HwpView):
    """Anything under /wp-json/headlesswp/v1/ that no route matches."""
