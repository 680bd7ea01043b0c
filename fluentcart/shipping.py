"""Where an address ships and what it costs, in FluentCart's terms: the country from an IANA
time zone (it wins) or a country code, the methods the hub's zones offer there (sorted by
amount, highest first, as the plugin lists them), and the charge of a chosen method."""

from __future__ import annotations

from checkout_hub.models import ShippingMethod, ShippingZone
from checkout_hub.services import pricing
from checkout_hub.services.timezones import country_for


def country_from(params: dict) -> str:
    zone = params.get("timezone")
    if isinstance(zone, str) and zone:
        found = country_for(zone)
        if found:
            return found
    code = params.get("country_code")
    return code.strip().upper()[:2] if isinstance(code, str) else ""


def state_from(params: dict) -> str:
    state = params.get("state")
    return state.strip().upper()[:10] if isinstance(state, str) else ""


def methods_for(country: str, state: str) -> list[ShippingMethod]:
    zones = list(ShippingZone.objects.prefetch_related("methods__zone"))
    methods = pricing.available_shipping_methods(country, state, zones)
    return sorted(methods, key=lambda m: (-m.cost, m.order, m.pk))


def method(method_id) -> ShippingMethod | None:
    text = str(method_id or "").strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return ShippingMethod.objects.select_related("zone").filter(pk=int(text), enabled=True).first()
