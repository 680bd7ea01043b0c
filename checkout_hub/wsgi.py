"""WSGI entry point (gunicorn checkout_hub.wsgi)."""

import gc
import os

from checkout_hub.handler import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_hub.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL map) lives as long as the process: moved
# out of the collector's sight, a full collection no longer walks it, so no request pays for a
# pause that scans the whole framework (a tail-latency spike).
gc.freeze()
