"""FluentCart's place-order flow (reference §3), as calls into the hub's services: the cart
check, the form's rules, the payment method, the order, then the gateway's reply in the
plugin's shape. The order of the checks is the plugin's: cart first (an empty cart answers
"Cart is empty or already completed" even with bad fields), then the form (200 with
`errors`), then the payment method (423).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from checkout_hub import clock
from checkout_hub.models import Order, OrderMeta, ShippingMethod, Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, checkout_stages, payments, pricing
from checkout_hub.services.errors import EmptyCart, InvalidPaymentMethod, OrderNotFound
from checkout_hub.services.payments import stripe_checkout, stripe_onsite

from . import checkout_form, errors

UUID_META = "_fct_order_uuid"
TZ_META = "_fct_user_tz"
TAX_ID_META = "_fct_billing_tax_id"
# FluentCart's gateway slugs -> the hub's gateways (the seed's "cod", the plugin's
# "offline_payment").
GATEWAYS = {"cod": "cod", "offline_payment": "cod", "stripe": "stripe"}
SUCCESS = "Order placed successfully"  # the seed's message (the plugin: "Order has been ...")


def receipt_url(order: Order, method: str) -> str:
    uuid = order_uuid(order)
    return (
        f"{settings.HUB_PUBLIC_URL}{reverse('fluentcart_pages:receipt')}"
        f"?method={method}&trx_hash={uuid}&fct_redirect=yes"
    )


def checkout_url(cart_hash: str = "") -> str:
    url = settings.HUB_PUBLIC_URL + reverse("fluentcart_pages:checkout")
    return f"{url}?fct_cart_hash={cart_hash}" if cart_hash else url


def order_uuid(order: Order) -> str:
    for meta in order.meta.all():
        if meta.key == UUID_META:
            return meta.value
    return ""


def order_by_uuid(uuid) -> Order:
    if not isinstance(uuid, str) or not uuid.isalnum() or len(uuid) > 64:
        raise OrderNotFound()
    meta = (
        OrderMeta.objects.select_related("order")
        .filter(key=UUID_META, value=uuid)
        .order_by("-id")
        .first()
    )
    if meta is None:
        raise OrderNotFound()
    return meta.order


def _shipping_method(form: checkout_form.CheckoutForm) -> ShippingMethod | None:
    chosen = form.charged_method or form.shipping_method
    method = (
        ShippingMethod.objects.filter(pk=int(chosen), enabled=True).first()
        if chosen.isdigit() and len(chosen) < 12
        else None
    )
    if method is None:
        raise errors.validation_failed(
            {"shipping_method": {"invalid": "The selected shipping method is not valid."}}
        )
    return method


def _gateway(slug: str, needs_payment: bool) -> str | None:
    if not needs_payment:
        return None  # a zero total is forced to the offline method
    gateway = GATEWAYS.get(slug)
    if gateway is None:
        raise InvalidPaymentMethod(payment_method=slug)
    payments.get(gateway)  # switched off in the hub: InvalidPaymentMethod too
    return gateway


def _create_account(order: Order, email: str) -> None:
    if settings.FLUENTCART_ACCOUNT_CREATION != "user_choice" or order.customer is None:
        return
    users = get_user_model()
    user = users.objects.filter(email__iexact=email).first()
    if user is None:
        user = users(username=email[:150], email=email)
        user.set_unusable_password()
        user.save()
    if order.customer.user_id is None:
        order.customer.user = user
        order.customer.save(update_fields=["user"])


def place(view, params: dict) -> dict:
    """Place the order of the request's cart; returns the reply body (HTTP 200)."""
    cart = view.session.cart
    lines = list(cart.items.all()) if cart.pk else []
    if not lines:
        raise EmptyCart()
    checkout_stages.refuse_if_paid(cart)
    physical = pricing.ships(line.product for line in lines)
    user = view.user
    form = checkout_form.read(params, user=user, physical=physical)
    if form.errors:
        raise errors.validation_failed(form.errors)
    if physical:
        method = _shipping_method(form)
        cart_service.select_shipping_rate(cart, method.rate_id)
    totals = pricing.calculate(cart, lines)  # the lines as loaded, with their products
    slug = form.payment_method
    gateway = _gateway(slug, totals.needs_payment)
    uuid = clock.random_hex(32)
    result = checkout.place_order(
        cart,
        payment_method=gateway,
        billing=form.billing,
        shipping=form.shipping,
        customer_note=form.notes,
        meta={
            UUID_META: uuid,
            TZ_META: form.user_tz,
            **({TAX_ID_META: form.tax_id} if form.tax_id else {}),
        },
        source=Vendor.FLUENTCART,
        user=user,
        pay=False,
    )
    order = Order.objects.with_details().get(pk=result.order.pk)
    if form.create_account and user is None:
        _create_account(order, form.email)
    if not totals.needs_payment:
        # A zero total is paid at once; the plugin leaves its cart open (reference §6).
        checkout_stages.keep_open(cart.pk)
        return _redirect_reply(order, "offline_payment")
    if gateway == "cod":
        payments.pay(order, "cod")
        return _redirect_reply(order, "offline_payment" if slug == "offline_payment" else slug)
    checkout_stages.keep_open(cart.pk)  # open until the card payment is confirmed
    if settings.FLUENTCART_STRIPE_MODE == "hosted":
        return _hosted_reply(order, cart.key if view.session.group == "instant" else "")
    return _onsite_reply(order)


def _redirect_reply(order: Order, method: str) -> dict:
    url = receipt_url(order, method)
    # The seed's redirect_url beside the plugin's redirect_to.
    return {"status": "success", "message": SUCCESS, "redirect_url": url, "redirect_to": url}


def _customer(order: Order) -> dict:
    billing = order.billing_address
    name = " ".join(p for p in (billing.get("first_name"), billing.get("last_name")) if p)
    return {
        "name": name,
        "email": order.billing_email,
        **{k: billing.get(k, "") for k in ("address_1", "address_2", "city", "state")},
        "postcode": billing.get("postcode", ""),
        "country": billing.get("country", ""),
    }


def _payment_args(order: Order) -> dict:
    return {
        "client_reference_id": order_uuid(order),
        "amount": order.total,
        "currency": order.currency.lower(),
        "description": f"Order #{order.number}",
        "customer_email": order.billing_email,
        "success_url": receipt_url(order, "stripe"),
        "custom_payment_url": checkout_url(),
        "public_key": settings.STRIPE_PUBLISHABLE_KEY,
    }


def _onsite_reply(order: Order) -> dict:
    started = stripe_onsite.start(order, metadata={"fct_order_uuid": order_uuid(order)})
    intent = started.intent
    return {
        "status": "success",
        "message": SUCCESS,
        "order_id": order.pk,
        "nextAction": "stripe",
        "actionName": "custom",
        "payment_args": {
            **_payment_args(order),
            "client_secret": intent["client_secret"],
            "checkout_mode": "onsite",
        },
        "response": intent,
        "fc_customer": _customer(order),
    }


def _hosted_reply(order: Order, cart_hash: str) -> dict:
    success = receipt_url(order, "stripe") + "&fct_stripe_hosted=1&session_id={CHECKOUT_SESSION_ID}"
    session = stripe_checkout.start(
        order,
        success_url=success,
        cancel_url=checkout_url(cart_hash),
        metadata={"fct_order_uuid": order_uuid(order)},
    )
    return {
        "status": "success",
        "message": SUCCESS,
        "redirect_url": session["url"],
        "order_id": order.pk,
        "nextAction": "stripe",
        "actionName": "redirect",
        "payment_args": {
            **_payment_args(order),
            "checkout_url": session["url"],
            "session_id": session["id"],
            "checkout_mode": "hosted",
        },
        "response": session,
    }


def confirm_stripe(intent_id) -> tuple[int, dict]:
    """fluent_cart_confirm_stripe_payment: settle the order from its PaymentIntent."""
    settled = stripe_onsite.confirm(intent_id if isinstance(intent_id, str) else "")
    order = Order.objects.with_details().get(pk=settled.order.pk)
    if settled.paid:
        checkout_stages.finish(order)
        return 200, {
            "redirect_url": receipt_url(order, "stripe"),
            "order": {"uuid": order_uuid(order)},
            "message": "Payment has been confirmed successfully",
        }
    if settled.declined is not None:
        return 400, {"message": settled.declined.message}
    return 400, {"message": "Payment is not completed yet."}
