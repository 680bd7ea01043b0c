"""What a card payment costs: SQL queries and time of a Store API checkout paid by Stripe
(through the SDK and the embedded fake) against one paid offline, of the HWP bridge's two
strategies, and of the bare SDK calls (PaymentIntent create + confirm) against the fake.

Prints figures; asserts nothing. Runs against a throwaway test database on whatever
DATABASE_URL/CACHE_URL say (SQLite and local memory by default):

    .venv/bin/python bench/payments.py [repeats]
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

from checkout_hub.services.payments import stripe_gateway  # noqa: E402

WOO = "/wp-json/wc/store/v1"
HWP = "/wp-json/headlesswp/v1"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "1 Main St",
    "city": "Albany",
    "state": "NY",
    "postcode": "12207",
    "country": "US",
    "email": "ada@example.com",
}


def post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def measure(call) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        reply = call()
        elapsed = (time.perf_counter() - start) * 1000
    status = getattr(reply, "status_code", 200)
    assert status == 200, getattr(reply, "content", b"")[:300]
    return len(queries), elapsed


def woo_checkout(method: str, data: list):
    client = Client()
    token = client.get(f"{WOO}/cart").headers["Cart-Token"]
    post(client, f"{WOO}/cart/add-item", {"id": 1}, HTTP_CART_TOKEN=token)
    body = {"billing_address": ADDRESS, "payment_method": method, "payment_data": data}
    return lambda: post(client, f"{WOO}/checkout", body, HTTP_CART_TOKEN=token)


def hwp_checkout(strategy: str):
    client = Client()
    nonce = client.get(f"{HWP}/nonce").json()["data"]["nonce"]
    body = {"items": [{"productId": 1, "quantity": 1}], "strategy": strategy}
    if strategy == "token_handoff":
        body |= {"paymentToken": "pm_card_visa", "returnUrl": "https://shop.test/thanks"}
    url = f"{HWP}/store/checkout-session?utm_source=bench"
    return lambda: post(client, url, body, HTTP_X_WP_NONCE=nonce)


def sdk_payment():
    api = stripe_gateway.client().v1.payment_intents

    def pay():
        intent = api.create(params={"amount": 1800, "currency": "usd"})
        return api.confirm(
            intent.id,
            params={"payment_method": "pm_card_visa", "return_url": "https://shop.test/back"},
        )

    return pay


CASES = [
    ("Store API checkout, bacs", lambda: woo_checkout("bacs", [])),
    (
        "Store API checkout, stripe",
        lambda: woo_checkout("stripe", [{"key": "stripe_source", "value": "pm_card_visa"}]),
    ),
    ("HWP redirect_to_woo", lambda: hwp_checkout("redirect_to_woo")),
    ("HWP token_handoff", lambda: hwp_checkout("token_handoff")),
    ("SDK create + confirm (fake)", sdk_payment),
]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_store", verbosity=0)
        print(f"database: {connection.vendor}, median of {repeats} (journal off)")
        with override_settings(HUB_JOURNAL_ENABLED=False):
            for name, prepare in CASES:
                runs = [measure(prepare()) for _ in range(repeats)]
                print(
                    f"{name:30s} {runs[-1][0]:3d} queries "
                    f"{statistics.median(r[1] for r in runs):7.1f} ms"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
