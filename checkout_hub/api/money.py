"""Money rendering, one place per unit the vendors use. The domain holds integers in minor
units (`checkout_hub.services.money`); no adapter formats money by hand:

- minor-unit strings with WooCommerce's `currency_*` fields (Store API, CoCart):
  `MinorUnits`, `MoneyObject`, `currency_fields`, `raw_amount`;
- integer cents (FluentCart, Stripe): `cents` / `Cents`;
- decimal strings in major units ("29.00", Pancake; CoCart's totals): `decimal_string` /
  `DecimalString`, and `major_units` for a JSON number.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from checkout_hub.services import money

from . import representation

CURRENCY_KEYS = (
    "currency_code",
    "currency_symbol",
    "currency_minor_unit",
    "currency_decimal_separator",
    "currency_thousand_separator",
    "currency_prefix",
    "currency_suffix",
)
RAW_PRECISION = 6  # wc_get_rounding_precision()


@extend_schema_field(OpenApiTypes.STR)
class MinorUnits(serializers.Field):
    """An integer amount as WooCommerce's string of minor units; None stays null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else str(int(value))


@extend_schema_field(OpenApiTypes.STR)
class _CurrencyFact(serializers.Field):
    def __init__(self, attribute: str, **kwargs):
        self.attribute_name = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, _value):
        return getattr(money.currency(self.context.get("currency", "")), self.attribute_name)


@extend_schema_field(OpenApiTypes.INT)
class _CurrencyDigits(_CurrencyFact):
    pass


class MoneyObject(serializers.Serializer):
    """A set of amounts followed by the currency fields (and then `trailing` fields)."""

    currency_code = _CurrencyFact("code")
    currency_symbol = _CurrencyFact("symbol")
    currency_minor_unit = _CurrencyDigits("minor_unit")
    currency_decimal_separator = _CurrencyFact("decimal_separator")
    currency_thousand_separator = _CurrencyFact("thousand_separator")
    currency_prefix = _CurrencyFact("prefix")
    currency_suffix = _CurrencyFact("suffix")

    trailing: tuple[str, ...] = ()

    def to_representation(self, instance):
        """DRF's own loop (representation.fields_loop), except that the currency fields (most of
        a cart's fields) are read from one set of facts per currency instead of a field call
        each."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = representation.readable_plan(self)
        ret = {}
        facts = None
        for name, field, attrs in plan:
            if isinstance(field, _CurrencyFact):
                if facts is None:
                    facts = _currency_facts(self.context.get("currency", ""))
                ret[name] = facts[field.attribute_name]
                continue
            try:
                attribute = representation.attribute_for(field, attrs, instance)
            except SkipField:
                continue
            check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check is None else field.to_representation(attribute)
        return ret

    def get_fields(self):
        fields = super().get_fields()
        last = set(CURRENCY_KEYS) | set(self.trailing)
        ordered = {name: f for name, f in fields.items() if name not in last}
        ordered.update({name: fields[name] for name in CURRENCY_KEYS})
        ordered.update({name: fields[name] for name in self.trailing})
        return ordered


def currency_fields(code: str) -> dict:
    cur = money.currency(code)
    return {
        "currency_code": cur.code,
        "currency_symbol": cur.symbol,
        "currency_minor_unit": cur.minor_unit,
        "currency_decimal_separator": cur.decimal_separator,
        "currency_thousand_separator": cur.thousand_separator,
        "currency_prefix": cur.prefix,
        "currency_suffix": cur.suffix,
    }


@functools.lru_cache(maxsize=256)
def _currency_facts(code: str) -> dict:
    """A currency's facts by attribute name, for _CurrencyFact fields (read, never changed)."""
    cur = money.currency(code)
    names = ("code", "symbol", "minor_unit", "decimal_separator", "thousand_separator")
    return {name: getattr(cur, name) for name in (*names, "prefix", "suffix")}


def raw_amount(amount: int | None, code: str) -> str:
    """An amount at WooCommerce's rounding precision (6): 1800 USD -> "18000000"."""
    if amount is None:
        return ""
    return str(int(amount) * 10 ** (RAW_PRECISION - money.currency(code).minor_unit))


# --- integer cents and decimal strings ---
def cents(amount: int | None) -> int | None:
    """An amount as an integer of minor units (cents for USD); None stays None."""
    return None if amount is None else int(amount)


def major_units(amount: int | None, code: str) -> Decimal | None:
    """18_00 USD -> Decimal("18.00"): the amount in major units, exact."""
    if amount is None:
        return None
    digits = money.currency(code).minor_unit
    return Decimal(int(amount)).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def decimal_string(amount: int | None, code: str) -> str | None:
    """18_00 USD -> "18.00", 500 JPY -> "500" (as many decimals as the currency has)."""
    value = major_units(amount, code)
    return None if value is None else f"{value:f}"


@extend_schema_field(OpenApiTypes.INT)
class Cents(serializers.Field):
    """An amount as an integer of minor units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return cents(value)


@extend_schema_field(OpenApiTypes.STR)
class DecimalString(Cents):
    """An amount as a decimal string in major units, in the context's `currency`."""

    def to_representation(self, value):
        return decimal_string(value, self.context.get("currency", ""))
