"""Pancake's identifiers: Short Ids are PREFIX_ + 22 base62 characters (a 128-bit UUID in
base62, left-padded; the SDK rejects anything else), session ids `cs_` + UUID."""

import re
import uuid

from checkout_hub import clock

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
LENGTH = 22
PATTERN = re.compile(r"^[A-Z]{2,5}_[0-9A-Za-z]{22}$")


def encode(number: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(LENGTH, "0")


def new(prefix: str) -> str:
    """A fresh Short Id, its UUID from the hub's random source (repeatable under clock.seed)."""
    return f"{prefix}_{encode(uuid.UUID(hex=clock.random_hex(32), version=4).int)}"


def is_short_id(value, prefix: str) -> bool:
    return isinstance(value, str) and bool(PATTERN.match(value)) and value.startswith(prefix + "_")


def merchant_id() -> str:
    return new("MER")


def store_id() -> str:
    return new("STO")


def product_id() -> str:
    return new("PROD")


def order_id() -> str:
    return new("ORD")


def payment_id() -> str:
    return new("PAY")
