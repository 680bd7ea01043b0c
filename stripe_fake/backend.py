"""The embedded Stripe fake's backend: its state and rules, as a moto backend holds them.

The PaymentIntent and SetupIntent status machines (which action may start from which status),
test-card PaymentMethods, Customers and the cards attached to them, charges, declines, 3-D
Secure, refunds and the change notices (`events.publish`). It reads no request: `responses`
parses parameters and calls in here.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from checkout_hub import clock
from checkout_hub.services import scenarios

from . import cards, errors, events, objects
from .models import Charge, Customer, PaymentIntent, PaymentMethod, Refund, SetupIntent

log = logging.getLogger(__name__)

Status = PaymentIntent.Status

# The statuses each action may start from; any other is payment_intent_unexpected_state.
UNFINISHED = (
    Status.REQUIRES_PAYMENT_METHOD,
    Status.REQUIRES_CONFIRMATION,
    Status.REQUIRES_ACTION,
)
ALLOWED_FROM = {
    "confirm": UNFINISHED,
    "update": UNFINISHED,
    "cancel": (
        Status.REQUIRES_PAYMENT_METHOD,
        Status.REQUIRES_CAPTURE,
        Status.REQUIRES_CONFIRMATION,
        Status.REQUIRES_ACTION,
        Status.PROCESSING,
    ),
    "capture": (Status.REQUIRES_CAPTURE,),
}
REFUSALS = {
    "confirm": "You cannot confirm this PaymentIntent because it has a status of {status}. Only "
    "a PaymentIntent with one of the following statuses may be confirmed: {allowed}.",
    "update": "This PaymentIntent's {field} could not be updated because it has a status of "
    "{status}. You may only update the {field} of a PaymentIntent with one of the following "
    "statuses: {allowed}.",
    "cancel": "You cannot cancel this PaymentIntent because it has a status of {status}. Only a "
    "PaymentIntent with one of the following statuses may be canceled: {allowed}.",
    "capture": "This PaymentIntent could not be captured because it has a status of {status}. "
    "Only a PaymentIntent with one of the following statuses may be captured: {allowed}.",
}

MISSING_PAYMENT_METHOD = (
    "You cannot confirm this PaymentIntent because it's missing a payment method. You can "
    "either update the PaymentIntent with a payment method and then confirm it again, or "
    "confirm it again directly with a payment method."
)
RETURN_URL_REQUIRED = (
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. "
    "Because some of these payment methods might redirect your customer off of your page, you "
    "must provide a `return_url`. If you don't want to accept redirect-based payment methods, "
    "set `automatic_payment_methods[enabled]` to `true` and "
    "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and "
    "Payment Intents."
)


# SetupIntents: the same machine, with Stripe's SetupIntent wording.
SetupStatus = SetupIntent.Status
SETUP_UNFINISHED = (
    SetupStatus.REQUIRES_PAYMENT_METHOD,
    SetupStatus.REQUIRES_CONFIRMATION,
    SetupStatus.REQUIRES_ACTION,
)
SETUP_REFUSALS = {
    "confirm": "You cannot confirm this SetupIntent because it has a status of {status}. Only a "
    "SetupIntent with one of the following statuses may be confirmed: {allowed}.",
    "update": "This SetupIntent's {field} could not be updated because it has a status of "
    "{status}. You may only update the {field} of a SetupIntent with one of the following "
    "statuses: {allowed}.",
    "cancel": "You cannot cancel this SetupIntent because it has a status of {status}. Only a "
    "SetupIntent with one of the following statuses may be canceled: {allowed}.",
}
SETUP_MISSING_PAYMENT_METHOD = (
    "You cannot confirm this SetupIntent because it's missing a payment method. You can either "
    "update the SetupIntent with a payment method and then confirm it again, or confirm it "
    "again directly with a payment method."
)
SETUP_RETURN_URL_REQUIRED = RETURN_URL_REQUIRED.replace("This PaymentIntent", "This SetupIntent")

NOT_ATTACHED = (
    "The payment method you provided is not attached to a customer so detachment is impossible."
)
ALREADY_ATTACHED = "The payment method you provided has already been attached to a customer."
OTHER_CUSTOMER = (
    "The payment method supplied ({method}) belongs to the Customer {owner}. Please include the "
    "Customer in the `customer` parameter on the {kind}."
)
NOT_THE_CUSTOMERS = (
    "The customer does not have a payment method with the ID {method}. The payment method must "
    "be attached to the customer."
)


@dataclass(frozen=True)
class ConfirmOptions:
    off_session: bool = False
    error_on_requires_action: bool = False
    use_stripe_sdk: bool = False


def new_id(prefix: str) -> str:
    return f"{prefix}_{clock.random_string(24)}"


# --- payment methods ---
def stored(rows, object_id):
    """The object of `rows` (a model or queryset) with id `object_id`, or None. An id that is
    not a string, or holds a NUL, names nothing, as an unknown id does: PostgreSQL text cannot
    hold a NUL, so asking the database would fail instead of finding nothing."""
    if not isinstance(object_id, str) or "\x00" in object_id:
        return None
    if not hasattr(rows, "filter"):
        rows = rows.objects
    return rows.filter(pk=object_id).first()


def materialise(
    alias: str,
    *,
    exp_month: int | None = None,
    exp_year: int | None = None,
    cvc_given: bool = False,
    billing: dict | None = None,
    metadata: dict | None = None,
) -> PaymentMethod:
    """A new PaymentMethod for a test card, as Stripe makes one for each use of an alias."""
    now = clock.now()
    method_id = new_id("pm")
    data = objects.payment_method(
        id=method_id,
        created=int(now.timestamp()),
        card=cards.TEST_CARDS[alias],
        exp_month=exp_month or now.month,
        exp_year=exp_year or now.year + 1,
        cvc_given=cvc_given,
        billing=billing,
        metadata=metadata or {},
    )
    method = PaymentMethod(id=method_id, created=now, test_card=alias, data=data)
    method.save()
    return method


def find_payment_method(reference) -> PaymentMethod:
    """A `pm_…` id, a test alias or a `tok_…` token (a new PaymentMethod for the last two)."""
    if not isinstance(reference, str):
        raise errors.invalid_request("Invalid string", param="payment_method")
    alias = cards.alias_for(reference)
    if alias is not None:
        return materialise(alias)
    method = stored(PaymentMethod, reference)
    if method is None:
        raise errors.no_such("PaymentMethod", reference, "payment_method")
    return method


# --- the status machine ---
def require_status(intent: PaymentIntent, action: str, field: str = "") -> None:
    allowed = ALLOWED_FROM[action]
    if intent.status in allowed:
        return
    message = REFUSALS[action].format(status=intent.status, allowed=", ".join(allowed), field=field)
    raise errors.unexpected_state(message, payment_intent=objects.wire_copy(intent.data))


def _payment_scenario() -> scenarios.Scenario | None:
    scenario = scenarios.current()
    return scenario if scenario and scenarios.PAYMENT in scenario.points else None


def check_gateway() -> None:
    """A PAYMENT scenario without a Stripe test card (payment_failed) is an outage."""
    scenario = _payment_scenario()
    if scenario is not None and not scenario.stripe_payment_method:
        raise errors.api_error()


def prepare_confirmation(intent: PaymentIntent, method: PaymentMethod | None) -> PaymentMethod:
    """Check that `intent` can be confirmed and pick the card it charges: a forced scenario's
    test card, else `method`."""
    scenario = _payment_scenario()
    if scenario is not None:
        method = materialise(cards.alias_for(scenario.stripe_payment_method))
    if method is None:
        raise errors.unexpected_state(MISSING_PAYMENT_METHOD, param="payment_method")
    check_owner(method, intent.data["customer"], "PaymentIntent")
    automatic = intent.data["automatic_payment_methods"]
    if automatic and automatic["allow_redirects"] != "never" and not intent.return_url:
        raise errors.invalid_request(RETURN_URL_REQUIRED, param="return_url")
    return method


def attempt(intent: PaymentIntent, method: PaymentMethod, options: ConfirmOptions) -> None:
    """Confirm `intent` with `method`. Raises the card error of a decline (already recorded)."""
    intent.data.update(payment_method=method.id, last_payment_error=None, next_action=None)
    if needs_authentication(method):
        if options.off_session or options.error_on_requires_action:
            raise _decline(intent, method, cards.AUTHENTICATION_REQUIRED)
        intent.data["status"] = Status.REQUIRES_ACTION
        intent.data["next_action"] = _next_action(intent, options.use_stripe_sdk)
        save(intent, "payment_intent.requires_action")
        return
    failure = _charge(intent, method)
    if failure is not None:
        raise failure


def needs_authentication(method: PaymentMethod) -> bool:
    card = method.card
    return card.authentication and not (card.authenticates_once and method.set_up)


def _mark_set_up(method: PaymentMethod) -> None:
    if not method.set_up:
        method.set_up = True
        method.save(update_fields=["set_up"])


def _next_action(intent: PaymentIntent | SetupIntent, use_stripe_sdk: bool) -> dict:
    path = reverse("stripe_fake:authenticate", args=[intent.id])
    query = urlencode({"client_secret": intent.data["client_secret"]})
    url = f"{settings.HUB_PUBLIC_URL}{path}?{query}"
    if intent.return_url and not use_stripe_sdk:
        return {
            "type": "redirect_to_url",
            "redirect_to_url": {"return_url": intent.return_url, "url": url},
        }
    return {
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url},
    }


def _new_charge(
    intent: PaymentIntent, method: PaymentMethod, decline: cards.Decline | None, authenticated: bool
) -> Charge:
    now = clock.now()
    charge_id = new_id("ch")
    data = objects.charge(
        id=charge_id,
        created=int(now.timestamp()),
        intent=intent.data,
        method=method.data,
        card=method.card,
        decline=decline,
        captured=decline is None and intent.data["capture_method"] != "manual",
        authenticated=authenticated,
    )
    charge = Charge(id=charge_id, created=now, payment_intent=intent, data=data)
    charge.save()
    events.publish("charge.failed" if decline else "charge.succeeded", data)
    return charge


def _charge(
    intent: PaymentIntent, method: PaymentMethod, authenticated: bool = False
) -> errors.StripeError | None:
    """Charge the card (its 3-D Secure done, if it needed it). Returns the card error of a
    decline, already recorded on the intent."""
    decline = method.card.decline
    if decline is not None:
        return _decline(intent, method, decline, authenticated)
    charge = _new_charge(intent, method, None, authenticated)
    data = intent.data
    data["latest_charge"] = charge.id
    if data["capture_method"] == "manual":
        data.update(status=Status.REQUIRES_CAPTURE, amount_capturable=data["amount"])
        save(intent, "payment_intent.amount_capturable_updated")
    else:
        data.update(status=Status.SUCCEEDED, amount_received=data["amount"])
        save(intent, "payment_intent.succeeded")
    _save_card(intent, method)
    return None


def _decline(
    intent: PaymentIntent,
    method: PaymentMethod,
    decline: cards.Decline,
    authenticated: bool = False,
) -> errors.StripeError:
    """Record a declined charge: a failed Charge, the intent back to requires_payment_method
    with `last_payment_error`. Returns the 402 error to answer."""
    charge = _new_charge(intent, method, decline, authenticated)
    error = errors.card_error(decline, charge=charge.id, payment_method=method.data)
    intent.data.update(
        status=Status.REQUIRES_PAYMENT_METHOD,
        payment_method=None,
        last_payment_error=error.error_object(),
        latest_charge=charge.id,
        next_action=None,
        amount_capturable=0,
    )
    save(intent, "payment_intent.payment_failed")
    error.payment_intent = objects.wire_copy(intent.data)
    return error


def save(intent: PaymentIntent, event: str) -> None:
    intent.save()
    announce(intent, event)


def announce(intent: PaymentIntent, event: str) -> None:
    """Publish `event` (Stripe's event type) about the intent once the transaction commits."""
    events.publish(event, intent.data)


def refund(
    charge: Charge, amount: int, reason: str | None = None, metadata: dict | None = None
) -> Refund:
    now = clock.now()
    refund_id = new_id("re")
    data = objects.refund(
        id=refund_id,
        created=int(now.timestamp()),
        charge=charge.data,
        amount=amount,
        reason=reason,
        metadata=metadata or {},
    )
    refund = Refund(id=refund_id, created=now, charge=charge, data=data)
    refund.save()
    charge.data["amount_refunded"] += amount
    charge.data["refunded"] = charge.data["amount_refunded"] >= charge.data["amount"]
    charge.save()
    return refund


def get_intent(intent_id: str, *, lock: bool = False) -> PaymentIntent:
    rows = PaymentIntent.objects.select_for_update() if lock else PaymentIntent.objects
    intent = stored(rows, intent_id)
    if intent is None:
        raise errors.no_such("payment_intent", intent_id, "intent", status=404)
    return intent


# --- 3-D Secure, for the hub's test authentication page ---
def intent_for_secret(intent_id: str, client_secret: str) -> PaymentIntent | None:
    """The intent, if `client_secret` is its secret (the page must not confirm ids)."""
    intent = stored(PaymentIntent, intent_id)
    if intent is None or not client_secret:
        return None
    if not hmac.compare_digest(client_secret.encode(), intent.data["client_secret"].encode()):
        return None
    return intent


def finish_authentication(intent_id: str, *, succeeded: bool) -> PaymentIntent | None:
    """The buyer passed (or failed) 3-D Secure: charge the card, or record the failure.
    None when the intent is no longer waiting for authentication."""
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update()
            .filter(pk=intent_id, status=Status.REQUIRES_ACTION)
            .first()
        )
        if intent is None:
            return None
        method = PaymentMethod.objects.get(pk=intent.data["payment_method"])
        intent.data["next_action"] = None
        if succeeded:
            _charge(intent, method, authenticated=True)  # a decline is recorded, not raised
        else:
            failure = errors.authentication_failed(method.data)
            intent.data.update(
                status=Status.REQUIRES_PAYMENT_METHOD,
                payment_method=None,
                last_payment_error=failure.error_object(),
            )
            save(intent, "payment_intent.payment_failed")
    return intent


# --- customers and the payment methods attached to them ---
def get_customer(customer_id, *, param: str = "customer", status: int = 400, lock=False):
    """A customer that exists and is not deleted, or Stripe's resource_missing."""
    rows = Customer.objects.select_for_update() if lock else Customer.objects
    customer = stored(rows.filter(deleted=False), customer_id)
    if customer is None:
        raise errors.no_such("customer", str(customer_id), param, status=status)
    return customer


def save_customer(customer: Customer, event: str, previous: dict | None = None) -> None:
    customer.save()
    events.publish(event, customer.data, previous_attributes=previous)


def check_owner(method: PaymentMethod, customer_id: str | None, kind: str) -> None:
    """A PaymentMethod attached to a Customer is used only with that Customer."""
    if method.customer and method.customer != customer_id:
        raise errors.invalid_request(
            OTHER_CUSTOMER.format(method=method.id, owner=method.customer, kind=kind),
            param="payment_method",
        )


def attach(method: PaymentMethod, customer: Customer) -> None:
    """Attach `method` to `customer` (again to the same one: nothing changes)."""
    if method.customer == customer.id:
        return
    if method.customer:
        raise errors.invalid_request(ALREADY_ATTACHED, param="payment_method")
    method.data["customer"] = customer.id
    method.save()
    events.publish("payment_method.attached", method.data)


def detach(method: PaymentMethod) -> None:
    owner = method.customer
    if not owner:
        raise errors.invalid_request(NOT_ATTACHED)
    method.data["customer"] = None
    method.save()
    customer = Customer.objects.select_for_update().filter(pk=owner, deleted=False).first()
    settings_ = customer.data["invoice_settings"] if customer else {}
    if customer and settings_.get("default_payment_method") == method.id:
        previous = {"invoice_settings": objects.wire_copy(settings_)}
        settings_["default_payment_method"] = None
        save_customer(customer, "customer.updated", previous)
    events.publish("payment_method.detached", method.data, previous_attributes={"customer": owner})


def owned_method(customer: Customer, method_id, param: str) -> PaymentMethod:
    """`method_id`, which must be attached to `customer` (invoice_settings, the customer's own
    payment method routes)."""
    method = stored(PaymentMethod, method_id)
    if method is None:
        raise errors.no_such("PaymentMethod", str(method_id), param)
    if method.customer != customer.id:
        raise errors.invalid_request(NOT_THE_CUSTOMERS.format(method=method.id), param=param)
    return method


def delete_customer(customer: Customer) -> None:
    """Stripe's delete: the row stays as the deleted stub, its cards detached."""
    last = objects.wire_copy(customer.data)
    for method in PaymentMethod.objects.select_for_update().filter(customer=customer.id):
        method.data["customer"] = None
        method.save()
    customer.data = objects.deleted_customer(customer.id)
    customer.save()
    events.publish("customer.deleted", last)


def _save_card(intent: PaymentIntent, method: PaymentMethod) -> None:
    """setup_future_usage: a successful payment saves the card to the intent's customer."""
    data = intent.data
    if not data["setup_future_usage"]:
        return
    _mark_set_up(method)
    if not data["customer"] or method.customer:
        return
    customer = Customer.objects.filter(pk=data["customer"], deleted=False).first()
    if customer is not None:
        attach(method, customer)


# --- SetupIntents ---
def get_setup(setup_id, *, lock: bool = False) -> SetupIntent:
    rows = SetupIntent.objects.select_for_update() if lock else SetupIntent.objects
    setup = stored(rows, setup_id)
    if setup is None:
        raise errors.no_such("setup_intent", str(setup_id), "intent", status=404)
    return setup


def require_setup_status(setup: SetupIntent, action: str, field: str = "") -> None:
    if setup.status in SETUP_UNFINISHED:
        return
    message = SETUP_REFUSALS[action].format(
        status=setup.status, allowed=", ".join(SETUP_UNFINISHED), field=field
    )
    raise errors.setup_unexpected_state(message, setup_intent=objects.wire_copy(setup.data))


def save_setup(setup: SetupIntent, event: str | None) -> None:
    setup.save()
    if event:
        events.publish(event, setup.data)


def prepare_setup(setup: SetupIntent, method: PaymentMethod | None) -> PaymentMethod:
    """Check that `setup` can be confirmed with `method`."""
    if method is None:
        raise errors.setup_unexpected_state(SETUP_MISSING_PAYMENT_METHOD, param="payment_method")
    automatic = setup.data["automatic_payment_methods"]
    if automatic and automatic["allow_redirects"] != "never" and not setup.return_url:
        raise errors.invalid_request(SETUP_RETURN_URL_REQUIRED, param="return_url")
    check_owner(method, setup.data["customer"], "SetupIntent")
    return method


def attempt_setup(setup: SetupIntent, method: PaymentMethod, use_stripe_sdk: bool) -> None:
    """Confirm `setup` with `method`. Raises the card error of a decline (already recorded)."""
    setup.data.update(
        payment_method=method.id,
        last_setup_error=None,
        next_action=None,
        latest_attempt=new_id("setatt"),
    )
    if needs_authentication(method):
        setup.data["status"] = SetupStatus.REQUIRES_ACTION
        setup.data["next_action"] = _next_action(setup, use_stripe_sdk)
        save_setup(setup, "setup_intent.requires_action")
        return
    failure = _set_up(setup, method)
    if failure is not None:
        raise failure


def _set_up(setup: SetupIntent, method: PaymentMethod) -> errors.StripeError | None:
    """Save the card (its 3-D Secure done, if it needed it), or record its decline."""
    data = setup.data
    decline = method.card.setup_decline
    if decline is not None:
        error = errors.card_error(decline, payment_method=method.data)
        data.update(
            status=SetupStatus.REQUIRES_PAYMENT_METHOD,
            payment_method=None,
            last_setup_error=error.error_object(),
            next_action=None,
        )
        save_setup(setup, "setup_intent.setup_failed")
        error.setup_intent = objects.wire_copy(data)
        return error
    data.update(status=SetupStatus.SUCCEEDED, next_action=None)
    _mark_set_up(method)
    customer = Customer.objects.filter(pk=data["customer"] or "", deleted=False).first()
    if customer is not None:
        attach(method, customer)
    save_setup(setup, "setup_intent.succeeded")
    return None


def setup_for_secret(setup_id: str, client_secret: str) -> SetupIntent | None:
    """The SetupIntent, if `client_secret` is its secret."""
    setup = stored(SetupIntent, setup_id)
    if setup is None or not client_secret:
        return None
    if not hmac.compare_digest(client_secret.encode(), setup.data["client_secret"].encode()):
        return None
    return setup


def finish_setup_authentication(setup_id: str, *, succeeded: bool) -> SetupIntent | None:
    """The customer passed (or failed) 3-D Secure on a SetupIntent. None when it is no longer
    waiting for authentication."""
    with transaction.atomic():
        setup = (
            SetupIntent.objects.select_for_update()
            .filter(pk=setup_id, status=SetupStatus.REQUIRES_ACTION)
            .first()
        )
        if setup is None:
            return None
        method = PaymentMethod.objects.get(pk=setup.data["payment_method"])
        setup.data["next_action"] = None
        if succeeded:
            _set_up(setup, method)  # a decline is recorded, not raised
        else:
            failure = errors.setup_authentication_failed(method.data)
            setup.data.update(
                status=SetupStatus.REQUIRES_PAYMENT_METHOD,
                payment_method=None,
                last_setup_error=failure.error_object(),
            )
            save_setup(setup, "setup_intent.setup_failed")
    return setup
