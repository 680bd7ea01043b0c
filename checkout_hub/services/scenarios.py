"""Scenarios: force a documented outcome on purpose, without editing code.

One vocabulary (`VOCABULARY`) names every outcome and the point in the domain where it fires.
A request picks one by the `X-Hub-Scenario` header, else the `__scenario` query parameter, else
a `ScenarioRule` stored in the database (edited in admin). The vendor's base view calls
`activate()` once per request; domain services call `fire(point)` where the real outcome would
happen, and the vendor renders the raised exception in its own wire format.

With no scenario asked for, `activate()` is two dict lookups and one cache read, and `fire()`
is one context-variable read.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F

from checkout_hub import clock
from checkout_hub.models import ScenarioRule

from . import errors, latency

HEADER = "HTTP_X_HUB_SCENARIO"  # X-Hub-Scenario
QUERY_PARAM = "__scenario"
RULES_CACHE_KEY = "hub:scenario-rules"
RULES_CACHE_SECONDS = 300

# Where a scenario fires.
REQUEST = "request"  # as the vendor's view starts (rate limits, auth, outages)
CART_ADD = "cart_add"  # adding an item or raising its quantity
COUPON = "coupon"  # applying a coupon
CHECKOUT = "checkout"  # placing an order, before anything is written
PAYMENT = "payment"  # at the gateway, after the order exists


def _decline(gateway_code: str, decline_code: str | None, message: str):
    def build(**context):
        return errors.PaymentDeclined(
            message,
            gateway=context.get("gateway", ""),
            gateway_code=gateway_code,
            decline_code=decline_code,
            error_type="card_error",
            param=None,
            request_id=None,
            order=context.get("order"),
        )

    return build


def _out_of_stock(**context):
    return errors.OutOfStock(
        product=context.get("product"), requested=context.get("requested", 1), available=0
    )


def _rate_limited(**context):
    return errors.RateLimited(limit=0, remaining=0, reset_at=clock.timestamp() + 60, retry_after=60)


def _hang(**context):
    """Hold the request longer than a client's timeout, then answer the vendor's 504."""
    from django.conf import settings

    time.sleep(settings.HUB_HANG_SECONDS)
    return errors.GatewayTimeout()


def _invalid_address(**context):
    return errors.InvalidAddress(
        errors={"billing_address.postcode": "The provided postcode / ZIP is not valid."},
        codes={"billing_address.postcode": "invalid_postcode"},
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    points: tuple[str, ...]
    description: str
    build: Callable[..., errors.DomainError] | None
    # The Stripe test payment method that gives the same outcome (for the Stripe gateway).
    stripe_payment_method: str = ""


_SCENARIOS = [
    Scenario(
        "delay",
        (REQUEST,),
        "Nothing but a delay: a stored rule's delay_ms (or X-Hub-Delay) holds the request.",
        None,
    ),
    Scenario("rate_limited", (REQUEST,), "The API answers as rate limited.", _rate_limited),
    Scenario(
        "not_authenticated",
        (REQUEST,),
        "The request is treated as unauthenticated.",
        lambda **c: errors.NotAuthenticated(),
    ),
    Scenario(
        "server_error",
        (REQUEST,),
        "The API fails with its 500 error.",
        lambda **c: errors.ServerError(),
    ),
    Scenario(
        "bad_gateway",
        (REQUEST,),
        "The API answers 502 (a proxy in front of the store failed), in the vendor's envelope.",
        lambda **c: errors.BadGateway(),
    ),
    Scenario(
        "service_unavailable",
        (REQUEST,),
        "The API answers 503 (the store is down for maintenance), in the vendor's envelope.",
        lambda **c: errors.ServiceUnavailable(),
    ),
    Scenario(
        "hang",
        (REQUEST,),
        "The API does not answer for HUB_HANG_SECONDS (longer than a client's timeout), "
        "then answers 504.",
        _hang,
    ),
    Scenario(
        "out_of_stock",
        (CART_ADD, CHECKOUT),
        "The product (or the first cart line) is out of stock.",
        _out_of_stock,
    ),
    Scenario(
        "invalid_coupon",
        (COUPON,),
        "The coupon is refused as expired.",
        lambda **c: errors.InvalidCoupon(
            "This coupon has expired.", code=c.get("code", ""), reason="expired"
        ),
    ),
    Scenario(
        "checkout_disabled",
        (CHECKOUT,),
        "Checkout is switched off.",
        lambda **c: errors.CheckoutDisabled(),
    ),
    Scenario(
        "empty_cart", (CHECKOUT,), "The cart is treated as empty.", lambda **c: errors.EmptyCart()
    ),
    Scenario("invalid_address", (CHECKOUT,), "The billing postcode is refused.", _invalid_address),
    Scenario(
        "payment_declined",
        (PAYMENT,),
        "The card is declined (generic_decline).",
        _decline("card_declined", "generic_decline", "Your card was declined."),
        "pm_card_chargeDeclined",
    ),
    Scenario(
        "insufficient_funds",
        (PAYMENT,),
        "The card is declined for insufficient funds.",
        _decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        "pm_card_chargeDeclinedInsufficientFunds",
    ),
    Scenario(
        "lost_card",
        (PAYMENT,),
        "The card is declined as lost.",
        _decline("card_declined", "lost_card", "Your card was declined."),
        "pm_card_chargeDeclinedLostCard",
    ),
    Scenario(
        "stolen_card",
        (PAYMENT,),
        "The card is declined as stolen.",
        _decline("card_declined", "stolen_card", "Your card was declined."),
        "pm_card_chargeDeclinedStolenCard",
    ),
    Scenario(
        "fraudulent",
        (PAYMENT,),
        "The card is declined as fraudulent.",
        _decline("card_declined", "fraudulent", "Your card was declined."),
        "pm_card_chargeDeclinedFraudulent",
    ),
    Scenario(
        "expired_card",
        (PAYMENT,),
        "The card has expired.",
        _decline("expired_card", "expired_card", "Your card has expired."),
        "pm_card_chargeDeclinedExpiredCard",
    ),
    Scenario(
        "incorrect_cvc",
        (PAYMENT,),
        "The card's security code is wrong.",
        _decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        "pm_card_chargeDeclinedIncorrectCvc",
    ),
    Scenario(
        "processing_error",
        (PAYMENT,),
        "The card network fails while processing.",
        _decline(
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        "pm_card_chargeDeclinedProcessingError",
    ),
    Scenario(
        "payment_failed",
        (PAYMENT,),
        "The payment gateway cannot be reached.",
        lambda **c: errors.PaymentFailed(gateway=c.get("gateway", ""), order=c.get("order")),
    ),
    Scenario(
        "requires_action",
        (PAYMENT,),
        "The card asks for 3-D Secure authentication (gateways that support it).",
        None,
        "pm_card_authenticationRequired",
    ),
]
VOCABULARY: dict[str, Scenario] = {s.name: s for s in _SCENARIOS}


@dataclass(frozen=True)
class Active:
    scenario: Scenario
    source: str  # "header", "query" or "rule:<id>"
    delay_ms: int | None = None  # a stored rule's delay


_active: contextvars.ContextVar[Active | None] = contextvars.ContextVar(
    "hub_scenario", default=None
)


def names() -> list[str]:
    return list(VOCABULARY)


def lookup(name: str) -> Scenario:
    try:
        return VOCABULARY[name]
    except KeyError:
        valid = names()
        raise errors.UnknownScenario(
            f'Unknown scenario "{name}". Valid scenarios: {", ".join(valid)}.',
            name=name,
            valid=valid,
        ) from None


# This process's copy of the shared rule list, re-read from the cache at most once a second,
# so a request without a scenario costs no cache round trip (another worker's admin edit is
# seen within LOCAL_SECONDS; this process's own edits at once).
LOCAL_SECONDS = 1.0
_local: tuple[float, list[dict]] | None = None


def _stored_rules() -> list[dict]:
    global _local
    now = time.monotonic()
    if _local is not None and _local[0] > now:
        return _local[1]
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = list(
            ScenarioRule.objects.filter(enabled=True).values(
                "id",
                "scenario",
                "vendor",
                "method",
                "path_pattern",
                "remaining_uses",
                "expires_at",
                "delay_ms",
            )
        )
        cache.set(RULES_CACHE_KEY, rules, RULES_CACHE_SECONDS)
    _local = (now + LOCAL_SECONDS, rules)
    return rules


def forget_rules() -> None:
    global _local
    _local = None
    cache.delete(RULES_CACHE_KEY)


def _from_rules(vendor: str, method: str, path: str) -> Active | None:
    rules = _stored_rules()
    if not rules:
        return None
    now = clock.now()
    for data in rules:
        if data["expires_at"] and data["expires_at"] <= now:
            continue
        if data["remaining_uses"] is not None and data["remaining_uses"] <= 0:
            continue
        rule = ScenarioRule(**data)
        if not rule.matches(vendor, method, path) or rule.scenario not in VOCABULARY:
            continue
        if not _consume(rule):
            continue
        return Active(VOCABULARY[rule.scenario], f"rule:{rule.pk}", rule.delay_ms)
    return None


def _consume(rule: ScenarioRule) -> bool:
    """Count one use; False when another request took the last one first."""
    rows = ScenarioRule.objects.filter(pk=rule.pk, enabled=True)
    if rule.remaining_uses is None:
        rows.update(hits=F("hits") + 1)
        return True
    taken = rows.filter(remaining_uses__gt=0).update(
        remaining_uses=F("remaining_uses") - 1, hits=F("hits") + 1
    )
    if rule.remaining_uses <= 1 or not taken:
        forget_rules()  # the cached list is stale now
    return bool(taken)


def resolve(request, vendor: str) -> Active | None:
    """The scenario `request` asks for: header, then query parameter, then stored rule."""
    name = request.META.get(HEADER, "").strip()
    if name:
        return Active(lookup(name), "header")
    name = request.GET.get(QUERY_PARAM, "").strip()
    if name:
        return Active(lookup(name), "query")
    return _from_rules(vendor, request.method, request.path)


def activate(request, vendor: str) -> Scenario | None:
    """Resolve and remember the request's scenario (raises UnknownScenario on a bad name)."""
    _active.set(None)
    active = resolve(request, vendor)
    _active.set(active)
    request.hub_scenario = active.scenario.name if active else ""
    latency.hold(request, vendor, active.delay_ms if active else None)
    return active.scenario if active else None


def deactivate() -> None:
    _active.set(None)


def current() -> Scenario | None:
    active = _active.get()
    return active.scenario if active else None


def fire(point: str, **context) -> None:
    """Raise the active scenario's outcome if it belongs at `point`."""
    active = _active.get()
    if active is None or point not in active.scenario.points or active.scenario.build is None:
        return
    raise active.scenario.build(**context)


@contextmanager
def forced(name: str):
    """Run a block as if the request had asked for scenario `name` (tests, management code)."""
    token = _active.set(Active(lookup(name), "forced"))
    try:
        yield
    finally:
        _active.reset(token)
