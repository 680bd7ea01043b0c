"""The country an IANA time zone belongs to (a storefront guesses the buyer's country from the
browser's time zone, as FluentCart's checkout does).

A built-in table covers the common zones, so the answer never depends on the machine; where
the system's tz database has `zone.tab`, every other zone is read from it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ZONES = {
    # North America
    "America/New_York": "US", "America/Chicago": "US", "America/Denver": "US",
    "America/Phoenix": "US", "America/Los_Angeles": "US", "America/Anchorage": "US",
    "America/Detroit": "US", "America/Boise": "US", "America/Indiana/Indianapolis": "US",
    "America/Kentucky/Louisville": "US", "Pacific/Honolulu": "US", "US/Eastern": "US",
    "US/Central": "US", "US/Mountain": "US", "US/Pacific": "US",
    "America/Toronto": "CA", "America/Vancouver": "CA", "America/Edmonton": "CA",
    "America/Winnipeg": "CA", "America/Halifax": "CA", "America/St_Johns": "CA",
    "America/Regina": "CA", "America/Montreal": "CA",
    "America/Mexico_City": "MX", "America/Cancun": "MX", "America/Tijuana": "MX",
    # South America
    "America/Sao_Paulo": "BR", "America/Argentina/Buenos_Aires": "AR", "America/Bogota": "CO",
    "America/Lima": "PE", "America/Santiago": "CL", "America/Caracas": "VE",
    # Europe
    "Europe/London": "GB", "Europe/Dublin": "IE", "Europe/Lisbon": "PT", "Europe/Madrid": "ES",
    "Europe/Paris": "FR", "Europe/Brussels": "BE", "Europe/Amsterdam": "NL",
    "Europe/Berlin": "DE", "Europe/Zurich": "CH", "Europe/Vienna": "AT", "Europe/Rome": "IT",
    "Europe/Copenhagen": "DK", "Europe/Oslo": "NO", "Europe/Stockholm": "SE",
    "Europe/Helsinki": "FI", "Europe/Warsaw": "PL", "Europe/Prague": "CZ",
    "Europe/Budapest": "HU", "Europe/Athens": "GR", "Europe/Bucharest": "RO",
    "Europe/Istanbul": "TR", "Europe/Kiev": "UA", "Europe/Kyiv": "UA", "Europe/Moscow": "RU",
    # Asia, Oceania, Africa
    "Asia/Tokyo": "JP", "Asia/Seoul": "KR", "Asia/Shanghai": "CN", "Asia/Hong_Kong": "HK",
    "Asia/Taipei": "TW", "Asia/Singapore": "SG", "Asia/Kuala_Lumpur": "MY",
    "Asia/Bangkok": "TH", "Asia/Jakarta": "ID", "Asia/Manila": "PH", "Asia/Kolkata": "IN",
    "Asia/Calcutta": "IN", "Asia/Dhaka": "BD", "Asia/Karachi": "PK", "Asia/Dubai": "AE",
    "Asia/Riyadh": "SA", "Asia/Jerusalem": "IL", "Asia/Tehran": "IR",
    "Australia/Sydney": "AU", "Australia/Melbourne": "AU", "Australia/Brisbane": "AU",
    "Australia/Perth": "AU", "Australia/Adelaide": "AU", "Pacific/Auckland": "NZ",
    "Africa/Johannesburg": "ZA", "Africa/Lagos": "NG", "Africa/Cairo": "EG",
    "Africa/Nairobi": "KE", "Africa/Casablanca": "MA",
}  # fmt: skip
ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


@cache
def _system_zones() -> dict[str, str]:
    try:
        lines = ZONE_TAB.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    zones = {}
    for line in lines:
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            zones[parts[2]] = parts[0]
    return zones


def country_for(zone) -> str:
    """The ISO country code of an IANA zone, or "" when it names no country (UTC, unknown)."""
    if not isinstance(zone, str) or not zone:
        return ""
    zone = zone.strip()
    return ZONES.get(zone) or _system_zones().get(zone, "")
