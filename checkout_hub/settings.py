"""Django settings for Checkout Hub, read from the environment with working defaults.

With nothing set: SQLite in the project folder, a local-memory cache, DEBUG on, CORS open to
any localhost/127.0.0.1 port. DATABASE_URL, CACHE_URL/REDIS_URL and HUB_PUBLIC_URL switch to
real services; DEBUG=0 is the production-ish mode (SECRET_KEY required, whitenoise serves
collected static files).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-checkout-hub-key-change-me-in-production"


# The absolute URL the hub is reached at; used in redirect, order-received and checkout URLs.
# Unset, it follows HUB_ADDR (the address bin/run serves on; 0.0.0.0 and :: link as 127.0.0.1).
def _url_of_addr(addr: str) -> str:
    host, _, port = addr.rpartition(":") if ":" in addr else (addr, "", "8000")
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "*"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}"


HUB_ADDR = os.environ.get("HUB_ADDR", "127.0.0.1:8000")
HUB_PUBLIC_URL = (os.environ.get("HUB_PUBLIC_URL") or _url_of_addr(HUB_ADDR)).rstrip("/")

_public_host = urlsplit(HUB_PUBLIC_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["*"] if DEBUG else [_public_host, "localhost", "127.0.0.1", "[::1]"],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [HUB_PUBLIC_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "checkout_hub",
    "woo_store",
    "cocart",
    "fluentcart",
    "pancake",
    "hwp_bridge",
    "stripe_fake",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost: an API client gets its vendor's envelope, never Django's HTML 500 page.
    "checkout_hub.api.fallback.FallbackMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The shared hub clock, taken once per request; every reply carries X-Hub-Time.
    "checkout_hub.middleware.HubClockMiddleware",
    "checkout_hub.middleware.RequestJournalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's, with the storage made only when admin or a page uses it.
    "checkout_hub.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # Production-ish mode serves collected static files (admin CSS) itself; with DEBUG on,
    # runserver's staticfiles app does.
    MIDDLEWARE.insert(3, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "checkout_hub.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "checkout_hub.wsgi.application"

# --- Database ---
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: IMMEDIATE transactions take the write lock at BEGIN, so two
    # concurrent checkouts serialise instead of failing with "database is locked" mid-way.
    # Connections persist (DB_CONN_MAX_AGE) as on PostgreSQL: the PRAGMAs run once for each.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Django asks the sqlite3 module to convert columns by their declared type, which it
        # then does again itself (its backend's converters take the text and integers SQLite
        # stores); the module rebuilds that per-column map on every SELECT, about 250k
        # instructions for a cart read's 154 columns. Off, Django's own converters do it once.
        "detect_types": 0,
        # The journal's rows (whole replies, inserted and pruned all the time) outgrow SQLite's
        # default 2 MB page cache: reads through a memory map and a 32 MB cache keep its pages
        # out of read() calls (the journal's cost on a 20-line cart: 35% -> 3%). Debian builds
        # SQLite with secure_delete on, which zeroes every pruned row's pages; off, and with a
        # WAL checkpointed every 10,000 pages instead of 1,000, a journal row of a 7.5 KB cart
        # costs the writer 55 us instead of 128 us.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=268435456; PRAGMA cache_size=-32000; "
            "PRAGMA secure_delete=OFF; PRAGMA wal_autocheckpoint=10000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, scenario rules, nonces) ---
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "checkout_hub",
        }
    }
elif _cache_url in ("", "locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "checkout-hub",
        }
    }
else:
    raise ImproperlyConfigured(f"Unsupported CACHE_URL/REDIS_URL scheme: {_cache_url!r}")

# django-ratelimit warns about the local-memory cache; it is correct for one process, and
# CACHE_URL switches to Redis for several workers.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
RATELIMIT_USE_CACHE = "default"

# --- Auth, i18n, static ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# --- CORS: frontend dev servers on any localhost port ---
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$"]
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(wp-json|v1|stripe|__hub)/.*$"
# Request headers the vendors' clients send (Woo nonce/cart token, HWP nonce, signatures...).
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-requested-with",
    "cart-token",
    "nonce",
    "x-wc-store-api-nonce",
    "x-wp-nonce",
    "idempotency-key",
    "x-idempotency-key",
    "x-correlation-id",
    "x-request-id",
    "stripe-version",
    "stripe-account",
    "x-hub-scenario",
    "x-merchant-id",
    "x-timestamp",
    "x-signature",
    "x-store-slug",
    "x-environment",
    "x-context-environment",
    "cocart-api-cart-key",
]
# Response headers a browser app must be able to read.
CORS_EXPOSE_HEADERS = [
    "cart-token",
    "cart-hash",
    "nonce",
    "nonce-timestamp",
    "x-wc-store-api-nonce",
    "user-id",
    "x-wp-total",
    "x-wp-totalpages",
    "link",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-retry-after",
    "retry-after",
    "x-correlation-id",
    "request-id",
    "cocart-api-cart-key",
]

# --- DRF and the OpenAPI schema ---
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "checkout_hub.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Checkout Hub",
    "DESCRIPTION": "Five checkout APIs emulated on one shared store.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["woo_store.schema.drop_alias"],
}

# --- The hub's own knobs ---
HUB_CURRENCY = os.environ.get("HUB_CURRENCY", "USD")
# The gateways the store offers: cards through Stripe, WooCommerce's bacs, cheque and cod.
# Leaving "stripe" out switches card payments off.
HUB_PAYMENT_METHODS = env_list("HUB_PAYMENT_METHODS", ["stripe", "bacs", "cheque", "cod"])
HUB_CHECKOUT_ENABLED = env_bool("HUB_CHECKOUT_ENABLED", True)
HUB_GUEST_CHECKOUT = env_bool("HUB_GUEST_CHECKOUT", True)
HUB_CART_TTL_SECONDS = int(os.environ.get("HUB_CART_TTL_SECONDS", str(48 * 3600)))
# The request journal keeps at most this many rows; older ones are pruned as new ones land.
HUB_JOURNAL_ENABLED = env_bool("HUB_JOURNAL_ENABLED", True)
# Render every JSON reply with DRF's renderer too and fail if orjson's differs (the tests do).
HUB_JSON_RENDER_CHECK = env_bool("HUB_JSON_RENDER_CHECK", False)
HUB_JOURNAL_MAX_ROWS = int(os.environ.get("HUB_JOURNAL_MAX_ROWS", "5000"))
HUB_JOURNAL_MAX_BODY_BYTES = int(os.environ.get("HUB_JOURNAL_MAX_BODY_BYTES", "65536"))
# "background": a writer thread per process inserts rows in batches after the reply has gone
# (drained on a clean exit); "inline": each row is written before the reply (the tests do).
HUB_JOURNAL_WRITE = os.environ.get("HUB_JOURNAL_WRITE", "background")
# How long the writer gathers a batch after its first row (a reader calls journal.flush()).
HUB_JOURNAL_LINGER_SECONDS = float(os.environ.get("HUB_JOURNAL_LINGER_SECONDS", "0.1"))
if HUB_JOURNAL_WRITE not in ("background", "inline"):
    raise ImproperlyConfigured("HUB_JOURNAL_WRITE must be 'background' or 'inline'.")
HUB_COUPONS_ENABLED = env_bool("HUB_COUPONS_ENABLED", True)
HUB_SHIPPING_ENABLED = env_bool("HUB_SHIPPING_ENABLED", True)
# Idempotency-Key replies are kept this long (Stripe: 24 h).
HUB_IDEMPOTENCY_TTL_SECONDS = int(os.environ.get("HUB_IDEMPOTENCY_TTL_SECONDS", str(24 * 3600)))

# --- Stripe (through the official SDK) ---
# By default the SDK talks to the embedded fake in-process (no port, no network).
# STRIPE_API_BASE (a stripe-mock, or the hub's own /stripe) sends it over HTTP instead;
# STRIPE_FAKE=0 with a real sk_test_ key talks to Stripe's test mode.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_hub_fake")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_hub_fake")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "").rstrip("/")
STRIPE_FAKE = env_bool("STRIPE_FAKE", not STRIPE_API_BASE)
STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "0"))
# Verifies webhooks at /wc-api/wc_stripe/ (real Stripe, e.g. `stripe listen --forward-to`);
# the embedded fake notifies the hub in-process instead.
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

# --- WooCommerce Store API (woo_store) ---
# Signs Cart-Tokens and nonces; derived from SECRET_KEY unless set.
WOO_STORE_SECRET = os.environ.get("WOO_STORE_SECRET", "")
# WooCommerce's woocommerce_store_api_disable_nonce_check filter.
WOO_STORE_DISABLE_NONCE_CHECK = env_bool("WOO_STORE_DISABLE_NONCE_CHECK", False)
# woocommerce_store_api_rate_limit_options (off by default) and the rate_limit_checkout
# feature (3 per 60 s on POST /checkout).
WOO_STORE_RATE_LIMIT_ENABLED = env_bool("WOO_STORE_RATE_LIMIT_ENABLED", False)
WOO_STORE_RATE_LIMIT = int(os.environ.get("WOO_STORE_RATE_LIMIT", "25"))
WOO_STORE_RATE_LIMIT_SECONDS = int(os.environ.get("WOO_STORE_RATE_LIMIT_SECONDS", "10"))
WOO_STORE_RATE_LIMIT_PROXY_SUPPORT = env_bool("WOO_STORE_RATE_LIMIT_PROXY_SUPPORT", False)
WOO_STORE_RATE_LIMIT_CHECKOUT = env_bool("WOO_STORE_RATE_LIMIT_CHECKOUT", False)
# The Store API session cookie's SameSite: Lax, Strict, or None (None also sets Secure, so
# only over HTTPS); a storefront on another site should use the Cart-Token instead.
WOO_STORE_COOKIE_SAMESITE = os.environ.get("WOO_STORE_COOKIE_SAMESITE", "Lax")

# --- HWP checkout bridge (hwp_bridge) ---
# The plugin's guest checkout setting for POST store/checkout-session (guests also need the
# hub's HUB_GUEST_CHECKOUT); off: 401 NOT_AUTHENTICATED unless logged in.
HWP_GUEST_CHECKOUT = env_bool("HWP_GUEST_CHECKOUT", HUB_GUEST_CHECKOUT)
# At most HWP_RATE_LIMIT checkout-session requests per HWP_RATE_LIMIT_SECONDS per client IP
# (429 RATE_LIMITED with Retry-After); 0 switches the limit off.
HWP_RATE_LIMIT = int(os.environ.get("HWP_RATE_LIMIT", "0"))
HWP_RATE_LIMIT_SECONDS = int(os.environ.get("HWP_RATE_LIMIT_SECONDS", "60"))
# Request bodies larger than this many bytes answer 413 REQUEST_TOO_LARGE.
HWP_MAX_BODY_BYTES = int(os.environ.get("HWP_MAX_BODY_BYTES", str(64 * 1024)))

# --- CoCart (cocart) ---
# CoCart's rate limiting (cocart_api_rate_limit_options): off by default; `limit` requests per
# `seconds` per user (else per IP), answered 400 rate_limit_exceeded; checkout has its own.
COCART_RATE_LIMITING_ENABLED = env_bool("COCART_RATE_LIMITING_ENABLED", False)
COCART_RATE_LIMITING_LIMIT = int(os.environ.get("COCART_RATE_LIMITING_LIMIT", "25"))
COCART_RATE_LIMITING_SECONDS = int(os.environ.get("COCART_RATE_LIMITING_SECONDS", "10"))
COCART_RATE_LIMITING_PROXY_SUPPORT = env_bool("COCART_RATE_LIMITING_PROXY_SUPPORT", False)
# Sliding cart expiry (4.9's settings): expiring after a day, expiration 2 days (guests) or 7.
COCART_CART_EXPIRING_SECONDS = int(os.environ.get("COCART_CART_EXPIRING_SECONDS", "86400"))
COCART_CART_EXPIRATION_SECONDS = int(os.environ.get("COCART_CART_EXPIRATION_SECONDS", "172800"))
COCART_CART_EXPIRATION_USER_SECONDS = int(
    os.environ.get("COCART_CART_EXPIRATION_USER_SECONDS", "604800")
)
# The Preview checkout: "seed" (POST updates, PUT/PATCH process: the seed) or "spec" (the
# OpenAPI spec's reverse: POST processes, PUT/PATCH update).
COCART_CHECKOUT_METHODS = os.environ.get("COCART_CHECKOUT_METHODS", "seed")
# The seed requires WooCommerce consumer keys on every Preview checkout request.
COCART_CHECKOUT_REQUIRE_KEYS = env_bool("COCART_CHECKOUT_REQUIRE_KEYS", True)
# The demo pair and customer seed_store creates (manage.py credentials prints them).
COCART_DEMO_CONSUMER_KEY = os.environ.get(
    "COCART_DEMO_CONSUMER_KEY", "ck_" + "0123456789abcdef" * 2 + "01234567"
)
COCART_DEMO_CONSUMER_SECRET = os.environ.get(
    "COCART_DEMO_CONSUMER_SECRET", "cs_" + "fedcba9876543210" * 2 + "fedcba98"
)
COCART_DEMO_CUSTOMER_LOGIN = os.environ.get("COCART_DEMO_CUSTOMER_LOGIN", "customer")
COCART_DEMO_CUSTOMER_PASSWORD = os.environ.get("COCART_DEMO_CUSTOMER_PASSWORD", "customer")
CORS_ALLOW_HEADERS += ["if-none-match"]
CORS_EXPOSE_HEADERS += [
    "cocart-api-cart-expiring",
    "cocart-api-cart-expiration",
    "cocart-timestamp",
    "etag",
    "cocart-cache",
]
# --- FluentCart (fluentcart) ---
# The checkout's name fields: "full" (billing_full_name) or "first_last" (billing_first_name,
# and billing_last_name when FLUENTCART_REQUIRE_LAST_NAME).
FLUENTCART_NAME_MODE = os.environ.get("FLUENTCART_NAME_MODE", "full")
FLUENTCART_REQUIRE_LAST_NAME = env_bool("FLUENTCART_REQUIRE_LAST_NAME", False)
# The store's "agree to terms" checkbox: on, place-order requires agree_terms.
FLUENTCART_AGREE_TERMS = env_bool("FLUENTCART_AGREE_TERMS", False)
# Stripe's checkout mode: "onsite" (Stripe Elements: a PaymentIntent client_secret) or
# "hosted" (a redirect to a Stripe Checkout Session's payment page).
FLUENTCART_STRIPE_MODE = os.environ.get("FLUENTCART_STRIPE_MODE", "onsite")
# place-order: at most this many per window per IP/user (the 6th in 60 s answers 429).
FLUENTCART_RATE_LIMIT = int(os.environ.get("FLUENTCART_RATE_LIMIT", "5"))
FLUENTCART_RATE_LIMIT_SECONDS = int(os.environ.get("FLUENTCART_RATE_LIMIT_SECONDS", "60"))
# The store country (used when the checkout sends none).
FLUENTCART_STORE_COUNTRY = os.environ.get("FLUENTCART_STORE_COUNTRY", "US")
# Account creation at checkout: "user_choice" (allow_create_account=yes creates one), "no".
FLUENTCART_ACCOUNT_CREATION = os.environ.get("FLUENTCART_ACCOUNT_CREATION", "user_choice")

# --- Outbound webhooks (checkout_hub.services.webhooks) ---
# Deliveries run on Django's Tasks framework (the django-tasks backport): the database backend
# is the durable default, drained by `manage.py db_worker` (bin/run starts one); HUB_TASKS_BACKEND
# =immediate sends inside the request (tests, debugging).
_tasks_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
TASKS = {
    "default": {
        "BACKEND": _tasks_backends.get(
            os.environ.get("HUB_TASKS_BACKEND", "database"),
            os.environ.get("HUB_TASKS_BACKEND", "database"),
        ),
        "QUEUES": ["default", "webhooks"],
    }
}
# Seconds to wait before retry 1, 2, 3... (a delivery makes len + 1 attempts in all).
HUB_WEBHOOK_BACKOFF_SECONDS = [
    int(n) for n in env_list("HUB_WEBHOOK_BACKOFF_SECONDS", ["60", "300", "1800"])
]
HUB_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("HUB_WEBHOOK_TIMEOUT_SECONDS", "10"))
# Finished deliveries (and their attempts) are deleted this many days after their last change.
HUB_WEBHOOK_RETENTION_DAYS = int(os.environ.get("HUB_WEBHOOK_RETENTION_DAYS", "30"))

# --- Waffo Pancake (pancake) ---
# Signed requests may be at most this far ahead of / behind the hub's clock (seconds).
PANCAKE_SIGNATURE_FUTURE_SECONDS = int(os.environ.get("PANCAKE_SIGNATURE_FUTURE_SECONDS", "60"))
PANCAKE_SIGNATURE_PAST_SECONDS = int(os.environ.get("PANCAKE_SIGNATURE_PAST_SECONDS", "300"))
# Where seed_store writes the demo merchant's private key (PEM).
PANCAKE_DEMO_KEY_PATH = os.environ.get(
    "PANCAKE_DEMO_KEY_PATH", str(BASE_DIR / ".pancake" / "demo_private_key.pem")
)

HUB_ADMIN_USERNAME = os.environ.get("HUB_ADMIN_USERNAME", "admin")
HUB_ADMIN_PASSWORD = os.environ.get("HUB_ADMIN_PASSWORD", "admin")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "checkout_hub": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}

# --- The control plane (/__hub/: faults, latency, control token) ---
# The "hang" scenario holds a request this long (longer than a client's usual timeout).
HUB_HANG_SECONDS = float(os.environ.get("HUB_HANG_SECONDS", "35"))
# Latency for every vendor route: "" (off), "realistic" (100-400 ms) or milliseconds;
# per request X-Hub-Delay / ?__delay=; every delay capped at HUB_MAX_DELAY_MS.
HUB_LATENCY = os.environ.get("HUB_LATENCY", "")
HUB_MAX_DELAY_MS = int(os.environ.get("HUB_MAX_DELAY_MS", "10000"))
# A token for the control plane: set, every write to /__hub/ (reset, clock, scenario rules,
# journal clear) needs `Authorization: Bearer <token>` (401 without); reads stay open unless
# HUB_CONTROL_READS_OPEN=0. Unset: local use needs nothing.
HUB_CONTROL_TOKEN = os.environ.get("HUB_CONTROL_TOKEN", "")
HUB_CONTROL_READS_OPEN = env_bool("HUB_CONTROL_READS_OPEN", True)
