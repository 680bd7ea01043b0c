"""WSGI entry point (gunicorn checkout_hub.wsgi)."""

import gc
import os

from django.urls import get_resolver

from checkout_hub.handler import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_hub.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view now, before the freeze

# Everything loaded so far (Django, the apps, the URL map and its views) lives as long as the
# process: moved out of the collector's sight, a full collection no longer walks it, so no
# request pays for a pause that scans the whole framework (a tail-latency spike).
gc.freeze()
# A request allocates a few thousand objects, nearly all freed by reference counting when it
# ends; with CPython's default of 700 the collector ran several times within each request.
gc.set_threshold(10_000, 10, 10)
