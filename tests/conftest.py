"""Shared pytest setup: a clean clock, cache and scenario state around every test."""

import time
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache

from checkout_hub import clock
from checkout_hub.services import idempotency, journal, reference, scenarios


@pytest.fixture(autouse=True)
def _clean_hub_state(settings):
    # Seeding creates the admin user; the default hasher would cost about a second a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test reads its journal row at once (the writer thread is tested on its own).
    settings.HUB_JOURNAL_WRITE = "inline"
    # Every JSON reply is rendered by DRF too, and must be byte for byte what orjson wrote.
    settings.HUB_JSON_RENDER_CHECK = True
    cache.clear()
    clock.reset()
    scenarios.deactivate()
    scenarios.forget_rules()
    reference.clear()  # the last test's rows are rolled back
    yield
    clock.reset()
    scenarios.deactivate()
    cache.clear()


@pytest.fixture(autouse=True)
def _steady_rate_limit_window(monkeypatch):
    """django-ratelimit's window for a key ends at a fixed second each period: a test that
    crossed it would see its count start again. Its clock stands still during a test."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True)
def _no_sweep_by_row_id(monkeypatch):
    """The journal and the idempotency records sweep old rows when a new row's id is a
    multiple of PRUNE_EVERY. On PostgreSQL ids keep counting across tests (a rolled-back
    transaction does not give a sequence back), so a sweep would land in a random test and
    add its queries to a query count. Tests of the sweep set PRUNE_EVERY themselves."""
    monkeypatch.setattr(journal, "PRUNE_EVERY", 10**15)
    monkeypatch.setattr(idempotency, "PRUNE_EVERY", 10**15)


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client


def pytest_sessionstart(session):
    """CI's second run sets HUB_REQUIRE_SERVICES=1: fail fast unless the suite really runs on
    PostgreSQL and Redis (so the concurrency tests cannot silently skip)."""
    import os

    if os.environ.get("HUB_REQUIRE_SERVICES") != "1":
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    backend = settings.CACHES["default"]["BACKEND"]
    if "postgresql" not in engine or "redis" not in backend.lower():
        raise pytest.UsageError(f"HUB_REQUIRE_SERVICES=1 but running on {engine} / {backend}")
