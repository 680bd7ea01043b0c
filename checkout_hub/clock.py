"""The hub's one clock and one random source.

Everything that reads the time or makes a random id goes through here, so tests (and QA) can
freeze or advance time and get repeatable ids.
"""

import datetime as dt
import random
import secrets
import string
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None
_offset = dt.timedelta()
_rng: random.Random | None = None  # None: the OS's secure source

ALPHANUMERIC = string.ascii_letters + string.digits


def now() -> dt.datetime:
    """The current time (aware, UTC), as frozen or advanced by the helpers below."""
    return (_frozen or timezone.now()) + _offset


def timestamp() -> int:
    return int(now().timestamp())


@contextmanager
def frozen(at: dt.datetime):
    """Freeze `now()` at `at` for the duration of the block."""
    global _frozen, _offset
    previous = _frozen, _offset
    _frozen, _offset = at, dt.timedelta()
    try:
        yield
    finally:
        _frozen, _offset = previous


def advance(seconds: float) -> None:
    """Move the clock forward (frozen or not)."""
    global _offset
    _offset += dt.timedelta(seconds=seconds)


def reset() -> None:
    global _frozen, _offset, _rng
    _frozen, _offset, _rng = None, dt.timedelta(), None


def seed(value: int | None) -> None:
    """Make random ids repeatable (an int), or secure again (None)."""
    global _rng
    _rng = random.Random(value) if value is not None else None


def random_string(length: int, alphabet: str = ALPHANUMERIC) -> str:
    if _rng is not None:
        return "".join(_rng.choice(alphabet) for _ in range(length))
    return "".join(secrets.choice(alphabet) for _ in range(length))


def random_hex(length: int) -> str:
    return random_string(length, "0123456789abcdef")
