"""Template helpers for the hub's pages: `{% load hub %}`."""

from django import template
from django.conf import settings

from checkout_hub.services.money import format_price

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """Minor units as a display price: `{{ 123456|money }}` -> "$1,234.56" (HUB_CURRENCY),
    `{{ amount|money:"EUR" }}` for another currency; empty for None."""
    if amount is None or amount == "":
        return ""
    return format_price(int(amount), currency or settings.HUB_CURRENCY)


@register.filter
def variation_label(variation, parent) -> str:
    """A variation's attribute values in its parent's attribute order: "Blue / S" ("any" for
    an attribute the variation leaves open). Stored JSON key order is not reliable (PostgreSQL's
    jsonb reorders keys), so the parent's `attributes` list gives the order."""
    values = variation.variation_attributes or {}
    slugs = [
        attribute.get("slug") or attribute.get("name", "")
        for attribute in (parent.attributes or [])
        if attribute.get("variation")
    ]
    slugs += [slug for slug in values if slug not in slugs]
    return " / ".join(values.get(slug) or "any" for slug in slugs)
