"""Pancake's orders on the hub's: a hosted-page payment makes the hub order (place an order
from the session's locked line, then pay it through the Stripe path), and this module keeps
the ORD_/PAY_ faces in step: the Pancake order's status, a PAY_ per hub payment, the session
completed and the webhooks fired once the order is paid."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from checkout_hub import clock
from checkout_hub.models import CheckoutSession, Order, Payment, Vendor, normalise_email
from checkout_hub.services import checkout, checkout_sessions, statuses
from checkout_hub.services.checkout import ItemRequest

from . import webhooks
from .models import PancakeOrder, PancakePayment, PancakeProduct, ProductVersion, Store

S = CheckoutSession.Status
P = PancakeOrder.Status
PERIODS = {"weekly": 7, "monthly": 30, "quarterly": 91, "yearly": 365}


def hub_billing(email: str, detail: dict) -> dict:
    """A Pancake billing detail as the hub's billing address (its tax location)."""
    return {
        "email": normalise_email(email),
        "country": detail.get("country", ""),
        "state": detail.get("state", ""),
        "postcode": detail.get("postcode", ""),
        "company": detail.get("businessName", ""),
    }


@transaction.atomic
def place(session: CheckoutSession, email: str, detail: dict) -> PancakeOrder:
    """The session's order (pending, not paid yet) with its ORD_ face; the session moves to
    processing. A session that already has an order (a retry) keeps it. The session row is
    locked first, so two submits of one page at once make one order."""
    CheckoutSession.objects.select_for_update().filter(pk=session.pk).first()
    existing = PancakeOrder.objects.filter(session=session).select_related("order").first()
    if existing is not None:
        return existing
    data = session.snapshot["data"]
    line = session.snapshot["lines"][0]
    result = checkout.place_order_from_items(
        [ItemRequest(product_id=line["product_id"], quantity=1, unit_price=line["unit_price"])],
        vendor=Vendor.PANCAKE,
        currency=session.currency,
        billing=hub_billing(email, detail),
        payment_method="stripe",
        meta={
            "_pancake_session_id": session.public_id,
            "_pancake_order_merchant_external_id": data.get("order_merchant_external_id") or "",
        },
    )
    product = PancakeProduct.objects.filter(short_id=data["product_id"]).first()
    version = ProductVersion.objects.filter(public_id=data["product_version_id"]).first()
    return PancakeOrder.objects.create(
        order=result.order,
        session=session,
        store=Store.objects.get(short_id=data["store_id"]),
        product=product,
        version=version,
        kind=data["product_kind"],
        environment=data["environment"],
        buyer_email=normalise_email(email),
        buyer_identity=data.get("buyer_identity") or "",
        billing_detail=detail,
        merchant_external_id=data.get("order_merchant_external_id") or "",
        metadata=session.metadata or {},
    )


def sync_payments(order: PancakeOrder, card: tuple[str, str] = ("", "")) -> list[PancakePayment]:
    """A PAY_ for every hub payment of the order (failed attempts included); `card` is the
    (brand, last4) the buyer paid the new ones with."""
    known = set(order.payments.values_list("payment_id", flat=True))
    for payment in Payment.objects.filter(order=order.order).exclude(pk__in=known):
        PancakePayment.objects.create(
            payment=payment, pancake_order=order, card_brand=card[0], card_last4=card[1]
        )
    return list(order.payments.select_related("payment").order_by("id"))


def payment_failed(order: PancakeOrder, card: tuple[str, str] = ("", "")) -> None:
    sync_payments(order, card)
    session = order.session
    session.refresh_from_db()
    if session.status == S.PROCESSING:
        checkout_sessions.reopen(session)


@transaction.atomic
def paid(order: PancakeOrder, card: tuple[str, str] = ("", "")) -> PancakeOrder:
    """The hub order is paid: the Pancake order completes (one-time) or activates (a
    subscription, its first period from now), the session completes, webhooks are queued.
    Calling it again changes nothing."""
    order = (
        PancakeOrder.objects.select_for_update(of=("self",))
        .select_related("order", "session")
        .get(pk=order.pk)
    )
    if order.status != P.PENDING:
        return order
    pays = sync_payments(order, card)
    now = clock.now()
    if order.kind == PancakeProduct.Kind.ONETIME:
        order.status = P.COMPLETED
        if order.order.status == Order.Status.PROCESSING:
            statuses.transition(order.order, Order.Status.COMPLETED)
    else:
        data = order.session.snapshot.get("data", {}) if order.session else {}
        days = data.get("trial_days") or PERIODS.get(data.get("billing_period") or "", 30)
        order.status = P.ACTIVE
        order.current_period_start = now
        order.current_period_end = now + dt.timedelta(days=days)
    order.save()
    if order.session is not None and order.session.status != S.COMPLETED:
        checkout_sessions.complete(order.session, order.order)
    succeeded = next(
        (p for p in reversed(pays) if p.payment.status == Payment.Status.SUCCEEDED), None
    )
    webhooks.payment_succeeded(order, succeeded)
    return order


# --- cancelling and reactivating (reference §6.4, §8) ---
SUBSCRIPTION_TRANSITIONS = {
    P.PENDING: {P.ACTIVE, P.CANCELED, P.CLOSED},
    P.ACTIVE: {P.CANCELING, P.PAST_DUE, P.CANCELED, P.EXPIRED},
    P.CANCELING: {P.ACTIVE, P.CANCELED},
    P.PAST_DUE: {P.ACTIVE, P.CANCELING, P.CANCELED},
    P.CLOSED: set(),
    P.CANCELED: set(),
    P.EXPIRED: set(),
}
SUBSCRIPTIONS = statuses.StatusTable("subscription_order", SUBSCRIPTION_TRANSITIONS, stay=False)
REACTIVATE = statuses.StatusTable("subscription_order", {P.CANCELING: {P.ACTIVE}}, stay=False)
ONETIME = statuses.StatusTable(
    "onetime_order",
    {P.PENDING: {P.COMPLETED, P.CANCELED}, P.COMPLETED: set(), P.CANCELED: set()},
    stay=False,
)


def _close_session(order: PancakeOrder) -> None:
    session = order.session
    if session is not None:
        session.refresh_from_db()
        if session.status in (S.OPEN, S.PROCESSING):
            checkout_sessions.cancel(session)


@transaction.atomic
def cancel_onetime(order: PancakeOrder) -> PancakeOrder:
    """pending -> canceled, only while its payment is pending (InvalidStatusTransition else);
    the hub order is cancelled too (its stock given back) and an open session closed."""
    order = (
        PancakeOrder.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=order.pk)
    )
    ONETIME.check(order.status, P.CANCELED)
    hub = order.order
    if hub.status != Order.Status.CANCELLED:
        statuses.transition(hub, Order.Status.CANCELLED)
    order.status, order.canceled_at = P.CANCELED, clock.now()
    order.save()
    _close_session(order)
    return order


@transaction.atomic
def cancel_subscription(order: PancakeOrder) -> PancakeOrder:
    """pending -> canceled at once; active -> canceling (ends at period end); past_due ->
    canceling with its unpaid balance remembered (it can no longer be reactivated)."""
    order = (
        PancakeOrder.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=order.pk)
    )
    new = P.CANCELED if order.status == P.PENDING else P.CANCELING
    SUBSCRIPTIONS.check(order.status, new)
    if order.status == P.PAST_DUE:
        order.unpaid_balance = True
    order.status, order.canceled_at = new, clock.now()
    order.save()
    if new == P.CANCELED:
        if order.order.status not in (Order.Status.CANCELLED, Order.Status.REFUNDED):
            statuses.transition(order.order, Order.Status.CANCELLED)
        _close_session(order)
        webhooks.subscription_changed(order, "subscription.canceled")
    else:
        webhooks.subscription_changed(order, "subscription.canceling")
    return order


class UnpaidBalance(Exception):
    pass


@transaction.atomic
def reactivate_subscription(order: PancakeOrder) -> PancakeOrder:
    """canceling -> active; raises InvalidStatusTransition for any other status and
    UnpaidBalance when a charge was unpaid at cancellation."""
    order = PancakeOrder.objects.select_for_update().get(pk=order.pk)
    # Reactivation undoes a cancellation only: past_due -> active is a payment's doing.
    REACTIVATE.check(order.status, P.ACTIVE)
    if order.unpaid_balance:
        raise UnpaidBalance()
    order.status, order.canceled_at = P.ACTIVE, None
    order.save()
    webhooks.subscription_changed(order, "subscription.uncanceled")
    return order
