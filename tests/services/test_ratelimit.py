"""Rate limits counted in the shared cache: per key, per window, with reset times."""

import pytest
from django.test import RequestFactory

from checkout_hub import clock
from checkout_hub.services import errors, ratelimit


@pytest.fixture
def request_():
    return RequestFactory().post("/wp-json/wc/store/v1/checkout", REMOTE_ADDR="10.0.0.7")


def test_counts_down_then_blocks(request_):
    seen = [
        ratelimit.hit(request_, group="woo", key="user-1", limit=3, seconds=60) for _ in range(4)
    ]
    assert [u.remaining for u in seen] == [2, 1, 0, 0]
    assert [u.blocked for u in seen] == [False, False, False, True]
    assert all(u.limit == 3 for u in seen)
    # django-ratelimit's window may end this very second (time_left 0) once a minute.
    assert 0 <= seen[-1].reset_at - clock.timestamp() <= 60
    assert 1 <= seen[-1].retry_after <= 60


def test_keys_and_groups_count_apart(request_):
    for _ in range(2):
        ratelimit.hit(request_, group="woo", key="a", limit=2, seconds=60)
    assert not ratelimit.hit(request_, group="woo", key="b", limit=2, seconds=60).blocked
    assert not ratelimit.hit(request_, group="fluent", key="a", limit=2, seconds=60).blocked
    assert ratelimit.hit(request_, group="woo", key="a", limit=2, seconds=60).blocked


def test_check_raises_rate_limited_with_the_facts(request_):
    ratelimit.check(request_, group="fc", key="ip", limit=1, seconds=60)
    with pytest.raises(errors.RateLimited) as exc:
        ratelimit.check(request_, group="fc", key="ip", limit=1, seconds=60)
    assert (exc.value.limit, exc.value.remaining) == (1, 0)
    assert f"wait {exc.value.retry_after} seconds" in exc.value.message


def test_client_ip(request_):
    assert ratelimit.client_ip(request_) == "10.0.0.7"
