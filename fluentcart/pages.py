"""FluentCart's front-end pages (reference §1c): the instant-checkout URL on the site root, the
checkout page it lands on, and the receipt page every order reply links to. Plain Django
views; anything not found answers a small HTML page, never Django's debug page."""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from checkout_hub.models import Order, Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout_stages, payments, ratelimit
from checkout_hub.services.errors import DomainError, OrderNotFound, RateLimited
from checkout_hub.services.payments import stripe_checkout
from checkout_hub.wordpress.params import absint

from . import placing, session
from . import render as wire
from .views.base import client_ip
from .views.user import make_nonce

INSTANT_LIMIT, INSTANT_SECONDS = 10, 60  # generate_instant_checkout_cart_attempt
STATUS_TITLES = {
    Order.Status.PROCESSING: "Processing",
    Order.Status.COMPLETED: "Completed",
    Order.Status.ON_HOLD: "On hold",
    Order.Status.PENDING: "Pending",
    Order.Status.FAILED: "Failed",
}


def _page(request, title: str, message: str, status: int):
    return render(
        request, "fluentcart/not_found.html", {"title": title, "message": message}, status=status
    )


def instant_checkout(request):
    """/?fluent-cart=instant_checkout&item_id=<variation>&quantity=<n>[&coupons=a,b]
    [&redirect_to=<same-host url>]: a new instant cart, then 302 to the checkout page."""
    request.hub_vendor = Vendor.FLUENTCART
    if request.GET.get("fluent-cart") != "instant_checkout":
        return _page(request, "Not found", "This page does not exist.", 404)
    try:
        ratelimit.check(
            request,
            group="fluentcart_instant_checkout",
            key=f"ip:{client_ip(request)}",
            limit=INSTANT_LIMIT,
            seconds=INSTANT_SECONDS,
        )
    except RateLimited:
        return _page(request, "Too many requests", "Please try again after some time.", 429)
    item_id = absint(request.GET.get("item_id") or 0)
    quantity = max(absint(request.GET.get("quantity") or 1), 1)
    if not item_id or item_id >= 2**63:
        return _page(request, "Invalid item", "This product cannot be bought.", 404)
    handle = session.FluentSession(key=session.new_hash(), group=session.INSTANT)
    try:
        with transaction.atomic():
            cart = handle.cart_for_write()
            cart_service.add_item(cart, item_id, quantity)
            for code in [c for c in request.GET.get("coupons", "").split(",") if c.strip()]:
                # A coupon that does not apply is left out, as the plugin does.
                with contextlib.suppress(DomainError):
                    cart_service.apply_coupon(cart, code)
    except DomainError as exc:
        return _page(request, "Cannot check out", exc.message, 422)
    target = placing.checkout_url()
    redirect_to = request.GET.get("redirect_to", "")
    if redirect_to and urlsplit(redirect_to).netloc in (
        "",
        urlsplit(settings.HUB_PUBLIC_URL).netloc,
    ):
        target = redirect_to
    joiner = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{joiner}{urlencode({'fct_cart_hash': handle.key})}")


@require_safe
def checkout_page(request):
    """The checkout page: the cart's items and the vars the plugin's checkout script reads
    (the REST nonce included)."""
    params = (
        {"fct_cart_hash": request.GET["fct_cart_hash"]} if "fct_cart_hash" in request.GET else {}
    )
    handle = session.for_request(request, params=params)
    cart = handle.cart
    totals = cart_service.loaded_totals(cart)
    items_html = render_to_string(
        "fluentcart/checkout_summary.html",
        {
            "lines": wire.cart_lines(cart, totals),
            "subtotal": wire.formatted(totals.items_total, cart.currency),
            "total": wire.formatted(totals.items_total, cart.currency),
        },
    )
    base = settings.HUB_PUBLIC_URL
    checkout_vars = {
        "rest": {"url": f"{base}/wp-json/fluent-cart/v2", "nonce": make_nonce(request)},
        "ajaxurl": f"{base}/wp-admin/admin-ajax.php",
        "cart_hash": cart.key if cart.pk else "",
        "is_instant": handle.group == session.INSTANT,
        "stripe_checkout_mode": settings.FLUENTCART_STRIPE_MODE,
        "stripe_public_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    return render(
        request,
        "fluentcart/checkout.html",
        {
            "items_html": items_html,
            "cart_hash": cart.key if cart.pk else "",
            "checkout_vars": checkout_vars,
        },
    )


@require_safe
def receipt(request):
    """The receipt ("order received") page: `?method=<slug>&trx_hash=<uuid>&fct_redirect=yes`
    (or `order_hash`). Coming back from Stripe's hosted Checkout (`fct_stripe_hosted=1` and
    `session_id`), the order is settled from its session first."""
    request.hub_vendor = Vendor.FLUENTCART
    uuid = request.GET.get("trx_hash") or request.GET.get("order_hash") or ""
    try:
        order = placing.order_by_uuid(uuid)
    except OrderNotFound:
        return _page(request, "Order not found", "This receipt link is not valid.", 404)
    session_id = request.GET.get("session_id", "")
    if request.GET.get("fct_stripe_hosted") == "1" and session_id:
        # Back from Stripe's hosted Checkout: the order as the session says. A session that
        # is not this order's, or Stripe not answering, leaves the order as it is.
        with contextlib.suppress(DomainError):
            if stripe_checkout.settle(session_id).order.pk == order.pk:
                order.refresh_from_db()
                if order.payment_status == Order.PaymentStatus.PAID:
                    checkout_stages.finish(order)
    order = Order.objects.with_details().get(pk=order.pk)
    currency = order.currency
    gateway = payments.GATEWAYS.get(order.payment_method)
    context = {
        "order": order,
        "status": STATUS_TITLES.get(order.status, order.get_status_display()),
        "payment_status": order.get_payment_status_display(),
        "payment_method_title": order.payment_method_title
        or (gateway.title if gateway else "Free order"),
        "items": [
            {"name": i.name, "quantity": i.quantity, "total": wire.formatted(i.total, currency)}
            for i in order.items.all()
        ],
        "subtotal": wire.formatted(order.subtotal, currency),
        "discount": wire.formatted(order.discount_total, currency) if order.discount_total else "",
        "shipping": wire.formatted(order.shipping_total, currency) if order.shipping_total else "",
        "tax": wire.formatted(order.tax_total, currency) if order.tax_total else "",
        "total": wire.formatted(order.total, currency),
    }
    return render(request, "fluentcart/receipt.html", context)
