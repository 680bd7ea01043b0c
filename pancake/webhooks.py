"""Pancake's webhooks on the core's outbox (`checkout_hub.services.webhooks`): the envelope
(reference §10), the `X-Waffo-Signature` strategy with the hub's own key pair, and the events
the adapter fires (order.completed on payment, subscription.* on status changes).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from checkout_hub.models import Vendor
from checkout_hub.services import webhooks

from . import keys, wire
from .models import HubSigningKey, PancakeOrder, PancakePayment

SIGNING = "pancake_rsa"
HEADER = "X-Waffo-Signature"
EVENT_TYPES = (
    "order.completed",
    "subscription.activated",
    "subscription.payment_succeeded",
    "subscription.renewed",
    "subscription.recovered",
    "subscription.plan_changed",
    "subscription.plan_change_scheduled",
    "subscription.plan_change_failed",
    "subscription.canceling",
    "subscription.uncanceled",
    "subscription.canceled",
    "subscription.past_due",
    "refund.succeeded",
    "refund.failed",
)
CHANNELS = ("http", "feishu", "discord", "telegram", "slack")
MAX_PER_STORE = 20


def hub_key() -> HubSigningKey:
    """The hub's webhook key pair, generated on first use (one row, shared by every worker)."""
    found = HubSigningKey.objects.filter(name="webhooks").first()
    if found is not None:
        return found
    private, public = keys.generate()
    try:
        with transaction.atomic():
            return HubSigningKey.objects.create(
                name="webhooks", private_key=private, public_key=public
            )
    except IntegrityError:  # another worker made it first
        return HubSigningKey.objects.get(name="webhooks")


def public_key_or_none() -> str | None:
    found = HubSigningKey.objects.filter(name="webhooks").values_list("public_key", flat=True)
    return found.first()


def sign(body: str, endpoint, stamped_at: dt.datetime) -> dict:
    """`t=<ms>,v1=<base64 RSA-SHA256 over "t.body">`, stamped once: retries reuse it. IM
    channels get no signature (reference §10)."""
    if endpoint.channel != "http":
        return {}
    t_ms = int(stamped_at.timestamp() * 1000)
    return {HEADER: keys.webhook_signature(hub_key().private_key, t_ms, body)}


# --- events ---
def _base_data(order: PancakeOrder, session_data: dict) -> dict:
    hub = order.order
    currency = hub.currency
    data = {
        "orderId": order.short_id,
        "buyerEmail": order.buyer_email,
        "currency": currency,
        "productName": session_data.get("product_name", ""),
        "amount": wire.amount(hub.total, currency),
        "taxAmount": wire.amount(hub.tax_total, currency),
        "orderStatus": order.status,
        "subtotal": wire.amount(hub.subtotal, currency),
        "total": wire.amount(hub.total, currency),
        "billingDetail": order.billing_detail or None,
        "orderMetadata": order.metadata or {},
        "productDescription": session_data.get("product_description", ""),
        "productMetadata": session_data.get("product_metadata") or {},
    }
    if order.merchant_external_id:
        data["orderMerchantExternalId"] = order.merchant_external_id
    if order.buyer_identity:
        data["merchantProvidedBuyerIdentity"] = order.buyer_identity
    tax_lines = hub.tax_lines or []
    if tax_lines:
        data["taxRate"] = str(tax_lines[0].get("rate", ""))
        data["taxName"] = tax_lines[0].get("label") or tax_lines[0].get("name", "")
    return data


def _payment_data(pay: PancakePayment) -> dict:
    payment = pay.payment
    currency = payment.currency
    return {
        "paymentId": pay.short_id,
        "paymentStatus": "succeeded" if payment.status == "succeeded" else payment.status,
        "paymentMethod": "card",
        "paymentLast4": pay.card_last4,
        "paymentFailureReason": payment.message or None,
        "paymentDate": wire.iso(payment.created_at)[:10],
        "chargedAmount": wire.amount(payment.amount, currency),
        "listPrice": {
            "total": wire.amount(pay.pancake_order.order.total, currency),
            "subtotal": wire.amount(pay.pancake_order.order.subtotal, currency),
            "taxAmount": wire.amount(pay.pancake_order.order.tax_total, currency),
        },
    }


def _subscription_data(order: PancakeOrder, session_data: dict) -> dict:
    return {
        "billingPeriod": session_data.get("billing_period"),
        "currentPeriodStart": wire.iso(order.current_period_start),
        "currentPeriodEnd": wire.iso(order.current_period_end),
        "canceledAt": wire.iso(order.canceled_at),
        "orderStatus": order.status,
        "planPrice": session_data.get("price_info") or {},
    }


def fire(order: PancakeOrder, event_type: str, event_id: str, data: dict):
    store = order.store

    def envelope(delivery_id):
        from checkout_hub import clock

        return {
            "id": str(delivery_id),
            "timestamp": wire.iso(clock.now()),
            "eventType": event_type,
            "eventId": event_id,
            "storeId": store.short_id,
            "storeName": store.name,
            "mode": order.environment,
            "data": data,
        }

    return webhooks.emit(
        vendor=Vendor.PANCAKE,
        owner=store.short_id,
        event_type=event_type,
        event_id=event_id,
        envelope=envelope,
        test_mode=order.environment == "test",
    )


def session_data(order: PancakeOrder) -> dict:
    return (order.session.snapshot.get("data") if order.session else None) or {}


def payment_succeeded(order: PancakeOrder, pay: PancakePayment | None) -> None:
    """order.completed for a one-time order; subscription.activated (+ payment_succeeded when
    something was charged: a free trial starts with nothing to pay, periodNumber 0)."""
    data = session_data(order)
    base = {**_base_data(order, data), **(_payment_data(pay) if pay else {})}
    if order.kind == "onetime":
        fire(order, "order.completed", pay.short_id if pay else order.short_id, base)
        return
    sub = {**base, **_subscription_data(order, data), "periodNumber": 1 if pay else 0}
    fire(order, "subscription.activated", order.short_id, sub)
    if pay is not None:
        fire(order, "subscription.payment_succeeded", pay.short_id, sub)


def subscription_changed(order: PancakeOrder, event_type: str) -> None:
    data = session_data(order)
    payload = {**_base_data(order, data), **_subscription_data(order, data), "periodNumber": 1}
    stamp = int((order.canceled_at or order.updated_at).timestamp() * 1000)
    fire(order, event_type, f"{order.short_id}:{stamp}", payload)
