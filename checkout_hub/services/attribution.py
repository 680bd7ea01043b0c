"""Order attribution: which marketing source an order came from, as WooCommerce order meta.

WooCommerce (8.5+) stores attribution on the order under the `_wc_order_attribution_` prefix
(`source_type`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_content`, `user_agent`,
`device_type`, ...); Woo admin derives the "Origin" label from them. A headless checkout has
no Sourcebuster cookies, so the caller passes what it knows: an affiliate ref (AffiliateWP),
its campaign, and UTM values, as the HWP bridge receives them in its query string.

`order_meta()` is pure: query values and a User-Agent in, a meta dict out. The rules, from
the HWP checkout-session contract:

- an affiliate `ref` wins: source_type=referral, utm_source=affiliatewp, utm_medium=affiliate,
  utm_campaign = the affiliate campaign, utm_content = the ref;
- else any UTM value: source_type=utm with those values;
- else source_type=typein (WooCommerce's "Direct").

Valid UTM values are also kept as additive HeadlessWP meta (`marketingUtmSource`, ...) in
every case, so campaign context survives when the affiliate takes precedence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PREFIX = "_wc_order_attribution_"  # filter wc_order_attribution_tracking_field_prefix
UTM_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
MARKETING_KEYS = {
    "utm_source": "marketingUtmSource",
    "utm_medium": "marketingUtmMedium",
    "utm_campaign": "marketingUtmCampaign",
    "utm_content": "marketingUtmContent",
}
AFFILIATE_REF_KEY = "_affwp_ref"
AFFILIATE_CAMPAIGN_KEY = "_affwp_campaign"

SOURCE_REFERRAL = "referral"
SOURCE_UTM = "utm"
SOURCE_TYPEIN = "typein"
# What WooCommerce's Sourcebuster records for a direct visit; "(none)" values are never stored.
DIRECT_SOURCE = "(direct)"
NONE_VALUE = "(none)"

MAX_VALUE_LENGTH = 100
MAX_USER_AGENT_LENGTH = 500
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# WooCommerce's device detection (order-attribution.js): tablets first, then phones.
TABLET = re.compile(r"(tablet|ipad|playbook|silk)|(android(?!.*mobi))", re.IGNORECASE)
MOBILE = re.compile(
    r"Mobile|iP(hone|od)|Android|BlackBerry|IEMobile|Kindle|Silk-Accelerated|(hpw|web)OS|"
    r"Opera M(obi|ini)"
)


def clean_value(value) -> str | None:
    """A usable attribution value: a string, trimmed, non-empty, at most 100 characters, no
    control characters, not Woo's "(none)". Anything else is None (ignored)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALUE_LENGTH or CONTROL_CHARS.search(value):
        return None
    if value == NONE_VALUE:
        return None
    return value


def utm_values(params: Mapping[str, str]) -> dict[str, str]:
    """The valid utm_* values of `params`, in UTM_PARAMS order."""
    found = {}
    for name in UTM_PARAMS:
        value = clean_value(params.get(name))
        if value is not None:
            found[name] = value
    return found


def device_type(user_agent: str) -> str:
    """Mobile, Tablet or Desktop, as WooCommerce labels them."""
    if TABLET.search(user_agent):
        return "Tablet"
    if MOBILE.search(user_agent):
        return "Mobile"
    return "Desktop"


def source_type(params: Mapping[str, str]) -> str:
    if clean_value(params.get("ref")) is not None:
        return SOURCE_REFERRAL
    if utm_values(params):
        return SOURCE_UTM
    return SOURCE_TYPEIN


def order_meta(params: Mapping[str, str], user_agent: str | None = None) -> dict[str, str]:
    """The order meta for an order placed with these query `params` (ref, campaign,
    utm_source, utm_medium, utm_campaign, utm_content) and this User-Agent."""
    ref = clean_value(params.get("ref"))
    campaign = clean_value(params.get("campaign"))
    utms = utm_values(params)
    woo: dict[str, str | None]
    if ref is not None:
        # Affiliate attribution takes precedence; campaign and content come from the referral
        # context (the affiliate's campaign, and the ref itself).
        woo = {
            "source_type": SOURCE_REFERRAL,
            "utm_source": "affiliatewp",
            "utm_medium": "affiliate",
            "utm_campaign": campaign,
            "utm_content": ref,
        }
    elif utms:
        woo = {"source_type": SOURCE_UTM, **utms}
    else:
        woo = {"source_type": SOURCE_TYPEIN, "utm_source": DIRECT_SOURCE}

    meta = {f"{PREFIX}{name}": value for name, value in woo.items() if value is not None}
    agent = CONTROL_CHARS.sub("", user_agent or "").strip()[:MAX_USER_AGENT_LENGTH]
    if agent:
        meta[f"{PREFIX}user_agent"] = agent
        meta[f"{PREFIX}device_type"] = device_type(agent)
    if ref is not None:
        meta[AFFILIATE_REF_KEY] = ref
        if campaign is not None:
            meta[AFFILIATE_CAMPAIGN_KEY] = campaign
    for name, value in utms.items():
        meta[MARKETING_KEYS[name]] = value
    return meta
