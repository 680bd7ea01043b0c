"""The floor: a bare Django view returning a small JSON dict, no middleware, no database.

bench/throughput.py serves it with the same gunicorn settings as the hub, so every hub route
is reported as a ratio of what Django itself costs on this machine:

    gunicorn --chdir bench floor:application
"""

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def floor(request):
    return JsonResponse({"status": "ok", "service": "floor", "items": [1, 2, 3]})


urlpatterns = [path("floor", floor)]
application = get_wsgi_application()
