"""Renderers every vendor view shares: JSON, and DRF's browsable API for QA in a browser."""

from __future__ import annotations

import orjson
from django.conf import settings
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# What orjson hands to `default` instead of writing itself: DRF's encoder writes these.
ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# orjson writes floats below 1e-4 as 0.0000… and one-digit negative exponents as e-7; Python's
# json writes 1e-05 and e-07. Output holding either is rendered by DRF instead.


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer, byte for byte, written by orjson (about 8 times faster on a cart).

    orjson writes what Python's json writes for the compact, non-ASCII-escaping, strict output
    DRF makes by default, except in cases this renderer hands to DRF's own `render`: an indent
    asked for in the Accept header, a type orjson refuses (non-string keys, integers over 64 bits,
    lone surrogates), or float forms orjson spells differently (below 1e-4). Dates, times and
    everything else orjson does not know go through DRF's JSONEncoder.default, as with DRF.
    U+2028 and U+2029 are escaped, as DRF escapes them for JavaScript. With
    HUB_JSON_RENDER_CHECK on (the test suite), every reply is also rendered by DRF and compared.
    One difference is kept: a NaN float is written as null where DRF's strict JSON would raise.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        drf_defaults = (
            self.encoder_class is JSONEncoder
            and not self.ensure_ascii
            and self.compact
            and self.get_indent(accepted_media_type, renderer_context or {}) is None
        )
        fast = _orjson(data) if drf_defaults and data is not None else None
        if fast is None:
            return super().render(data, accepted_media_type, renderer_context)
        if settings.HUB_JSON_RENDER_CHECK:
            slow = super().render(data, accepted_media_type, renderer_context)
            assert fast == slow, f"orjson and DRF differ:\n{fast[:2000]!r}\n{slow[:2000]!r}"
        return fast


def _orjson(data) -> bytes | None:
    try:
        out = orjson.dumps(data, default=_drf_default, option=ORJSON_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return None  # DRF's render gives the reply, or its own error
    # One-byte searches first (memchr): the longer ones cost more on a large reply.
    if (b"." in out and b"0.0000" in out) or (b"e-" in out and _short_negative_exponent(out)):
        return None  # a float orjson may spell differently
    if b"\xe2" in out and (b"\xe2\x80\xa8" in out or b"\xe2\x80\xa9" in out):
        out = out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return out


_drf_default = JSONEncoder().default
DIGITS = frozenset(b"0123456789")


def _short_negative_exponent(out: bytes) -> bool:
    """A number like 4.3e-7 in `out` (Python writes 4.3e-07); "e-" in text is passed over."""
    at = out.find(b"e-")
    while at != -1:
        if (
            at > 0
            and out[at - 1] in DIGITS
            and at + 2 < len(out)
            and out[at + 2] in DIGITS
            and (at + 3 == len(out) or out[at + 3] not in DIGITS)
        ):
            return True
        at = out.find(b"e-", at + 2)
    return False


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, for views with or without a request serializer. A view sets
    `browsable_forms = "raw"` when its bodies are nested JSON that DRF's HTML forms cannot
    express (its raw JSON form stays)."""

    def get_rendered_html_form(self, data, view, method, request):
        if getattr(view, "browsable_forms", "html") == "raw" and method in ("POST", "PUT", "PATCH"):
            return None
        if getattr(view, "serializer_class", None) is None:
            return None
        return super().get_rendered_html_form(data, view, method, request)

    def get_raw_data_form(self, data, view, method, request):
        if getattr(view, "serializer_class", None) is None:
            return None  # no request body to describe (no-route, GET-only views)
        return super().get_raw_data_form(data, view, method, request)
