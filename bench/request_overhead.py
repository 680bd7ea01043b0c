"""What the hub's per-request plumbing costs: the scenario check and the request journal.

Prints figures; asserts nothing (timings belong in a report, not in a flaky test).
Runs against a throwaway test database on whatever DATABASE_URL/CACHE_URL say (SQLite and
local memory by default):

    .venv/bin/python bench/request_overhead.py [requests]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_hub.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from checkout_hub.models import RequestLog  # noqa: E402
from checkout_hub.services import scenarios  # noqa: E402


def per_call_us(fn, n):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def request_ms(client, path, n, **headers):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[-1]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        request = RequestFactory().get("/wp-json/wc/store/v1/cart")
        scenarios.resolve(request, "woo_store")  # warm the rule cache
        print(f"database: {connection.vendor}, requests per measurement: {n}")
        none = per_call_us(lambda: scenarios.resolve(request, "woo_store"), n * 20)
        print(f"scenario check, none asked:     {none:8.1f} us/request")
        with_header = RequestFactory().get("/x", headers={"X-Hub-Scenario": "payment_declined"})
        header = per_call_us(lambda: scenarios.resolve(with_header, "woo_store"), n * 20)
        print(f"scenario check, header:         {header:8.1f} us/request")

        client = Client()
        client.get("/__hub/health")
        with override_settings(HUB_JOURNAL_ENABLED=False):
            off = request_ms(client, "/__hub/health", n)
        on = request_ms(client, "/__hub/health", n)
        print(f"GET /__hub/health, no journal:  {off[0]:8.3f} ms median, {off[1]:.3f} ms p95")
        print(f"GET /__hub/health, journal on:  {on[0]:8.3f} ms median, {on[1]:.3f} ms p95")
        print(f"journal cost:                   {on[0] - off[0]:8.3f} ms/request (median)")
        cap = django.conf.settings.HUB_JOURNAL_MAX_ROWS
        print(f"journal rows now:               {RequestLog.objects.count():8d} (cap {cap})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
