"""GET/POST/DELETE /__hub/clock: one hub time for every worker and process, used by everything
that expires, and told to the client on every reply (X-Hub-Time)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory

from checkout_hub import clock
from checkout_hub.services import ratelimit

pytestmark = pytest.mark.django_db
CLOCK = "/__hub/clock"
ROOT = Path(__file__).resolve().parents[2]


def test_get_reads_real_time_by_default(client):
    before = clock.now()
    body = client.get(CLOCK).json()
    assert set(body) == {"now", "frozen"} and body["frozen"] is False
    seen = dt.datetime.fromisoformat(body["now"])
    assert before <= seen <= before + dt.timedelta(seconds=5)


def test_freeze_advance_and_back_to_real_time(client):
    response = client.post(
        CLOCK, {"freeze": "2030-01-01T00:00:00Z"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"now": "2030-01-01T00:00:00Z", "frozen": True}
    assert client.get(CLOCK).json() == {"now": "2030-01-01T00:00:00Z", "frozen": True}

    response = client.post(CLOCK, {"advance": 3600}, content_type="application/json")
    assert response.json() == {"now": "2030-01-01T01:00:00Z", "frozen": True}

    response = client.delete(CLOCK)
    assert response.status_code == 200 and response.json()["frozen"] is False
    assert abs(dt.datetime.fromisoformat(response.json()["now"]) - clock.now()).total_seconds() < 5


def test_advance_moves_a_running_clock(client):
    before = clock.now()
    body = client.post(CLOCK, {"advance": 86400}, content_type="application/json").json()
    assert body["frozen"] is False
    moved = dt.datetime.fromisoformat(body["now"]) - before
    assert dt.timedelta(days=1) <= moved < dt.timedelta(days=1, seconds=5)


def test_every_reply_carries_the_hub_time(client):
    client.post(CLOCK, {"freeze": "2031-05-06T07:08:09Z"}, content_type="application/json")
    assert client.get("/__hub/health")[clock.HEADER] == "2031-05-06T07:08:09Z"
    assert client.get("/wp-json/wc/store/v1/cart")[clock.HEADER] == "2031-05-06T07:08:09Z"


@pytest.mark.parametrize(
    "body",
    [{}, {"freeze": "not a time"}, {"advance": "soon"}, {"freze": "2030-01-01T00:00:00Z"}],
)
def test_bad_changes_are_400_in_the_hub_envelope(client, body):
    response = client.post(CLOCK, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"].startswith("hub_")
    assert client.get(CLOCK).json()["frozen"] is False


def test_unknown_field_names_the_valid_ones(client):
    response = client.post(CLOCK, {"freze": "2030-01-01"}, content_type="application/json")
    assert "freeze, advance" in json.dumps(response.json())


def test_another_process_copy_follows_the_shared_state():
    """This process's copy is re-read from the shared cache: a change published by someone
    else (here: written straight to the cache) is what `sync()` takes."""
    clock.freeze(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    state = clock.cache.get(clock.STATE_KEY)
    clock.cache.set(clock.STATE_KEY, {**state, "offset": 60.0, "generation": "other"}, None)
    assert clock.now() == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # until the next sync
    clock.sync()
    assert clock.now() == dt.datetime(2030, 1, 1, 0, 1, tzinfo=dt.UTC)
    clock.cache.delete(clock.STATE_KEY)
    clock.sync()
    assert not clock.is_frozen()


def test_updated_at_is_stamped_by_the_hub_clock():
    from tests.factories import CartFactory

    with clock.frozen(dt.datetime(2030, 2, 3, tzinfo=dt.UTC)):
        cart = CartFactory()
        cart.save()
    assert cart.updated_at == dt.datetime(2030, 2, 3, tzinfo=dt.UTC)


def test_rate_limit_windows_run_on_the_hub_clock():
    request = RequestFactory().get("/")
    with clock.frozen(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)):
        first = ratelimit.hit(request, group="t", key="k", limit=1, seconds=60)
        assert first.reset_at == clock.timestamp() + 60
        assert ratelimit.hit(request, group="t", key="k", limit=1, seconds=60).blocked
        clock.advance(59)
        assert ratelimit.hit(request, group="t", key="k", limit=1, seconds=60).blocked
        clock.advance(1)  # the window has ended by the hub's clock
        again = ratelimit.hit(request, group="t", key="k", limit=1, seconds=60)
        assert not again.blocked and again.remaining == 0


def test_the_random_seed_is_shared_too():
    clock.seed(7)
    first = clock.random_hex(16)
    clock.seed(7)
    state = clock.cache.get(clock.STATE_KEY)
    clock.cache.set(clock.STATE_KEY, {**state, "generation": "x", "seed_generation": "y"}, None)
    clock.sync()  # another process's seed: reseeds this one from the start
    assert clock.random_hex(16) == first


SHARED = pytest.mark.skipif(
    "redis" not in settings.CACHES["default"]["BACKEND"].lower()
    or connection.vendor != "postgresql",
    reason="two processes share a clock through Redis (PostgreSQL + Redis in CI)",
)


def _other_process(code: str) -> dict:
    name = connection.settings_dict["NAME"]  # the test database
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "HUB_JOURNAL_ENABLED": "0"}
    program = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
        "'checkout_hub.settings'); django.setup()\n" + code
    )
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@SHARED
def test_two_processes_see_one_frozen_clock(client):
    client.post(CLOCK, {"freeze": "2030-01-01T00:00:00Z"}, content_type="application/json")
    seen = _other_process(
        "from django.test import Client\n"
        "r = Client().get('/__hub/clock')\n"
        "print(json.dumps({**r.json(), 'header': r['X-Hub-Time']}))"
    )
    assert seen == {"now": "2030-01-01T00:00:00Z", "frozen": True, "header": "2030-01-01T00:00:00Z"}

    # The other way round: the other process advances, this one's next request sees it.
    _other_process(
        "from django.test import Client\n"
        "r = Client().post('/__hub/clock', {'advance': 90}, content_type='application/json')\n"
        "print(json.dumps(r.json()))"
    )
    assert client.get(CLOCK).json() == {"now": "2030-01-01T00:01:30Z", "frozen": True}
    client.delete(CLOCK)
    assert (
        _other_process(
            "from checkout_hub import clock\nclock.sync()\nprint(json.dumps(clock.is_frozen()))"
        )
        is False
    )
