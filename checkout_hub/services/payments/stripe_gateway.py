"""Card payments through the official `stripe` SDK: the only way the hub talks to a gateway.

`client()` builds the one StripeClient from settings. By default (`STRIPE_FAKE=1`) its HTTP
client is the embedded fake's, which answers in-process like Stripe test mode;
`STRIPE_API_BASE` sends the same calls over HTTP to a stripe-mock or the hub's own `/stripe`,
and `STRIPE_FAKE=0` with a real `sk_test_` key talks to Stripe itself.

The core never imports the fake: the fake installs itself when its app loads, by calling
`use_embedded_fake()` with its HTTP client factory and its admin link (and by subscribing
`on_event` to its Stripe events, which settle orders as Stripe's webhooks do). With
`STRIPE_FAKE=1` and no fake installed, `client()` raises ImproperlyConfigured saying so.

What a vendor passes to `payments.pay(order, "stripe", payment_data)`, in the hub's neutral
keys (each vendor maps its own wire keys into them):

- `payment_method`: a PaymentMethod id or Stripe test alias (`pm_card_visa`), or a `tok_…`;
- `return_url`: where Stripe sends the buyer back after 3-D Secure, a string or a callable
  `order -> str` (a vendor that pays while placing the order has no order id yet). Required:
  the hub has no vendor-neutral page to send a buyer to, so a missing one is a programming
  error (ValueError), raised before anything is charged.

A payment is a PaymentIntent **create** followed by a separate **confirm** with `return_url`
(the HWP bridge's two-step flow; WooCommerce's Stripe plugin confirms the same way). Both calls
carry idempotency keys derived from the hub's Payment row, so a retried call can never charge
twice. A card 3-D Secure challenge leaves the order pending; `settle()` finishes it when the
buyer comes back (the order-received page) or when a Stripe event reports the change
(`on_event`: the embedded fake's events in-process, or Stripe's webhooks through
`handle_webhook`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from checkout_hub.models import Order, Payment

from .. import scenarios, statuses
from ..errors import PaymentDeclined, PaymentFailed
from .base import Gateway, Outcome, PaymentOutcome

# Scenario header forwarded to a fake reached over HTTP (never to Stripe itself).
SCENARIO_HEADER = "X-Hub-Scenario"


@dataclass(frozen=True)
class EmbeddedFake:
    """What an in-process Stripe fake gives the gateway: `http_client_factory()` builds the
    SDK's HTTP client that answers in-process; `dashboard_url(pi_id)` is where staff see an
    intent (its admin page)."""

    http_client_factory: Callable[[], stripe.HTTPClient]
    dashboard_url: Callable[[str], str]


# Set by the fake's AppConfig.ready() (stripe_fake.apps); None when no fake is installed.
_embedded_fake: EmbeddedFake | None = None


def use_embedded_fake(
    *, http_client_factory: Callable[[], stripe.HTTPClient], dashboard_url: Callable[[str], str]
) -> None:
    """Install an in-process Stripe fake: the client that STRIPE_FAKE=1 selects. Called once
    by the fake when its app loads; calling it again replaces the fake (and the cached client,
    which was built with the old one)."""
    global _embedded_fake
    _embedded_fake = EmbeddedFake(http_client_factory, dashboard_url)
    _client.cache_clear()


def _fake() -> EmbeddedFake:
    if _embedded_fake is None:
        raise ImproperlyConfigured(
            "STRIPE_FAKE is on but no embedded Stripe fake is installed: add 'stripe_fake' to "
            "INSTALLED_APPS, or set STRIPE_FAKE=0 (with STRIPE_API_BASE or a real sk_test_ key)."
        )
    return _embedded_fake


@functools.cache
def _client(api_key: str, api_base: str, fake: bool, retries: int) -> stripe.StripeClient:
    options: dict = {"max_network_retries": retries}
    if fake:
        options["http_client"] = _fake().http_client_factory()
    elif api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(api_key, **options)


def client() -> stripe.StripeClient:
    """The hub's StripeClient, as settings describe it (one per distinct configuration)."""
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_FAKE,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def _is_fake() -> bool:
    return settings.STRIPE_FAKE or bool(settings.STRIPE_API_BASE)


def dashboard_url(reference: str) -> str | None:
    """Where staff can look at a PaymentIntent: the embedded fake's admin page, or Stripe's
    Dashboard when the hub talks to Stripe itself. None for another server (STRIPE_API_BASE),
    or for a reference that is not a PaymentIntent id."""
    if not reference.startswith("pi_"):
        return None
    if settings.STRIPE_FAKE:
        # No fake installed: nowhere to look (admin must not fail over a link).
        return _embedded_fake.dashboard_url(reference) if _embedded_fake else None
    if settings.STRIPE_API_BASE:
        return None
    mode = "" if settings.STRIPE_SECRET_KEY.startswith("sk_live_") else "test/"
    return f"https://dashboard.stripe.com/{mode}payments/{reference}"


def return_url_for(order: Order, payment_data: dict) -> str:
    """The vendor's `return_url` for `order` (a string, or a callable given the order)."""
    url = payment_data.get("return_url")
    if callable(url):
        url = url(order)
    if not url:
        raise ValueError(
            'The Stripe gateway needs payment_data["return_url"], the page Stripe sends the '
            "buyer back to after 3-D Secure (each vendor passes its own)."
        )
    return url


def _error_facts(exc: stripe.StripeError, payment: Payment, call: str) -> dict:
    error = exc.error
    intent = getattr(error, "payment_intent", None) if error else None
    return {
        "error_type": getattr(error, "type", None) or "api_error",
        "gateway_code": getattr(error, "code", None) or exc.code,
        "decline_code": getattr(error, "decline_code", None),
        "param": getattr(error, "param", None),
        "request_id": exc.request_id,
        "reference": payment.reference or (intent.get("id") if intent else "") or "",
        "payment": payment,
        "stripe_call": call,
        "http_status": exc.http_status,
    }


def _message(exc: stripe.StripeError) -> str:
    error = exc.error
    return (getattr(error, "message", None) if error else None) or exc.user_message or str(exc)


class StripeGateway(Gateway):
    id = "stripe"
    title = "Credit card (Stripe)"
    description = "Pay with your credit card via Stripe."
    supports_refunds = True
    # Forced payment scenarios run inside the fake as Stripe's own test cards, so the
    # outcome comes back through the SDK exactly as Stripe would answer (see `pay()`).
    handles_scenarios = True

    def configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def process(self, order: Order, payment_data: dict) -> PaymentOutcome:
        method = payment_data.get("payment_method") or None
        return_url = return_url_for(order, payment_data)
        payment = pending_payment(order)
        options: dict = {}
        scenario = scenarios.current()
        if scenario is not None and _is_fake():
            options["headers"] = {SCENARIO_HEADER: scenario.name}
        keys = f"hub_payment_{payment.pk}"
        api = client().v1.payment_intents
        call = "payment_intents.create"
        try:
            if payment_data.get("payment_intent"):
                # An intent the vendor created before the order (a payment context for
                # Stripe Elements): confirmed for this order, not created again.
                intent = self._existing_intent(
                    payment_data["payment_intent"], order, payment, method, return_url, options
                )
                return self.outcome(payment, intent)
            intent = api.create(
                params={
                    "amount": order.total,
                    "currency": order.currency.lower(),
                    "payment_method": method,
                    "automatic_payment_methods": {"enabled": True},
                    "description": f"Order #{order.number}",
                    "receipt_email": order.billing_email or None,
                    "metadata": {
                        "order_id": str(order.pk),
                        "order_number": order.number,
                        "order_key": order.order_key,
                        "source": order.source,
                    },
                },
                options={**options, "idempotency_key": f"{keys}_create"},
            )
            payment.reference = intent.id
            payment.save(update_fields=["reference", "updated_at"])
            call = "payment_intents.confirm"
            intent = api.confirm(
                intent.id,
                params={"return_url": return_url},
                options={**options, "idempotency_key": f"{keys}_confirm"},
            )
        except (stripe.CardError, stripe.InvalidRequestError) as exc:
            # Refused: the card, or what was sent for it (WooCommerce Stripe answers both
            # with result "failure"); anything else is the gateway failing.
            raise PaymentDeclined(_message(exc), **_error_facts(exc, payment, call)) from exc
        except stripe.StripeError as exc:
            raise PaymentFailed(_message(exc), **_error_facts(exc, payment, call)) from exc
        return self.outcome(payment, intent)

    def _existing_intent(self, intent_id, order, payment, method, return_url, options):
        """An intent made earlier (`create_intent`): sized and tagged for `order`, then
        confirmed unless the buyer's browser confirmed it already."""
        api = client().v1.payment_intents
        keys = f"hub_payment_{payment.pk}"
        intent = api.retrieve(str(intent_id), options=options)
        payment.reference = intent.id
        payment.save(update_fields=["reference", "updated_at"])
        if intent["status"] in ("requires_payment_method", "requires_confirmation"):
            intent = api.update(
                intent.id,
                params={
                    "amount": order.total,
                    "description": f"Order #{order.number}",
                    "metadata": {"order_id": str(order.pk), "order_key": order.order_key},
                },
                options={**options, "idempotency_key": f"{keys}_update"},
            )
            params = {"return_url": return_url}
            if method:
                params["payment_method"] = method
            intent = api.confirm(
                intent.id, params=params, options={**options, "idempotency_key": f"{keys}_confirm"}
            )
        return intent

    def outcome(self, payment: Payment, intent) -> PaymentOutcome:
        """Record a confirmed intent on `payment` and say what the order becomes."""
        status = intent["status"]
        payment.data = {"status": status, "latest_charge": intent.get("latest_charge")}
        details = {"payment_intent": intent["id"], "intent_status": status}
        if status == "requires_action":
            statuses.transition_payment(payment, Payment.Status.REQUIRES_ACTION)
            payment.save(update_fields=["status", "data", "updated_at"])
            action = intent.get("next_action") or {}
            url = (action.get("redirect_to_url") or {}).get("url", "")
            details["client_secret"] = intent.get("client_secret")
            return PaymentOutcome(
                status=Outcome.ACTION_REQUIRED,
                order_status=Order.Status.PENDING,
                payment=payment,
                redirect_url=url,
                details=details,
            )
        if status == "processing":
            statuses.transition_payment(payment, Payment.Status.PROCESSING)
            payment.save(update_fields=["status", "data", "updated_at"])
            return PaymentOutcome(
                Outcome.PROCESSING, Order.Status.ON_HOLD, payment, details=details
            )
        if status == "requires_capture":  # authorised only: WooCommerce Stripe holds the order
            payment.save(update_fields=["data", "updated_at"])
            return PaymentOutcome(Outcome.ACCEPTED, Order.Status.ON_HOLD, payment, details=details)
        statuses.transition_payment(payment, Payment.Status.SUCCEEDED)
        payment.save(update_fields=["status", "data", "updated_at"])
        return PaymentOutcome(
            Outcome.ACCEPTED, Order.Status.PROCESSING, payment, details=details, paid=True
        )

    def refund(self, payment: Payment, amount: int, reason: str = "") -> dict:
        params = {"payment_intent": payment.reference, "amount": amount}
        if reason in ("duplicate", "fraudulent", "requested_by_customer"):
            params["reason"] = reason
        try:
            return client().v1.refunds.create(params=params)
        except stripe.StripeError as exc:
            raise PaymentFailed(
                _message(exc), **_error_facts(exc, payment, "refunds.create")
            ) from exc


def settle(order: Order, intent: dict | None = None) -> str:
    """Bring `order` in line with its PaymentIntent after the buyer left for 3-D Secure.

    `intent` is the wire object when the caller has it (a Stripe event's data.object);
    otherwise it is retrieved through the SDK. Returns the order's status afterwards. Safe to
    call twice (the return page and the notification may both arrive)."""
    from . import fail  # the package's failure bookkeeping

    payment = order.payments.filter(gateway=StripeGateway.id).exclude(reference="").first()
    if payment is None or payment.status != Payment.Status.REQUIRES_ACTION:
        return order.status
    if intent is None:
        try:
            intent = client().v1.payment_intents.retrieve(payment.reference)
        except stripe.StripeError:
            return order.status  # the gateway cannot say yet; the order stays pending
    status = intent["status"]
    if status in ("requires_action", "requires_confirmation"):
        return order.status
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != Payment.Status.REQUIRES_ACTION:
            return Order.objects.get(pk=order.pk).status
        order = Order.objects.select_for_update().get(pk=order.pk)
        if status in ("requires_payment_method", "canceled"):
            exc = intent_declined(intent, locked, "payment_intent_authentication_failure")
            fail(order, StripeGateway.id, exc)
            return order.status
        outcome = StripeGateway().outcome(locked, intent)
        statuses.transition(order, outcome.order_status, paid=outcome.paid)
        if not order.transaction_id:
            order.transaction_id = intent["id"]
            order.save(update_fields=["transaction_id", "updated_at"])
    return order.status


def payment_method_for_card(number: str) -> str:
    """A PaymentMethod id for a raw test card number (the hub's order-pay page; Stripe only
    takes raw numbers in test mode). Raises PaymentDeclined, e.g. incorrect_number."""
    try:
        method = client().v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
            }
        )
    except stripe.StripeError as exc:
        error = exc.error
        raise PaymentDeclined(
            _message(exc),
            error_type=getattr(error, "type", None) or "card_error",
            gateway_code=getattr(error, "code", None) or exc.code,
            decline_code=getattr(error, "decline_code", None),
            param=getattr(error, "param", None),
            request_id=exc.request_id,
        ) from exc
    return method.id


def pending_payment(order: Order, **data) -> Payment:
    """The pending Payment row a Stripe flow starts with (`data`: what the flow keeps)."""
    return Payment.objects.create(
        order=order,
        gateway=StripeGateway.id,
        amount=order.total,
        currency=order.currency,
        status=Payment.Status.PENDING,
        data=data,
    )


def intent_declined(intent, payment: Payment, default_code: str, **facts) -> PaymentDeclined:
    """The decline a PaymentIntent that ended without paying reports (its last_payment_error,
    else `default_code`)."""
    error = intent.get("last_payment_error") or {}
    return PaymentDeclined(
        error.get("message") or "The payment was not completed.",
        error_type=error.get("type") or "card_error",
        gateway_code=error.get("code") or default_code,
        decline_code=error.get("decline_code"),
        param=error.get("param"),
        reference=intent["id"],
        payment=payment,
        **facts,
    )


# Stripe events that move an order's PaymentIntent (what WooCommerce Stripe's webhook handles),
# their data.object being the intent.
SETTLING_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.amount_capturable_updated",
}
# Events about a charge of an order's intent (data.object is the charge): the order is settled
# from its intent, read back.
CHARGE_EVENTS = {"charge.refunded"}


def _order_of(obj) -> Order | None:
    """The order a PaymentIntent or Charge belongs to (its metadata[order_id], which a charge
    copies from its intent)."""
    order_id = str((obj.get("metadata") or {}).get("order_id", ""))
    return Order.objects.filter(pk=int(order_id)).first() if order_id.isdigit() else None


def on_event(event) -> None:
    """A Stripe event (a dict, or the SDK's Event): settle the order its PaymentIntent belongs
    to. The embedded fake calls it after each event's transaction commits; `handle_webhook`
    calls it for a verified webhook from Stripe itself."""
    event_type, obj = event["type"], event["data"]["object"]
    if event_type not in SETTLING_EVENTS and event_type not in CHARGE_EVENTS:
        return
    order = _order_of(obj)
    if order is not None:
        settle(order, obj if event_type in SETTLING_EVENTS else None)


def handle_webhook(payload: bytes, signature: str) -> str:
    """Verify a Stripe webhook (`Stripe-Signature`, settings.STRIPE_WEBHOOK_SECRET) and settle
    the order its PaymentIntent belongs to. Returns the event type; raises ValueError for an
    event that cannot be trusted (no secret set, bad signature, unreadable payload)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise ValueError(str(exc) or "Invalid webhook.") from exc
    on_event(event)
    return event.type


def create_intent(amount: int, currency: str, *, metadata: dict, idempotency_key: str) -> dict:
    """A PaymentIntent for an amount before any order exists (a vendor's payment context for
    Stripe Elements): its id and client_secret. Raises PaymentFailed when Stripe errors."""
    try:
        intent = client().v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": currency.lower(),
                "automatic_payment_methods": {"enabled": True},
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise PaymentFailed(_message(exc), gateway=StripeGateway.id) from exc
    return {"id": intent.id, "client_secret": intent.client_secret, "status": intent.status}
