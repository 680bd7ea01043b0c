"""The orjson renderer writes DRF's JSONRenderer output byte for byte, or hands over to it."""

import datetime as dt
import uuid
from collections import OrderedDict
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer as DRFRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from checkout_hub.api import renderers
from checkout_hub.api.renderers import JSONRenderer

TRICKY = [
    {"small": 1e-05, "tiny": 4.3e-07, "negative": -0.00001234, "big": 1e16, "huge": 1e22},
    {"plain": [0.1, 1.5, 100.0, -0.0, 2.0**53, 5e-324, 1.7976931348623157e308]},
    {"text": "pre-order e-7 and 0.00001 as text", "line": "a\u2028b\u2029c", "nul": "a\x00b"},
    {"unicode": "Café ☃ 日本 €", "quote": 'say "hi" \\ back', "control": "\t\n\r\x1f\x7f"},
    {"when": dt.datetime(2026, 12, 1, 13, 0, 5, 123456, tzinfo=dt.UTC), "day": dt.date(2026, 1, 2)},
    {"at": dt.time(9, 30), "naive": dt.datetime(2026, 1, 1, 0, 0), "span": dt.timedelta(hours=2)},
    {"price": Decimal("18.00"), "id": uuid.UUID(int=7), "lazy": gettext_lazy("Cart")},
    ReturnDict([("a", 1), ("b", [1, 2])], serializer=None),
    OrderedDict(z=1, a=2),
    {1: "int key", 2.5: "float key", None: "none key"},
    {"big": 2**70, "negative big": -(2**65)},
    [(1, 2), {"set": "no"}, True, False, None],
    "just a string",
    12,
]


@pytest.mark.parametrize("data", TRICKY, ids=range(len(TRICKY)))
def test_tricky_values_render_as_drf_renders_them(data):
    assert JSONRenderer().render(data) == DRFRenderer().render(data)


def test_the_fast_path_is_taken_for_a_plain_reply():
    data = {"items": [{"name": "T-shirt", "prices": {"price": "1800"}}], "total": 3}
    assert renderers._orjson(data) == DRFRenderer().render(data)


def test_floats_orjson_spells_differently_go_to_drf():
    assert renderers._orjson({"a": 1e-05}) is None
    assert renderers._orjson({"a": 4.3e-07}) is None
    assert renderers._orjson({"a": "a pre-order e-7 note", "b": 1.5}) is not None


def test_an_indent_asked_for_is_drf_s():
    data = {"a": [1, 2]}
    media = "application/json; indent=4"
    assert JSONRenderer().render(data, media) == DRFRenderer().render(data, media)
    assert b"\n    " in JSONRenderer().render(data, media)


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_the_check_fails_a_reply_that_differs(settings, monkeypatch):
    settings.HUB_JSON_RENDER_CHECK = True
    monkeypatch.setattr(renderers, "_orjson", lambda data: b'{"wrong":true}')
    with pytest.raises(AssertionError):
        JSONRenderer().render({"right": True})


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_value_renders_as_drf_renders_it(data):
    try:
        expected = DRFRenderer().render(data)
    except UnicodeEncodeError:  # a lone surrogate: DRF cannot encode it either
        with pytest.raises(UnicodeEncodeError):
            JSONRenderer().render(data)
        return
    assert JSONRenderer().render(data) == expected
