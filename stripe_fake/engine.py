"""The embedded Stripe fake: a PaymentIntents subset that behaves like Stripe test mode.

`handle(method, path, query, headers, body)` answers one request to Stripe's v1 API and returns
`(status, headers, body)`. Everything that talks to the fake goes through it: the HTTP view at
`/stripe/v1/…` and the SDK's in-process `stripe_fake.client.EmbeddedHTTPClient`.

What it does, as Stripe's test mode does (docs.stripe.com/api, /testing, /error-codes):
- test secret keys only (`sk_test_…`/`rk_test_…`, Bearer or Basic); `livemode` is always false;
- PaymentIntents: create (optionally confirming at once), retrieve, update, confirm, cancel,
  capture, with Stripe's status machine, `client_secret`, `latest_charge`, `last_payment_error`
  and `expand[]` of `latest_charge` and `payment_method`;
- PaymentMethods from test aliases (`pm_card_visa`, both spellings of the declines), legacy
  `tok_…` tokens, card numbers (POST /v1/payment_methods, `payment_method_data`), each decided
  by the one test-card table in `cards.py`; Charges (read only) and Refunds;
- declines as HTTP 402 `card_error` bodies carrying the intent and the payment method;
  3-D Secure as `requires_action` with a `next_action` pointing at the hub's own test
  authentication page (`views.authenticate`);
- Idempotency-Key on every POST (stored replies replayed with `Idempotent-Replayed: true`);
- Stripe's parameter errors (unknown, missing, not an integer, amount too small, no such
  object, unexpected state);
- the hub's scenarios: a scenario at the PAYMENT point makes a confirmation use its Stripe test
  card; `payment_failed` (no test card) answers 500 `api_error` and leaves the intent as it was;
- `signals.payment_intent_updated`, sent after commit whenever Stripe would send a
  `payment_intent.*` (or `charge.refunded`) webhook event.

What it does not do: list or search endpoints, Customers, SetupIntents, Checkout Sessions,
Connect, webhooks over HTTP, publishable-key calls, non-card payment methods (so never
`processing`), Radar reviews, disputes, balance transactions, Stripe's metadata limits, and the
rule that a PaymentMethod used without a Customer cannot be used again.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.datastructures import CaseInsensitiveMapping

from checkout_hub import clock
from checkout_hub.models import IdempotencyRecord
from checkout_hub.services import idempotency, money, scenarios

from . import cards, encoding, errors, objects, signals
from .models import Charge, PaymentIntent, PaymentMethod, Refund, WireObject

log = logging.getLogger(__name__)

Reply = tuple[int, dict[str, str], bytes]
Status = PaymentIntent.Status

DEFAULT_VERSION = stripe.api_version
# From this API version on, an intent without payment_method_types gets automatic payment
# methods (and so needs a return_url to confirm).
AUTOMATIC_PAYMENT_METHODS_SINCE = "2023-08-16"
MAX_AMOUNT = 99_999_999
# Stripe's minimum charge amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts);
# other currencies get 50 minor units.
MINIMUM_AMOUNTS = {
    "usd": 50, "aud": 50, "brl": 50, "cad": 50, "chf": 50, "eur": 50, "inr": 50, "jpy": 50,
    "nzd": 50, "sgd": 50, "gbp": 30, "bgn": 100, "aed": 200, "myr": 200, "pln": 200, "ron": 200,
    "dkk": 250, "nok": 300, "sek": 300, "hkd": 400, "mxn": 1000, "thb": 1000, "czk": 1500,
    "huf": 17500,
}  # fmt: skip

CAPTURE_METHODS = ("automatic", "automatic_async", "manual")
CONFIRMATION_METHODS = ("automatic", "manual")
SETUP_FUTURE_USAGES = ("off_session", "on_session")
ALLOW_REDIRECTS = ("always", "never")
CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")

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
# What may still change on an intent whatever its status.
ALWAYS_UPDATABLE = {"description", "metadata", "receipt_email", "shipping", "expand"}

# Objects that `expand[]` can replace by id, per object type.
EXPANDABLE: dict[str, dict[str, type[WireObject]]] = {
    "payment_intent": {"latest_charge": Charge, "payment_method": PaymentMethod},
    "payment_method": {},
    "charge": {"payment_intent": PaymentIntent},
    "refund": {"charge": Charge, "payment_intent": PaymentIntent},
}

MISMATCHED_KEY = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with. Try using a key other than '{key}' if you meant to execute a different request."
)
KEY_IN_USE = (
    "There is currently another in-progress request using this Idempotent Key (that probably "
    "means you submitted twice, and the other request is still going through): {key}. Please "
    "try again later."
)
NO_API_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)
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


@dataclass(frozen=True)
class Call:
    params: dict
    request_id: str
    version: str


@dataclass(frozen=True)
class ConfirmOptions:
    off_session: bool = False
    error_on_requires_action: bool = False
    use_stripe_sdk: bool = False


# --- the entry point ---
def handle(method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Reply:
    """Answer one Stripe API request. `path` starts with /v1/; `headers` may be any mapping
    (looked up case-insensitively); `body` is the form-encoded POST body."""
    headers = CaseInsensitiveMapping(headers)
    method = method.upper()
    request_id = _new_request_id()
    reply_headers = _reply_headers(headers, request_id)
    replayed = False
    try:
        api_key = _api_key(headers)
        route, ids = _route(method, path)
        form = query if method == "GET" else f"{query}&{body.decode('utf-8', 'replace')}"
        params = encoding.decode(form)
        _refuse_unknown(params, route.params)
        run = functools.partial(
            _execute, route, Call(params, request_id, reply_headers["Stripe-Version"]), ids
        )
        key = headers.get("Idempotency-Key", "")
        if method == "POST" and key:
            status, reply, replayed = _idempotent(api_key, key, (method, path, params), run)
        else:
            status, reply = run()
    except errors.StripeError as err:
        status, reply = err.status, _json(err.body(request_id))
    except Exception:
        log.exception("The Stripe fake failed on %s %s", method, path)
        status, reply = 500, _json(errors.api_error().body(request_id))
    if status == 401:
        reply_headers["WWW-Authenticate"] = 'Basic realm="Stripe"'
    if replayed:
        reply_headers["Idempotent-Replayed"] = "true"
    return status, reply_headers, reply.encode()


def refusal(headers: Mapping[str, str], message: str, *, param: str | None = None) -> Reply:
    """A 400 invalid_request_error for a request refused before it reaches `handle` (an unknown
    X-Hub-Scenario), with the same headers `handle` sets."""
    request_id = _new_request_id()
    body = errors.invalid_request(message, param=param).body(request_id)
    return 400, _reply_headers(CaseInsensitiveMapping(headers), request_id), _json(body).encode()


def _new_request_id() -> str:
    return "req_" + clock.random_string(14)


def _reply_headers(headers: Mapping[str, str], request_id: str) -> dict[str, str]:
    reply = {
        "Content-Type": "application/json",
        "Request-Id": request_id,
        "Stripe-Version": headers.get("Stripe-Version") or DEFAULT_VERSION,
    }
    if headers.get("Idempotency-Key"):
        reply["Idempotency-Key"] = headers["Idempotency-Key"]
    return reply


def _json(payload: dict) -> str:
    return json.dumps(payload, indent=2)


def _api_key(headers: Mapping[str, str]) -> str:
    scheme, _, credentials = headers.get("Authorization", "").strip().partition(" ")
    key = ""
    if scheme.lower() == "bearer":
        key = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            key = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            key = ""
    if not key:
        raise errors.authentication_error(NO_API_KEY)
    if not key.startswith(("sk_test_", "rk_test_")) or len(key) <= len("sk_test_"):
        # Stripe shows the key's prefix and last four characters only.
        tail = key[-4:] if len(key) > 12 else ""
        hidden = key[:8] + "*" * (len(key) - 8 - len(tail)) + tail
        raise errors.authentication_error(f"Invalid API Key provided: {hidden}")
    return key


def _route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match and route.method == method:
            return route, match.groupdict()
    raise errors.invalid_request(
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we "
        "can help at https://support.stripe.com/.",
        status=404,
    )


def _refuse_unknown(values: dict, allowed, prefix: str = "") -> None:
    unknown = [_param_name(prefix, name) for name in values if name not in allowed]
    if unknown:
        raise errors.parameter_unknown(unknown)


def _param_name(prefix: str, name: str) -> str:
    """`card[number]` inside `payment_method_data` -> `payment_method_data[card][number]`."""
    if not prefix:
        return name
    head, bracket, rest = name.partition("[")
    return f"{prefix}[{head}]{bracket}{rest}"


def _execute(route: Route, call: Call, ids: dict[str, str]) -> tuple[int, str]:
    """Run the endpoint in one transaction. A refused request raises (and writes nothing); a
    request that ran but failed (a decline) keeps what it wrote and answers its error."""
    with transaction.atomic():
        try:
            status, payload = 200, route.endpoint(call, **ids)
        except errors.StripeError as err:
            if not err.executed:
                raise
            status, payload = err.status, err.body(call.request_id)
    return status, _json(payload)


def _idempotent(
    api_key: str, key: str, parts: tuple, run: Callable[[], tuple[int, str]]
) -> tuple[int, str, bool]:
    """Run `run` once per Idempotency-Key (and API key); later requests with the key get the
    stored reply (replayed = True) or an idempotency_error."""
    if len(key) > idempotency.MAX_KEY_LENGTH:
        raise errors.invalid_request(
            f"Idempotency-Key is too long: it may be at most {idempotency.MAX_KEY_LENGTH} "
            "characters long.",
        )
    scope = _idempotency_scope(api_key)
    try:
        replay = idempotency.begin(scope, key, idempotency.fingerprint(*parts))
    except idempotency.IdempotencyConflict as conflict:
        if conflict.reason == "in_progress":
            raise errors.idempotency_error(
                KEY_IN_USE.format(key=key), status=409, code="idempotency_key_in_use"
            ) from None
        raise errors.idempotency_error(MISMATCHED_KEY.format(key=key)) from None
    if replay is not None:
        return replay.status, replay.body, True
    try:
        status, reply = run()
    except BaseException:
        idempotency.release(scope, key)  # refused before it ran: nothing to replay
        raise
    idempotency.complete(scope, key, status, reply)
    return status, reply, False


def _idempotency_scope(api_key: str) -> str:
    scope = f"stripe:{api_key}"
    if len(scope) <= IdempotencyRecord._meta.get_field("scope").max_length:
        return scope
    return "stripe:" + hashlib.sha256(api_key.encode()).hexdigest()


# --- reading parameters (every value arrives as a string) ---
def _new_id(prefix: str) -> str:
    return f"{prefix}_{clock.random_string(24)}"


def _integer(value, param: str) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value.strip()):
        raise errors.invalid_request(
            f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        )
    return int(value)


def _positive_integer(value, param: str) -> int:
    number = _integer(value, param)
    if number < 1:
        raise errors.invalid_request(
            "This value must be greater than or equal to 1.",
            code="parameter_invalid_integer",
            param=param,
        )
    return number


def _boolean(value, param: str, default: bool = False) -> bool:
    if value is None:
        return default
    if value not in ("true", "false"):
        raise errors.invalid_request(f"Invalid boolean: {value}", param=param)
    return value == "true"


def _one_of(choices) -> str:
    return ", ".join(choices[:-1]) + f", or {choices[-1]}"


def _choice(value, param: str, choices, default=None):
    if value is None or value == "":
        return default
    if value not in choices:
        raise errors.invalid_request(
            f"Invalid {param}: must be one of {_one_of(choices)}", param=param
        )
    return value


def _string(value, param: str) -> str | None:
    """A string parameter; the empty string unsets it (None)."""
    if value is not None and not isinstance(value, str):
        raise errors.invalid_request(f"Invalid string: {value}", param=param)
    return value or None


def _mapping(value, param: str) -> dict:
    """A hash parameter; the empty string unsets it ({})."""
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise errors.invalid_request("Invalid object", param=param)
    return value


def _strings(value, param: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise errors.invalid_request("Invalid array", param=param)
    return value


def _metadata(current: dict, value) -> dict:
    """Stripe's metadata update: keys merge in, an empty value deletes its key, and an empty
    `metadata` clears them all."""
    if value == "":
        return {}
    changes = _mapping(value, "metadata")
    merged = dict(current)
    for key, item in changes.items():
        if not isinstance(item, str):
            raise errors.invalid_request("Invalid metadata value", param=f"metadata[{key}]")
        if item:
            merged[key] = item
        else:
            merged.pop(key, None)
    return merged


def _merged(base: dict, changes: dict) -> dict:
    result = dict(base)
    for key, value in changes.items():
        result[key] = _merged(result.get(key) or {}, value) if isinstance(value, dict) else value
    return result


def _currency(value) -> str:
    if value is None:
        raise errors.parameter_missing("currency")
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise errors.invalid_request(f"Invalid currency: {value}.", param="currency")
    return value.lower()


def _display(amount: int, currency: str) -> str:
    """$0.50, as Stripe writes amounts in its messages."""
    return money.currency(currency).symbol + money.to_decimal_string(amount, currency)


def _amount(value, currency: str) -> int:
    amount = _positive_integer(value, "amount")
    minimum = MINIMUM_AMOUNTS.get(currency, 50)
    if amount < minimum:
        raise errors.invalid_request(
            f"Amount must be at least {_display(minimum, currency)} {currency}",
            code="amount_too_small",
            param="amount",
        )
    if amount > MAX_AMOUNT:
        raise errors.invalid_request(
            f"Amount must be no more than {_display(MAX_AMOUNT, currency)}",
            code="amount_too_large",
            param="amount",
        )
    return amount


def _expansions(params: dict, kind: str) -> list[str]:
    if "expand" not in params:
        return []
    fields = _strings(params["expand"], "expand")
    for field in fields:
        if field not in EXPANDABLE[kind]:
            raise errors.invalid_request(f"This property cannot be expanded ({field}).")
    return fields


def _render(obj: WireObject, expand: list[str]) -> dict:
    """The wire object, with the `expand[]` fields replaced by the objects they name."""
    data = copy.deepcopy(obj.data)
    for field in expand:
        if data[field]:
            model = EXPANDABLE[data["object"]][field]
            data[field] = model.objects.get(pk=data[field]).data
    return data


def _automatic_payment_methods(params: dict, version: str) -> dict | None:
    value = params.get("automatic_payment_methods")
    if value is not None and "payment_method_types" in params:
        raise errors.invalid_request(
            "You may only specify one of these parameters: automatic_payment_methods, "
            "payment_method_types.",
            param="automatic_payment_methods",
        )
    if value is None:
        if "payment_method_types" in params or version[:10] < AUTOMATIC_PAYMENT_METHODS_SINCE:
            return None
        return {"allow_redirects": "always", "enabled": True}
    prefix = "automatic_payment_methods"
    fields = _mapping(value, prefix)
    _refuse_unknown(fields, ("enabled", "allow_redirects"), prefix)
    if "enabled" not in fields:
        raise errors.parameter_missing(f"{prefix}[enabled]")
    if not _boolean(fields["enabled"], f"{prefix}[enabled]"):
        return None
    allow = _choice(
        fields.get("allow_redirects"), f"{prefix}[allow_redirects]", ALLOW_REDIRECTS, "always"
    )
    return {"allow_redirects": allow, "enabled": True}


def _off_session(value) -> bool:
    # off_session also takes "one_off" or "recurring", both meaning true.
    return value in ("one_off", "recurring") or _boolean(value, "off_session")


def _confirm_options(params: dict) -> ConfirmOptions:
    return ConfirmOptions(
        off_session=_off_session(params.get("off_session")),
        error_on_requires_action=_boolean(
            params.get("error_on_requires_action"), "error_on_requires_action"
        ),
        use_stripe_sdk=_boolean(params.get("use_stripe_sdk"), "use_stripe_sdk"),
    )


def _apply_fields(data: dict, params: dict) -> None:
    """Set the intent fields a create, update or confirm carries (validating each)."""
    if "capture_method" in params:
        data["capture_method"] = _choice(
            params["capture_method"], "capture_method", CAPTURE_METHODS, "automatic"
        )
    for name in (
        "customer",
        "description",
        "receipt_email",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_group",
    ):
        if name in params:
            data[name] = _string(params[name], name)
    if "metadata" in params:
        data["metadata"] = _metadata(data["metadata"], params["metadata"])
    if "payment_method_options" in params:
        changes = _mapping(params["payment_method_options"], "payment_method_options")
        data["payment_method_options"] = _merged(data["payment_method_options"], changes)
    if "payment_method_types" in params:
        data["payment_method_types"] = _strings(
            params["payment_method_types"], "payment_method_types"
        )
    if "setup_future_usage" in params:
        data["setup_future_usage"] = _choice(
            params["setup_future_usage"], "setup_future_usage", SETUP_FUTURE_USAGES
        )
    if "shipping" in params:
        data["shipping"] = objects.shipping(_mapping(params["shipping"], "shipping"))


# --- payment methods ---
PAYMENT_METHOD_FIELDS = ("type", "card", "billing_details", "metadata")
CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc", "token")


def _materialise(
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
    method_id = _new_id("pm")
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


def _find_payment_method(reference) -> PaymentMethod:
    """A `pm_…` id, a test alias or a `tok_…` token (a new PaymentMethod for the last two)."""
    if not isinstance(reference, str):
        raise errors.invalid_request("Invalid string", param="payment_method")
    alias = cards.alias_for(reference)
    if alias is not None:
        return _materialise(alias)
    method = PaymentMethod.objects.filter(pk=reference).first()
    if method is None:
        raise errors.no_such("PaymentMethod", reference, "payment_method")
    return method


def _card_method(fields: dict, prefix: str = "") -> PaymentMethod:
    """POST /v1/payment_methods (or `payment_method_data`): a card by number or by token."""
    _refuse_unknown(fields, PAYMENT_METHOD_FIELDS, prefix)
    kind = fields.get("type")
    if not kind:
        raise errors.parameter_missing(_param_name(prefix, "type"))
    if kind != "card":
        raise errors.invalid_request(
            f"The embedded Stripe fake only supports card payment methods, not '{kind}'.",
            param=_param_name(prefix, "type"),
        )
    card = fields.get("card")
    if not isinstance(card, dict):
        raise errors.parameter_missing(_param_name(prefix, "card"))
    _refuse_unknown(card, CARD_FIELDS, _param_name(prefix, "card"))
    billing = _mapping(fields.get("billing_details"), _param_name(prefix, "billing_details"))
    metadata = _metadata({}, fields.get("metadata", ""))
    token = _string(card.get("token"), _param_name(prefix, "card[token]"))
    if token:
        alias = cards.alias_for(token) if token.startswith("tok_") else None
        if alias is None:
            raise errors.no_such("token", token, _param_name(prefix, "card[token]"))
        return _materialise(alias, billing=billing, metadata=metadata)
    for name in ("number", "exp_month", "exp_year"):
        if not card.get(name):
            raise errors.parameter_missing(_param_name(prefix, f"card[{name}]"))
    number = re.sub(r"[\s-]", "", _string(card["number"], _param_name(prefix, "card[number]")))
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise errors.card_field_error(
            "invalid_number", "The card number is not a valid credit card number.", "number"
        )
    if not cards.luhn_valid(number):
        raise errors.card_field_error(
            "incorrect_number", "Your card number is incorrect.", "number"
        )
    exp_month, exp_year = _expiry(card["exp_month"], card["exp_year"])
    cvc = _string(card.get("cvc"), _param_name(prefix, "card[cvc]")) or ""
    if cvc and not (cvc.isdigit() and 3 <= len(cvc) <= 4):
        raise errors.card_field_error("invalid_cvc", "Your card's security code is invalid.", "cvc")
    alias = cards.ALIAS_BY_NUMBER.get(number)
    if alias is None:
        raise errors.card_error(cards.LIVE_CARD)
    return _materialise(
        alias,
        exp_month=exp_month,
        exp_year=exp_year,
        cvc_given=bool(cvc),
        billing=billing,
        metadata=metadata,
    )


def _expiry(month_value, year_value) -> tuple[int, int]:
    invalid_month = errors.card_field_error(
        "invalid_expiry_month", "Your card's expiration month is invalid.", "exp_month"
    )
    invalid_year = errors.card_field_error(
        "invalid_expiry_year", "Your card's expiration year is invalid.", "exp_year"
    )
    if not str(month_value).isdigit() or not 1 <= int(month_value) <= 12:
        raise invalid_month
    if not str(year_value).isdigit():
        raise invalid_year
    month, year = int(month_value), int(year_value)
    year += 2000 if year < 100 else 0
    today = clock.now()
    if year < today.year:
        raise invalid_year
    if (year, month) < (today.year, today.month):
        raise invalid_month
    return month, year


def _payment_method_from(params: dict) -> PaymentMethod | None:
    """The method a create, update or confirm names (payment_method or payment_method_data)."""
    if params.get("payment_method") and "payment_method_data" in params:
        raise errors.invalid_request(
            "You may only specify one of these parameters: payment_method, payment_method_data.",
            param="payment_method_data",
        )
    if "payment_method_data" in params:
        fields = _mapping(params["payment_method_data"], "payment_method_data")
        return _card_method(fields, "payment_method_data")
    if params.get("payment_method"):
        return _find_payment_method(params["payment_method"])
    return None


# --- the status machine ---
def _require_status(intent: PaymentIntent, action: str, field: str = "") -> None:
    allowed = ALLOWED_FROM[action]
    if intent.status in allowed:
        return
    message = REFUSALS[action].format(status=intent.status, allowed=", ".join(allowed), field=field)
    raise errors.unexpected_state(message, payment_intent=copy.deepcopy(intent.data))


def _payment_scenario() -> scenarios.Scenario | None:
    scenario = scenarios.current()
    return scenario if scenario and scenarios.PAYMENT in scenario.points else None


def _check_gateway() -> None:
    """A PAYMENT scenario without a Stripe test card (payment_failed) is an outage."""
    scenario = _payment_scenario()
    if scenario is not None and not scenario.stripe_payment_method:
        raise errors.api_error()


def _prepare_confirmation(intent: PaymentIntent, method: PaymentMethod | None) -> PaymentMethod:
    """Check that `intent` can be confirmed and pick the card it charges: a forced scenario's
    test card, else `method`."""
    scenario = _payment_scenario()
    if scenario is not None:
        method = _materialise(cards.alias_for(scenario.stripe_payment_method))
    if method is None:
        raise errors.unexpected_state(MISSING_PAYMENT_METHOD, param="payment_method")
    automatic = intent.data["automatic_payment_methods"]
    if automatic and automatic["allow_redirects"] != "never" and not intent.return_url:
        raise errors.invalid_request(RETURN_URL_REQUIRED, param="return_url")
    return method


def _attempt(intent: PaymentIntent, method: PaymentMethod, options: ConfirmOptions) -> None:
    """Confirm `intent` with `method`. Raises the card error of a decline (already recorded)."""
    intent.data.update(payment_method=method.id, last_payment_error=None, next_action=None)
    if method.card.authentication:
        if options.off_session or options.error_on_requires_action:
            raise _decline(intent, method, cards.AUTHENTICATION_REQUIRED)
        intent.data["status"] = Status.REQUIRES_ACTION
        intent.data["next_action"] = _next_action(intent, options.use_stripe_sdk)
        _save(intent, "payment_intent.requires_action")
        return
    failure = _charge(intent, method)
    if failure is not None:
        raise failure


def _next_action(intent: PaymentIntent, use_stripe_sdk: bool) -> dict:
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
    charge_id = _new_id("ch")
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
        _save(intent, "payment_intent.amount_capturable_updated")
    else:
        data.update(status=Status.SUCCEEDED, amount_received=data["amount"])
        _save(intent, "payment_intent.succeeded")
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
    _save(intent, "payment_intent.payment_failed")
    error.payment_intent = copy.deepcopy(intent.data)
    return error


def _save(intent: PaymentIntent, event: str) -> None:
    intent.save()
    _announce(intent, event)


def _announce(intent: PaymentIntent, event: str) -> None:
    """Tell the hub about `event` (Stripe's webhook event type) once the transaction commits."""
    snapshot = copy.deepcopy(intent.data)
    transaction.on_commit(lambda: _notify(event, snapshot))


def _notify(event: str, intent: dict) -> None:
    # A failing receiver must not fail the API call that changed the intent (like a webhook
    # endpoint that answers 500), so it is logged instead.
    for receiver, result in signals.payment_intent_updated.send_robust(
        sender=None, intent=intent, event=event
    ):
        if isinstance(result, Exception):
            log.error("%r failed on %s", receiver, event, exc_info=result)


def _refund(
    charge: Charge, amount: int, reason: str | None = None, metadata: dict | None = None
) -> Refund:
    now = clock.now()
    refund_id = _new_id("re")
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


def _get_intent(intent_id: str, *, lock: bool = False) -> PaymentIntent:
    rows = PaymentIntent.objects.select_for_update() if lock else PaymentIntent.objects
    intent = rows.filter(pk=intent_id).first()
    if intent is None:
        raise errors.no_such("payment_intent", intent_id, "intent", status=404)
    return intent


def _check_client_secret(intent: PaymentIntent, params: dict) -> None:
    secret = params.get("client_secret")
    if secret is not None and not hmac.compare_digest(
        str(secret).encode(), intent.data["client_secret"].encode()
    ):
        raise errors.invalid_request(
            "The client_secret provided does not match the client_secret associated with the "
            "PaymentIntent.",
            param="client_secret",
        )


# --- endpoints: one function each, listed in ROUTES below ---
def create_payment_intent(call: Call) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    if "amount" not in params:
        raise errors.parameter_missing("amount")
    currency = _currency(params.get("currency"))
    amount = _amount(params["amount"], currency)
    confirm = _boolean(params.get("confirm"), "confirm")
    if not confirm:
        for name in CONFIRM_ONLY_PARAMS:
            if name in params:
                raise errors.invalid_request(
                    f"The parameter {name} can only be passed when confirm is true.", param=name
                )
    options = _confirm_options(params)
    automatic = _automatic_payment_methods(params, call.version)
    confirmation_method = _choice(
        params.get("confirmation_method"), "confirmation_method", CONFIRMATION_METHODS, "automatic"
    )
    if confirm:
        _check_gateway()
    method = _payment_method_from(params)
    now = clock.now()
    intent_id = _new_id("pi")
    data = objects.payment_intent(
        id=intent_id,
        client_secret=f"{intent_id}_secret_{clock.random_string(25)}",
        created=int(now.timestamp()),
        amount=amount,
        currency=currency,
        automatic_payment_methods=automatic,
        payment_method_types=["card"],
        confirmation_method=confirmation_method,
    )
    _apply_fields(data, params)
    if method is not None:
        data.update(payment_method=method.id, status=Status.REQUIRES_CONFIRMATION)
    return_url = _string(params.get("return_url"), "return_url") or ""
    intent = PaymentIntent(id=intent_id, created=now, data=data, return_url=return_url)
    if confirm:
        method = _prepare_confirmation(intent, method)
    _save(intent, "payment_intent.created")
    if confirm:
        _attempt(intent, method, options)
    return _render(intent, expand)


def retrieve_payment_intent(call: Call, intent_id: str) -> dict:
    expand = _expansions(call.params, "payment_intent")
    intent = _get_intent(intent_id)
    _check_client_secret(intent, call.params)
    return _render(intent, expand)


def update_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    intent = _get_intent(intent_id, lock=True)
    restricted = [name for name in params if name not in ALWAYS_UPDATABLE]
    if restricted:
        _require_status(intent, "update", restricted[0])
    data = intent.data
    currency = _currency(params["currency"]) if "currency" in params else data["currency"]
    if "amount" in params or "currency" in params:
        data["amount"] = _amount(params.get("amount", str(data["amount"])), currency)
        data["currency"] = currency
    _apply_fields(data, params)
    if "payment_method" in params or "payment_method_data" in params:
        method = _payment_method_from(params)
        data.update(
            payment_method=method.id if method else None,
            status=Status.REQUIRES_CONFIRMATION if method else Status.REQUIRES_PAYMENT_METHOD,
            next_action=None,
        )
    intent.save()  # Stripe sends no event for an update
    return _render(intent, expand)


def confirm_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    options = _confirm_options(params)
    intent = _get_intent(intent_id, lock=True)
    _check_client_secret(intent, params)
    _require_status(intent, "confirm")
    _check_gateway()
    method = _payment_method_from(params)
    if method is None and intent.data["payment_method"]:
        method = PaymentMethod.objects.filter(pk=intent.data["payment_method"]).first()
    _apply_fields(intent.data, params)
    if "return_url" in params:
        intent.return_url = _string(params["return_url"], "return_url") or ""
    method = _prepare_confirmation(intent, method)
    _attempt(intent, method, options)
    return _render(intent, expand)


def cancel_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    reason = _choice(params.get("cancellation_reason"), "cancellation_reason", CANCELLATION_REASONS)
    intent = _get_intent(intent_id, lock=True)
    _require_status(intent, "cancel")
    data = intent.data
    if intent.status == Status.REQUIRES_CAPTURE:  # the authorisation is released
        charge = Charge.objects.select_for_update().get(pk=data["latest_charge"])
        _refund(charge, charge.data["amount"] - charge.data["amount_refunded"])
    data.update(
        status=Status.CANCELED,
        canceled_at=clock.timestamp(),
        cancellation_reason=reason,
        amount_capturable=0,
        next_action=None,
    )
    _save(intent, "payment_intent.canceled")
    return _render(intent, expand)


def capture_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    intent = _get_intent(intent_id, lock=True)
    _require_status(intent, "capture")
    data = intent.data
    capturable = data["amount_capturable"]
    amount = capturable
    if "amount_to_capture" in params:
        amount = _positive_integer(params["amount_to_capture"], "amount_to_capture")
    if amount > capturable:
        raise errors.invalid_request(
            f"The amount_to_capture ({amount}) cannot be greater than the PaymentIntent's "
            f"amount_capturable ({capturable}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    _apply_fields(data, params)
    charge = Charge.objects.select_for_update().get(pk=data["latest_charge"])
    charge.data.update(captured=True, amount_captured=amount)
    charge.save()
    if amount < charge.data["amount"]:  # the rest of the authorisation is released
        _refund(charge, charge.data["amount"] - amount)
    data.update(status=Status.SUCCEEDED, amount_received=amount, amount_capturable=0)
    _save(intent, "payment_intent.succeeded")
    return _render(intent, expand)


def create_refund(call: Call) -> dict:
    params = call.params
    expand = _expansions(params, "refund")
    reason = _choice(params.get("reason"), "reason", REFUND_REASONS)
    metadata = _metadata({}, params.get("metadata", ""))
    amount = _positive_integer(params["amount"], "amount") if "amount" in params else None
    charge = _refundable_charge(params.get("payment_intent"), params.get("charge"))
    charged, refunded = charge.data["amount"], charge.data["amount_refunded"]
    if refunded >= charged:
        raise errors.invalid_request(
            f"Charge {charge.id} has already been refunded.", code="charge_already_refunded"
        )
    remaining = charged - refunded
    amount = amount or remaining
    if amount > remaining:
        currency = charge.data["currency"]
        limit = (
            f"unrefunded amount on charge ({_display(remaining, currency)})"
            if refunded
            else f"charge amount ({_display(charged, currency)})"
        )
        raise errors.invalid_request(
            f"Refund amount ({_display(amount, currency)}) is greater than {limit}",
            code="amount_too_large",
            param="amount",
        )
    refund = _refund(charge, amount, reason, metadata)
    _announce(charge.payment_intent, "charge.refunded")
    return _render(refund, expand)


def _refundable_charge(intent_id, charge_id) -> Charge:
    if not intent_id and not charge_id:
        raise errors.invalid_request(
            "One of the following params should be provided for this request: payment_intent "
            "or charge.",
            code="parameter_missing",
        )
    charges = Charge.objects.select_for_update().select_related("payment_intent")
    if charge_id:
        charge = charges.filter(pk=charge_id).first()
        if charge is None:
            raise errors.no_such("charge", charge_id, "charge")
        if intent_id and charge.payment_intent_id != intent_id:
            raise errors.invalid_request(
                f"Charge {charge.id} does not belong to PaymentIntent {intent_id}.", param="charge"
            )
    else:
        intent = PaymentIntent.objects.filter(pk=intent_id).first()
        if intent is None:
            raise errors.no_such("payment_intent", intent_id, "payment_intent")
        charge = charges.filter(pk=intent.data["latest_charge"] or "").first()
    if charge is None or charge.data["status"] != "succeeded" or not charge.data["captured"]:
        owner = charge.payment_intent_id if charge else intent_id
        raise errors.invalid_request(
            f"This PaymentIntent ({owner}) does not have a successful charge to refund.",
            param="charge" if charge_id else "payment_intent",
        )
    return charge


def retrieve_refund(call: Call, refund_id: str) -> dict:
    expand = _expansions(call.params, "refund")
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        raise errors.no_such("refund", refund_id, "id", status=404)
    return _render(refund, expand)


def create_payment_method(call: Call) -> dict:
    expand = _expansions(call.params, "payment_method")
    fields = {name: value for name, value in call.params.items() if name != "expand"}
    return _render(_card_method(fields), expand)


def retrieve_payment_method(call: Call, payment_method_id: str) -> dict:
    expand = _expansions(call.params, "payment_method")
    method = PaymentMethod.objects.filter(pk=payment_method_id).first()
    if method is None:
        raise errors.no_such("PaymentMethod", payment_method_id, "payment_method", status=404)
    return _render(method, expand)


def retrieve_charge(call: Call, charge_id: str) -> dict:
    expand = _expansions(call.params, "charge")
    charge = Charge.objects.filter(pk=charge_id).first()
    if charge is None:
        raise errors.no_such("charge", charge_id, "id", status=404)
    return _render(charge, expand)


# --- the routing table ---
@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    endpoint: Callable[..., dict]
    params: frozenset[str]


def _route_for(method: str, pattern: str, endpoint, params) -> Route:
    return Route(method, re.compile(pattern), endpoint, frozenset(params))


# Fields create and update share; confirm takes some of them too.
INTENT_FIELDS = {
    "capture_method",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "receipt_email",
    "setup_future_usage",
    "shipping",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "transfer_group",
}
# Parameters only a confirmation uses (create accepts them with confirm=true).
CONFIRM_ONLY_PARAMS = (
    "return_url",
    "off_session",
    "error_on_requires_action",
    "mandate_data",
    "use_stripe_sdk",
)
CONFIRM_PARAMS = {
    *CONFIRM_ONLY_PARAMS,
    "capture_method",
    "client_secret",
    "expand",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "receipt_email",
    "setup_future_usage",
    "shipping",
}
INTENT = r"/v1/payment_intents/(?P<intent_id>[^/]+)"

ROUTES = [
    _route_for(
        "POST",
        r"/v1/payment_intents",
        create_payment_intent,
        INTENT_FIELDS
        | set(CONFIRM_ONLY_PARAMS)
        | {"amount", "currency", "confirm", "confirmation_method", "automatic_payment_methods"}
        | {"expand"},
    ),
    _route_for("GET", INTENT, retrieve_payment_intent, {"client_secret", "expand"}),
    _route_for(
        "POST", INTENT, update_payment_intent, INTENT_FIELDS | {"amount", "currency", "expand"}
    ),
    _route_for("POST", INTENT + "/confirm", confirm_payment_intent, CONFIRM_PARAMS),
    _route_for(
        "POST", INTENT + "/cancel", cancel_payment_intent, {"cancellation_reason", "expand"}
    ),
    _route_for(
        "POST",
        INTENT + "/capture",
        capture_payment_intent,
        {
            "amount_to_capture",
            "metadata",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "expand",
        },
    ),
    _route_for(
        "POST",
        r"/v1/refunds",
        create_refund,
        {"payment_intent", "charge", "amount", "reason", "metadata", "expand"},
    ),
    _route_for("GET", r"/v1/refunds/(?P<refund_id>[^/]+)", retrieve_refund, {"expand"}),
    _route_for(
        "POST", r"/v1/payment_methods", create_payment_method, {*PAYMENT_METHOD_FIELDS, "expand"}
    ),
    _route_for(
        "GET",
        r"/v1/payment_methods/(?P<payment_method_id>[^/]+)",
        retrieve_payment_method,
        {"expand"},
    ),
    _route_for("GET", r"/v1/charges/(?P<charge_id>[^/]+)", retrieve_charge, {"expand"}),
]


# --- 3-D Secure, for the hub's test authentication page ---
def intent_for_secret(intent_id: str, client_secret: str) -> PaymentIntent | None:
    """The intent, if `client_secret` is its secret (the page must not confirm ids)."""
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
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
            _save(intent, "payment_intent.payment_failed")
    return intent
