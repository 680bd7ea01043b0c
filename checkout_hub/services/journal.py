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

Writing is off the request's path: the middleware hands an `Entry` (what was sent and
answered, not yet redacted) to `submit`, and one writer thread per process redacts and inserts
entries in batches (one transaction and one INSERT per batch, within
settings.HUB_JOURNAL_LINGER_SECONDS of the reply).
`flush()` waits for what this process has queued (readers call it), and the queue is drained on
a clean exit (atexit), so no row is lost when the server stops. `HUB_JOURNAL_WRITE=inline`
writes each row before the reply instead (the test suite does, so a test reads its row at once).
Every PRUNE_EVERY rows, one DELETE trims the table back to settings.HUB_JOURNAL_MAX_ROWS.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import logging
import operator
import os
import queue
import re
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db.models import DateTimeField, GenericIPAddressField, JSONField
from django.http.request import HttpHeaders

from checkout_hub import clock
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


# Every secret shape above contains one of these: text without any is left as it is, unsearched
# (most of a reply's strings: names, currencies, prices, slugs, timestamps, cart keys). A card
# candidate has 13 digits or more; when any four digits sent text through, every timestamp and hex
# key in a reply's headers went through all the masks.
MAYBE_SECRET = re.compile(r"(?:\d[ -]?){12}\d|_(?:test|live)_|_secret_|eyJ|Bearer|Basic|=")


def mask_text(text: str) -> str:
    """`text` with every secret recognisable by its shape masked (see the module docstring)."""
    if len(text) <= 512:
        return _mask_short(text)
    return _mask(text)


@functools.lru_cache(maxsize=8192)
def _mask_short(text: str) -> str:
    return _mask(text)  # a reply's strings repeat (currency fields, statuses, prices)


def _mask(text: str) -> str:
    if not MAYBE_SECRET.search(text):
        return text
    text = mask_card_numbers(text)
    text = SECRET_SHAPES.sub(REDACTED, text)
    if "=" in text:
        text = URL_PARAM.sub(
            lambda m: f"{m.group(1)}={REDACTED}" if is_secret_key(m.group(1)) else m.group(), text
        )
    return text


def is_secret_key(key) -> bool:
    return _secret_name(key if isinstance(key, str) else str(key))


@functools.lru_cache(maxsize=4096)
def _secret_name(key: str) -> bool:
    return key.lower() in SECRET_HEADERS or bool(SECRET_KEY_PATTERN.search(key))


class TooDeep(ValueError):
    """Parsed JSON nested deeper than `redact_data` was asked to walk."""


def redact_data(value, max_depth: int | None = None):
    """A copy of parsed JSON with secret keys and secret-shaped text masked, at any depth
    (or up to `max_depth` levels: deeper raises TooDeep)."""
    root: list = [None]
    stack = [(value, root, 0, 0)]
    while stack:
        item, parent, slot, depth = stack.pop()
        if isinstance(item, dict | list) and max_depth is not None and depth >= max_depth:
            raise TooDeep(depth)
        if isinstance(item, dict):
            copy: dict = {}
            parent[slot] = copy
            for key, child in item.items():
                # true, false and null hide nothing ("is_password_protected": false stays).
                if is_secret_key(key) and child not in (None, "") and type(child) is not bool:
                    copy[key] = REDACTED
                else:
                    copy[key] = None
                    stack.append((child, copy, key, depth + 1))
        elif isinstance(item, list):
            items: list = [None] * len(item)
            parent[slot] = items
            stack.extend((child, items, i, depth + 1) for i, child in enumerate(item))
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
    """A mapping of headers, or (name, value) pairs, redacted."""
    items = tuple(headers.items() if isinstance(headers, Mapping) else headers)
    try:
        return dict(_redacted_headers(items))
    except TypeError:  # a value that cannot be hashed
        return dict(_redacted_header(str(k), str(v)) for k, v in items)


def request_header_items(meta: Mapping) -> tuple[tuple[str, str], ...]:
    """A request's headers as `request.headers` names them (`Cart-Token`, `Content-Type`), as
    pairs: building `HttpHeaders` parsed every key of the environ on every request. A client
    sends the same headers request after request, so which keys are headers, and their names,
    are worked out once per set of keys; the values are then taken in one step."""
    names, pick = _header_keys(tuple(meta))
    return tuple(zip(names, pick(meta), strict=True)) if names else ()


@functools.lru_cache(maxsize=256)  # sets of keys the clients chose: bounded
def _header_keys(keys: tuple) -> tuple[tuple[str, ...], object]:
    pairs = [(key, name) for key in keys if (name := HttpHeaders.parse_header_name(key))]
    if not pairs:
        return (), None
    names = tuple(name for _, name in pairs)
    if len(pairs) == 1:  # itemgetter of one key returns the value, not a tuple of one
        key = pairs[0][0]
        return names, lambda meta: (meta[key],)
    return names, operator.itemgetter(*(key for key, _ in pairs))


def response_header_items(response) -> tuple[tuple[str, str], ...]:
    """A reply's headers as set, as pairs (a copy: outer middleware may still add some).
    Read from ResponseHeaders' store of (name, value) by lower-cased name: `dict(headers)`
    went through the mapping's __iter__ and __getitem__ for each one."""
    return tuple(response.headers._store.values())


@functools.lru_cache(maxsize=1024)
def _redacted_headers(items: tuple) -> tuple:
    # A client sends the same headers request after request (a token, its user agent, Accept).
    return tuple(_redacted_header(str(k), str(v)) for k, v in items)


@functools.lru_cache(maxsize=4096)
def _redacted_header(name: str, value: str) -> tuple[str, str]:
    # Most headers repeat from request to request (Host, Accept, Content-Type, Vary, ...).
    if is_secret_key(name):
        return text_service.storable(name), REDACTED
    return text_service.storable(name), text_service.storable(mask_text(value))


def redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return text_service.storable(
        mask_text(urlencode([(k, REDACTED if is_secret_key(k) else v) for k, v in pairs]))
    )


# Every secret-named key contains one of these words (SECRET_HEADERS and SECRET_KEY_PATTERN).
SECRET_WORDS = (
    "pass", "secret", "nonce", "signature", "authorization", "api", "private", "token",
    "cookie", "cvc", "cvv", "card", "exp_",
)  # fmt: skip
# Every secret shape contains one of these, or a card number candidate: 13 digits or more with
# at most one space or dash between two (with every digit written as 0, a match of CARD_RUN).
# Only a text that still has 13 zeros in a row once every space and dash is taken out can hold
# one, and only such a text is searched with CARD_RUN (the regex tried every zero of a reply's
# prices and dates: 200 us for the Store API's product list).
CREDENTIAL_WORDS = ("Bearer", "Basic")
SECRET_MARKS = ("_test_", "_live_", "_secret_", "eyJ", *CREDENTIAL_WORDS)
# The screen works on the text's UTF-8 bytes: bytes.translate is one table lookup per byte, where
# str.translate of a text holding any non-ASCII character ("€", "×") went through a dict per
# character (100 us for a 2 KB CoCart reply). A multi-byte character has no ASCII byte in it.
DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
CARD_RUN = re.compile(rb"0(?:[ -]?0){12}")


# What follows a JSON key whose value is true, false or null, and the characters such a key may
# hold to count: no quote or backslash, so the key found around a word cannot start or end
# inside a string.
LITERAL_AFTER = re.compile(rb'"\s*:\s*(?:true|false|null)\b')
PLAIN_KEY = re.compile(rb"[a-z0-9_-]*")
# The screen searches the text's UTF-8, which the card check needs anyway (bytes.translate):
# ASCII words and marks are found there exactly where they are in the text.
SECRET_WORD_BYTES = tuple(word.encode() for word in SECRET_WORDS)
SECRET_MARK_BYTES = tuple(mark.encode() for mark in SECRET_MARKS if mark not in CREDENTIAL_WORDS)
# A credential's scheme counts only where whitespace could follow it (SECRET_SHAPES wants
# "Basic" and then \s): "Basics" (the demo store's brand "Hub Basics") or "BasicAuth" cannot
# start one, and sent every product list naming the brand through the walk.
CREDENTIAL_MARK = re.compile(rb"(?:Bearer|Basic)(?![A-Za-z0-9_])")


def _only_in_literal_keys(lowered: bytes, word: bytes) -> bool:
    """Every occurrence of `word` is inside a plain key whose value is a literal: nothing to
    redact there, whatever the key's name (the Store API's products carry
    "is_password_protected": false)."""
    at = lowered.find(word)
    while at != -1:
        start = lowered.rfind(b'"', 0, at)
        end = lowered.find(b'"', at + len(word))
        if (
            start == -1
            or end == -1
            or not PLAIN_KEY.fullmatch(lowered, start + 1, end)
            or not LITERAL_AFTER.match(lowered, end)
        ):
            return False
        at = lowered.find(word, end)
    return True


def _nothing_to_redact(text: str) -> bool:
    """True when a JSON text cannot hold anything redaction would change: no word a secret
    key contains (but in keys whose value is a literal), no mark a secret shape contains, no
    \\u escape (which could spell either). Most replies (carts, products) pass, and are kept
    as sent without being parsed and walked. Its UTF-8 is searched: ASCII words and marks are
    found there exactly where they are in the text (a multi-byte character has no ASCII byte)."""
    raw = text.encode("utf-8", "surrogatepass")
    if b"\\u" in raw:
        return False
    # str.lower of a few non-ASCII letters is ASCII (the Kelvin sign's is "k"): lowered as text.
    lowered = raw.lower() if text.isascii() else text.lower().encode("utf-8", "surrogatepass")
    found = [word for word in SECRET_WORD_BYTES if word in lowered]
    if found and not all(_only_in_literal_keys(lowered, word) for word in found):
        return False
    if any(mark in raw for mark in SECRET_MARK_BYTES) or CREDENTIAL_MARK.search(raw):
        return False
    zeroed = raw.translate(DIGITS_AS_ZERO)
    if b"0" * 13 not in zeroed.replace(b" ", b"").replace(b"-", b""):
        return True
    return not CARD_RUN.search(zeroed)


# Replies repeat (a storefront polls its cart, a suite lists the same products): the verdict on
# a reply seen before costs a hash of it instead of a scan. At most 64 texts of up to 64 KB.
_clean_before = functools.lru_cache(maxsize=64)(_nothing_to_redact)
SCREEN_CACHE_MAX_CHARS = 65536


def _redact_json(text: str) -> str:
    screen = _clean_before if len(text) <= SCREEN_CACHE_MAX_CHARS else _nothing_to_redact
    if screen(text):
        return text
    try:  # json's encoder recurses: what is deeper than MAX_PARSED_DEPTH is never encoded
        redacted = redact_data(json.loads(text), max_depth=MAX_PARSED_DEPTH)
        return json.dumps(redacted, ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or too deep (TooDeep): kept as text
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


# --- what a request leaves behind ---
@dataclass(slots=True)
class Entry:
    """One request and its reply as they were, before redaction."""

    vendor: str
    method: str
    path: str
    status: int
    duration_ms: float
    query: str = ""
    correlation_id: str = ""
    scenario: str = ""
    remote_addr: str | None = None
    request_headers: Mapping | tuple = field(default_factory=dict)  # or (name, value) pairs
    request_body: bytes | str = b""
    request_content_type: str = ""
    response_headers: Mapping | tuple = field(default_factory=dict)
    response_body: bytes | str = b""
    response_content_type: str = ""
    created_at: object = field(default_factory=clock.now)

    def row(self) -> dict:
        """The RequestLog fields, redacted."""
        return {
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path[:500],
            "query": redact_query(self.query),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "correlation_id": self.correlation_id,
            "scenario": self.scenario,
            "remote_addr": self.remote_addr or None,
            "request_headers": redact_headers(self.request_headers),
            "request_body": redact_body(self.request_body, self.request_content_type),
            "response_headers": redact_headers(self.response_headers),
            "response_body": redact_body(self.response_body, self.response_content_type),
            "created_at": self.created_at,
        }


def submit(entry: Entry) -> None:
    """Journal a request: queued for the writer thread, or written now when
    HUB_JOURNAL_WRITE=inline. Never raises."""
    try:
        if settings.HUB_JOURNAL_WRITE == "inline":
            record(**entry.row())
        else:
            WRITER.put(entry)
    except Exception:
        log.exception("request journal failed on %s %s", entry.method, entry.path)


def flush(timeout: float = 5.0) -> bool:
    """Wait until this process's queued entries are written (readers call this first)."""
    return WRITER.flush(timeout)


class Writer:
    """One thread per process writing queued entries in batches: what has queued within
    settings.HUB_JOURNAL_LINGER_SECONDS of the first (up to BATCH rows), in one transaction."""

    BATCH = 200

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked worker starts its own
        atexit.register(self.close)

    def _reset(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._idle = threading.Condition()
        self._unwritten = 0

    def put(self, entry: Entry) -> None:
        with self._idle:
            self._unwritten += 1
        self._queue.put(entry)
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="hub-journal-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        try:
            self._write_until_closed()
        finally:
            connections.close_all()  # this thread's own connection goes with it

    def _write_until_closed(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = self._gather(batch)
            if not stop and len(batch) < self.BATCH:
                # Sleep through the linger instead of waking for each entry: on a busy single
                # core every wake-up is a thread switch the requests pay for.
                time.sleep(settings.HUB_JOURNAL_LINGER_SECONDS)
                stop = self._gather(batch)
            try:
                close_old_connections()
                write_batch(batch)
            finally:
                self._written(len(batch))
            if stop:
                return

    def _gather(self, batch: list) -> bool:
        """Add what is queued to `batch`, up to BATCH entries; True when close() was asked."""
        while len(batch) < self.BATCH:
            try:
                entry = self._queue.get_nowait()
            except queue.Empty:
                return False
            if entry is None:
                return True
            batch.append(entry)
        return False

    def _written(self, count: int) -> None:
        with self._idle:
            self._unwritten -= count
            if self._unwritten <= 0:
                self._idle.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._unwritten <= 0, timeout)

    def close(self) -> None:
        """Stop the thread after what is queued, or write it here if there is no thread."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(10)
            self._thread = None
        batch = []
        while True:
            try:
                entry = self._queue.get_nowait()
            except queue.Empty:
                break
            if entry is not None:
                batch.append(entry)
        if batch:
            write_batch(batch)
            self._written(len(batch))


def write_batch(entries: list[Entry]) -> None:
    """Redact and insert entries in one transaction; a batch the database refuses is written
    row by row instead (with placeholders where a row is still refused). Never raises."""
    global _since_prune
    rows = []
    for entry in entries:
        try:
            rows.append(_storable(entry.row()))
        except Exception:
            log.exception("request journal could not build a row for %s", entry.path)
    if not rows:
        return
    try:
        with transaction.atomic():
            _insert_many(rows)
            _since_prune += len(rows)
            if _since_prune >= PRUNE_EVERY:  # in the same transaction: one commit
                _since_prune = 0
                try:
                    with transaction.atomic():  # a savepoint: a failed prune keeps the rows
                        prune()
                except Exception:
                    log.warning("request journal prune failed", exc_info=True)
    except Exception:
        log.warning("request journal batch refused; writing its rows one by one", exc_info=True)
        for r in rows:
            record(**r)


# Rows this process has written in batches since it last pruned.
_since_prune = 0
COLUMNS = (
    "vendor", "method", "path", "query", "status", "duration_ms", "correlation_id", "scenario",
    "remote_addr", "request_headers", "request_body", "response_headers", "response_body",
    "created_at",
)  # fmt: skip
# The columns whose Python value is not what the database takes (JSON, datetime, address).
CONVERTED = {"remote_addr", "request_headers", "response_headers", "created_at"}


def _insert_many(rows: list[dict]) -> None:
    """One INSERT, run for every row (`executemany`): the ORM's bulk_create prepares each value
    of each row through its field, most of a batch's cost; here only the four columns that need
    it are prepared, by the same fields' own `get_db_prep_save` (or its shorter equivalent)."""
    connection = connections[DEFAULT_DB_ALIAS]  # this thread's, looked up once
    plan = _insert_plans.get(connection)
    if plan is None:
        plan = _insert_plans[connection] = _insert_plan(connection)
    sql, converted = plan
    params = []
    for row in rows:
        values = [row[name] for name in COLUMNS]
        for i, prepare in converted:
            values[i] = prepare(values[i])
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# connection -> (INSERT, column preparers), made once per connection (a thread's own).
_insert_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _insert_plan(connection) -> tuple[str, tuple]:
    fields = {name: RequestLog._meta.get_field(name) for name in COLUMNS}
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(RequestLog._meta.db_table),
        ", ".join(quote(fields[name].column) for name in COLUMNS),
        ", ".join(["%s"] * len(COLUMNS)),
    )
    converted = tuple(
        (i, _preparer(fields[name], connection))
        for i, name in enumerate(COLUMNS)
        if name in CONVERTED
    )
    return sql, converted


def _preparer(model_field, connection):
    """The field's get_db_prep_save for this connection, or on SQLite a shorter way to the same
    value for the three kinds of column a row converts (Django's steps around them, with their
    checks for expressions, were a third of a small row's insert): a JSON column without an
    encoder as JSON text, an aware datetime as the naive UTC text Django writes, an address
    that is not IPv6 as itself (anything else through the field). tests/hub/test_journal.py
    compares each with the field's own."""
    if connection.vendor != "sqlite":
        return lambda value: model_field.get_db_prep_save(value, connection)
    if isinstance(model_field, JSONField) and model_field.encoder is None:
        return _json_text
    if isinstance(model_field, DateTimeField) and settings.USE_TZ and connection.timezone is dt.UTC:
        return lambda value: _sqlite_utc_text(value, model_field, connection)
    if isinstance(model_field, GenericIPAddressField):
        return lambda value: _ip_text(value, model_field, connection)
    return lambda value: model_field.get_db_prep_save(value, connection)


def _json_text(value):
    if value is None:
        return None
    try:  # the same JSON as json.dumps, written compact (SQLite keeps JSON as text)
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value)


def _sqlite_utc_text(value, model_field, connection):
    if type(value) is dt.datetime and value.tzinfo is not None:
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        return value.isoformat(" ")[:-6]  # str() of the naive UTC time: without "+00:00"
    return model_field.get_db_prep_save(value, connection)


def _ip_text(value, model_field, connection):
    if type(value) is str and value and ":" not in value:
        return value  # not IPv6: GenericIPAddressField keeps it as given
    return model_field.get_db_prep_save(value, connection)


WRITER = Writer()


# --- writing one row ---
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
    return RequestLog.objects.create(**_storable(fields))


def _storable(fields: dict) -> dict:
    for name, limit in _text_limits():
        if isinstance(fields.get(name), str):
            value = text_service.storable(fields[name])
            fields[name] = value[:limit] if limit else value
    return fields


@functools.cache
def _text_limits() -> tuple[tuple[str, int | None], ...]:
    names = ("path", "query", "correlation_id", "scenario", "request_body", "response_body")
    return tuple((name, RequestLog._meta.get_field(name).max_length) for name in names)


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
    """Delete all but the newest `max_rows` rows (by id); returns how many went. One statement:
    the ORM's read of the newest id and its delete (a Collector, though nothing cascades from a
    row) cost more than the DELETE itself, once per PRUNE_EVERY rows."""
    max_rows = settings.HUB_JOURNAL_MAX_ROWS if max_rows is None else max_rows
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(RequestLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id <= (SELECT MAX(id) FROM {table}) - %s", [max_rows]
        )
        return max(cursor.rowcount, 0)
