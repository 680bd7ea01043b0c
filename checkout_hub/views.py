"""The hub's pages: the landing page at /."""

from django.conf import settings
from django.shortcuts import render

from checkout_hub import landing as landing_sections
from checkout_hub.models import Product
from checkout_hub.services import scenarios

APIS = [
    # (name, app, base path, a page of it that opens in a browser with no credentials)
    ("WooCommerce Store API", "woo_store", "/wp-json/wc/store/v1/", "products"),
    ("CoCart", "cocart", "/wp-json/cocart/v2/", "products"),
    ("FluentCart", "fluentcart", "/wp-json/fluent-cart/v2/", "public/products"),
    ("Waffo Pancake", "pancake", "/v1/", None),  # signed requests only: its API docs
    ("HWP WooCommerce checkout bridge", "hwp_bridge", "/wp-json/headlesswp/v1/", "health"),
    ("Stripe (embedded test-mode fake; key sk_test_hub_fake)", "stripe_fake", "/stripe/v1/", None),
]


# Front-page query handlers: a WordPress plugin answers some URLs on the site's root by a
# query parameter (FluentCart's /?fluent-cart=instant_checkout). A vendor app registers
# (parameter, handler) when it loads; the core names no vendor.
FRONT_QUERY_HANDLERS: dict[str, object] = {}


def register_front_query(parameter: str, handler) -> None:
    FRONT_QUERY_HANDLERS[parameter] = handler


def landing(request):
    for parameter, handler in FRONT_QUERY_HANDLERS.items():
        if parameter in request.GET:
            return handler(request)
    products = (
        Product.objects.catalogue()
        .prefetch_related("variations")
        .only("id", "name", "type", "sku", "regular_price", "sale_price", "stock_status")
    )
    return render(
        request,
        "checkout_hub/landing.html",
        {
            "public_url": settings.HUB_PUBLIC_URL,
            "apis": [
                {
                    "name": name,
                    "app": app,
                    "path": path,
                    "url": settings.HUB_PUBLIC_URL + path,
                    # A namespace root answers an error: the link opens a page that works.
                    "browse_url": settings.HUB_PUBLIC_URL
                    + (path + browse if browse else "/__hub/docs/"),
                }
                for name, app, path, browse in APIS
            ],
            "scenarios": scenarios.VOCABULARY.values(),
            "products": products,
            "admin_username": settings.HUB_ADMIN_USERNAME,
            "vendor_sections": landing_sections.sections(),
        },
    )
