"""WSGI entry point (gunicorn checkout_hub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_hub.settings")
application = get_wsgi_application()
