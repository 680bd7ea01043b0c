"""What the Store API's cart and checkout cost as a cart grows: SQL queries and time of
GET /cart and POST /checkout with 1, 20 and 100 lines (queries must not grow with lines).

Prints figures; asserts nothing. Runs against a throwaway test database on whatever
DATABASE_URL/CACHE_URL say (SQLite and local memory by default):

    .venv/bin/python bench/woo_store_cart.py [repeats]
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_hub.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from checkout_hub.models import Product  # noqa: E402

API = "/wp-json/wc/store/v1"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "1 Main St",
    "city": "Albany",
    "state": "NY",
    "postcode": "12207",
    "country": "US",
}


def post(client, token, path, body):
    return client.post(
        API + path, json.dumps(body), content_type="application/json", HTTP_CART_TOKEN=token
    )


def cart_with(lines: int, products: list[int]) -> tuple[Client, str]:
    client = Client()
    token = client.get(f"{API}/cart").headers["Cart-Token"]
    for pk in products[:lines]:
        post(client, token, "/cart/add-item", {"id": pk})
    address = {**ADDRESS, "email": f"bench{lines}-{time.monotonic_ns()}@example.com"}
    post(client, token, "/cart/update-customer", {"billing_address": address})
    return client, token


def measure(call) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        reply = call()
        elapsed = (time.perf_counter() - start) * 1000
    assert reply.status_code == 200, reply.content[:300]
    return len(queries), elapsed


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_store", verbosity=0)
        products = [
            Product.objects.create(name=f"Bench {i}", regular_price=500 + i).pk for i in range(100)
        ]
        print(f"database: {connection.vendor}, median of {repeats} (journal off)")
        with override_settings(HUB_JOURNAL_ENABLED=False):
            body = {"billing_address": {}, "payment_method": "bacs"}
            for lines in (1, 20, 100):
                reads, placed = [], []
                for _ in range(repeats):
                    client, token = cart_with(lines, products)
                    reads.append(
                        measure(lambda c=client, t=token: c.get(f"{API}/cart", HTTP_CART_TOKEN=t))
                    )
                    placed.append(measure(lambda c=client, t=token: post(c, t, "/checkout", body)))
                print(
                    f"{lines:3d} lines  GET /cart {reads[0][0]:3d} queries "
                    f"{statistics.median(r[1] for r in reads):7.1f} ms   "
                    f"POST /checkout {placed[0][0]:3d} queries "
                    f"{statistics.median(p[1] for p in placed):7.1f} ms"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
