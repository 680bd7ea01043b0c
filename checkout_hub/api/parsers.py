"""A JSON parser that refuses, the way PHP's json_decode does, what would break the hub.

WordPress reads a REST request's JSON body with `json_decode($body, true)` (default depth 512)
and answers `rest_invalid_json` "Invalid JSON body passed." with `data.json_error_code` and
`data.json_error_message` from `json_last_error()`/`json_last_error_msg()`. `BoundedJSONParser`
checks the body before Python's json module sees it, so a deep `[[[...]]]` can never reach
Python's recursion limit and a lone UTF-16 surrogate can never become a Python string that
PostgreSQL (or UTF-8 encoding) refuses later:

- nesting deeper than `max_depth` (512): JSON_ERROR_DEPTH, 1, "Maximum stack depth exceeded";
- a raw control character inside a string: JSON_ERROR_CTRL_CHAR, 3;
- bytes that are not UTF-8 (a raw, UTF-8-encoded surrogate included): JSON_ERROR_UTF8, 5;
- a `\\uD800`-style escape without its pair: JSON_ERROR_UTF16, 10;
- anything else json.loads refuses: JSON_ERROR_SYNTAX, 4, "Syntax error".

The depth check is one regular-expression pass over the bytes that steps over whole strings
(escapes included), so it needs no recursion and brackets inside strings do not count.
Integers stay Python ints, so an id beyond any column is still read as the number it is
(json_decode makes a float of anything past 64 bits, which WordPress then casts); only one
past Python's int-parsing digit limit becomes a float, as json_decode's INF, rather than a
ValueError.

A vendor's base view wires it with `parser_classes = [BoundedJSONParser, ...]`; its error
table reads `exc.json_error_code` and `exc.json_error_message` off the ParseError.
"""

from __future__ import annotations

import json
import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# PHP's json_last_error() codes and json_last_error_msg() texts.
JSON_ERROR_DEPTH = (1, "Maximum stack depth exceeded")
JSON_ERROR_CTRL_CHAR = (3, "Control character error, possibly incorrectly encoded")
JSON_ERROR_SYNTAX = (4, "Syntax error")
JSON_ERROR_UTF8 = (5, "Malformed UTF-8 characters, possibly incorrectly encoded")
JSON_ERROR_UTF16 = (10, "Single unpaired UTF-16 surrogate in unicode escape")

PHP_MAX_DEPTH = 512  # json_decode's default $depth

# A whole JSON string (any escape steps over its next byte), or one bracket.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]', re.DOTALL)
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_CONTROL = re.compile(rb"[\x00-\x1f]")


class JSONBodyError(ParseError):
    """A ParseError that also says what PHP's json_last_error() would have said."""

    def __init__(self, error: tuple[int, str], detail: str | None = None):
        self.json_error_code, self.json_error_message = error
        super().__init__(f"JSON parse error - {detail or self.json_error_message}")


def _lone_surrogate(string: bytes) -> bool:
    """Whether a JSON string token holds a \\uD800-\\uDFFF escape that is not a valid pair."""
    if b"\\u" not in string:
        return False
    pending_high_end = None  # where an unpaired high surrogate's escape ended
    for match in _ESCAPE.finditer(string):
        hexa = match.group(1)
        unit = int(hexa, 16) if hexa else None
        if pending_high_end is not None:
            if match.start() == pending_high_end and unit is not None and 0xDC00 <= unit <= 0xDFFF:
                pending_high_end = None
                continue
            return True
        if unit is None:
            continue
        if 0xD800 <= unit <= 0xDBFF:
            pending_high_end = match.end()
        elif 0xDC00 <= unit <= 0xDFFF:
            return True
    return pending_high_end is not None


def check(data: bytes, max_depth: int = PHP_MAX_DEPTH) -> None:
    """Raise JSONBodyError for what json_decode refuses before parsing: too deep, a raw
    control character in a string, an unpaired surrogate escape. No recursion."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        first = token[:1]
        if first == b'"':
            if _CONTROL.search(token):
                raise JSONBodyError(JSON_ERROR_CTRL_CHAR)
            if _lone_surrogate(token):
                raise JSONBodyError(JSON_ERROR_UTF16)
        elif first in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise JSONBodyError(JSON_ERROR_DEPTH)
        else:
            depth -= 1


def _int(text: str):
    """An integer; one too long for Python's int() (4,300 digits) is the float json_decode
    makes of it, instead of a ValueError."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def loads(data: bytes, max_depth: int = PHP_MAX_DEPTH):
    """Decode a JSON body as json_decode would, or raise JSONBodyError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JSONBodyError(JSON_ERROR_UTF8, str(exc)) from None
    if text.startswith("\ufeff"):
        raise JSONBodyError(JSON_ERROR_SYNTAX)  # PHP does not skip a byte-order mark
    check(data, max_depth)
    try:
        return json.loads(text, parse_int=_int, parse_constant=_no_constant)
    except RecursionError:  # a lower recursion limit than PHP's depth: still "too deep"
        raise JSONBodyError(JSON_ERROR_DEPTH) from None
    except ValueError as exc:
        raise JSONBodyError(JSON_ERROR_SYNTAX, str(exc)) from None


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser with json_decode's limits (see the module docstring)."""

    max_depth = PHP_MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        data = stream.read() if stream is not None else b""
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            try:
                data = data.decode(encoding).encode("utf-8", "surrogatepass")
            except (LookupError, UnicodeError) as exc:
                raise JSONBodyError(JSON_ERROR_UTF8, str(exc)) from None
        return loads(data, self.max_depth)
