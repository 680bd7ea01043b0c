"""A merchant-of-record billing detail (Waffo Pancake's BillingDetail): where the buyer is and
whether they buy as a business, which decides tax and the payment market.

`problems(detail)` lists what is wrong with one (empty: valid); `normalise(detail)` returns the
cleaned copy a session locks. Rules (reference §7): `country` ISO alpha-2 and `isBusiness` a
boolean are required; `state` is required for US and CA; `businessName` when `isBusiness`;
`taxId` (a VAT number) for a business in an EU country; `postcode` is optional.
"""

from __future__ import annotations

import re

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
STATE_REQUIRED = frozenset({"US", "CA"})
COUNTRY = re.compile(r"^[A-Z]{2}$")
TEXT_FIELDS = ("postcode", "state", "businessName", "taxId")
MAX_TEXT = 200


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def problems(detail) -> list[str]:
    if not isinstance(detail, dict):
        return ["billingDetail must be an object"]
    found = []
    country = detail.get("country")
    if not isinstance(country, str) or not COUNTRY.match(country):
        found.append("country must be an ISO 3166-1 alpha-2 code")
    if not isinstance(detail.get("isBusiness"), bool):
        found.append("isBusiness must be a boolean")
    for name in TEXT_FIELDS:
        value = detail.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            found.append(f"{name} must be a string of at most {MAX_TEXT} characters")
    if country in STATE_REQUIRED and not _text(detail.get("state")):
        found.append(f"state is required for {country}")
    if detail.get("isBusiness") is True:
        if not _text(detail.get("businessName")):
            found.append("businessName is required for a business purchase")
        if country in EU_COUNTRIES and not _text(detail.get("taxId")):
            found.append("taxId is required for an EU business purchase")
    return found


def normalise(detail: dict) -> dict:
    """The valid `detail` with only its known keys, strings trimmed, empty ones dropped."""
    clean = {"country": detail["country"], "isBusiness": detail["isBusiness"]}
    for name in TEXT_FIELDS:
        value = _text(detail.get(name))
        if value:
            clean[name] = value.upper() if name == "state" else value
    return clean


def is_eu(country: str) -> bool:
    return country in EU_COUNTRIES
