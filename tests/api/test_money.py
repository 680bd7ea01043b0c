"""The kit's money rendering: one function per unit the vendors use."""

from decimal import Decimal

from rest_framework import serializers

from checkout_hub.api import money


def test_minor_unit_strings_and_currency_fields():
    assert money.MinorUnits().to_representation(1800) == "1800"
    assert money.MinorUnits().to_representation(None) is None
    assert money.currency_fields("EUR")["currency_suffix"] == " €"
    assert money.raw_amount(1800, "USD") == "18000000"


def test_cents_and_decimal_strings():
    assert money.cents(2900) == 2900
    assert money.decimal_string(2900, "USD") == "29.00"
    assert money.decimal_string(5, "USD") == "0.05"
    assert money.decimal_string(-150, "USD") == "-1.50"
    assert money.decimal_string(500, "JPY") == "500"
    assert money.major_units(1999, "GBP") == Decimal("19.99")
    assert money.decimal_string(None, "USD") is None


class Totals(serializers.Serializer):
    total = money.DecimalString()
    total_cents = money.Cents(source="total")


def test_fields_render_in_the_context_currency():
    assert Totals({"total": 1200}, context={"currency": "USD"}).data == {
        "total": "12.00",
        "total_cents": 1200,
    }
    assert Totals({"total": 1200}, context={"currency": "JPY"}).data["total"] == "1200"
