"""The last guard: no API route answers Django's HTML error page to an API client.

Each vendor's error table renders the errors its views raise, but an exception can still
escape: from a middleware, from a non-DRF view, from rendering. Django turns it into its own
HTML 500 page (or the debug page). Here each API registers, by path prefix, a callable that
builds its own "unknown server error" reply, and:

- `FallbackMiddleware.process_exception` answers a view's unexpected exception in that
  envelope (logged with its traceback);
- the `got_request_exception` signal, which Django sends for every other exception it turns
  into a 500 (a middleware's included), marks the request and logs the traceback; `guard()`
  then swaps Django's reply for the vendor's. The journal calls `guard()` before it writes, so
  it records what the client got, and `FallbackMiddleware` (outermost) calls it last, for an
  exception in a middleware outside the journal.

A vendor registers in its AppConfig.ready(): `fallback.register("/wp-json/…/", render)`, where
`render(request)` returns an HttpResponse; for a vendor built on the kit that is its error
handler's `fallback_response`, so the 500 envelope is written once, in its errors.py. The hub
registers /__hub/ (checkout_hub/apps.py) and the Stripe fake /stripe/v1/ (stripe_fake/apps.py).
"""

from __future__ import annotations

import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponse, JsonResponse

log = logging.getLogger("checkout_hub.fallback")

_registry: list[tuple[str, object]] = []
# What Django itself answers as a 4xx: left to it (and to the vendor's own handlers).
DJANGO_4XX = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)
_UNCAUGHT = "_hub_uncaught_exception"
_ANSWERED = "_hub_fallback_answered"


def register(prefix: str, render) -> None:
    """Answer unexpected errors under `prefix` with `render(request)`; a later registration
    of the same prefix replaces the earlier, and the longest matching prefix wins."""
    unregister(prefix)
    _registry.append((prefix, render))
    _registry.sort(key=lambda item: len(item[0]), reverse=True)


def unregister(prefix: str) -> None:
    _registry[:] = [(p, r) for p, r in _registry if p != prefix]


def renderer_for(path: str):
    for prefix, render in _registry:
        if path.startswith(prefix):
            return render
    return None


def _render(request, render) -> HttpResponse | None:
    try:
        response = render(request)
    except Exception:
        log.exception("the fallback reply for %s failed; a plain JSON 500 instead", request.path)
        response = JsonResponse({"message": "Internal server error."}, status=500)
    setattr(request, _ANSWERED, True)
    return response


def guard(request, response: HttpResponse) -> HttpResponse:
    """The vendor's 500 reply in place of Django's, when an exception escaped for this request."""
    if getattr(request, _UNCAUGHT, False) is False or getattr(request, _ANSWERED, False):
        return response
    render = renderer_for(request.path)
    if render is None or response.status_code < 500:
        return response
    return _render(request, render)


def _mark(sender, request=None, **kwargs) -> None:
    """got_request_exception: sent inside Django's except block, so the traceback is current."""
    if request is None or renderer_for(request.path) is None:
        return  # not an API route: Django's own handling and logging stand
    log.error("Unexpected error on %s %s", request.method, request.path, exc_info=True)
    setattr(request, _UNCAUGHT, True)


got_request_exception.connect(_mark, dispatch_uid="checkout_hub.fallback")


class FallbackMiddleware:
    """Outermost middleware: the vendor's envelope for whatever escaped (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as exc:  # Django converts first; this is for what it cannot
            render = renderer_for(request.path)
            if render is None:
                raise
            log.error("Unexpected error on %s %s", request.method, request.path, exc_info=exc)
            return _render(request, render)
        return guard(request, response)

    def process_exception(self, request, exception):
        render = renderer_for(request.path)
        if render is None or isinstance(exception, DJANGO_4XX):
            return None
        log.error("Unexpected error on %s %s", request.method, request.path, exc_info=exception)
        return _render(request, render)
