"""Text the domain stores: what no database column can hold taken out, lengths bounded.

WordPress's `sanitize_text_field` (through PHP's `strip_tags`) drops NUL bytes from every
address, name and note field before WooCommerce saves it, and PHP strings never hold a lone
UTF-16 surrogate (json_decode refuses one). PostgreSQL refuses both in text and jsonb, so the
hub drops them the same way before a value reaches a row: `clean` for what the domain keeps,
`bounded` for a copy cut to a column's length, and `storable` for the journal, which must keep
what a client sent readable rather than drop it (it escapes the two instead).
"""

from __future__ import annotations

import re

# NUL and the surrogate code points (a Python str decoded from JSON can hold a lone one).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean(value) -> str:
    """A value as text with NUL and lone surrogates dropped (sanitize_text_field's NUL rule)."""
    text = "" if value is None else str(value)
    return UNSTORABLE.sub("", text) if UNSTORABLE.search(text) else text


def bounded(value, limit: int) -> str:
    """`clean(value)` cut to `limit` characters (a copy for a varchar column)."""
    return clean(value)[:limit]


def storable(text: str) -> str:
    """`text` with NUL and lone surrogates written as `\\u0000`-style escapes, so PostgreSQL
    text and jsonb accept it and a reader still sees what was sent."""
    if text.isascii() and "\x00" not in text:  # the common case, without a regex scan
        return text
    if not UNSTORABLE.search(text):
        return text
    return UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
