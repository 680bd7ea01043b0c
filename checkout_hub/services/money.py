"""Money: integers in minor units, half-up rounding, and currency facts.

The domain never holds a float. Vendors format amounts from these helpers: Woo and CoCart as
strings of minor units, FluentCart as integer cents, Pancake as display strings ("29.00").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


@dataclass(frozen=True)
class Currency:
    code: str
    symbol: str
    minor_unit: int
    decimal_separator: str = "."
    thousand_separator: str = ","
    position: str = "left"  # left, right, left_space, right_space (WooCommerce's option)

    @property
    def prefix(self) -> str:
        return {"left": self.symbol, "left_space": self.symbol + " "}.get(self.position, "")

    @property
    def suffix(self) -> str:
        return {"right": self.symbol, "right_space": " " + self.symbol}.get(self.position, "")


CURRENCIES = {
    c.code: c
    for c in (
        Currency("USD", "$", 2),
        Currency("EUR", "€", 2, ",", ".", "right_space"),
        Currency("GBP", "£", 2),
        Currency("CAD", "$", 2),
        Currency("AUD", "$", 2),
        Currency("JPY", "¥", 0),
        Currency("CHF", "CHF", 2, ".", "'", "left_space"),
        Currency("SEK", "kr", 2, ",", " ", "right_space"),
        Currency("INR", "₹", 2),
        Currency("BRL", "R$", 2, ",", ".", "left_space"),
    )
}


def currency(code: str) -> Currency:
    """Facts for an ISO 4217 code; unknown codes get two decimals and the code as symbol."""
    code = (code or "").upper()
    return CURRENCIES.get(code) or Currency(code, code, 2, position="left_space")


def round_half_up(value: Decimal | int) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount: int, percent: Decimal | int | str) -> int:
    """`percent`% of `amount`, rounded half-up to a whole minor unit."""
    return round_half_up(Decimal(amount) * Decimal(percent) / 100)


def split_proportionally(total: int, weights: list[int]) -> list[int]:
    """Split `total` over `weights` in proportion, in whole units, summing exactly to `total`
    (largest remainders get the leftover units; earlier lines win ties)."""
    weight_sum = sum(weights)
    if weight_sum <= 0 or total <= 0:
        return [0 for _ in weights]
    shares = [total * w // weight_sum for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def to_decimal_string(amount: int, code: str) -> str:
    """29.00 style, as Pancake and Stripe dashboards show it: 2900 USD -> "29.00"."""
    digits = currency(code).minor_unit
    value = Decimal(amount).scaleb(-digits)
    return f"{value:.{digits}f}"


def from_decimal_string(value: str, code: str) -> int:
    """ "29.00" -> 2900 for USD; raises ValueError on anything that is not a plain amount."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"Not an amount: {value!r}")
    return round_half_up(number.scaleb(currency(code).minor_unit))


def format_price(amount: int, code: str) -> str:
    """Human display with symbol and separators: 123456 USD -> "$1,234.56"."""
    cur = currency(code)
    text = to_decimal_string(abs(amount), code)
    whole, _, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = cur.thousand_separator.join(groups) + (
        cur.decimal_separator + fraction if fraction else ""
    )
    sign = "-" if amount < 0 else ""
    return f"{sign}{cur.prefix}{text}{cur.suffix}"
