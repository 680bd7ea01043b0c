"""Country info for the checkout form (get-country-info): the states with their labels, and
the address locale (what the state and postcode fields are called, which are required), as
FluentCart's localization files give them for common countries."""

from __future__ import annotations

from checkout_hub.services import addresses

# country -> {field: (label, required)}; other countries get DEFAULT.
LOCALES = {
    "US": {"state": ("State", True), "postcode": ("ZIP Code", True), "city": ("City", True)},
    "CA": {"state": ("Province", True), "postcode": ("Postal code", True), "city": ("City", True)},
    "GB": {"state": ("County", False), "postcode": ("Postcode", True), "city": ("Town", True)},
    "AU": {"state": ("State", True), "postcode": ("Postcode", True), "city": ("Suburb", True)},
    "DE": {"state": ("State", False), "postcode": ("Postcode", True), "city": ("City", True)},
    "FR": {"state": ("State", False), "postcode": ("Postcode", True), "city": ("City", True)},
    "IE": {"state": ("County", True), "postcode": ("Eircode", False), "city": ("Town", True)},
    "IN": {"state": ("State", True), "postcode": ("PIN Code", True), "city": ("City", True)},
    "JP": {"state": ("Prefecture", True), "postcode": ("Postcode", True), "city": ("City", True)},
    "BR": {"state": ("State", True), "postcode": ("Postcode", True), "city": ("City", True)},
    "MX": {"state": ("State", True), "postcode": ("Postcode", True), "city": ("City", True)},
    "NL": {"state": ("Province", False), "postcode": ("Postcode", True), "city": ("City", True)},
    "ES": {"state": ("Province", True), "postcode": ("Postcode", True), "city": ("City", True)},
    "IT": {"state": ("Province", True), "postcode": ("Postcode", True), "city": ("City", True)},
}  # fmt: skip


def address_locale(country: str) -> dict:
    has_states = bool(addresses.states_for(country))
    default = {
        "state": ("State / County", has_states and country in addresses.STATE_REQUIRED),
        "postcode": ("Postcode / ZIP", country not in addresses.POSTCODE_OPTIONAL),
        "city": ("City", True),
    }
    fields = LOCALES.get(country, default)
    return {
        name: {"label": label, "required": required} for name, (label, required) in fields.items()
    }


def info(country: str) -> dict:
    states = addresses.states_for(country)
    return {
        "country_code": country,
        "states": [
            {"label": name, "value": code}
            for code, name in sorted(states.items(), key=lambda s: s[1])
        ],
        "address_locale": address_locale(country),
    }
