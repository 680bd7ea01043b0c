"""The request journal: one RequestLog row per API request, secrets redacted, rows capped.

Redaction happens before anything is written: credential headers (Authorization, Nonce,
X-WP-Nonce, X-Signature, cookies, cart tokens), body and query keys that name a password,
secret, nonce, signature or card detail, and any run of digits shaped like a card number
(13-19 digits passing the Luhn check), wherever it appears.

Writing costs one INSERT; every PRUNE_EVERY rows, one DELETE trims the table back to
settings.HUB_JOURNAL_MAX_ROWS.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import DatabaseError

from checkout_hub.models import RequestLog, Vendor

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
PRUNE_EVERY = 100

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
    r"|cvc|cvv|card_?number|cardnumber|card\]?\[number|exp_(month|year)$",
    re.IGNORECASE,
)
CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")

# Path prefixes -> vendor, for requests no vendor view tagged (404s, parse errors).
VENDOR_PREFIXES = (
    ("/wp-json/wc/store/", Vendor.WOO_STORE),
    ("/wp-json/cocart/", Vendor.COCART),
    ("/wp-json/fluent-cart/", Vendor.FLUENTCART),
    ("/wp-json/headlesswp/", Vendor.HWP_BRIDGE),
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


def is_secret_key(key: str) -> bool:
    return bool(SECRET_KEY_PATTERN.search(str(key)))


def redact_data(value):
    """A copy of parsed JSON with secret keys and card numbers masked."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if is_secret_key(k) and v not in (None, "") else redact_data(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_data(v) for v in value]
    if isinstance(value, str):
        return mask_card_numbers(value)
    return value


def redact_headers(headers) -> dict:
    return {
        k: (REDACTED if k.lower() in SECRET_HEADERS else mask_card_numbers(str(v)))
        for k, v in headers.items()
    }


def redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return mask_card_numbers(
        urlencode([(k, REDACTED if is_secret_key(k) else v) for k, v in pairs])
    )


def redact_body(raw: bytes | str, content_type: str = "") -> str:
    """Text of a request or response body, redacted and cut to the configured size."""
    if not raw:
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    content_type = content_type.lower()
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            text = json.dumps(redact_data(json.loads(text)), ensure_ascii=False)
        except ValueError:
            text = mask_card_numbers(text)
    elif "x-www-form-urlencoded" in content_type:
        text = redact_query(text)
    elif "multipart/" in content_type:
        text = "[multipart body not kept]"
    else:
        text = mask_card_numbers(text)
    limit = settings.HUB_JOURNAL_MAX_BODY_BYTES
    if len(text) > limit:
        text = text[:limit] + f"... [{len(text) - limit} more characters]"
    return text


# --- writing ---
def record(**fields) -> RequestLog | None:
    """Insert one journal row (fields already redacted) and prune now and then."""
    try:
        row = RequestLog.objects.create(**fields)
    except DatabaseError:
        log.warning("request journal write failed", exc_info=True)
        return None
    if row.pk % PRUNE_EVERY == 0:
        prune()
    return row


def prune(max_rows: int | None = None) -> int:
    """Delete all but the newest `max_rows` rows; returns how many went."""
    max_rows = settings.HUB_JOURNAL_MAX_ROWS if max_rows is None else max_rows
    newest = RequestLog.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    deleted, _ = RequestLog.objects.filter(id__lte=newest - max_rows).delete()
    return deleted
