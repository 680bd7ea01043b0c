"""The hub's WSGI handler: Django's, remembering what each path resolved to.

Resolving a vendor path walks the URL map's nested includes and their regexes on every request
(about a fifteenth of a cart read). The map does not change while the process runs, so a path
that resolved once resolves the same way again: the match is kept per resolver and path (a new
resolver, as `override_settings(ROOT_URLCONF=...)` makes, starts afresh). A path that does not
resolve is never kept, so its 404 is worked out every time; a request whose middleware set its
own `urlconf` goes through Django's resolution as usual.
"""

from __future__ import annotations

import django
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver

# (resolver, path) -> ResolverMatch. Bounded: paths carry ids (/orders/123), and the client
# chooses them.
_matches: dict = {}
MAX_MATCHES = 4096


class HubWSGIHandler(WSGIHandler):
    def resolve_request(self, request):
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)
        resolver = get_resolver()
        key = (resolver, request.path_info)
        match = _matches.get(key)
        if match is None:
            match = resolver.resolve(request.path_info)  # Resolver404 propagates, not kept
            if len(_matches) < MAX_MATCHES:
                _matches[key] = match
        request.resolver_match = match
        return match


def get_wsgi_application() -> HubWSGIHandler:
    """django.core.wsgi.get_wsgi_application, with the hub's handler."""
    django.setup(set_prefix=False)
    return HubWSGIHandler()
