"""Address cleaning and validation, shared by every vendor's update-customer and checkout.

WooCommerce's order: keys outside the schema are dropped, values trimmed, the country
upper-cased and checked, a state name turned into its code and checked, the postcode formatted
and checked, phone and email checked. Empty values pass here; `require_complete` adds the
required-field checks that happen when an order is placed.

Values lose their NUL bytes (and any lone surrogate), as WordPress's sanitize_text_field drops
them, so every column and jsonb field can hold what is kept. Lengths are not capped: WooCommerce
stores an order's address fields as unbounded text, so a long name is accepted and the order
keeps it whole; only the Customer row, whose columns are bounded, keeps a cut copy
(`services.checkout.customer_for`). An email longer than the 254 characters SMTP allows (and
the email columns hold) is an invalid email.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from checkout_hub.models import ADDRESS_FIELDS

from . import text
from .errors import InvalidAddress

SHIPPING_FIELDS = tuple(f for f in ADDRESS_FIELDS if f != "email")

LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "address_1": "Address",
    "address_2": "Apartment, suite, etc.",
    "city": "City",
    "state": "State",
    "postcode": "Postcode",
    "country": "Country",
    "email": "Email address",
    "phone": "Phone",
}

# Countries whose checkout asks for a state (WooCommerce's locale data, abridged).
STATE_REQUIRED = {"US", "CA", "AU", "BR", "IN", "MX", "JP", "CN", "IT", "ES", "MY", "TH"}
# Countries without postcodes (WooCommerce's locale: postcode hidden or optional).
POSTCODE_OPTIONAL = {"AE", "AO", "BO", "HK", "IE", "NG", "QA", "SA", "UG", "ZW", "BI", "RW"}
# US military "states" WooCommerce lists beyond ISO 3166-2.
EXTRA_STATES = {
    "US": {"AA": "Armed Forces (AA)", "AE": "Armed Forces (AE)", "AP": "Armed Forces (AP)"}
}

POSTCODE_PATTERNS = {
    "US": r"^\d{5}(-\d{4})?$",
    "CA": r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$",
    "GB": r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$",
    "DE": r"^\d{5}$",
    "FR": r"^\d{5}$",
    "ES": r"^\d{5}$",
    "IT": r"^\d{5}$",
    "AU": r"^\d{4}$",
    "NL": r"^\d{4} ?[A-Z]{2}$",
    "JP": r"^\d{3}-\d{4}$",
    "IN": r"^\d{6}$",
    "BR": r"^\d{5}-\d{3}$",
}
PHONE_ALLOWED = re.compile(r"[\s#0-9_\-+/().]")
MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit; Customer.email and Order.billing_email


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def states_for(country: str) -> dict[str, str]:
    """State code -> name for a country ({} when it has none we know of)."""
    states = {
        sub.code.split("-", 1)[1]: sub.name
        for sub in pycountry.subdivisions.get(country_code=country) or []
        if sub.parent_code is None
    }
    states.update(EXTRA_STATES.get(country, {}))
    return states


def _state_code(country: str, value: str) -> str:
    states = states_for(country)
    upper = value.upper()
    if upper in states:
        return upper
    for code, name in states.items():
        if name.lower() == value.lower():
            return code
    return value


def _format_postcode(country: str, value: str) -> str:
    value = re.sub(r"\s+", " ", value.strip().upper())
    if country in ("GB", "CA"):
        compact = value.replace(" ", "")
        if len(compact) > 3:
            return f"{compact[:-3]} {compact[-3:]}"
    if country == "JP" and re.fullmatch(r"\d{7}", value):
        return f"{value[:3]}-{value[3:]}"
    if country == "BR" and re.fullmatch(r"\d{8}", value):
        return f"{value[:5]}-{value[5:]}"
    return value


def clean(data: dict | None, *, kind: str = "billing") -> dict:
    """Keep the schema's keys, trimmed, with country/state/postcode in canonical form."""
    fields = ADDRESS_FIELDS if kind == "billing" else SHIPPING_FIELDS
    data = data or {}
    address = {}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        address[field] = text.clean(value).strip()
    country = address.get("country", "").upper()
    if "country" in address:
        address["country"] = country
    if address.get("state") and country:
        address["state"] = _state_code(country, address["state"])
    if address.get("postcode") and country:
        address["postcode"] = _format_postcode(country, address["postcode"])
    return address


def problems(address: dict, *, kind: str = "billing", complete: bool = False) -> dict:
    """{field: (code, message)} for a cleaned address. With `complete`, required fields too."""
    found: dict[str, tuple[str, str]] = {}
    country = address.get("country", "")
    if country and country not in country_codes():
        found["country"] = ("invalid_country", f"The provided country ({country}) is not valid.")
    state = address.get("state", "")
    if state and country in STATE_REQUIRED and state not in states_for(country):
        found["state"] = ("invalid_state", f"The provided state ({state}) is not valid.")
    postcode = address.get("postcode", "")
    pattern = POSTCODE_PATTERNS.get(country)
    if postcode and pattern and not re.fullmatch(pattern, postcode):
        found["postcode"] = ("invalid_postcode", "The provided postcode / ZIP is not valid.")
    phone = address.get("phone", "")
    if phone and PHONE_ALLOWED.sub("", phone):
        found["phone"] = ("invalid_phone", "The provided phone number is not valid.")
    email = address.get("email", "")
    if kind == "billing" and email:
        try:
            if len(email) > MAX_EMAIL_LENGTH:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            found["email"] = ("invalid_email", "Invalid email address")
    if complete:
        for field in required_fields(country, kind):
            if not address.get(field) and field not in found:
                found[field] = ("required", f"{LABELS[field]} is required")
    return found


def required_fields(country: str, kind: str) -> list[str]:
    fields = ["first_name", "last_name", "address_1", "city", "country"]
    if country not in POSTCODE_OPTIONAL:
        fields.append("postcode")
    if country in STATE_REQUIRED:
        fields.append("state")
    if kind == "billing":
        fields.append("email")
    return fields


def validate(
    billing: dict | None = None,
    shipping: dict | None = None,
    *,
    complete: bool = False,
    shipping_required: bool = True,
) -> tuple[dict, dict]:
    """Clean both addresses and raise InvalidAddress with every problem, keyed
    "billing_address.email" style; returns the cleaned (billing, shipping)."""
    errors, codes = {}, {}
    cleaned = {}
    for kind, data, needed in (
        ("billing", billing, complete),
        ("shipping", shipping, complete and shipping_required),
    ):
        if data is None:
            cleaned[kind] = None
            continue
        address = clean(data, kind=kind)
        cleaned[kind] = address
        for field, (code, message) in problems(address, kind=kind, complete=needed).items():
            errors[f"{kind}_address.{field}"] = message
            codes[f"{kind}_address.{field}"] = code
    if errors:
        raise InvalidAddress(errors=errors, codes=codes)
    return cleaned["billing"], cleaned["shipping"]


def is_empty(address: dict | None) -> bool:
    return not address or not any(str(v).strip() for v in address.values())
