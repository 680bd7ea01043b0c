"""Pancake test fixtures: a merchant with a real RSA key pair (test and prod keys), a store,
one-time and subscription products with several currencies, and a client that signs its
requests exactly as the official SDK does (`POST\\n<path>\\n<ts>\\n<base64 sha256(body)>`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from checkout_hub import clock
from pancake import keys
from pancake.models import (
    Merchant,
    MerchantKey,
    PancakeProduct,
    ProductPrice,
    ProductVersion,
    Store,
)

CREATE = "/v1/actions/checkout/create-session"
TOKEN = "/v1/actions/auth/issue-session-token"
GRAPHQL = "/v1/graphql"


@pytest.fixture(scope="session")
def key_pair():
    return keys.generate()


@pytest.fixture(scope="session")
def prod_key_pair():
    return keys.generate()


@pytest.fixture(scope="session")
def other_key_pair():
    return keys.generate()


@pytest.fixture(autouse=True)
def _pancake_settings(settings, tmp_path):
    settings.PANCAKE_DEMO_KEY_PATH = str(tmp_path / "demo.pem")
    settings.HUB_PUBLIC_URL = "http://hub.test"


@dataclass
class Shop:
    merchant: Merchant
    store: Store
    onetime: PancakeProduct
    subscription: PancakeProduct
    private_key: str
    prod_private_key: str


def make_product(store, kind, name, prices, *, trial_days=0, period="", trial_amount=None):
    product = PancakeProduct.objects.create(
        store=store,
        kind=kind,
        billing_period=period,
        trial_days=trial_days,
        active_test=True,
        active_prod=True,
    )
    version = ProductVersion.objects.create(product=product, number=1, name=name)
    for currency, amount in prices.items():
        ProductPrice.objects.create(
            version=version,
            currency=currency,
            amount=amount,
            tax_category="saas",
            trial_amount=trial_amount,
        )
    return product


@pytest.fixture
def shop(db, key_pair, prod_key_pair) -> Shop:
    merchant = Merchant.objects.create(name="Acme")
    MerchantKey.objects.create(merchant=merchant, environment="test", public_key=key_pair[1])
    MerchantKey.objects.create(merchant=merchant, environment="prod", public_key=prod_key_pair[1])
    store = Store.objects.create(
        merchant=merchant, name="Acme Store", slug="acme-store", prod_enabled=True
    )
    onetime = make_product(store, "onetime", "Pro License", {"USD": 2900, "EUR": 2700, "JPY": 4500})
    subscription = make_product(
        store,
        "subscription",
        "Cloud Monthly",
        {"USD": 999, "EUR": 949},
        trial_days=7,
        period="monthly",
        trial_amount=0,
    )
    return Shop(merchant, store, onetime, subscription, key_pair[0], prod_key_pair[0])


def signed_headers(merchant_id, private_key, path, body: bytes, timestamp=None) -> dict:
    ts = str(clock.timestamp() if timestamp is None else timestamp)
    return {
        "HTTP_X_MERCHANT_ID": merchant_id,
        "HTTP_X_TIMESTAMP": ts,
        "HTTP_X_SIGNATURE": keys.sign_request(private_key, path, ts, body),
    }


def compact(body) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class Api:
    """Calls the hub as the SDK would, with any of the three credentials."""

    def __init__(self, client, shop: Shop):
        self.client, self.shop = client, shop

    def signed(
        self, path, body, *, private_key=None, merchant_id=None, timestamp=None, raw=None, **extra
    ):
        data = raw if raw is not None else compact(body)
        headers = signed_headers(
            merchant_id or self.shop.merchant.short_id,
            private_key or self.shop.private_key,
            path,
            data,
            timestamp,
        )
        return self.client.post(path, data, content_type="application/json", **headers, **extra)

    def slug(self, path, body, *, slug=None, env="test", raw=None, **extra):
        headers = {"HTTP_X_STORE_SLUG": slug or self.shop.store.slug}
        if env is not None:
            headers["HTTP_X_ENVIRONMENT"] = env
        data = raw if raw is not None else compact(body)
        return self.client.post(path, data, content_type="application/json", **headers, **extra)

    def bearer(self, path, body, token, *, env="test", raw=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if env is not None:
            headers["HTTP_X_ENVIRONMENT"] = env
        data = raw if raw is not None else compact(body)
        return self.client.post(path, data, content_type="application/json", **headers, **extra)

    def token(self, identity="Buyer@Example.com") -> str:
        reply = self.signed(TOKEN, {"buyerIdentity": identity, "storeId": self.shop.store.short_id})
        assert reply.status_code == 200, reply.json()
        return reply.json()["data"]["token"]

    def session(self, **fields) -> dict:
        body = {"productId": self.shop.onetime.short_id, "currency": "USD", **fields}
        reply = self.signed(CREATE, body)
        assert reply.status_code == 200, reply.json()
        return reply.json()["data"]


@pytest.fixture
def api(client, shop) -> Api:
    return Api(client, shop)


def error_of(reply) -> tuple[int, str, str]:
    body = reply.json()
    assert body["data"] is None
    assert list(body) == ["data", "errors"]
    (first, *_rest) = body["errors"]
    assert set(first) >= {"message", "layer"}
    return reply.status_code, first["message"], first["layer"]


@pytest.fixture
def receiver():
    from .receiver import Receiver

    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(shop, receiver):
    from checkout_hub.models import WebhookEndpoint
    from pancake import webhooks

    return WebhookEndpoint.objects.create(
        vendor="pancake",
        owner=shop.store.short_id,
        url=receiver.url,
        signing=webhooks.SIGNING,
        test_mode=True,
    )
