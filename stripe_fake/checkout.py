"""Checkout Sessions in the embedded Stripe fake: the state and rules behind
`/v1/checkout/sessions` (create, retrieve, expire) and the hosted payment page its `url` opens.

A session is created `open` / `unpaid` with a `url` on the hub (`/stripe/checkout/pay/<id>/`).
The page takes a Stripe test card: it creates and confirms the session's PaymentIntent exactly
as the API would (the same test-card table decides declines and 3-D Secure), and on success
completes the session (`complete` / `paid`, `payment_intent` set, `url` null) and sends the
buyer to `success_url` with `{CHECKOUT_SESSION_ID}` replaced. `cancel_url` is the page's way
back. A session past its `expires_at` (the hub's clock) reads as `expired`; an open one can be
expired through the API. Only `mode=payment` with `price_data` line items is emulated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from checkout_hub import clock

from . import backend, errors, events, objects
from .models import CheckoutSession, PaymentIntent

SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"
DEFAULT_LIFETIME = 24 * 3600  # Stripe: 24 hours
MIN_LIFETIME, MAX_LIFETIME = 30 * 60, 24 * 3600


def page_url(session_id: str) -> str:
    return settings.HUB_PUBLIC_URL + reverse("stripe_fake:checkout-pay", args=[session_id])


def new_session(
    *,
    line_items: list[dict],
    currency: str,
    success_url: str,
    cancel_url: str | None,
    customer_email: str | None,
    client_reference_id: str | None,
    metadata: dict,
    payment_intent_data: dict,
    expires_at: int | None,
) -> CheckoutSession:
    now = clock.now()
    created = int(now.timestamp())
    session_id = "cs_test_" + clock.random_string(56)  # 64 characters: the id column's width
    subtotal = sum(item["amount_total"] for item in line_items)
    data = {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": subtotal,
        "amount_total": subtotal,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "created": created,
        "currency": currency,
        "customer": None,
        "customer_details": None,
        "customer_email": customer_email,
        "expires_at": expires_at or created + DEFAULT_LIFETIME,
        "livemode": False,
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": None,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "status": "open",
        "success_url": success_url,
        "ui_mode": "hosted",
        "url": page_url(session_id),
    }
    session = CheckoutSession(
        id=session_id,
        created=now,
        data=data,
        line_items=line_items,
        payment_intent_data=payment_intent_data,
    )
    session.save()
    return session


def get(session_id: str, *, lock: bool = False) -> CheckoutSession:
    rows = CheckoutSession.objects.select_for_update() if lock else CheckoutSession.objects
    session = backend.stored(rows, session_id)
    if session is None:
        raise errors.no_such("checkout.session", session_id, "session", status=404)
    return lapse_if_due(session)


def lapse_if_due(session: CheckoutSession) -> CheckoutSession:
    """An open session past its expires_at by the hub's clock becomes expired (when it is
    next read: its checkout.session.expired event names no request, as Stripe's does)."""
    if session.status == CheckoutSession.Status.OPEN and (
        session.data["expires_at"] <= clock.timestamp()
    ):
        _expire(session, automatic=True)
    return session


def _expire(session: CheckoutSession, *, automatic: bool = False) -> None:
    session.data.update(status="expired", url=None)
    session.save()
    events.publish("checkout.session.expired", session.data, automatic=automatic)


def expire(session_id: str) -> CheckoutSession:
    session = get(session_id, lock=True)
    if session.status != CheckoutSession.Status.OPEN:
        raise errors.invalid_request(
            f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout '
            f'Session has a status of "{session.status}".',
            param="session",
        )
    _expire(session)
    return session


def success_url(session: CheckoutSession) -> str:
    return session.data["success_url"].replace(SESSION_ID_PLACEHOLDER, session.id)


def cancel_url(session: CheckoutSession) -> str | None:
    url = session.data["cancel_url"]
    return url.replace(SESSION_ID_PLACEHOLDER, session.id) if url else None


# --- the hosted page's payment ---
def pay(session_id: str, card_alias: str, email: str, return_url: str):
    """Pay `session_id` with a test card: returns (session, intent, error) where `error` is
    the card error of a decline (recorded on the intent), and the intent may wait for 3-D
    Secure (`requires_action`: send the buyer to its next_action url)."""
    from .responses import Call, create_payment_intent

    with transaction.atomic():
        session = get(session_id, lock=True)
        if session.status != CheckoutSession.Status.OPEN:
            return session, None, None
        extra = session.payment_intent_data
        params = {
            "amount": str(session.data["amount_total"]),
            "currency": session.data["currency"],
            "payment_method": card_alias,
            "confirm": "true",
            "return_url": return_url,
            "automatic_payment_methods": {"enabled": "true"},
            "metadata": {**extra.get("metadata", {}), "checkout_session": session.id},
        }
        for name in ("description", "receipt_email"):
            if extra.get(name):
                params[name] = extra[name]
        if email and "receipt_email" not in params:
            params["receipt_email"] = email
        call = Call(params, "req_" + clock.random_string(14), backend_version())
        error = None
        try:
            intent = create_payment_intent(call)
        except errors.StripeError as err:
            if not err.executed or err.payment_intent is None:
                raise
            intent, error = err.payment_intent, err
        session.data["customer_details"] = _customer_details(email)
        if intent["status"] in (
            PaymentIntent.Status.SUCCEEDED,
            PaymentIntent.Status.REQUIRES_CAPTURE,
        ):
            _complete(session, intent["id"])
        else:
            session.save()
    return session, intent, error


def finish(session_id: str, intent_id: str) -> tuple[CheckoutSession, dict | None]:
    """After 3-D Secure: complete the session if its intent is now paid."""
    with transaction.atomic():
        session = get(session_id, lock=True)
        intent = backend.stored(PaymentIntent, intent_id)
        if intent is None or intent.data["metadata"].get("checkout_session") != session.id:
            return session, None
        if session.status == CheckoutSession.Status.OPEN and intent.status in (
            PaymentIntent.Status.SUCCEEDED,
            PaymentIntent.Status.REQUIRES_CAPTURE,
        ):
            _complete(session, intent.id)
        return session, intent.data


def _complete(session: CheckoutSession, intent_id: str) -> None:
    session.data.update(
        status="complete", payment_status="paid", payment_intent=intent_id, url=None
    )
    session.save()
    events.publish("checkout.session.completed", session.data)


def _customer_details(email: str) -> dict:
    return {
        "address": objects.address(None),
        "email": email or None,
        "name": None,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


def backend_version() -> str:
    from .engine import DEFAULT_VERSION

    return DEFAULT_VERSION
