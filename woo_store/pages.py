"""The storefront pages WooCommerce's API replies link to, as plain Django views.

- `/checkout/order-received/<id>/?key=…`: the "Order received" (thank-you) page that
  `payment_result.redirect_url` points at. Only the order key opens it (WooCommerce also asks
  a guest on another browser to confirm the billing email; the hub does not).
- `/product/<slug>/`: the product page every `permalink` points at.

Anything not found answers a small HTML 404 page, never Django's debug page.
"""

from __future__ import annotations

import hmac

from django.shortcuts import render
from django.views.decorators.http import require_safe

from checkout_hub.models import Order, Product
from checkout_hub.services import payments
from checkout_hub.services.payments.offline import Bacs


def not_found(request, message: str):
    return render(request, "woo_store/not_found.html", {"message": message}, status=404)


def gateway_title(order: Order) -> str:
    """The title stored on the order, else the gateway's own title, else its id."""
    if order.payment_method_title:
        return order.payment_method_title
    gateway = payments.GATEWAYS.get(order.payment_method)
    return gateway.title if gateway else order.payment_method


@require_safe
def order_received(request, order_id: int):
    key = request.GET.get("key", "").strip()
    order = (
        Order.objects.exclude(status=Order.Status.CHECKOUT_DRAFT)
        .prefetch_related("items")
        .filter(pk=order_id)
        .first()
    )
    # A wrong key reads exactly like an unknown order: the page must not confirm order ids.
    if order is None or not key or not hmac.compare_digest(order.order_key.encode(), key.encode()):
        return not_found(request, "Invalid order.")
    shipping_titles = [
        str(line.get("title") or "")
        for line in order.shipping_lines or []
        if isinstance(line, dict)
    ]
    return render(
        request,
        "woo_store/order_received.html",
        {
            "order": order,
            "items": list(order.items.all()),
            "payment_title": gateway_title(order),
            # WooCommerce's bacs gateway prints its instructions on the thank-you page.
            "bank_instructions": Bacs.description if order.payment_method == Bacs.id else "",
            "shipping_title": ", ".join(t for t in shipping_titles if t),
            "has_shipping_line": bool(shipping_titles),
            "billing": order.billing_address or {},
            "shipping": order.shipping_address or {},
        },
    )


def _price_range(variations: list[Product]) -> tuple[int | None, int | None]:
    prices = [v.price for v in variations if v.price is not None]
    return (min(prices), max(prices)) if prices else (None, None)


@require_safe
def product(request, slug: str):
    # Variations have no page of their own: their permalink is their parent's.
    found = (
        Product.objects.catalogue()
        .prefetch_related("images", "categories", "variations__images")
        .filter(slug=slug)
        .first()
    )
    if found is None:
        return not_found(request, "Product not found.")
    variations = (
        [v for v in found.variations.all() if v.status == Product.Status.PUBLISH]
        if found.type == Product.Type.VARIABLE
        else []
    )
    low, high = _price_range(variations)
    return render(
        request,
        "woo_store/product.html",
        {
            "product": found,
            "images": list(found.images.all()),
            "variations": variations,
            "price_low": low,
            "price_high": high,
        },
    )
