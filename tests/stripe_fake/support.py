"""Shared helpers for the Stripe fake's tests."""

from urllib.parse import urlsplit

from django.conf import settings

API_KEY = "sk_test_hub_fake"
RETURN_URL = "https://shop.example/return?order=7"


def card_params(payment_method="pm_card_visa", **extra):
    """A card-only intent (no automatic payment methods, so no return_url needed)."""
    return {
        "amount": 2000,
        "currency": "usd",
        "payment_method_types": ["card"],
        "payment_method": payment_method,
        **extra,
    }


def local_path(url: str) -> str:
    """An absolute hub URL (HUB_PUBLIC_URL/...) as a path for Django's test client."""
    assert url.startswith(settings.HUB_PUBLIC_URL + "/"), url
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
