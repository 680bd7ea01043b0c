"""The hosted checkout page, `/store/{slug}/checkout/{sessionId}`, as plain Django views.

GET shows the session's locked offer (product, price, currency, store), the billing form
pre-filled from the session (buyerEmail, billingDetail), a tax preview that follows the
country and state, and a Stripe test card picker; dark mode when the session asks. POST
validates the billing detail (the create-session rules), places the hub order from the
session's locked line and pays it through the Stripe path: paid -> the session completes, the
order.completed webhook is queued and the buyer goes to successUrl (or the hub's thank-you
page); declined -> the page again with the decline, ready for another card. An expired,
completed or unknown session is a clear 404 page, never a stack trace.

`#token=<JWT>` (the SDK's authenticated checkout) stays in the browser: the page's script
reads it and shows that the buyer is signed in; nothing of it reaches the server.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from checkout_hub.models import CheckoutSession, Order, Vendor, normalise_email
from checkout_hub.services import billing_detail, checkout, checkout_sessions, pricing
from checkout_hub.services.errors import (
    CheckoutSessionCancelled,
    CheckoutSessionCompleted,
    CheckoutSessionExpired,
    CheckoutSessionUnavailable,
    DomainError,
    PaymentDeclined,
    PaymentFailed,
)
from checkout_hub.services.payments import stripe_gateway

from . import orders, wire
from .models import PancakeOrder

# Stripe's own test PaymentMethods: the succeeding and declining cards the picker offers.
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
    ("pm_card_authenticationRequired", "3-D Secure 4000 0027 6000 3184 (asks to authenticate)"),
    ("pm_card_chargeDeclined", "Declined 4000 0000 0000 0002 (generic decline)"),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "Declined 4000 0000 0000 9995 (insufficient funds)",
    ),
    ("pm_card_chargeDeclinedExpiredCard", "Declined 4000 0000 0000 0069 (expired card)"),
]
CARD_IDS = {value for value, _ in TEST_CARDS}
# What each test card is, for the payment's cardInfo (brand, last4).
CARD_INFO = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_mastercard": ("mastercard", "4444"),
    "pm_card_authenticationRequired": ("visa", "3184"),
    "pm_card_chargeDeclined": ("visa", "0002"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995"),
    "pm_card_chargeDeclinedExpiredCard": ("visa", "0069"),
}
COUNTRIES = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("IE", "Ireland"),
    ("JP", "Japan"),
    ("HK", "Hong Kong"),
    ("AU", "Australia"),
    ("SG", "Singapore"),
    ("BR", "Brazil"),
]
FIELDS = ("email", "country", "state", "postcode", "business_name", "tax_id", "card")


def page_url(slug: str, session_id: str) -> str:
    return wire.checkout_url(slug, session_id)


def unavailable(request, exc: CheckoutSessionUnavailable | None = None, status: int = 404):
    """The clear 404-style page for a session that cannot be paid (never a stack trace)."""
    title, message = "Checkout not found", "This checkout link does not exist."
    if isinstance(exc, CheckoutSessionExpired):
        title, message = "Checkout expired", "This checkout session has expired."
    elif isinstance(exc, CheckoutSessionCompleted):
        title, message = "Already paid", "This checkout session has already been completed."
    elif isinstance(exc, CheckoutSessionCancelled):
        title, message = "Checkout cancelled", "This checkout session has been cancelled."
    return render(
        request,
        "pancake/unavailable.html",
        {"title": title, "message": message, "dark": request.GET.get("theme") == "dark"},
        status=status,
    )


def _session(slug: str, session_id: str) -> CheckoutSession:
    session = checkout_sessions.get_open(session_id, vendor=Vendor.PANCAKE)
    if session.snapshot.get("data", {}).get("store_slug") != slug:
        raise checkout_sessions.CheckoutSessionNotFound(session_id=session_id)
    return session


def _tax(session: CheckoutSession, country: str, state: str) -> dict:
    line = session.snapshot["lines"][0]
    currency = session.currency
    rates = pricing.tax_preview(line["unit_price"], country, state)
    tax = sum(amount for _, amount in rates)
    return {
        "subtotal": wire.amount(line["unit_price"], currency),
        "tax": wire.amount(tax, currency),
        "total": wire.amount(line["unit_price"] + tax, currency),
        "label": ", ".join(f"{rate.label} {rate.rate.normalize():f}%" for rate, _ in rates),
        "currency": currency,
    }


def _form(session: CheckoutSession, post=None) -> dict:
    if post is not None:
        form = {name: post.get(name, "").strip() for name in FIELDS}
        form["is_business"] = post.get("is_business") in ("on", "1", "true")
        return form
    detail = session.snapshot.get("billing_detail") or {}
    return {
        "email": session.buyer_email,
        "country": detail.get("country", ""),
        "state": detail.get("state", ""),
        "postcode": detail.get("postcode", ""),
        "business_name": detail.get("businessName", ""),
        "tax_id": detail.get("taxId", ""),
        "is_business": bool(detail.get("isBusiness")),
        "card": TEST_CARDS[0][0],
    }


def _detail(form: dict) -> dict:
    detail = {"country": form["country"].upper(), "isBusiness": form["is_business"]}
    for key, name in (("state", "state"), ("postcode", "postcode")):
        if form[key]:
            detail[name] = form[key]
    if form["business_name"]:
        detail["businessName"] = form["business_name"]
    if form["tax_id"]:
        detail["taxId"] = form["tax_id"]
    return detail


def _render(request, session, form, *, error="", status=200, order=None):
    data = session.snapshot["data"]
    locked = order is not None
    detail = order.billing_detail if locked else {}
    country = detail.get("country") or form["country"]
    state = detail.get("state") or form["state"]
    dark = data.get("dark_mode") or request.GET.get("theme") == "dark"
    return render(
        request,
        "pancake/checkout.html",
        {
            "session": session,
            "data": data,
            "price": data["price_info"],
            "charge_now": wire.amount(session.snapshot["lines"][0]["unit_price"], session.currency),
            "form": form,
            "error": error,
            "tax": _tax(session, country, state),
            "test_cards": TEST_CARDS,
            "countries": COUNTRIES,
            "dark": dark,
            "order": order,
            "billing_locked": locked,
            # buyerEmail is a session lock: given at creation, the buyer cannot change it.
            "email_locked": bool(session.buyer_email),
            "expires_at": wire.iso(session.expires_at),
            "tax_url": reverse(
                "pancake:checkout-tax", args=[data["store_slug"], session.public_id]
            ),
        },
        status=status,
    )


def _finish(order: PancakeOrder, session: CheckoutSession, card=("", "")):
    """Paid: where the buyer goes next."""
    orders.paid(order, card)
    if session.success_url:
        joiner = "&" if "?" in session.success_url else "?"
        return redirect(
            session.success_url
            + joiner
            + urlencode({"orderId": order.short_id, "sessionId": session.public_id})
        )
    return redirect(reverse("pancake:thank-you", args=[order.store.slug, order.short_id]))


@require_http_methods(["GET", "HEAD", "POST"])
def checkout_page(request, slug: str, session_id: str):
    try:
        session = _session(slug, session_id)
    except CheckoutSessionCompleted as exc:
        done = PancakeOrder.objects.filter(session=exc.facts.get("session")).first()
        if done is not None and request.method == "GET":
            return redirect(reverse("pancake:thank-you", args=[slug, done.short_id]))
        return unavailable(request, exc)
    except CheckoutSessionUnavailable as exc:
        return unavailable(request, exc)
    order = PancakeOrder.objects.filter(session=session).select_related("order", "store").first()
    # Back from 3-D Secure: settle the intent, then finish or show the decline.
    if request.method == "GET" and order is not None and request.GET.get("payment_intent"):
        status = stripe_gateway.settle(order.order)
        order.order.refresh_from_db()
        if order.order.is_paid:
            return _finish(order, session)
        if status == Order.Status.FAILED:
            orders.payment_failed(order)
            session.refresh_from_db()
            failed = order.order.payments.order_by("-id").first()
            message = failed.message if failed else "The payment was not completed."
            return _render(
                request, session, _form(session), error=f"Payment failed: {message}", order=order
            )
    if request.method != "POST":
        return _render(request, session, _form(session), order=order)

    form = _form(session, request.POST)
    email = session.buyer_email or normalise_email(form["email"])
    detail = order.billing_detail if order is not None else _detail(form)
    if "@" not in email or len(email) > 254:
        return _render(request, session, form, error="Enter a valid email address.", status=400)
    problems = billing_detail.problems(detail)
    if problems:
        return _render(
            request,
            session,
            form,
            error="Invalid billingDetail: " + "; ".join(problems),
            status=400,
        )
    detail = billing_detail.normalise(detail)
    if form["card"] not in CARD_IDS:
        form["card"] = TEST_CARDS[0][0]
    try:
        if order is None:
            order = orders.place(session, email, detail)
        if order.order.is_paid or not order.order.needs_payment:
            return _finish(order, session)
        session.refresh_from_db()
        checkout_sessions.start_payment(session, order.order)
        result = checkout.pay_for_order(
            order.order,
            payment_method="stripe",
            payment_data={
                "payment_method": form["card"],
                "return_url": page_url(slug, session.public_id),
            },
        )
    except (PaymentDeclined, PaymentFailed) as exc:
        if order is not None:
            orders.payment_failed(order, CARD_INFO.get(form["card"], ("", "")))
        session.refresh_from_db()
        return _render(
            request, session, form, error=f"Payment failed: {exc.message}", status=402, order=order
        )
    except DomainError as exc:
        if order is not None:
            session.refresh_from_db()
            if session.status == CheckoutSession.Status.PROCESSING:
                checkout_sessions.reopen(session)
        return _render(request, session, form, error=exc.message, status=400, order=order)
    outcome = result.payment
    card = CARD_INFO.get(form["card"], ("", ""))
    if outcome is not None and outcome.redirect_url:
        orders.sync_payments(order, card)
        return redirect(outcome.redirect_url)
    order.order.refresh_from_db()
    if order.order.is_paid:
        return _finish(order, session, card)
    orders.sync_payments(order, card)
    return _render(request, session, form, order=order, error="The payment is processing.")


@require_safe
def tax_preview(request, slug: str, session_id: str):
    try:
        session = _session(slug, session_id)
    except CheckoutSessionUnavailable:
        return JsonResponse(
            {
                "data": None,
                "errors": [{"message": "Checkout session not found or expired", "layer": "order"}],
            },
            status=404,
        )
    country = request.GET.get("country", "")[:2].upper()
    state = request.GET.get("state", "")[:50].upper()
    rules = ["state"] if country in billing_detail.STATE_REQUIRED else []
    if billing_detail.is_eu(country):
        rules.append("taxId")
    return JsonResponse({"data": {**_tax(session, country, state), "requiredFields": rules}})


@require_safe
def thank_you(request, slug: str, order_id: str):
    order = (
        PancakeOrder.objects.select_related("order", "store", "session")
        .filter(short_id=order_id, store__slug=slug)
        .first()
    )
    if order is None:
        return unavailable(request)
    data = (order.session.snapshot.get("data") if order.session else None) or {}
    currency = order.order.currency
    return render(
        request,
        "pancake/thank_you.html",
        {
            "order": order,
            "data": data,
            "total": wire.amount(order.order.total, currency),
            "tax": wire.amount(order.order.tax_total, currency),
            "currency": currency,
            "dark": data.get("dark_mode"),
            "hub_url": settings.HUB_PUBLIC_URL,
        },
    )
