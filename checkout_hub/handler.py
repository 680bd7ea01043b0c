"""The hub's WSGI handler: Django's, remembering what each path resolved to.

Resolving a vendor path walks the URL map's nested includes and their regexes on every request
(about a fifteenth of a cart read). The map does not change while the process runs, so a path
that resolved once resolves the same way again: the match is kept per resolver and path (a new
resolver, as `override_settings(ROOT_URLCONF=...)` makes, starts afresh). A path that does not
resolve is never kept, so its 404 is worked out every time; a request whose middleware set its
own `urlconf` goes through Django's resolution as usual.

Under WSGI, the database connections and cache clients are also kept per thread in a plain
`threading.local` (see `use_thread_locals`).
"""

from __future__ import annotations

import threading

import django
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
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


def use_thread_locals() -> None:
    """Keep each thread's database connections and cache clients in a `threading.local`.

    Django keeps them in asgiref's `Local`, which works for async code too: every lookup
    (`connections["default"]`, each `cache.get`, each query's several) goes through a Python
    `__getattr__` that first asks asyncio for a running event loop, or takes a lock and a
    context variable. A WSGI server's threads never run an event loop, and there `Local` is
    per-thread storage anyway: a plain `threading.local` keeps exactly what it kept (one
    connection per thread, the journal writer's its own), looked up in C. What this thread
    has opened already moves across. Only the WSGI entry point calls this; ASGI keeps asgiref's.
    """
    for handler in (connections, caches):
        storage = threading.local()
        for alias in handler.settings:
            if hasattr(handler._connections, alias):
                setattr(storage, alias, getattr(handler._connections, alias))
        handler._connections = storage


def get_wsgi_application() -> HubWSGIHandler:
    """django.core.wsgi.get_wsgi_application, with the hub's handler and per-thread
    connections kept in a plain `threading.local`."""
    django.setup(set_prefix=False)
    use_thread_locals()
    return HubWSGIHandler()
