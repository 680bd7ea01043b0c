"""Builders for tests/test_admin.py (every registered model lists and opens): one new row of
each Pancake, webhook and task model per call."""

from __future__ import annotations

import itertools

_seq = itertools.count(1)


def _shop():
    from pancake import keys
    from pancake.models import Merchant, MerchantKey, Store

    n = next(_seq)
    merchant = Merchant.objects.create(name=f"Merchant {n}", email=f"m{n}@example.com")
    MerchantKey.objects.create(merchant=merchant, public_key=_public_key())
    store = Store.objects.create(merchant=merchant, name=f"Store {n}", slug=f"store-{n}")
    return merchant, store, keys


_KEY = []


def _public_key() -> str:
    from pancake import keys

    if not _KEY:
        _KEY.append(keys.generate()[1])
    return _KEY[0]


def build_merchant():
    return _shop()[0]


def build_merchant_key():
    return _shop()[0].keys.get()


def build_store():
    return _shop()[1]


def build_product():
    from tests.pancake.conftest import make_product

    return make_product(_shop()[1], "onetime", "Thing", {"USD": 100})


def build_version():
    return build_product().versions.get()


def build_order():
    from checkout_hub.models import Payment
    from pancake.models import PancakeOrder, PancakePayment
    from tests.factories import OrderFactory

    product = build_product()
    hub = OrderFactory(billing_email="buyer@example.com")
    order = PancakeOrder.objects.create(
        order=hub,
        store=product.store,
        product=product,
        version=product.versions.get(),
        kind="onetime",
        environment="test",
        buyer_email="buyer@example.com",
    )
    payment = Payment.objects.create(order=hub, gateway="stripe", amount=100, currency="USD")
    PancakePayment.objects.create(payment=payment, pancake_order=order)
    return order


def build_signing_key():
    from pancake.models import HubSigningKey

    return HubSigningKey.objects.create(
        name=f"key-{next(_seq)}", private_key="-", public_key=_public_key()
    )


def build_endpoint():
    from checkout_hub.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        vendor="pancake", owner=f"STO_{next(_seq)}", url="https://example.com/hook"
    )


def build_delivery():
    from checkout_hub.models import WebhookAttempt, WebhookDelivery

    delivery = WebhookDelivery.objects.create(
        endpoint=build_endpoint(),
        event_type="order.completed",
        event_id=f"PAY_{next(_seq)}",
        body="{}",
    )
    WebhookAttempt.objects.create(delivery=delivery, number=1, status_code=500)
    return delivery


def build_attempt():
    return build_delivery().attempts.get()


def build_task_result():
    from django_tasks_db.models import DBTaskResult

    from checkout_hub.services.webhooks.tasks import deliver_webhook

    result = deliver_webhook.using(backend="default").enqueue(next(_seq))
    return DBTaskResult.objects.get(id=result.id)


def builders() -> dict:
    from django_tasks_db.models import DBTaskResult

    from checkout_hub.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
    from pancake import models

    return {
        models.Merchant: build_merchant,
        models.MerchantKey: build_merchant_key,
        models.Store: build_store,
        models.PancakeProduct: build_product,
        models.ProductVersion: build_version,
        models.PancakeOrder: build_order,
        models.HubSigningKey: build_signing_key,
        WebhookEndpoint: build_endpoint,
        WebhookDelivery: build_delivery,
        WebhookAttempt: build_attempt,
        DBTaskResult: build_task_result,
    }
