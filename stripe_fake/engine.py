"""The embedded Stripe fake: the card part of Stripe's test mode, stateful.

`handle(method, path, query, headers, body)` answers one request to Stripe's v1 API and returns
`(status, headers, body)`. Everything that talks to the fake goes through it: the HTTP view at
`/stripe/v1/…` and the SDK's in-process `stripe_fake.client.EmbeddedHTTPClient`.

This module is the entry point (auth, routing, idempotency, the error envelope); the rest is
split as moto splits a service: `routes` (the dispatch table), `responses` (parameters in,
wire objects out, one function per endpoint), `backend` (state and rules: the PaymentIntent and
SetupIntent status machines, customers and their cards, charges, declines, 3-D Secure, refunds,
change notices), `listing` (the list and search envelopes) and `search` (the query language).

What it does, as Stripe's test mode does (docs.stripe.com/api, /testing, /error-codes):
- test secret keys only (`sk_test_…`/`rk_test_…`, Bearer or Basic); `livemode` is always false;
- PaymentIntents: create (optionally confirming at once), retrieve, update, confirm, cancel,
  capture, list (`customer`, `created`) and search, with Stripe's status machine,
  `client_secret`, `latest_charge`, `last_payment_error`, `customer` (which must exist) and
  `setup_future_usage` (a successful payment saves the card to the customer);
- Customers: create, retrieve, update, delete (the deleted stub answers every later retrieve),
  list (`email`, `created`) and search, `invoice_settings.default_payment_method`, a customer's
  payment methods (list, retrieve);
- PaymentMethods from test aliases (`pm_card_visa`, both spellings of the declines), legacy
  `tok_…` tokens, card numbers (POST /v1/payment_methods, `payment_method_data`), each decided
  by the one test-card table in `cards.py`; attach, detach, update (billing_details, metadata,
  expiry), list; a card attached to one customer is used with that customer only;
- SetupIntents: create (optionally confirming at once), retrieve, update, confirm, cancel, list;
  the test card decides: saved (and attached to the customer), declined (402 with
  `setup_intent` and `last_setup_error`) or `requires_action` for 3-D Secure;
- Charges (retrieve, list by customer or intent, search) and Refunds (create, retrieve, list);
- lists in Stripe's envelope (`limit`, `starting_after`, `ending_before`, `created`,
  `expand[]=data.…`), newest first; search with Stripe's query language (`field:'value'`, `~`,
  numeric comparisons, `metadata['key']`, `-` negation, `null`, AND or OR) and `next_page`;
- declines as HTTP 402 `card_error` bodies carrying the intent and the payment method;
  3-D Secure as `requires_action` with a `next_action` pointing at the hub's own test
  authentication page (`views.authenticate`, for PaymentIntents and SetupIntents);
- `expand[]` of the ids each object links (`latest_charge`, `payment_method`, `customer`, ...);
- Idempotency-Key on every POST (stored replies replayed with `Idempotent-Replayed: true`; a key
  reused with other parameters or on another endpoint is refused with Stripe's message for
  each);
- Stripe's parameter errors (unknown, missing, not an integer, amount too small, no such
  object, unexpected state) and its error for a body that is not form-encoded (JSON);
- the hub's scenarios: a scenario at the PAYMENT point makes a confirmation use its Stripe test
  card; `payment_failed` (no test card) answers 500 `api_error` and leaves the intent as it was;
- Events (`events.publish`) wherever Stripe creates one (`payment_intent.*`, `charge.*`,
  `customer.*`, `payment_method.attached/detached/updated`, `setup_intent.*`,
  `checkout.session.*`), each naming the request that caused it, listed at /v1/events,
  delivered signed to webhook endpoints (`webhooks`) and handed to the hub after commit.

Also: Checkout Sessions (create, retrieve, expire, and the hosted payment page their `url`
opens; `checkout.py`).

What it does not do: Connect, publishable-key calls, non-card payment methods (so never
`processing`), SetupAttempts and Mandates (a SetupIntent's `latest_attempt` is an id only),
customer sources, balances, tax ids, invoices and subscriptions, Radar reviews, disputes,
balance transactions, Stripe's metadata limits, search's indexing delay (results are
immediate), and the rule that a PaymentMethod used without a Customer cannot be used again.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Mapping

import stripe
from django.db import transaction
from django.utils.datastructures import CaseInsensitiveMapping

from checkout_hub import clock
from checkout_hub.models import IdempotencyRecord
from checkout_hub.services import idempotency

from . import encoding, errors, events
from .responses import Call, refuse_nul_bytes, refuse_unknown
from .routes import Route, resolve

log = logging.getLogger(__name__)

Reply = tuple[int, dict[str, str], bytes]

DEFAULT_VERSION = stripe.api_version
MISMATCHED_KEY = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with. Try using a key other than '{key}' if you meant to execute a different request."
)
OTHER_ENDPOINT = (
    "Keys for idempotent requests can only be used with the same endpoint they were first used "
    "with ('{first}' vs '{now}'). Try using a key other than '{key}' if you meant to execute a "
    "different request."
)
NOT_FORM_ENCODED = (
    "Invalid request (check that your POST content type is application/x-www-form-urlencoded). "
    "If you have any questions, we can help at https://support.stripe.com/."
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
        route, ids = resolve(method, path)
        if method != "GET" and _is_json(headers, body):
            raise errors.invalid_request(NOT_FORM_ENCODED)
        form = query if method == "GET" else f"{query}&{body.decode('utf-8', 'replace')}"
        params = encoding.decode(form)
        refuse_unknown(params, route.params)
        refuse_nul_bytes(params)
        run = functools.partial(
            _execute, route, Call(params, request_id, reply_headers["Stripe-Version"]), ids
        )
        key = headers.get("Idempotency-Key", "")
        run = events.caused_by(request_id, key, run)  # the events it publishes name this call
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


def outage(headers: Mapping[str, str], status: int) -> Reply:
    """Stripe's api_error with `status` (a fault scenario: 500, 502, 503, 504)."""
    request_id = _new_request_id()
    error = errors.api_error()
    error.status = status
    body = error.body(request_id)
    return status, _reply_headers(CaseInsensitiveMapping(headers), request_id), _json(body).encode()


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


def _is_json(headers: Mapping[str, str], body: bytes) -> bool:
    """A JSON body (Stripe's v1 API reads form encoding only): declared so, or a JSON object."""
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return bool(body.strip())
    text = body.strip()
    if not text.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


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
    if "\x00" in key:  # it is stored, and PostgreSQL text cannot hold a NUL
        raise errors.invalid_request("Invalid Idempotency-Key: it contains a null byte.")
    scope = _idempotency_scope(api_key)
    endpoint = f"{parts[0]} {parts[1]}"
    try:
        replay = idempotency.begin(
            scope,
            key,
            idempotency.fingerprint(*parts),
            endpoint=endpoint[: idempotency.ENDPOINT_MAX],
        )
    except idempotency.IdempotencyConflict as conflict:
        if conflict.reason == "in_progress":
            raise errors.idempotency_error(
                KEY_IN_USE.format(key=key), status=409, code="idempotency_key_in_use"
            ) from None
        first = conflict.endpoint
        if first and first != endpoint[: idempotency.ENDPOINT_MAX]:
            message = OTHER_ENDPOINT.format(first=first, now=endpoint, key=key)
        else:
            message = MISMATCHED_KEY.format(key=key)
        raise errors.idempotency_error(message) from None
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
