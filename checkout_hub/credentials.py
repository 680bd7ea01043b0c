"""A registry of the credentials a developer needs to use the hub (admin login, vendor keys).

Each app registers a provider: a zero-argument callable returning a JSON-able dict, called
only when the credentials are collected (so it reads settings at that time). Vendor apps call
`credentials.register(...)` from their `AppConfig.ready`; `python manage.py credentials` prints
`collect()` as JSON.
"""

from collections.abc import Callable

from django.conf import settings

Provider = Callable[[], dict]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) the provider for `name`."""
    _providers[name] = provider


def collect() -> dict:
    """{name: provider()} for every registered provider, in registration order."""
    return {name: provider() for name, provider in _providers.items()}


def admin_credentials() -> dict:
    return {
        "username": settings.HUB_ADMIN_USERNAME,
        "password": settings.HUB_ADMIN_PASSWORD,
        "url": settings.HUB_PUBLIC_URL + "/admin/",
    }


register("admin", admin_credentials)
