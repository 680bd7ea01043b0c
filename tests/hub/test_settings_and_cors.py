"""Settings read from the environment, CORS for frontend dev servers, and cleanup."""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from checkout_hub import clock
from checkout_hub.models import Cart, RequestLog
from tests.factories import CartFactory, OrderFactory

ROOT = Path(__file__).resolve().parents[2]


def settings_with(env: dict) -> dict:
    """Import the settings module in a clean interpreter with `env` and read a few values."""
    code = (
        "import json, checkout_hub.settings as s; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        "'location': s.CACHES['default'].get('LOCATION'), 'debug': s.DEBUG,"
        "'public': s.HUB_PUBLIC_URL, 'storage': s.STORAGES['staticfiles']['BACKEND'],"
        "'whitenoise': 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "DEBUG")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout)


def test_defaults_are_sqlite_locmem_debug():
    values = settings_with({})
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["cache"].endswith("LocMemCache")
    assert values["debug"] is True and values["public"] == "http://127.0.0.1:8000"
    assert values["whitenoise"] is False


def test_urls_switch_to_postgres_and_redis():
    values = settings_with(
        {
            "DATABASE_URL": "postgres://u@db:5432/hub",
            "REDIS_URL": "redis://cache:6379/2",
            "HUB_PUBLIC_URL": "https://hub.test/",
        }
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["location"] == "redis://cache:6379/2"
    assert values["public"] == "https://hub.test"


def test_production_mode_needs_a_secret_key_and_serves_static_files():
    assert "SECRET_KEY must be set" in settings_with({"DEBUG": "0"})["error"]
    values = settings_with({"DEBUG": "0", "SECRET_KEY": "s3cret"})
    assert values["whitenoise"] is True
    assert values["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:5173"])
def test_cors_lets_a_dev_server_on_any_local_port_read_session_headers(client, origin):
    preflight = client.options(
        "/__hub/health",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "cart-token, nonce, content-type",
        },
    )
    assert preflight["Access-Control-Allow-Origin"] == origin
    assert preflight["Access-Control-Allow-Credentials"] == "true"
    allowed = preflight["Access-Control-Allow-Headers"]
    assert "cart-token" in allowed and "nonce" in allowed
    response = client.get("/__hub/health", headers={"Origin": origin})
    exposed = response["Access-Control-Expose-Headers"].lower()
    assert "cart-token" in exposed and "nonce" in exposed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, sent, read",
    [
        (
            "/wp-json/headlesswp/v1/store/checkout-session",
            ["x-wp-nonce", "idempotency-key", "x-correlation-id", "x-request-id"],
            ["x-correlation-id", "retry-after"],
        ),
        (
            "/stripe/v1/payment_intents",
            ["authorization", "idempotency-key", "stripe-version", "stripe-account"],
            ["request-id"],
        ),
    ],
)
def test_cors_allows_each_clients_own_headers(client, path, sent, read):
    origin = "http://localhost:3000"
    preflight = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": ", ".join(["content-type", *sent]),
        },
    )
    assert preflight.status_code == 200
    allowed = {h.strip() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert set(sent) <= allowed
    exposed = client.get("/__hub/health", headers={"Origin": origin})
    assert set(read) <= {h.strip() for h in exposed["Access-Control-Expose-Headers"].split(",")}


@pytest.mark.django_db
def test_cors_refuses_other_origins(client):
    response = client.get("/__hub/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_cleanup_deletes_expired_unordered_carts_only():
    past = clock.now() - dt.timedelta(hours=1)
    expired = CartFactory(expires_at=past)
    ordered = CartFactory(expires_at=past)
    OrderFactory(cart=ordered)
    alive = CartFactory()
    for i in range(3):
        RequestLog.objects.create(method="GET", path=f"/{i}", status=200, duration_ms=1)
    out = StringIO()
    with override_settings(HUB_JOURNAL_MAX_ROWS=1):
        call_command("hub_cleanup", stdout=out)
    assert set(Cart.objects.values_list("pk", flat=True)) == {ordered.pk, alive.pk}
    assert expired.pk not in Cart.objects.values_list("pk", flat=True)
    assert RequestLog.objects.count() == 1
    assert "journal rows" in out.getvalue()


@pytest.mark.parametrize(
    "addr, public",
    [
        ("127.0.0.1:8011", "http://127.0.0.1:8011"),
        ("0.0.0.0:8012", "http://127.0.0.1:8012"),
        ("hub.local:9000", "http://hub.local:9000"),
        ("[::]:8013", "http://127.0.0.1:8013"),
    ],
)
def test_the_public_url_follows_hub_addr_when_unset(addr, public):
    assert settings_with({"HUB_ADDR": addr})["public"] == public
    assert settings_with({"HUB_ADDR": addr, "HUB_PUBLIC_URL": "https://x.test"})["public"] == (
        "https://x.test"
    )
