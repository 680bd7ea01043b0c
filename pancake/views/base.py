"""Pancake's base view: its envelope for every reply (DRF's own errors included), the raw body
read once for signatures and parsed with the kit's bounded JSON reader."""

from __future__ import annotations

from checkout_hub.api import NoRouteMixin, VendorAPIView
from checkout_hub.api import parsers as json_parsers
from checkout_hub.api.renderers import JSONRenderer
from checkout_hub.models import Vendor

from .. import auth, errors


class PancakeView(VendorAPIView):
    vendor = Vendor.PANCAKE
    exception_handler = errors.handle
    renderer_classes = [JSONRenderer]
    authentication_classes: list = []
    max_body_bytes = 256 * 1024
    # Which credentials a route takes (reference §2).
    credentials = (auth.API_KEY, auth.STORE_SLUG, auth.SESSION_TOKEN)

    def authenticate_pancake(self, request) -> auth.Credential:
        self.credential = auth.authenticate(request, self.credentials)
        return self.credential

    def json_body(self):
        """The body as JSON (Pancake's "Invalid JSON body" for anything else)."""
        raw = self.request._request.body
        try:
            return json_parsers.loads(raw)
        except Exception:
            raise errors.bad_request(errors.INVALID_JSON) from None

    def json_object(self) -> dict:
        data = self.json_body()
        if not isinstance(data, dict):
            raise errors.bad_request(errors.INVALID_JSON)
        return data


def ok(data) -> dict:
    return {"data": data}


class NoRouteView(NoRouteMixin, PancakeView):
    """Anything under /v1/ that no route matches: Pancake's 404 envelope."""
