"""Shared pytest setup: a clean clock, cache and scenario state around every test."""

import pytest
from django.core.cache import cache

from checkout_hub import clock
from checkout_hub.services import scenarios


@pytest.fixture(autouse=True)
def _clean_hub_state():
    cache.clear()
    clock.reset()
    scenarios.deactivate()
    yield
    clock.reset()
    scenarios.deactivate()
    cache.clear()


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client
