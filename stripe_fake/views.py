"""The embedded Stripe fake's HTTP face: the API under /stripe/v1/ (every method, straight
through `engine.handle`) and the test 3-D Secure page that `next_action` links to (for
PaymentIntents and SetupIntents).

The API view resolves the request's scenario (X-Hub-Scenario header, `__scenario` query
parameter or a stored rule for vendor "stripe"), so QA can force an outcome over HTTP too. The
3-D Secure page answers a small HTML page for anything wrong, never Django's debug page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from checkout_hub.models import Vendor
from checkout_hub.services import latency, money, scenarios
from checkout_hub.services.errors import ServerError, UnknownScenario

from . import backend, engine, objects
from .models import PaymentIntent, PaymentMethod, SetupIntent

# The redirect_status the return_url gets after 3-D Secure: "succeeded" for these, else "failed".
PAID_STATUSES = (PaymentIntent.Status.SUCCEEDED, PaymentIntent.Status.REQUIRES_CAPTURE)


@csrf_exempt
def api(request, path: str):
    request.hub_vendor = Vendor.STRIPE
    status, fault = 0, None
    try:
        scenario = scenarios.activate(request, Vendor.STRIPE)
        fault = _fault(scenario)
    except UnknownScenario as exc:
        status, headers, body = engine.refusal(request.headers, exc.message, param="X-Hub-Scenario")
    else:
        if fault is not None:  # the hub's faults (500, 502, 503, a hang) as Stripe's api_error
            scenarios.deactivate()
            status, headers, body = engine.outage(request.headers, fault.fault_status or 500)
    if fault is None and not status:
        try:
            status, headers, body = engine.handle(
                request.method, "/" + path, _query(request), request.headers, request.body
            )
        finally:
            scenarios.deactivate()
    response = HttpResponse(body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _fault(scenario) -> ServerError | None:
    """A request-level fault scenario's error (the others fire where Stripe has them)."""
    if scenario is None or scenarios.REQUEST not in scenario.points or scenario.build is None:
        return None
    error = scenario.build()
    return error if isinstance(error, ServerError) else None


def _query(request) -> str:
    """The query string without the hub's own `__scenario` (Stripe would refuse it)."""
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    hub = (scenarios.QUERY_PARAM, latency.QUERY_PARAM)
    return urlencode([(name, value) for name, value in pairs if name not in hub])


def _page(request, title: str, message: str, status: int):
    return render(
        request, "stripe_fake/message.html", {"title": title, "message": message}, status=status
    )


@dataclass(frozen=True)
class _Authentication:
    """What differs between authenticating a payment and a card setup."""

    find: Callable  # (id, client_secret) -> the intent waiting, or None
    finish: Callable  # (id, succeeded=) -> the intent after, or None if already finished
    model: type
    succeeded: Callable  # the finished intent -> did it succeed
    amount: Callable  # the intent -> what the page shows as the amount ("" for a setup)
    not_found: str
    query_prefix: str  # return_url gets <prefix>, <prefix>_client_secret, redirect_status


PAYMENT = _Authentication(
    find=backend.intent_for_secret,
    finish=backend.finish_authentication,
    model=PaymentIntent,
    succeeded=lambda intent: intent.status in PAID_STATUSES,
    amount=lambda intent: money.format_price(intent.amount, intent.currency),
    not_found="Payment not found",
    query_prefix="payment_intent",
)
SETUP = _Authentication(
    find=backend.setup_for_secret,
    finish=backend.finish_setup_authentication,
    model=SetupIntent,
    succeeded=lambda setup: setup.status == SetupIntent.Status.SUCCEEDED,
    amount=lambda setup: "",
    not_found="Setup not found",
    query_prefix="setup_intent",
)


@require_http_methods(["GET", "POST"])
def authenticate(request, intent_id: str):
    """Stripe's test 3-D Secure page: complete or fail the authentication, then go back to
    the intent's return_url with payment_intent, payment_intent_client_secret and
    redirect_status added to its query (setup_intent, setup_intent_client_secret for a
    SetupIntent)."""
    request.hub_vendor = Vendor.STRIPE
    kind = SETUP if intent_id.startswith("seti_") else PAYMENT
    intent = kind.find(intent_id, request.GET.get("client_secret", ""))
    if intent is None:
        return _page(request, kind.not_found, "This authentication link is not valid.", 404)
    if intent.status != kind.model.Status.REQUIRES_ACTION:
        return _not_waiting(request, intent)
    action = request.POST.get("action")
    if request.method == "GET" or action not in ("complete", "fail"):
        method = PaymentMethod.objects.get(pk=intent.data["payment_method"])
        return render(
            request,
            "stripe_fake/authenticate.html",
            {
                "intent": intent,
                "amount": kind.amount(intent),
                "merchant": objects.MERCHANT_NAME,
                "card": method.data["card"],
            },
            status=200 if request.method == "GET" else 400,
        )
    finished = kind.finish(intent.id, succeeded=action == "complete")
    if finished is None:  # another request finished it first
        return _not_waiting(request, kind.model.objects.get(pk=intent.id))
    redirect_status = "succeeded" if kind.succeeded(finished) else "failed"
    if urlsplit(finished.return_url).scheme not in ("http", "https"):
        outcome = "complete" if redirect_status == "succeeded" else "failed"
        return _page(
            request,
            f"Authentication {outcome}",
            "You can close this window and go back to the store.",
            200,
        )
    return HttpResponseRedirect(
        _with_query(
            finished.return_url,
            **{
                kind.query_prefix: finished.id,
                f"{kind.query_prefix}_client_secret": finished.data["client_secret"],
                "redirect_status": redirect_status,
            },
        )
    )


def _not_waiting(request, intent: PaymentIntent | SetupIntent):
    return _page(
        request,
        "Nothing to authenticate",
        f"This {'setup' if isinstance(intent, SetupIntent) else 'payment'} is not waiting for "
        f"authentication (its status is {intent.status}).",
        409,
    )


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return parts._replace(query=urlencode(query)).geturl()


# --- the hosted Checkout page a Checkout Session's `url` opens ---
@require_http_methods(["GET", "POST"])
def checkout_pay(request, session_id: str):
    """Stripe's hosted Checkout page: pick a test card and pay, then go to the session's
    success_url; a decline stays on the page with Stripe's message; a 3-D Secure card goes
    through the test authentication page first and comes back to `checkout_return`."""
    from . import cards, checkout, errors

    request.hub_vendor = Vendor.STRIPE
    try:
        session = checkout.get(session_id)
    except errors.StripeError:
        return _page(request, "Checkout not found", "This checkout link is not valid.", 404)
    if session.status == session.Status.COMPLETE:
        return HttpResponseRedirect(checkout.success_url(session))
    if session.status != session.Status.OPEN:
        return _page(request, "Checkout expired", "This checkout session has expired.", 410)
    chosen = request.POST.get("test_card") or cards.PICKER[0][0]
    email = (request.POST.get("email") or session.data["customer_email"] or "").strip()
    error, status = "", 200
    if request.method == "POST":
        if cards.alias_for(chosen) is None:
            error, status = "Choose one of the test cards.", 400
        else:
            back = request.build_absolute_uri(
                reverse("stripe_fake:checkout-return", args=[session.id])
            )
            session, intent, failure = checkout.pay(session.id, chosen, email, back)
            if session.status == session.Status.COMPLETE:
                return HttpResponseRedirect(checkout.success_url(session))
            if failure is not None:
                error, status = failure.message, 402
            elif intent is not None and intent["status"] == PaymentIntent.Status.REQUIRES_ACTION:
                action = intent["next_action"] or {}
                url = (action.get("redirect_to_url") or {}).get("url")
                if url:
                    return HttpResponseRedirect(url)
    return _checkout_page(request, session, chosen, email, error, status)


def _checkout_page(request, session, chosen: str, email: str, error: str, status: int):
    from . import cards, checkout

    currency = session.data["currency"]
    items = [
        {**item, "display": money.format_price(item["amount_total"], currency)}
        for item in session.line_items
    ]
    return render(
        request,
        "stripe_fake/checkout.html",
        {
            "session": session,
            "items": items,
            "total": money.format_price(session.data["amount_total"], currency),
            "merchant": objects.MERCHANT_NAME,
            "test_cards": cards.PICKER,
            "chosen": chosen,
            "email": email,
            "error": error,
            "cancel_url": checkout.cancel_url(session),
        },
        status=status,
    )


@require_http_methods(["GET"])
def checkout_return(request, session_id: str):
    """Back from 3-D Secure: to the success_url when paid, else the page with the error."""
    from . import checkout, errors

    request.hub_vendor = Vendor.STRIPE
    try:
        session, intent = checkout.finish(session_id, request.GET.get("payment_intent", ""))
    except errors.StripeError:
        return _page(request, "Checkout not found", "This checkout link is not valid.", 404)
    if session.status == session.Status.COMPLETE:
        return HttpResponseRedirect(checkout.success_url(session))
    if session.status != session.Status.OPEN:
        return _page(request, "Checkout expired", "This checkout session has expired.", 410)
    failure = (intent or {}).get("last_payment_error") or {}
    message = failure.get("message") or "The payment was not completed."
    return _checkout_page(request, session, "", session.data["customer_email"] or "", message, 402)
