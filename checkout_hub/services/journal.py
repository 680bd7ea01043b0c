"""The request journal: one RequestLog row per API request, secrets redacted, rows capped.

Redaction happens before anything is written, at any depth (batch sub-requests and their
replies included; the walk is iterative, so no body is too deep for it):

- header names and body, query or form keys naming a credential: Authorization, Nonce,
  X-WP-Nonce, X-Signature, cookies, Cart-Token (`cartToken`, `cart_token`), API keys, and any key
  naming a password, secret (`client_secret`), nonce, signature or card detail;
- anywhere in any text (URLs, messages, bodies that are not JSON): runs of digits shaped like a
  card number (13-19 digits passing the Luhn check), Stripe secret and restricted keys
  (`sk_test_…`, `rk_live_…`), client secrets (`pi_…_secret_…`), JSON Web Tokens (the Store API's
  Cart-Token), `Bearer`/`Basic` credentials, and secret-named query parameters inside URLs
  (`?payment_intent_client_secret=…`).

The journal never fails a request and never drops a row for what a body holds: NUL and lone
surrogates (which PostgreSQL refuses) are kept as `\\u0000`-style escapes, a body that cannot be
redacted is kept as a placeholder saying why, and a row the database still refuses is written
again with placeholders. A failure is logged, never raised.

Writing costs one INSERT; every PRUNE_EVERY rows, one DELETE trims the table back to
settings.HUB_JOURNAL_MAX_ROWS.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import connection

from checkout_hub.api import parsers
from checkout_hub.models import RequestLog, Vendor

from . import text as text_service

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
PRUNE_EVERY = 100
# JSON nested deeper than this is redacted as text (json's encoder and decoder recurse).
MAX_PARSED_DEPTH = 200

SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "nonce",
    "x-wp-nonce",
    "x-wc-store-api-nonce",
    "x-signature",
    "stripe-signature",
    "cookie",
    "set-cookie",
    "cart-token",
    "x-api-key",
}
SECRET_KEY_PATTERN = re.compile(
    r"pass(word|wd)?$|password|secret|nonce|signature|authorization|api[_-]?key|private[_-]?key"
    r"|cart[_-]?token|^(set-)?cookie$"
    r"|cvc|cvv|card_?number|cardnumber|card\]?\[number|exp_(month|year)$",
    re.IGNORECASE,
)
CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Secrets recognisable by their shape wherever they appear in text.
SECRET_SHAPES = re.compile(
    r"\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+"  # Stripe secret and restricted keys
    r"|\b[a-z]{2,5}_[A-Za-z0-9]+_secret_[A-Za-z0-9]+"  # client secrets: pi_…_secret_…
    r"|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"  # JSON Web Tokens (Cart-Token)
    r"|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+",  # Authorization credentials
)
# A query parameter inside a URL in text: its value goes when its name is secret.
URL_PARAM = re.compile(r"(?<=[?&;])([A-Za-z0-9_.%\[\]-]+)=([^&#\s\"'<>]*)")
# A "key": "string" or "key": number pair in JSON kept as text (too deep or not valid).
JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)')

# Path prefixes -> vendor, for requests no vendor view tagged (404s, parse errors).
VENDOR_PREFIXES = (
    ("/wp-json/wc/store/", Vendor.WOO_STORE),
    ("/wp-json/cocart/", Vendor.COCART),
    ("/wp-json/fluent-cart/", Vendor.FLUENTCART),
    ("/wp-json/headlesswp/", Vendor.HWP_BRIDGE),
    ("/wp-admin/admin-ajax.php", Vendor.FLUENTCART),  # the FluentCart storefront's cart
    ("/v1/", Vendor.PANCAKE),
    ("/stripe/", Vendor.STRIPE),
    ("/__hub/", Vendor.HUB),
)
JOURNALED_PREFIXES = tuple(prefix for prefix, _ in VENDOR_PREFIXES) + ("/wp-json/",)


def vendor_for_path(path: str) -> str:
    for prefix, vendor in VENDOR_PREFIXES:
        if path.startswith(prefix):
            return vendor
    return ""


def is_journaled(path: str) -> bool:
    return path.startswith(JOURNALED_PREFIXES)


# --- redaction ---
def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    def replace(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return REDACTED if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group()

    return CARD_CANDIDATE.sub(replace, text)


def mask_text(text: str) -> str:
    """`text` with every secret recognisable by its shape masked (see the module docstring)."""
    text = mask_card_numbers(text)
    text = SECRET_SHAPES.sub(REDACTED, text)
    if "=" in text:
        text = URL_PARAM.sub(
            lambda m: f"{m.group(1)}={REDACTED}" if is_secret_key(m.group(1)) else m.group(), text
        )
    return text


def is_secret_key(key) -> bool:
    key = str(key)
    return key.lower() in SECRET_HEADERS or bool(SECRET_KEY_PATTERN.search(key))


def redact_data(value):
    """A copy of parsed JSON with secret keys and secret-shaped text masked, at any depth."""
    root: list = [None]
    stack = [(value, root, 0)]
    while stack:
        item, parent, slot = stack.pop()
        if isinstance(item, dict):
            copy: dict = {}
            parent[slot] = copy
            for key, child in item.items():
                if is_secret_key(key) and child not in (None, ""):
                    copy[key] = REDACTED
                else:
                    copy[key] = None
                    stack.append((child, copy, key))
        elif isinstance(item, list):
            items: list = [None] * len(item)
            parent[slot] = items
            stack.extend((child, items, i) for i, child in enumerate(item))
        elif isinstance(item, str):
            parent[slot] = mask_text(item)
        elif isinstance(item, int) and not isinstance(item, bool) and _card_like(item):
            parent[slot] = REDACTED  # a card number sent as a JSON number
        else:
            parent[slot] = item
    return root[0]


def _card_like(number: int) -> bool:
    digits = str(abs(number))
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


def mask_json_text(text: str) -> str:
    """JSON kept as text: secret-named pairs' values and secret-shaped text masked."""

    def pair(match: re.Match) -> str:
        if is_secret_key(match.group(1)):
            return f'"{match.group(1)}"{match.group(2)}"{REDACTED}"'
        return match.group()

    return mask_text(JSON_PAIR.sub(pair, text))


def redact_headers(headers) -> dict:
    return {
        text_service.storable(str(k)): (
            REDACTED if is_secret_key(k) else text_service.storable(mask_text(str(v)))
        )
        for k, v in headers.items()
    }


def redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return text_service.storable(
        mask_text(urlencode([(k, REDACTED if is_secret_key(k) else v) for k, v in pairs]))
    )


def _too_deep(text: str) -> bool:
    try:
        parsers.check(text.encode("utf-8", "surrogatepass"), MAX_PARSED_DEPTH)
    except parsers.JSONBodyError as exc:
        return exc.json_error_code == parsers.JSON_ERROR_DEPTH[0]
    return False


def _redact_json(text: str) -> str:
    if _too_deep(text):
        return mask_json_text(text)
    try:
        return json.dumps(redact_data(json.loads(text)), ensure_ascii=False)
    except (ValueError, RecursionError):
        return mask_json_text(text)


def redact_body(raw: bytes | str, content_type: str = "") -> str:
    """Text of a request or response body, redacted, storable and cut to the configured size.
    Never raises: a body that cannot be redacted is a placeholder saying why."""
    if not raw:
        return ""
    try:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        content_type = content_type.lower()
        if "json" in content_type or text.lstrip()[:1] in ("{", "["):
            text = _redact_json(text)
        elif "x-www-form-urlencoded" in content_type:
            text = redact_query(text)
        elif "multipart/" in content_type:
            text = "[multipart body not kept]"
        else:
            text = mask_text(text)
        text = text_service.storable(text)
    except Exception as exc:  # the journal must not fail the request
        log.warning("request journal could not redact a body", exc_info=True)
        return f"[body not kept: redaction failed ({type(exc).__name__})]"
    limit = settings.HUB_JOURNAL_MAX_BODY_BYTES
    if len(text) > limit:
        text = text[:limit] + f"... [{len(text) - limit} more characters]"
    return text


# --- writing ---
def record(**fields) -> RequestLog | None:
    """Insert one journal row (fields already redacted) and prune now and then. Never raises:
    a row the database refuses is written again with placeholders for what a client sent."""
    try:
        row = _insert(fields)
    except Exception:
        log.warning("request journal write failed", exc_info=True)
        if connection.in_atomic_block:  # PostgreSQL refuses more in a failed transaction
            return None
        try:
            row = _insert({**fields, **_placeholders("the database refused it")})
        except Exception:
            log.warning("request journal write failed again with placeholders", exc_info=True)
            return None
    try:
        if row.pk % PRUNE_EVERY == 0:
            prune()
    except Exception:
        log.warning("request journal prune failed", exc_info=True)
    return row


def _insert(fields: dict) -> RequestLog:
    for name in ("path", "query", "correlation_id", "scenario", "request_body", "response_body"):
        if isinstance(fields.get(name), str):
            value = text_service.storable(fields[name])
            limit = RequestLog._meta.get_field(name).max_length
            fields[name] = value[:limit] if limit else value
    return RequestLog.objects.create(**fields)


def _placeholders(reason: str) -> dict:
    kept = f"[not kept: {reason}]"
    return {
        "query": "",
        "request_headers": {},
        "request_body": kept,
        "response_headers": {},
        "response_body": kept,
        "scenario": "",
    }


def prune(max_rows: int | None = None) -> int:
    """Delete all but the newest `max_rows` rows; returns how many went."""
    max_rows = settings.HUB_JOURNAL_MAX_ROWS if max_rows is None else max_rows
    newest = RequestLog.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    deleted, _ = RequestLog.objects.filter(id__lte=newest - max_rows).delete()
    return deleted
