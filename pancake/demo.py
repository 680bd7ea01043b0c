"""The demo merchant, store and products `seed_store` creates (same ids every run), and the
`pancake` object of `manage.py credentials`.

The demo merchant's private key is generated once and written to PANCAKE_DEMO_KEY_PATH
(`.pancake/demo_private_key.pem` by default); its public half is registered as a test key.
Run again, the command keeps the key on disk and re-registers its public half.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

from . import ids, keys, webhooks
from .models import (
    Environment,
    Merchant,
    MerchantKey,
    PancakeProduct,
    ProductPrice,
    ProductVersion,
    Store,
)

NAMESPACE = uuid.UUID("6f1d3c1e-9a0e-4c55-9d61-5a3f0c2b7e10")


def fixed_id(prefix: str, name: str) -> str:
    return f"{prefix}_{ids.encode(uuid.uuid5(NAMESPACE, name).int)}"


MERCHANT_ID = fixed_id("MER", "demo-merchant")
STORE_ID = fixed_id("STO", "demo-store")
STORE_SLUG = "demo-store"
K = PancakeProduct.Kind
# (key, kind, name, description, billing period, trial days, {currency: (amount, trial)})
PRODUCTS = [
    (
        "pro-license",
        K.ONETIME,
        "Pancake Pro License",
        "A lifetime license for one seat.",
        "",
        0,
        {
            "USD": (2900, None),
            "EUR": (2700, None),
            "GBP": (2400, None),
            "HKD": (22800, None),
            "JPY": (4500, None),
            "CNY": (19900, None),
        },
    ),
    (
        "ebook-bundle",
        K.ONETIME,
        "Syrup & Stack E-book Bundle",
        "Three e-books on breakfast engineering.",
        "",
        0,
        {"USD": (1200, None), "EUR": (1100, None)},
    ),
    (
        "cloud-monthly",
        K.SUBSCRIPTION,
        "Pancake Cloud Monthly",
        "Hosted stacks, billed monthly, with a 7-day trial.",
        PancakeProduct.BillingPeriod.MONTHLY,
        7,
        {"USD": (999, 0), "EUR": (949, 0), "GBP": (849, 0), "JPY": (1500, 0)},
    ),
    (
        "cloud-yearly",
        K.SUBSCRIPTION,
        "Pancake Cloud Yearly",
        "Hosted stacks, billed yearly.",
        PancakeProduct.BillingPeriod.YEARLY,
        0,
        {"USD": (9900, None), "EUR": (9500, None)},
    ),
]
PRODUCT_IDS = [fixed_id("PROD", key) for key, *_ in PRODUCTS]


def key_path() -> Path:
    return Path(settings.PANCAKE_DEMO_KEY_PATH)


def demo_private_key() -> str | None:
    path = key_path()
    return path.read_text() if path.exists() else None


def _ensure_key_file() -> str:
    existing = demo_private_key()
    if existing:
        try:
            keys.load_private(existing)
            return existing
        except ValueError:
            pass
    private, _ = keys.generate()
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(private)
    os.chmod(path, 0o600)
    return private


def seed(stdout=None) -> None:
    merchant, _ = Merchant.objects.update_or_create(
        short_id=MERCHANT_ID, defaults={"name": "Demo Merchant", "email": "merchant@example.com"}
    )
    private = _ensure_key_file()
    public = keys.public_of(keys.load_private(private))
    MerchantKey.objects.filter(merchant=merchant, name="demo").exclude(
        fingerprint=keys.fingerprint(public)
    ).delete()
    if not MerchantKey.objects.filter(merchant=merchant, fingerprint=keys.fingerprint(public)):
        MerchantKey.objects.create(
            merchant=merchant, name="demo", environment=Environment.TEST, public_key=public
        )
    store, _ = Store.objects.update_or_create(
        short_id=STORE_ID,
        defaults={
            "merchant": merchant,
            "name": "Demo Pancake Store",
            "slug": STORE_SLUG,
            "status": "active",
            "prod_enabled": False,
            "dark_mode": False,
        },
    )
    for (key, kind, name, description, period, trial, prices), short_id in zip(
        PRODUCTS, PRODUCT_IDS, strict=True
    ):
        product, _ = PancakeProduct.objects.update_or_create(
            short_id=short_id,
            defaults={
                "store": store,
                "kind": kind,
                "billing_period": period,
                "trial_days": trial,
                "active_test": True,
                "active_prod": True,
            },
        )
        version, _ = ProductVersion.objects.update_or_create(
            product=product,
            number=1,
            defaults={
                "name": name,
                "description": description,
                "status": "active",
                "public_id": uuid.uuid5(NAMESPACE, f"{key}-v1"),
                "metadata": {"trialDays": str(trial)} if trial else {},
            },
        )
        ProductVersion.objects.filter(product=product, number__gt=1).delete()
        version.prices.exclude(currency__in=list(prices)).delete()
        for currency, (amount, trial_amount) in prices.items():
            ProductPrice.objects.update_or_create(
                version=version,
                currency=currency,
                defaults={"amount": amount, "tax_category": "saas", "trial_amount": trial_amount},
            )
    webhooks.hub_key()
    if stdout is not None:
        stdout.write(
            f"Pancake: merchant {MERCHANT_ID}, store {STORE_ID} (/{STORE_SLUG}), "
            f"{len(PRODUCTS)} products; private key in {key_path()}"
        )


def credentials() -> dict:
    """What the SDK needs: `new WaffoPancake({merchantId, privateKey, baseUrl,
    webhookPublicKey})`, plus the demo store and products (one-time first)."""
    try:
        public = webhooks.public_key_or_none()
    except Exception:  # no database yet (before migrate), or none allowed
        public = None
    return {
        "baseUrl": settings.HUB_PUBLIC_URL,
        "merchantId": MERCHANT_ID,
        "privateKey": demo_private_key(),
        "privateKeyPath": str(key_path()),
        "storeId": STORE_ID,
        "storeSlug": STORE_SLUG,
        "webhookPublicKey": public,
        "productIds": PRODUCT_IDS,
    }


def landing_section() -> dict:
    """The landing page's Pancake box: the demo ids and the webhook public key."""
    rows = [
        ("SDK baseUrl", settings.HUB_PUBLIC_URL, False),
        ("Demo merchantId", MERCHANT_ID, False),
        ("Demo store", f"{STORE_ID} (slug {STORE_SLUG})", False),
        ("Demo productIds (one-time first)", ", ".join(PRODUCT_IDS), False),
        ("Demo private key", str(key_path()), False),
    ]
    public = webhooks.public_key_or_none()
    rows.append(
        (
            "Webhook public key (the SDK's webhookPublicKey)",
            public or "made by seed_store (or the first webhook)",
            bool(public),
        )
    )
    return {"title": "Waffo Pancake", "rows": rows}
