"""WordPress's request parameters, for every WordPress plugin the hub emulates: how a REST
route reads its query string and body (`read_params`), and the serializer fields that validate
a route's registered args as rest_validate_value_from_schema does, with WordPress's wording and
codes (`rest_invalid_type`, `rest_out_of_bounds`, `rest_not_in_enum`, `rest_invalid_date`).
Each vendor renders a field's error in its own envelope (the Store API: `rest_invalid_param`).
"""

from __future__ import annotations

import re

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from checkout_hub import clock
from checkout_hub.services.cart import MAX_ID

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\]]*\])*)")


def read_params(request) -> dict:
    """Query string and body as WordPress sees them: `a[]=1&a[]=2` and `a[0]=1` make lists, a
    repeated plain key keeps its last value, and the body wins. A body that is not an object
    is a ParseError (the vendor renders it as its invalid-JSON error)."""
    data: dict = {}
    for key, values in request.query_params.lists():
        match = _KEY.fullmatch(key)
        if not match:
            continue
        name, brackets = match.groups()
        if brackets:
            current = data.get(name)
            data[name] = (current if isinstance(current, list) else []) + list(values)
        else:
            data[name] = values[-1]
    body = request.data
    if hasattr(body, "dict"):
        body = body.dict()
    if isinstance(body, dict):
        data.update(body)
    elif body:
        raise ParseError("The request body is not a JSON object.")
    return data


# --- WordPress's parameter validation (rest_validate_value_from_schema) --------------------
def wp_list(items: list[str]) -> str:
    """wp_sprintf's %l: "a", "a and b", "a, b, and c"."""
    items = [str(i) for i in items]
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def parse_list(value) -> list[str]:
    """wp_parse_list: an array as is, a string split on commas and whitespace."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [part for part in re.split(r"[\s,]+", str(value)) if part]


def absint(value) -> int:
    """PHP's absint(intval()): leading digits of the string, made non-negative."""
    match = re.match(r"\s*[-+]?(\d+)", str(value))
    return int(match.group(1)) if match else 0


def invalid(message: str, code: str) -> serializers.ValidationError:
    return serializers.ValidationError(message, code=code)


class WPIntegerField(serializers.IntegerField):
    """rest_validate_value_from_schema for an integer with optional bounds, then absint."""

    def to_internal_value(self, data):
        name = self.field_name
        if isinstance(data, bool) or not re.fullmatch(r"\s*-?\d+(\.0*)?\s*", str(data)):
            raise invalid(f"{name} is not of type integer.", "rest_invalid_type")
        value = int(float(str(data)))
        low, high = self.min_value, self.max_value
        if low is not None and high is not None and not low <= value <= high:
            raise invalid(
                f"{name} must be between {low} (inclusive) and {high} (inclusive)",
                "rest_out_of_bounds",
            )
        if low is not None and value < low:
            raise invalid(f"{name} must be greater than or equal to {low}", "rest_out_of_bounds")
        return abs(value)


class WPBooleanField(serializers.BooleanField):
    """rest_is_boolean, then wc_string_to_bool."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if str(data).lower() not in ("true", "false", "1", "0"):
            raise invalid(f"{self.field_name} is not of type boolean.", "rest_invalid_type")
        return str(data).lower() in ("true", "1")


class WPChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise invalid(f"{self.field_name} is not of type string.", "rest_invalid_type")
        if data not in self.choices:
            raise invalid(
                f"{self.field_name} is not one of {wp_list(list(self.choices))}.",
                "rest_not_in_enum",
            )
        return data


class WPStringField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str | int | float) or isinstance(data, bool):
            raise invalid(f"{self.field_name} is not of type string.", "rest_invalid_type")
        return str(data).strip()


class WPDateTimeField(WPStringField):
    """format: date-time (rest_parse_date accepts a date-time or a bare date)."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        parsed = parse_datetime(text)
        if parsed is None and (day := parse_date(text)) is not None:
            parsed = parse_datetime(f"{day.isoformat()}T00:00:00")
        if parsed is None:
            raise invalid("Invalid date.", "rest_invalid_date")
        if parsed.tzinfo is None:  # the site's time zone is UTC
            parsed = parsed.replace(tzinfo=clock.now().tzinfo)
        return parsed


class IdListField(serializers.ListField):
    """wp_parse_id_list: never an error; anything that is not a number becomes 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.IntegerField(), **kwargs)

    def to_internal_value(self, data):
        # An id no database column can hold matches nothing; dropping it avoids an overflow.
        return list(dict.fromkeys(i for i in map(absint, parse_list(data)) if i < MAX_ID))


class StringListField(serializers.ListField):
    """wp_parse_list, with each item checked against `enum` (stock_status[0] is not one…)."""

    def __init__(self, enum: tuple[str, ...] | None = None, **kwargs):
        self.enum = enum
        kwargs.setdefault("required", False)
        child = serializers.ChoiceField(choices=enum) if enum else serializers.CharField()
        super().__init__(child=child, **kwargs)

    def to_internal_value(self, data):
        items = parse_list(data)
        for i, item in enumerate(items):
            if self.enum and item not in self.enum:
                raise invalid(
                    f"{self.field_name}[{i}] is not one of {wp_list(list(self.enum))}.",
                    "rest_not_in_enum",
                )
        return items


# --- PHP's nested parameters (parse_str), for plugins that read them --------------------------
_PHP_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")


def _php_listify(value):
    """PHP arrays keyed 0..n-1 are lists on the wire (json_encode)."""
    if isinstance(value, dict):
        value = {k: _php_listify(v) for k, v in value.items()}
        if value and list(value) == [str(i) for i in range(len(value))]:
            return list(value.values())
    return value


def php_params(pairs) -> dict:
    """PHP's parse_str of (key, value) pairs: `a[b][c]=1` is {"a": {"b": {"c": "1"}}},
    `a[]=1&a[]=2` ["1", "2"], `a[0]=x` ["x"]; a repeated plain key keeps its last value. A
    key that is neither (`a]b`) is dropped, as PHP mangles it."""
    data: dict = {}
    for key, value in pairs:
        match = _PHP_KEY.fullmatch(str(key))
        if not match:
            continue
        name, brackets = match.groups()
        parts = re.findall(r"\[([^\[\]]*)\]", brackets)
        node, slot = data, name
        for part in parts:
            child = node.get(slot) if isinstance(node.get(slot), dict) else None
            if child is None:
                child = {}
                node[slot] = child
            node, slot = child, part if part != "" else str(len(child))
        node[slot] = value
    return {k: _php_listify(v) for k, v in data.items()}


def read_nested_params(request) -> dict:
    """`read_params` with PHP's nesting: query string and form bodies are parse_str'd
    (`variation[attribute_pa_color]=Blue` is an object), and a JSON body wins."""
    data = php_params(
        (key, value) for key, values in request.query_params.lists() for value in values
    )
    body = request.data
    if hasattr(body, "lists"):
        data.update(php_params((k, v) for k, vs in body.lists() for v in vs))
    elif isinstance(body, dict):
        data.update(body)
    elif body:
        raise ParseError("The request body is not a JSON object.")
    return data
