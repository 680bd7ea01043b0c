"""The base every vendor's API view derives from.

`VendorAPIView` tags the request with its vendor (for the journal and stored scenario rules),
activates the request's scenario and lets request-level scenarios fire. A vendor's own base
view sets its parsers, renderers, auth and `exception_handler`; the browsable API then works
for every vendor with no per-view code.
"""

from __future__ import annotations

from rest_framework.views import APIView

from checkout_hub.services import scenarios


class VendorAPIView(APIView):
    vendor: str = ""
    # A callable (exc, context) -> Response | None rendering errors in the vendor's envelope.
    exception_handler = None

    def initial(self, request, *args, **kwargs):
        request._request.hub_vendor = self.vendor
        super().initial(request, *args, **kwargs)
        scenarios.activate(request._request, self.vendor)
        scenarios.fire(scenarios.REQUEST)

    def get_exception_handler(self):
        handler = type(self).exception_handler
        return handler if handler is not None else super().get_exception_handler()
