"""Extra demo data an app adds to `manage.py seed_store` (a vendor's demo API keys, a demo
customer): each app registers a callable from its AppConfig.ready(); seed_store runs them in
registration order inside its transaction, after the catalogue and the admin user. The core
never imports a vendor app, so this is how a vendor's seed reaches the core command."""

import contextvars
from collections.abc import Callable
from contextlib import contextmanager

_seeders: dict[str, Callable[[], None]] = {}


def register(name: str, seed: Callable[[], None]) -> None:
    """Add (or replace) the seeder for `name`; it must be idempotent, like seed_store."""
    _seeders[name] = seed


def run_all() -> None:
    for seed in _seeders.values():
        seed()


# POST /__hub/reset seeds quickly: an existing user's password is not re-checked (a password
# hash check costs a good part of a second by design). seed_store on its own checks it.
_quick = contextvars.ContextVar("hub_seed_quick", default=False)


def quick() -> bool:
    return _quick.get()


@contextmanager
def quickly():
    token = _quick.set(True)
    try:
        yield
    finally:
        _quick.reset(token)
