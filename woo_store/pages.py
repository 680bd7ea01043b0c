"""The storefront pages WooCommerce's API replies link to, as plain Django views.

- `/checkout/order-received/<id>/?key=…`: the "Order received" (thank-you) page that
  `payment_result.redirect_url` points at. Only the order key opens it (WooCommerce also asks
  a guest on another browser to confirm the billing email; the hub does not).
- `/product/<slug>/`: the product page every `permalink` points at.

Anything not found answers a small HTML 404 page, never Django's debug page.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from checkout_hub.models import Order, Payment, Product
from checkout_hub.services import catalog, checkout, orders, payments
from checkout_hub.services.errors import (
    DomainError,
    MissingPaymentMethod,
    PaymentDeclined,
    PaymentFailed,
)
from checkout_hub.services.payments import stripe_gateway
from checkout_hub.services.payments.offline import Bacs
from checkout_hub.services.payments.stripe_gateway import StripeGateway

# Order meta a headless store (the HWP bridge) leaves for the pages' "return" links.
RETURN_URL_META = "_headlesswp_return_url"
CANCEL_URL_META = "_headlesswp_cancel_url"


def order_pay_url(order: Order) -> str:
    """WooCommerce's order-pay page for `order` (get_checkout_payment_url), absolute."""
    return (
        f"{settings.HUB_PUBLIC_URL}/checkout/order-pay/{order.pk}/"
        f"?pay_for_order=true&key={order.order_key}"
    )


def not_found(request, message: str):
    return render(request, "woo_store/not_found.html", {"message": message}, status=404)


def gateway_title(order: Order) -> str:
    """The title stored on the order, else the gateway's own title, else its id."""
    if order.payment_method_title:
        return order.payment_method_title
    gateway = payments.GATEWAYS.get(order.payment_method)
    return gateway.title if gateway else order.payment_method


def _order(order_id: int, key: str) -> Order | None:
    """The order `order_id` if `key` is its order key (a wrong key reads like an unknown
    order: the pages must not confirm order ids)."""
    order = orders.by_key(order_id, key)
    if order is not None:
        prefetch_related_objects([order], "items", "meta")
    return order


def _details(order: Order) -> dict:
    """What the order-details table shows (shared by order-received and order-pay)."""
    shipping_titles = [
        str(line.get("title") or "")
        for line in order.shipping_lines or []
        if isinstance(line, dict)
    ]
    return {
        "order": order,
        "items": list(order.items.all()),
        "payment_title": gateway_title(order),
        "shipping_title": ", ".join(t for t in shipping_titles if t),
        "has_shipping_line": bool(shipping_titles),
        "pay_url": order_pay_url(order),
        "received_url": order_received_url(order),
        # Where a headless store (the HWP bridge) asked the buyer to be sent back.
        "return_url": _http_url(order.get_meta(RETURN_URL_META)),
        "cancel_url": _http_url(order.get_meta(CANCEL_URL_META)),
    }


def _http_url(value: str | None) -> str:
    return value if value and value.startswith(("http://", "https://")) else ""


def order_received_url(order: Order) -> str:
    path = reverse("woo_store_pages:order-received", args=[order.pk])
    return f"{settings.HUB_PUBLIC_URL}{path}?key={order.order_key}"


def stripe_return_url(order: Order) -> str:
    """Where Stripe sends the buyer after 3-D Secure: the order-received page, which settles
    the intent (WooCommerce Stripe's UPE redirect handling)."""
    return order_received_url(order) + "&wc_payment_method=stripe"


@require_safe
def order_received(request, order_id: int):
    order = _order(order_id, request.GET.get("key", ""))
    if order is None:
        return not_found(request, "Invalid order.")
    # Back from Stripe's 3-D Secure page (WooCommerce Stripe's UPE redirect): settle the
    # intent first; a refused one sends the buyer back to pay again, with the reason.
    if request.GET.get("payment_intent") and order.payment_method == StripeGateway.id:
        if stripe_gateway.settle(order) == Order.Status.FAILED:
            return redirect(order_pay_url(order))
        order.refresh_from_db()
    return render(
        request,
        "woo_store/order_received.html",
        {
            **_details(order),
            # WooCommerce's bacs gateway prints its instructions on the thank-you page.
            "bank_instructions": Bacs.description if order.payment_method == Bacs.id else "",
            "billing": order.billing_address or {},
            "shipping": order.shipping_address or {},
        },
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """WooCommerce Stripe's webhook endpoint (`/wc-api/wc_stripe/`, the `?wc-api=wc_stripe`
    URL in its settings): Stripe's events settle orders left pending by 3-D Secure."""
    try:
        event = stripe_gateway.handle_webhook(
            request.body, request.headers.get("Stripe-Signature", "")
        )
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain")
    return HttpResponse(event, content_type="text/plain")


# The order-pay page's Stripe test cards (Stripe's own test PaymentMethods).
TEST_CARDS = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
    ("pm_card_authenticationRequired", "3-D Secure 4000 0027 6000 3184 (asks to authenticate)"),
    ("pm_card_chargeDeclined", "Declined 4000 0000 0000 0002 (generic decline)"),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "Declined 4000 0000 0000 9995 (insufficient funds)",
    ),
    ("pm_card_chargeDeclinedLostCard", "Declined 4000 0000 0000 9987 (lost card)"),
    ("pm_card_chargeDeclinedStolenCard", "Declined 4000 0000 0000 9979 (stolen card)"),
    ("pm_card_radarBlock", "Blocked 4100 0000 0000 0019 (fraudulent)"),
    ("pm_card_chargeDeclinedExpiredCard", "Declined 4000 0000 0000 0069 (expired card)"),
    ("pm_card_chargeDeclinedIncorrectCvc", "Declined 4000 0000 0000 0127 (incorrect CVC)"),
    ("pm_card_chargeDeclinedProcessingError", "Error 4000 0000 0000 0119 (processing error)"),
]
BILLING_FIELDS = ("billing_email", "billing_first_name", "billing_last_name")


def _last_failure(order: Order) -> str:
    if order.status != Order.Status.FAILED:
        return ""
    failed = order.payments.filter(status=Payment.Status.FAILED).first()
    return f"Payment failed: {failed.message}" if failed and failed.message else ""


@require_http_methods(["GET", "HEAD", "POST"])
def order_pay(request, order_id: int):
    """WooCommerce's order-pay page (checkout/order-pay/<id>/?pay_for_order=true&key=...): the
    buyer picks a gateway (a Stripe test card, or an offline method) and pays a pending or
    failed order, ending on the order-received page."""
    order = _order(order_id, request.GET.get("key", ""))
    if order is None:
        return not_found(request, "Invalid order.")
    form = {
        name: request.POST.get(name, "").strip()
        for name in (*BILLING_FIELDS, "stripe_test_card", "stripe_card_number")
    }
    chosen = request.POST.get("payment_method") or order.payment_method
    error = _last_failure(order)
    if request.method == "POST" and order.needs_payment:
        try:
            outcome = _pay(order, chosen, form)
        except (PaymentDeclined, PaymentFailed) as exc:
            error = f"Payment failed: {exc.message}"
            order.refresh_from_db()
        except DomainError as exc:
            error = exc.message
            order.refresh_from_db()
        else:
            if outcome is not None and outcome.redirect_url:
                return redirect(outcome.redirect_url)  # 3-D Secure, then back to order-received
            return redirect(order_received_url(order))
    gateways = payments.available()
    return render(
        request,
        "woo_store/order_pay.html",
        {
            **_details(order),
            "payable": order.needs_payment,
            "error": error,
            "form": form,
            "gateways": gateways,
            "chosen": chosen if chosen in {g.id for g in gateways} else "",
            "ask_billing": not order.billing_email,
            "test_cards": TEST_CARDS,
        },
        status=400 if request.method == "POST" and error else 200,
    )


def _pay(order: Order, method: str, form: dict):
    if not method:
        raise MissingPaymentMethod()
    billing = None
    if not order.billing_email:  # the page asks for it (checkout.pay_for_order requires one)
        billing = {
            "email": form["billing_email"],
            "first_name": form["billing_first_name"],
            "last_name": form["billing_last_name"],
        }
    data = {}
    if method == StripeGateway.id:
        number = form["stripe_card_number"].replace(" ", "").replace("-", "")
        card = stripe_gateway.payment_method_for_card(number) if number else None
        data = {
            "payment_method": card or form["stripe_test_card"] or TEST_CARDS[0][0],
            "return_url": stripe_return_url(order),
        }
    return checkout.pay_for_order(
        order, payment_method=method, payment_data=data, billing=billing
    ).payment


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
    variations = catalog.visible_variations(found)
    low, high = catalog.price_span(found) if variations else (None, None)
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
