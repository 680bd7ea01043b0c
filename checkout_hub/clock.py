"""The hub's one clock and one random source, shared by every worker and process.

Everything that reads the time or makes a random id goes through here, so tests (and QA) can
freeze or advance time and get repeatable ids. The clock's state (a frozen instant or none, an
offset, a random seed) lives in the shared cache under STATE_KEY, so two gunicorn workers, the
task worker and a test process agree on the time. Each process keeps a copy; `sync()` (the
HubClockMiddleware calls it once per request; the task worker once per task) re-reads it with
one cache read, and `now()` itself never leaves the process.
"""

import datetime as dt
import random
import secrets
import string
import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.utils import timezone

STATE_KEY = "hub:clock"
HEADER = "X-Hub-Time"  # every reply carries the hub's time (ISO 8601)

_frozen: dt.datetime | None = None
_offset = dt.timedelta()
_rng: random.Random | None = None  # None: the OS's secure source
_generation = ""  # which shared state this process's copy (and its random source) came from

ALPHANUMERIC = string.ascii_letters + string.digits


def now() -> dt.datetime:
    """The current time (aware, UTC), as frozen or advanced by the helpers below."""
    return (_frozen or timezone.now()) + _offset


def timestamp() -> int:
    return int(now().timestamp())


def is_frozen() -> bool:
    return _frozen is not None


# --- the shared state ---


def _publish(seed_value: int | None = None, reseed: bool = False) -> None:
    """Write this process's clock to the shared cache (a new generation)."""
    global _generation
    previous = cache.get(STATE_KEY) or {}
    _generation = uuid.uuid4().hex
    state = {
        "frozen": _frozen.isoformat() if _frozen else None,
        "offset": _offset.total_seconds(),
        "seed": seed_value if reseed else previous.get("seed"),
        "seed_generation": _generation if reseed else previous.get("seed_generation", ""),
        "generation": _generation,
    }
    cache.set(STATE_KEY, state, None)


_seed_generation = ""


def sync() -> None:
    """Take the shared clock's state (one cache read); a new shared seed reseeds this process."""
    global _frozen, _offset, _rng, _generation, _seed_generation
    state = cache.get(STATE_KEY)
    if state is None:
        if _generation:  # the shared state was cleared: real time again
            _frozen, _offset, _generation = None, dt.timedelta(), ""
        return
    if state["generation"] == _generation:
        return
    _frozen = dt.datetime.fromisoformat(state["frozen"]) if state["frozen"] else None
    _offset = dt.timedelta(seconds=state["offset"])
    _generation = state["generation"]
    if state.get("seed_generation", "") != _seed_generation:
        _seed_generation = state.get("seed_generation", "")
        seed_value = state.get("seed")
        _rng = random.Random(seed_value) if seed_value is not None else None


def freeze(at: dt.datetime) -> None:
    """Stop the clock at `at` (for every process)."""
    global _frozen, _offset
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    _frozen, _offset = at.astimezone(dt.UTC), dt.timedelta()
    _publish()


def unfreeze() -> None:
    """Back to real time (for every process); the random seed is kept."""
    global _frozen, _offset
    _frozen, _offset = None, dt.timedelta()
    _publish()


@contextmanager
def frozen(at: dt.datetime):
    """Freeze `now()` at `at` for the duration of the block."""
    global _frozen, _offset
    previous = _frozen, _offset
    freeze(at)
    try:
        yield
    finally:
        _frozen, _offset = previous
        _publish()


def advance(seconds: float) -> None:
    """Move the clock forward (frozen or not), for every process."""
    global _offset
    _offset += dt.timedelta(seconds=seconds)
    _publish()


def reset() -> None:
    """Real time and the secure random source again, for every process."""
    global _frozen, _offset, _rng, _generation, _seed_generation
    _frozen, _offset, _rng = None, dt.timedelta(), None
    _generation = _seed_generation = ""
    cache.delete(STATE_KEY)


def seed(value: int | None) -> None:
    """Make random ids repeatable (an int), or secure again (None), for every process."""
    global _rng, _seed_generation
    _rng = random.Random(value) if value is not None else None
    _publish(value, reseed=True)
    _seed_generation = _generation


def random_string(length: int, alphabet: str = ALPHANUMERIC) -> str:
    if _rng is not None:
        return "".join(_rng.choice(alphabet) for _ in range(length))
    return "".join(secrets.choice(alphabet) for _ in range(length))


def random_hex(length: int) -> str:
    return random_string(length, "0123456789abcdef")
