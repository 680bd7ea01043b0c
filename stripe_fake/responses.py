"""The embedded Stripe fake's responses: read each endpoint's parameters (every value arrives
as a string, Stripe's way) and answer its wire object, calling the backend for state and
rules. One function per endpoint; `routes.ROUTES` maps paths to them.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from checkout_hub import clock
from checkout_hub.services import money

from . import backend, cards, errors, events, listing, objects, search
from .models import (
    Charge,
    Customer,
    PaymentIntent,
    PaymentMethod,
    Refund,
    SetupIntent,
    WireObject,
)

Status = PaymentIntent.Status

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

# What may still change on an intent whatever its status.
ALWAYS_UPDATABLE = {"description", "metadata", "receipt_email", "shipping", "expand"}

# Objects that `expand[]` can replace by id, per object type.
EXPANDABLE: dict[str, dict[str, type[WireObject]]] = {
    "payment_intent": {
        "latest_charge": Charge,
        "payment_method": PaymentMethod,
        "customer": Customer,
    },
    "payment_method": {"customer": Customer},
    "charge": {"payment_intent": PaymentIntent, "customer": Customer},
    "refund": {"charge": Charge, "payment_intent": PaymentIntent},
    "customer": {"invoice_settings.default_payment_method": PaymentMethod},
    "setup_intent": {"payment_method": PaymentMethod, "customer": Customer},
    "event": {},
    "webhook_endpoint": {},
}


@dataclass(frozen=True)
class Call:
    params: dict
    request_id: str
    version: str


def refuse_unknown(values: dict, allowed, prefix: str = "") -> None:
    unknown = [_param_name(prefix, name) for name in values if name not in allowed]
    if unknown:
        raise errors.parameter_unknown(unknown)


# Parameters that name an object: one with a NUL is looked up like any other id and answered
# resource_missing (as Stripe answers an unknown id), not refused as a string.
ID_PARAMS = {
    "payment_method",
    "payment_intent",
    "charge",
    "customer",
    "starting_after",
    "ending_before",
}


def refuse_nul_bytes(values: dict) -> None:
    """Refuse any parameter (name or value) holding a NUL: Stripe refuses such strings with an
    invalid_request_error, and none may reach a database write (PostgreSQL text cannot hold
    one). The wording is the fake's own; Stripe does not document its message."""
    for name, value in _flattened(values):
        if "\x00" in name or ("\x00" in value and name not in ID_PARAMS):
            shown = name.replace("\x00", "")
            raise errors.invalid_request(
                f"Invalid string: {shown} contains a null byte (\\u0000), which is not allowed.",
                param=shown,
            )


def _flattened(value, prefix: str = ""):
    """(`a[b][0]`, "x") for every string in the decoded parameters."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(index), item) for index, item in enumerate(value))
    else:
        yield prefix, value
        return
    for key, item in items:
        yield from _flattened(item, f"{prefix}[{key}]" if prefix else key)


def _param_name(prefix: str, name: str) -> str:
    """`card[number]` inside `payment_method_data` -> `payment_method_data[card][number]`."""
    if not prefix:
        return name
    head, bracket, rest = name.partition("[")
    return f"{prefix}[{head}]{bracket}{rest}"


# --- reading parameters (every value arrives as a string) ---


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


def _linked(data: dict, field: str) -> tuple[dict | None, str]:
    """The dict holding `field` (`invoice_settings.default_payment_method`) and its last key."""
    *path, last = field.split(".")
    holder = data
    for part in path:
        holder = holder.get(part) if isinstance(holder, dict) else None
    return (holder if isinstance(holder, dict) else None), last


def _render(obj: WireObject, expand: list[str], found: dict | None = None) -> dict:
    """The wire object, with the `expand[]` fields (`customer`,
    `invoice_settings.default_payment_method`) replaced by the objects they name. `found` holds
    objects already fetched, by id (a list page fetches them all at once)."""
    data = objects.wire_copy(obj.data)
    kind = data["object"]
    for field in expand:
        holder, last = _linked(data, field)
        if holder is None or not isinstance(holder.get(last), str):
            continue  # null, or already expanded
        linked = (found or {}).get(holder[last])
        if linked is None:
            linked = EXPANDABLE[kind][field].objects.filter(pk=holder[last]).first()
        if linked is not None:
            holder[last] = objects.wire_copy(linked.data)
    return data


def _render_all(objs: list[WireObject], expand: list[str]) -> list[dict]:
    """`_render` for a page of objects, each expanded field's objects fetched in one query."""
    found: dict = {}
    for field in expand:
        by_kind: dict[type[WireObject], set[str]] = {}
        for obj in objs:
            holder, last = _linked(obj.data, field)
            if holder is not None and isinstance(holder.get(last), str):
                model = EXPANDABLE[obj.data["object"]][field]
                by_kind.setdefault(model, set()).add(holder[last])
        for model, ids in by_kind.items():
            found.update(model.objects.in_bulk(list(ids)))
    return [_render(obj, expand, found) for obj in objs]


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
    refuse_unknown(fields, ("enabled", "allow_redirects"), prefix)
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


def _confirm_options(params: dict) -> backend.ConfirmOptions:
    return backend.ConfirmOptions(
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
    if "customer" in params:
        data["customer"] = _customer_param(params)
    for name in (
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


def _card_method(fields: dict, prefix: str = "") -> PaymentMethod:
    """POST /v1/payment_methods (or `payment_method_data`): a card by number or by token."""
    refuse_unknown(fields, PAYMENT_METHOD_FIELDS, prefix)
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
    refuse_unknown(card, CARD_FIELDS, _param_name(prefix, "card"))
    billing = _mapping(fields.get("billing_details"), _param_name(prefix, "billing_details"))
    metadata = _metadata({}, fields.get("metadata", ""))
    token = _string(card.get("token"), _param_name(prefix, "card[token]"))
    if token:
        alias = cards.alias_for(token) if token.startswith("tok_") else None
        if alias is None:
            raise errors.no_such("token", token, _param_name(prefix, "card[token]"))
        return backend.materialise(alias, billing=billing, metadata=metadata)
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
    return backend.materialise(
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
        return backend.find_payment_method(params["payment_method"])
    return None


def _check_client_secret(obj: PaymentIntent | SetupIntent, params: dict) -> None:
    """A `client_secret` given must be the intent's (a PaymentIntent's or a SetupIntent's)."""
    secret = params.get("client_secret")
    if secret is not None and not hmac.compare_digest(
        str(secret).encode(), obj.data["client_secret"].encode()
    ):
        kind = "SetupIntent" if isinstance(obj, SetupIntent) else "PaymentIntent"
        raise errors.invalid_request(
            "The client_secret provided does not match the client_secret associated with the "
            f"{kind}.",
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
        backend.check_gateway()
    method = _payment_method_from(params)
    now = clock.now()
    intent_id = backend.new_id("pi")
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
        backend.check_owner(method, data["customer"], "PaymentIntent")
        data.update(payment_method=method.id, status=Status.REQUIRES_CONFIRMATION)
    return_url = _string(params.get("return_url"), "return_url") or ""
    intent = PaymentIntent(id=intent_id, created=now, data=data, return_url=return_url)
    if confirm:
        method = backend.prepare_confirmation(intent, method)
    backend.save(intent, "payment_intent.created")
    if confirm:
        backend.attempt(intent, method, options)
    return _render(intent, expand)


def retrieve_payment_intent(call: Call, intent_id: str) -> dict:
    expand = _expansions(call.params, "payment_intent")
    intent = backend.get_intent(intent_id)
    _check_client_secret(intent, call.params)
    return _render(intent, expand)


def update_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    intent = backend.get_intent(intent_id, lock=True)
    restricted = [name for name in params if name not in ALWAYS_UPDATABLE]
    if restricted:
        backend.require_status(intent, "update", restricted[0])
    data = intent.data
    currency = _currency(params["currency"]) if "currency" in params else data["currency"]
    if "amount" in params or "currency" in params:
        data["amount"] = _amount(params.get("amount", str(data["amount"])), currency)
        data["currency"] = currency
    _apply_fields(data, params)
    if "payment_method" in params or "payment_method_data" in params:
        method = _payment_method_from(params)
        if method is not None:
            backend.check_owner(method, data["customer"], "PaymentIntent")
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
    intent = backend.get_intent(intent_id, lock=True)
    _check_client_secret(intent, params)
    backend.require_status(intent, "confirm")
    backend.check_gateway()
    method = _payment_method_from(params)
    if method is None and intent.data["payment_method"]:
        method = PaymentMethod.objects.filter(pk=intent.data["payment_method"]).first()
    _apply_fields(intent.data, params)
    if "return_url" in params:
        intent.return_url = _string(params["return_url"], "return_url") or ""
    method = backend.prepare_confirmation(intent, method)
    backend.attempt(intent, method, options)
    return _render(intent, expand)


def cancel_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    reason = _choice(params.get("cancellation_reason"), "cancellation_reason", CANCELLATION_REASONS)
    intent = backend.get_intent(intent_id, lock=True)
    backend.require_status(intent, "cancel")
    data = intent.data
    if intent.status == Status.REQUIRES_CAPTURE:  # the authorisation is released
        charge = Charge.objects.select_for_update().get(pk=data["latest_charge"])
        backend.refund(charge, charge.data["amount"] - charge.data["amount_refunded"])
    data.update(
        status=Status.CANCELED,
        canceled_at=clock.timestamp(),
        cancellation_reason=reason,
        amount_capturable=0,
        next_action=None,
    )
    backend.save(intent, "payment_intent.canceled")
    return _render(intent, expand)


def capture_payment_intent(call: Call, intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_intent")
    intent = backend.get_intent(intent_id, lock=True)
    backend.require_status(intent, "capture")
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
        backend.refund(charge, charge.data["amount"] - amount)
    data.update(status=Status.SUCCEEDED, amount_received=amount, amount_capturable=0)
    backend.save(intent, "payment_intent.succeeded")
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
    refund = backend.refund(charge, amount, reason, metadata)
    events.publish("charge.refunded", charge.data)  # Stripe: the charge is data.object
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
        charge = backend.stored(charges, charge_id)
        if charge is None:
            raise errors.no_such("charge", charge_id, "charge")
        if intent_id and charge.payment_intent_id != intent_id:
            raise errors.invalid_request(
                f"Charge {charge.id} does not belong to PaymentIntent {intent_id}.", param="charge"
            )
    else:
        intent = backend.stored(PaymentIntent, intent_id)
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
    refund = backend.stored(Refund, refund_id)
    if refund is None:
        raise errors.no_such("refund", refund_id, "id", status=404)
    return _render(refund, expand)


def create_payment_method(call: Call) -> dict:
    expand = _expansions(call.params, "payment_method")
    fields = {name: value for name, value in call.params.items() if name != "expand"}
    return _render(_card_method(fields), expand)


def retrieve_payment_method(call: Call, payment_method_id: str) -> dict:
    expand = _expansions(call.params, "payment_method")
    method = backend.stored(PaymentMethod, payment_method_id)
    if method is None:
        raise errors.no_such("PaymentMethod", payment_method_id, "payment_method", status=404)
    return _render(method, expand)


def retrieve_charge(call: Call, charge_id: str) -> dict:
    expand = _expansions(call.params, "charge")
    charge = backend.stored(Charge, charge_id)
    if charge is None:
        raise errors.no_such("charge", charge_id, "id", status=404)
    return _render(charge, expand)


# Parameters only a confirmation uses (create accepts them with confirm=true).
CONFIRM_ONLY_PARAMS = (
    "return_url",
    "off_session",
    "error_on_requires_action",
    "mandate_data",
    "use_stripe_sdk",
)


# --- Checkout Sessions (stripe_fake.checkout holds their state and the hosted page) ---
SESSION_MODES = ("payment", "setup", "subscription")


def _line_item(value, index: int) -> dict:
    prefix = f"line_items[{index}]"
    fields = _mapping(value, prefix)
    refuse_unknown(fields, ("price_data", "quantity"), prefix)
    if "price_data" not in fields:
        # The fake has no Prices: a line names its price inline.
        raise errors.parameter_missing(f"{prefix}[price_data]")
    price = _mapping(fields["price_data"], f"{prefix}[price_data]")
    refuse_unknown(price, ("currency", "unit_amount", "product_data"), f"{prefix}[price_data]")
    currency = _currency(price.get("currency"))
    if "unit_amount" not in price:
        raise errors.parameter_missing(f"{prefix}[price_data][unit_amount]")
    unit_amount = _integer(price["unit_amount"], f"{prefix}[price_data][unit_amount]")
    if unit_amount < 0:
        raise errors.invalid_request(
            "This value must be greater than or equal to 0.",
            param=f"{prefix}[price_data][unit_amount]",
        )
    product = _mapping(price.get("product_data"), f"{prefix}[price_data][product_data]")
    refuse_unknown(product, ("name", "description"), f"{prefix}[price_data][product_data]")
    name = _string(product.get("name"), f"{prefix}[price_data][product_data][name]")
    if not name:
        raise errors.parameter_missing(f"{prefix}[price_data][product_data][name]")
    if "quantity" not in fields:
        raise errors.parameter_missing(f"{prefix}[quantity]")
    quantity = _positive_integer(fields["quantity"], f"{prefix}[quantity]")
    return {
        "currency": currency,
        "description": name,
        "unit_amount": unit_amount,
        "quantity": quantity,
        "amount_total": unit_amount * quantity,
    }


def create_checkout_session(call: Call) -> dict:
    from . import checkout

    params = call.params
    mode = _choice(params.get("mode"), "mode", SESSION_MODES)
    if mode is None:
        raise errors.parameter_missing("mode")
    if mode != "payment":
        raise errors.invalid_request(
            f"The embedded fake only emulates mode=payment Checkout Sessions, not {mode}.",
            param="mode",
        )
    raw_items = params.get("line_items")
    if isinstance(raw_items, dict):  # line_items[0][...] decodes as a list, or {"0": ...}
        raw_items = [raw_items[k] for k in sorted(raw_items, key=lambda k: int(k))]
    if not raw_items:
        raise errors.invalid_request(
            "You must specify `line_items` in `payment` mode.", param="line_items"
        )
    if not isinstance(raw_items, list):
        raise errors.invalid_request("Invalid array", param="line_items")
    items = [_line_item(value, index) for index, value in enumerate(raw_items)]
    currencies = {item["currency"] for item in items}
    if len(currencies) > 1:
        raise errors.invalid_request(
            "All line items must use the same currency.", param="line_items"
        )
    currency = currencies.pop()
    total = sum(item["amount_total"] for item in items)
    _amount(str(total), currency)  # Stripe's minimum and maximum charge amounts
    success_url = _string(params.get("success_url"), "success_url")
    if not success_url:
        raise errors.parameter_missing("success_url")
    cancel_url = _string(params.get("cancel_url"), "cancel_url")
    intent_data = _mapping(params.get("payment_intent_data"), "payment_intent_data")
    refuse_unknown(intent_data, ("metadata", "description", "receipt_email"), "payment_intent_data")
    intent_data = {
        "metadata": _metadata({}, intent_data.get("metadata", "")),
        "description": _string(intent_data.get("description"), "payment_intent_data[description]"),
        "receipt_email": _string(
            intent_data.get("receipt_email"), "payment_intent_data[receipt_email]"
        ),
    }
    expires_at = None
    if "expires_at" in params:
        expires_at = _integer(params["expires_at"], "expires_at")
        lifetime = expires_at - clock.timestamp()
        if not checkout.MIN_LIFETIME <= lifetime <= checkout.MAX_LIFETIME:
            raise errors.invalid_request(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.",
                param="expires_at",
            )
    if params.get("payment_method_types") is not None:
        types = _strings(params["payment_method_types"], "payment_method_types")
        if types != ["card"]:
            raise errors.invalid_request(
                "The embedded fake only takes card payments.", param="payment_method_types"
            )
    session = checkout.new_session(
        line_items=items,
        currency=currency,
        success_url=success_url,
        cancel_url=cancel_url,
        customer_email=_string(params.get("customer_email"), "customer_email"),
        client_reference_id=_string(params.get("client_reference_id"), "client_reference_id"),
        metadata=_metadata({}, params.get("metadata", "")),
        payment_intent_data=intent_data,
        expires_at=expires_at,
    )
    return objects.wire_copy(session.data)


def retrieve_checkout_session(call: Call, session_id: str) -> dict:
    from . import checkout

    return objects.wire_copy(checkout.get(session_id).data)


def expire_checkout_session(call: Call, session_id: str) -> dict:
    from . import checkout

    return objects.wire_copy(checkout.expire(session_id).data)


# --- SetupIntents (backend holds their status machine) ---
SETUP_USAGES = ("off_session", "on_session")
SETUP_CANCELLATION_REASONS = ("abandoned", "duplicate", "requested_by_customer")
# Parameters only a confirmation uses (create accepts them with confirm=true).
SETUP_CONFIRM_ONLY_PARAMS = ("return_url", "use_stripe_sdk", "mandate_data")
SETUP_ALWAYS_UPDATABLE = {"description", "metadata", "expand"}


def _setup_types(params: dict) -> None:
    types = params.get("payment_method_types")
    if types is not None and _strings(types, "payment_method_types") != ["card"]:
        raise errors.invalid_request(
            "The embedded fake only takes card payments.", param="payment_method_types"
        )


def _customer_param(params: dict) -> str | None:
    """`customer`: the id of a customer that exists (the empty string unsets it)."""
    if "customer" not in params or params["customer"] == "":
        return None
    return backend.get_customer(params["customer"]).id


def _apply_setup_fields(data: dict, params: dict) -> None:
    if "customer" in params:
        data["customer"] = _customer_param(params)
    if "description" in params:
        data["description"] = _string(params["description"], "description")
    if "metadata" in params:
        data["metadata"] = _metadata(data["metadata"], params["metadata"])
    if "payment_method_options" in params:
        changes = _mapping(params["payment_method_options"], "payment_method_options")
        data["payment_method_options"] = _merged(data["payment_method_options"], changes)
    _setup_types(params)


def create_setup_intent(call: Call) -> dict:
    params = call.params
    expand = _expansions(params, "setup_intent")
    usage = _choice(params.get("usage"), "usage", SETUP_USAGES, "off_session")
    automatic = _automatic_payment_methods(params, call.version)
    confirm = _boolean(params.get("confirm"), "confirm")
    if not confirm:
        for name in SETUP_CONFIRM_ONLY_PARAMS:
            if name in params:
                raise errors.invalid_request(
                    f"The parameter {name} can only be passed when confirm is true.", param=name
                )
    use_stripe_sdk = _boolean(params.get("use_stripe_sdk"), "use_stripe_sdk")
    now = clock.now()
    setup_id = backend.new_id("seti")
    data = objects.setup_intent(
        id=setup_id,
        client_secret=f"{setup_id}_secret_{clock.random_string(25)}",
        created=int(now.timestamp()),
        automatic_payment_methods=automatic,
        usage=usage,
    )
    _apply_setup_fields(data, params)
    method = _payment_method_from(params)
    if method is not None:
        backend.check_owner(method, data["customer"], "SetupIntent")
        data.update(payment_method=method.id, status=SetupIntent.Status.REQUIRES_CONFIRMATION)
    return_url = _string(params.get("return_url"), "return_url") or ""
    setup = SetupIntent(id=setup_id, created=now, data=data, return_url=return_url)
    if confirm:
        method = backend.prepare_setup(setup, method)
    backend.save_setup(setup, "setup_intent.created")
    if confirm:
        backend.attempt_setup(setup, method, use_stripe_sdk)
    return _render(setup, expand)


def retrieve_setup_intent(call: Call, setup_intent_id: str) -> dict:
    expand = _expansions(call.params, "setup_intent")
    setup = backend.get_setup(setup_intent_id)
    _check_client_secret(setup, call.params)
    return _render(setup, expand)


def update_setup_intent(call: Call, setup_intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "setup_intent")
    setup = backend.get_setup(setup_intent_id, lock=True)
    restricted = [name for name in params if name not in SETUP_ALWAYS_UPDATABLE]
    if restricted:
        backend.require_setup_status(setup, "update", restricted[0])
    data = setup.data
    _apply_setup_fields(data, params)
    if "payment_method" in params or "payment_method_data" in params:
        method = _payment_method_from(params)
        if method is not None:
            backend.check_owner(method, data["customer"], "SetupIntent")
        data.update(
            payment_method=method.id if method else None,
            status=(
                SetupIntent.Status.REQUIRES_CONFIRMATION
                if method
                else SetupIntent.Status.REQUIRES_PAYMENT_METHOD
            ),
            next_action=None,
        )
    backend.save_setup(setup, None)  # Stripe has no event for an update
    return _render(setup, expand)


def confirm_setup_intent(call: Call, setup_intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "setup_intent")
    use_stripe_sdk = _boolean(params.get("use_stripe_sdk"), "use_stripe_sdk")
    setup = backend.get_setup(setup_intent_id, lock=True)
    _check_client_secret(setup, params)
    backend.require_setup_status(setup, "confirm")
    method = _payment_method_from(params)
    if method is None and setup.data["payment_method"]:
        method = PaymentMethod.objects.filter(pk=setup.data["payment_method"]).first()
    if "payment_method_options" in params:
        changes = _mapping(params["payment_method_options"], "payment_method_options")
        setup.data["payment_method_options"] = _merged(
            setup.data["payment_method_options"], changes
        )
    if "return_url" in params:
        setup.return_url = _string(params["return_url"], "return_url") or ""
    method = backend.prepare_setup(setup, method)
    backend.attempt_setup(setup, method, use_stripe_sdk)
    return _render(setup, expand)


def cancel_setup_intent(call: Call, setup_intent_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "setup_intent")
    reason = _choice(
        params.get("cancellation_reason"), "cancellation_reason", SETUP_CANCELLATION_REASONS
    )
    setup = backend.get_setup(setup_intent_id, lock=True)
    backend.require_setup_status(setup, "cancel")
    setup.data.update(
        status=SetupIntent.Status.CANCELED, cancellation_reason=reason, next_action=None
    )
    backend.save_setup(setup, "setup_intent.canceled")
    return _render(setup, expand)


# --- Customers ---
CUSTOMER_FIELDS = (
    "address",
    "balance",
    "business_name",
    "description",
    "email",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "metadata",
    "name",
    "next_invoice_sequence",
    "phone",
    "preferred_locales",
    "shipping",
    "tax_exempt",
)
INVOICE_SETTINGS_FIELDS = ("custom_fields", "default_payment_method", "footer", "rendering_options")
TAX_EXEMPTIONS = ("exempt", "none", "reverse")
MAX_EMAIL_LENGTH = 512
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value) -> str | None:
    email = _string(value, "email")
    if email is not None and (len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
        raise errors.invalid_request(f"Invalid email address: {email}", param="email")
    return email


def _address(value, param: str) -> dict | None:
    if value == "":
        return None
    fields = _mapping(value, param)
    refuse_unknown(fields, objects.ADDRESS_FIELDS, param)
    for name, item in fields.items():
        _string(item, f"{param}[{name}]")
    return objects.address(fields)


def _customer_shipping(value) -> dict | None:
    if value == "":
        return None
    fields = _mapping(value, "shipping")
    refuse_unknown(fields, ("address", "name", "phone"), "shipping")
    if "address" not in fields:
        raise errors.parameter_missing("shipping[address]")
    if not fields.get("name"):
        raise errors.parameter_missing("shipping[name]")
    return {
        "address": _address(fields["address"], "shipping[address]"),
        "name": _string(fields["name"], "shipping[name]"),
        "phone": _string(fields.get("phone"), "shipping[phone]"),
    }


def _invoice_settings(current: dict, value, customer: Customer | None, attaching) -> dict:
    """`invoice_settings`: its default_payment_method must be one of the customer's cards (or
    `attaching`, the card a create attaches)."""
    param = "invoice_settings"
    fields = _mapping(value, param)
    refuse_unknown(fields, INVOICE_SETTINGS_FIELDS, param)
    result = dict(current)
    if "default_payment_method" in fields:
        name = f"{param}[default_payment_method]"
        method_id = _string(fields["default_payment_method"], name)
        if method_id and not (attaching is not None and attaching.id == method_id):
            if customer is None:
                method = backend.stored(PaymentMethod, method_id)
                if method is None:
                    raise errors.no_such("PaymentMethod", method_id, name)
                raise errors.invalid_request(
                    backend.NOT_THE_CUSTOMERS.format(method=method_id), param=name
                )
            backend.owned_method(customer, method_id, name)
        result["default_payment_method"] = method_id
    if "footer" in fields:
        result["footer"] = _string(fields["footer"], f"{param}[footer]")
    if "custom_fields" in fields:
        custom = fields["custom_fields"]
        if custom == "":
            result["custom_fields"] = None
        else:
            items = custom if isinstance(custom, list) else None
            if items is None or not all(isinstance(item, dict) for item in items):
                raise errors.invalid_request("Invalid array", param=f"{param}[custom_fields]")
            for index, item in enumerate(items):
                refuse_unknown(item, ("name", "value"), f"{param}[custom_fields][{index}]")
                for key in ("name", "value"):
                    name = f"{param}[custom_fields][{index}][{key}]"
                    if not _string(item.get(key), name):
                        raise errors.parameter_missing(name)
            result["custom_fields"] = [{"name": i["name"], "value": i["value"]} for i in items]
    if "rendering_options" in fields:
        options = fields["rendering_options"]
        if options == "":
            result["rendering_options"] = None
        else:
            options = _mapping(options, f"{param}[rendering_options]")
            refuse_unknown(
                options, ("amount_tax_display", "template"), f"{param}[rendering_options]"
            )
            result["rendering_options"] = {
                "amount_tax_display": options.get("amount_tax_display") or None,
                "template": options.get("template") or None,
            }
    return result


def _apply_customer_fields(
    data: dict, params: dict, customer: Customer | None, attaching: PaymentMethod | None = None
) -> None:
    if "address" in params:
        data["address"] = _address(params["address"], "address")
    if "balance" in params:
        data["balance"] = _integer(params["balance"], "balance")
    for name in ("business_name", "description", "individual_name", "name", "phone"):
        if name in params:
            data[name] = _string(params[name], name)
    if "email" in params:
        data["email"] = _email(params["email"])
    if "invoice_prefix" in params:
        prefix = _string(params["invoice_prefix"], "invoice_prefix")
        if not prefix or not re.fullmatch(r"[A-Z0-9]{3,12}", prefix):
            raise errors.invalid_request(
                "Invalid invoice_prefix: it must be 3 to 12 uppercase letters or numbers.",
                param="invoice_prefix",
            )
        data["invoice_prefix"] = prefix
    if "invoice_settings" in params:
        data["invoice_settings"] = _invoice_settings(
            data["invoice_settings"], params["invoice_settings"], customer, attaching
        )
    if "metadata" in params:
        data["metadata"] = _metadata(data["metadata"], params["metadata"])
    if "next_invoice_sequence" in params:
        data["next_invoice_sequence"] = _positive_integer(
            params["next_invoice_sequence"], "next_invoice_sequence"
        )
    if "preferred_locales" in params:
        locales = params["preferred_locales"]
        data["preferred_locales"] = [] if locales == "" else _strings(locales, "preferred_locales")
    if "shipping" in params:
        data["shipping"] = _customer_shipping(params["shipping"])
    if "tax_exempt" in params:
        data["tax_exempt"] = _choice(params["tax_exempt"], "tax_exempt", TAX_EXEMPTIONS, "none")


def create_customer(call: Call) -> dict:
    params = call.params
    expand = _expansions(params, "customer")
    now = clock.now()
    customer_id = f"cus_{clock.random_string(14)}"
    data = objects.customer(
        id=customer_id,
        created=int(now.timestamp()),
        invoice_prefix=clock.random_hex(8).upper(),
    )
    method = None
    if params.get("payment_method"):
        method = backend.find_payment_method(params["payment_method"])
        if method.customer:
            raise errors.invalid_request(backend.ALREADY_ATTACHED, param="payment_method")
    _apply_customer_fields(data, params, None, method)
    customer = Customer(id=customer_id, created=now, data=data)
    backend.save_customer(customer, "customer.created")
    if method is not None:
        backend.attach(method, customer)
    return _render(customer, expand)


def retrieve_customer(call: Call, customer_id: str) -> dict:
    customer = backend.stored(Customer, customer_id)
    if customer is None:
        raise errors.no_such("customer", customer_id, "id", status=404)
    if customer.deleted:  # Stripe answers the deleted stub, with 200
        return objects.wire_copy(customer.data)
    return _render(customer, _expansions(call.params, "customer"))


def _changed(before: dict, after: dict) -> dict:
    """Stripe's previous_attributes: the old value of each field that changed."""
    return {key: before.get(key) for key, value in after.items() if before.get(key) != value}


def update_customer(call: Call, customer_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "customer")
    customer = backend.get_customer(customer_id, param="id", status=404, lock=True)
    before = objects.wire_copy(customer.data)
    _apply_customer_fields(customer.data, params, customer)
    previous = _changed(before, customer.data)
    if previous:
        backend.save_customer(customer, "customer.updated", previous)
    return _render(customer, expand)


def delete_customer(call: Call, customer_id: str) -> dict:
    customer = backend.get_customer(customer_id, param="id", status=404, lock=True)
    backend.delete_customer(customer)
    return objects.wire_copy(customer.data)


def list_customers(call: Call) -> dict:
    rows = Customer.objects.filter(deleted=False)
    if "email" in call.params:
        email = _string(call.params["email"], "email")
        rows = rows.filter(email=email) if email else rows.none()
    return listing.list_page(call, rows, "/v1/customers", kind="customer")


def search_customers(call: Call) -> dict:
    return listing.search_page(
        call,
        Customer.objects.filter(deleted=False),
        "/v1/customers/search",
        kind="customer",
        fields=CUSTOMER_QUERY_FIELDS,
    )


def list_customer_payment_methods(call: Call, customer_id: str) -> dict:
    customer = backend.get_customer(customer_id, param="customer", status=404)
    rows = PaymentMethod.objects.filter(customer=customer.id)
    kind = _payment_method_type(call.params)
    if kind not in (None, "card"):
        rows = rows.none()
    if "allow_redisplay" in call.params:
        _choice(
            call.params["allow_redisplay"],
            "allow_redisplay",
            ("always", "limited", "unspecified"),
        )
    url = f"/v1/customers/{customer.id}/payment_methods"
    return listing.list_page(call, rows, url, kind="payment_method")


def retrieve_customer_payment_method(call: Call, customer_id: str, payment_method_id: str) -> dict:
    expand = _expansions(call.params, "payment_method")
    customer = backend.get_customer(customer_id, param="customer", status=404)
    method = backend.stored(PaymentMethod.objects.filter(customer=customer.id), payment_method_id)
    if method is None:
        raise errors.no_such("PaymentMethod", payment_method_id, "payment_method", status=404)
    return _render(method, expand)


# --- attaching, detaching and updating PaymentMethods ---
def _stored_method(payment_method_id: str) -> PaymentMethod:
    method = backend.stored(PaymentMethod.objects.select_for_update(), payment_method_id)
    if method is None:
        raise errors.no_such("PaymentMethod", payment_method_id, "payment_method", status=404)
    return method


def attach_payment_method(call: Call, payment_method_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_method")
    if params.get("customer") in (None, ""):
        raise errors.parameter_missing("customer")
    customer = backend.get_customer(params["customer"])
    if cards.alias_for(payment_method_id) is not None:  # a test alias attaches a new card
        method = backend.find_payment_method(payment_method_id)
    else:
        method = _stored_method(payment_method_id)
    backend.attach(method, customer)
    return _render(method, expand)


def detach_payment_method(call: Call, payment_method_id: str) -> dict:
    expand = _expansions(call.params, "payment_method")
    method = _stored_method(payment_method_id)
    backend.detach(method)
    return _render(method, expand)


NOT_SAVED = "You must save this PaymentMethod to a customer before you can update it."
BILLING_FIELDS = ("address", "email", "name", "phone", "tax_id")


def update_payment_method(call: Call, payment_method_id: str) -> dict:
    params = call.params
    expand = _expansions(params, "payment_method")
    method = _stored_method(payment_method_id)
    if not method.customer:
        raise errors.invalid_request(NOT_SAVED)
    data = method.data
    before = objects.wire_copy(data)
    if "billing_details" in params:
        changes = _mapping(params["billing_details"], "billing_details")
        refuse_unknown(changes, BILLING_FIELDS, "billing_details")
        merged = dict(data["billing_details"])
        for name, value in changes.items():
            if name == "address":
                address = _mapping(value, "billing_details[address]")
                refuse_unknown(address, objects.ADDRESS_FIELDS, "billing_details[address]")
                for part, item in address.items():
                    _string(item, f"billing_details[address][{part}]")
                merged["address"] = _merged(merged["address"] or {}, address)
            else:
                merged[name] = _string(value, f"billing_details[{name}]")
        data["billing_details"] = objects.billing_details(merged)
    if "metadata" in params:
        data["metadata"] = _metadata(data["metadata"], params["metadata"])
    if "allow_redisplay" in params:
        data["allow_redisplay"] = _choice(
            params["allow_redisplay"], "allow_redisplay", ("always", "limited", "unspecified")
        )
    if "card" in params:
        card = _mapping(params["card"], "card")
        refuse_unknown(card, ("exp_month", "exp_year"), "card")
        month, year = _expiry(
            card.get("exp_month", data["card"]["exp_month"]),
            card.get("exp_year", data["card"]["exp_year"]),
        )
        data["card"].update(exp_month=month, exp_year=year)
    previous = _changed(before, data)
    method.save()
    if previous:
        events.publish("payment_method.updated", data, previous_attributes=previous)
    return _render(method, expand)


# --- lists and searches (listing builds the envelopes, search reads the queries) ---
# Each resource's query fields (docs.stripe.com/search#query-fields-for-…).
PAYMENT_INTENT_QUERY_FIELDS = {
    "amount": search.NUMERIC,
    "created": search.NUMERIC,
    "currency": search.TOKEN,
    "customer": search.TOKEN,
    "payment_method": search.TOKEN,
    "status": search.TOKEN,
}
CHARGE_QUERY_FIELDS = {
    "amount": search.NUMERIC,
    "billing_details.address.postal_code": search.TOKEN,
    "created": search.NUMERIC,
    "currency": search.TOKEN,
    "customer": search.TOKEN,
    "disputed": search.BOOLEAN,
    "payment_intent": search.TOKEN,
    "payment_method_details.card.brand": search.TOKEN,
    "payment_method_details.card.exp_month": search.NUMERIC,
    "payment_method_details.card.exp_year": search.NUMERIC,
    "payment_method_details.card.fingerprint": search.TOKEN,
    "payment_method_details.card.last4": search.TOKEN,
    "refunded": search.BOOLEAN,
    "status": search.TOKEN,
}
CUSTOMER_QUERY_FIELDS = {
    "created": search.NUMERIC,
    "email": search.STRING,
    "name": search.STRING,
    "phone": search.STRING,
}


def _filter_id(params: dict, name: str) -> str | None:
    """A list filter naming an object (`customer=cus_…`): a string, or None when absent. An id
    holding a NUL names nothing (PostgreSQL cannot compare with one): it matches no row."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise errors.invalid_request(f"Invalid string: {value}", param=name)
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def list_payment_intents(call: Call) -> dict:
    rows = PaymentIntent.objects.all()
    if customer := _filter_id(call.params, "customer"):
        rows = rows.filter(customer=customer)
    return listing.list_page(call, rows, "/v1/payment_intents", kind="payment_intent")


def search_payment_intents(call: Call) -> dict:
    return listing.search_page(
        call,
        PaymentIntent.objects.all(),
        "/v1/payment_intents/search",
        kind="payment_intent",
        fields=PAYMENT_INTENT_QUERY_FIELDS,
    )


def list_charges(call: Call) -> dict:
    rows = Charge.objects.all()
    if customer := _filter_id(call.params, "customer"):
        rows = rows.filter(customer=customer)
    if intent := _filter_id(call.params, "payment_intent"):
        rows = rows.filter(payment_intent_id=intent)
    return listing.list_page(call, rows, "/v1/charges", kind="charge")


def search_charges(call: Call) -> dict:
    return listing.search_page(
        call, Charge.objects.all(), "/v1/charges/search", kind="charge", fields=CHARGE_QUERY_FIELDS
    )


def list_refunds(call: Call) -> dict:
    rows = Refund.objects.all()
    if charge := _filter_id(call.params, "charge"):
        rows = rows.filter(charge_id=charge)
    if intent := _filter_id(call.params, "payment_intent"):
        rows = rows.filter(charge__payment_intent_id=intent)
    return listing.list_page(call, rows, "/v1/refunds", kind="refund")


def _payment_method_type(params: dict) -> str | None:
    value = params.get("type")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[a-z_]+", value):
        raise errors.invalid_request(f"Invalid type: {value}", param="type")
    return value


def list_payment_methods(call: Call) -> dict:
    rows = PaymentMethod.objects.all()
    if customer := _filter_id(call.params, "customer"):
        rows = rows.filter(customer=customer)
    kind = _payment_method_type(call.params)
    if kind not in (None, "card"):  # the fake makes card payment methods only
        rows = rows.none()
    return listing.list_page(call, rows, "/v1/payment_methods", kind="payment_method")


def list_setup_intents(call: Call) -> dict:
    rows = SetupIntent.objects.all()
    if customer := _filter_id(call.params, "customer"):
        rows = rows.filter(customer=customer)
    return listing.list_page(call, rows, "/v1/setup_intents", kind="setup_intent")
