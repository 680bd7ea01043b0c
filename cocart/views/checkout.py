"""The Preview checkout, `cocart/preview` (reference §4, the seed): checkout (GET the checkout
data; update; process), checkout/payment-methods, checkout/payment-context,
order-received/{id} and order-received/{id}/pay.

Every request carries a WooCommerce consumer key pair (Basic or `consumer_key`/
`consumer_secret` query), as the seed requires; the cart key names the cart and, for a
registered customer, gives the customer context. Which method updates and which processes is
the seed's by default (POST updates, PUT/PATCH process); `COCART_CHECKOUT_METHODS=spec` takes
the OpenAPI spec's reverse. Card payments go through the hub's one Stripe path
(`payments.pay`, `stripe_gateway.create_intent` for the payment context).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api import RateLimit
from checkout_hub.api.auth import user_of
from checkout_hub.models import Order, Vendor
from checkout_hub.services import accounts, checkout, money, orders, payments
from checkout_hub.services import cart as cart_service
from checkout_hub.services.errors import EmptyCart, InvalidOrderKey, InvalidShippingRate
from checkout_hub.services.payments import Outcome, stripe_gateway

from .. import errors, serializers, session
from ..auth import consumer_key
from .base import CartView, text_param, truthy

# The checkout limits the seed's tutorial names (cocart_api_rate_limits), per minute.
CHECKOUT_LIMITS = {"checkout_get": 20, "checkout_update": 10, "checkout_process": 5}
PAYMENT_METHODS_LIMIT, PAYMENT_METHODS_DEBUG_LIMIT = 30, 1
CURRENCY = re.compile(r"^[A-Z]{3}$")
# Where a client may put its Stripe payment method and intent in payment_data.
METHOD_KEYS = (
    "wc-stripe-payment-method",
    "stripe_source",
    "payment_method",
    "payment_method_id",
    "wc-stripe-payment-token",
)
INTENT_KEYS = ("payment_intent_id", "payment_intent", "wc-stripe-payment-intent")
INTENT_META = "cocart_payment_intent"


def order_received_url(order: Order) -> str:
    return f"{settings.HUB_PUBLIC_URL}/checkout/order-received/{order.pk}/?key={order.order_key}"


class PreviewView(CartView):
    accepts_consumer_keys = True
    etag = False
    error_stage = errors.CHECKOUT
    limit_name = ""

    def initial(self, request, *args, **kwargs):
        # The kit's initial (auth, scenarios, rate limit), then the key pair, then the session
        # (CartView's own initial would resolve it before the key pair is known).
        super(CartView, self).initial(request, *args, **kwargs)
        self.notices = {}
        self.api_key = consumer_key(request)
        if self.api_key is None and settings.COCART_CHECKOUT_REQUIRE_KEYS:
            raise drf.NotAuthenticated("Consumer key and secret are required.")
        self.session = session.resolve(request, trusted_app=self.api_key is not None)

    def rate_limit(self, request):
        if settings.COCART_RATE_LIMITING_ENABLED and self.limit_name:
            return RateLimit(f"cocart_{self.limit_name}", self.limit_for(request), 60)
        return super().rate_limit(request)

    def limit_for(self, request) -> int:
        return CHECKOUT_LIMITS[self.limit_name]

    def acting_admin(self) -> bool:
        """manage_options: the logged-in WordPress user (not the key's owner) is staff."""
        user = user_of(self.request)
        return bool(user is not None and user.is_staff)

    # --- the checkout data ---
    def cart_or_empty(self):
        cart = self.session.cart
        if cart.pk is None or not list(cart.items.all()):
            raise EmptyCart()
        return cart

    def checkout_data(self, cart) -> dict:
        totals = cart_service.loaded_totals(cart)
        cur = totals.currency
        methods = payments.available()
        return {
            "cart_key": self.session.key or None,
            "cart_hash": serializers.cart_hash(cart),
            "currency": {
                "code": cur,
                "symbol": money.currency(cur).symbol,
                "base_currency": settings.HUB_CURRENCY,
                "exchange_rate": None,
            },
            "customer_id": self.session.user_id,
            "billing_address": serializers.plain_address(cart.billing_address, "billing"),
            "shipping_address": serializers.plain_address(cart.shipping_address, "shipping"),
            "cart_contents": {
                line.key: {
                    "key": line.key,
                    "product_id": line.product.parent_id or line.product.pk,
                    "variation_id": line.product.pk if line.product.parent_id else 0,
                    "quantity": line.quantity,
                    "product_name": line.product.display_name,
                    "product_title": (
                        line.product.parent.name if line.product.parent_id else line.product.name
                    ),
                    "product_price": serializers.decimal(line.unit_price, cur),
                    "line_total": serializers.decimal(line.total, cur),
                    "line_subtotal": serializers.decimal(line.subtotal, cur),
                }
                for line in totals.lines
            },
            "cart_totals": {
                "subtotal": serializers.decimal(totals.items_subtotal, cur),
                "subtotal_tax": serializers.decimal(totals.items_subtotal_tax, cur),
                "shipping_total": serializers.decimal(totals.shipping_total, cur),
                "shipping_tax": serializers.decimal(totals.shipping_tax, cur),
                "discount_total": serializers.decimal(totals.discount_total, cur),
                "discount_tax": serializers.decimal(totals.discount_tax, cur),
                "cart_contents_total": serializers.decimal(totals.items_total, cur),
                "cart_contents_tax": serializers.decimal(totals.items_tax, cur),
                "fee_total": serializers.decimal(totals.fee_total, cur),
                "fee_tax": serializers.decimal(totals.fee_tax, cur),
                "total": serializers.decimal(totals.total, cur),
                "total_tax": serializers.decimal(totals.tax_total, cur),
            },
            "shipping_methods": {
                rate.rate_id: {
                    "id": rate.rate_id,
                    "label": rate.title,
                    "cost": serializers.decimal(rate.cost, cur),
                    "method_id": rate.method_id,
                    "instance_id": rate.instance_id,
                }
                for rate in totals.shipping_rates
            },
            "payment_methods": {
                g.id: {"id": g.id, "title": g.title, "description": g.description} for g in methods
            },
            "needs_payment": totals.needs_payment,
            "needs_shipping": totals.needs_shipping,
            "payment_method": cart.payment_method or (methods[0].id if methods else ""),
        }

    @staticmethod
    def address_param(params: dict, name: str, *, required: bool = False) -> dict | None:
        value = params.get(name)
        if value in (None, "") and not required:
            return None
        if value in (None, ""):
            raise drf.ValidationError({name: ["required"]}, code="required")
        if not isinstance(value, dict):
            raise drf.ValidationError({name: [f"{name} is not of type object."]}, code="invalid")
        return {str(k): text_param(value, k) for k in value}

    @staticmethod
    def check_currency(params: dict) -> None:
        value = params.get("currency")
        if value not in (None, "") and not (isinstance(value, str) and CURRENCY.match(value)):
            raise drf.ValidationError(
                {"currency": ["currency does not match pattern ^[A-Z]{3}$."]}, code="invalid"
            )

    def choose_shipping(self, cart, rate_id) -> None:
        if not rate_id:
            return
        available = [r.rate_id for r in cart_service.loaded_totals(cart).shipping_rates]
        if str(rate_id) not in available:
            raise InvalidShippingRate(rate_id=str(rate_id), available=available)
        cart_service.select_shipping_rate(cart, str(rate_id))


def payment_data_from(items, cart=None) -> dict:
    """The seed's payment_data [{key, value}] in the payment service's neutral keys; a
    payment context's PaymentIntent is used when the client names none."""
    values = {}
    if isinstance(items, list):
        values = {
            str(i.get("key")): i.get("value")
            for i in items
            if isinstance(i, dict) and isinstance(i.get("value"), str | int)
        }
    elif isinstance(items, dict):
        values = {str(k): v for k, v in items.items() if isinstance(v, str | int)}
    method = next((str(values[k]) for k in METHOD_KEYS if values.get(k)), None)
    intent = next((str(values[k]) for k in INTENT_KEYS if values.get(k)), None)
    if cart is not None:
        intent = intent or (cart.meta or {}).get(INTENT_META)
    data = {"payment_method": method, "return_url": order_received_url}
    if intent:
        data["payment_intent"] = intent
    return data


def payment_result(order: Order, outcome) -> dict:
    if outcome is None:
        return {
            "payment_status": "no_payment_required",
            "redirect_url": order_received_url(order),
            "message": "No payment was required for this order.",
        }
    if outcome.status == Outcome.ACTION_REQUIRED:
        return {
            "payment_status": "success",
            "redirect_url": outcome.redirect_url,
            "message": "Additional authentication is required to complete the payment.",
        }
    return {
        "payment_status": "success",
        "redirect_url": order_received_url(order),
        "message": "Order received. Thank you.",
    }


class CheckoutView(PreviewView):
    def initial(self, request, *args, **kwargs):
        action = self.action_for(request.method)
        self.limit_name = f"checkout_{action}" if action else ""
        super().initial(request, *args, **kwargs)

    @staticmethod
    def action_for(method: str) -> str:
        if method == "GET":
            return "get"
        spec = settings.COCART_CHECKOUT_METHODS == "spec"
        if method == "POST":
            return "process" if spec else "update"
        if method in ("PUT", "PATCH"):
            return "update" if spec else "process"
        return ""

    def get(self, request):
        return Response(self.checkout_data(self.cart_or_empty()))

    def post(self, request):
        return self.dispatch_action()

    def put(self, request):
        return self.dispatch_action()

    patch = put

    def dispatch_action(self) -> Response:
        if self.action_for(self.request.method) == "process":
            return self.process()
        return self.update()

    def update(self) -> Response:
        params = self.params()
        self.check_currency(params)
        billing = self.address_param(params, "billing_address")
        shipping = self.address_param(params, "shipping_address")
        cart = self.cart_or_empty()
        with transaction.atomic():
            if billing is not None or shipping is not None:
                cart_service.update_customer(cart, billing=billing, shipping=shipping)
            method = text_param(params, "payment_method")
            if method:
                payments.get(method)
                cart_service.set_checkout_fields(cart, payment_method=method)
            self.choose_shipping(cart, text_param(params, "shipping_method"))
        return Response(self.checkout_data(self.session.reload()))

    def process(self) -> Response:
        params = self.params()
        self.check_currency(params)
        billing = self.address_param(params, "billing_address", required=True)
        shipping = self.address_param(params, "shipping_address")
        cart = self.cart_or_empty()
        account = self.account_request(params, billing)
        self.choose_shipping(cart, text_param(params, "shipping_method"))
        method = text_param(params, "payment_method")
        note = params.get("customer_note")
        note = text_param(params, "customer_note") if note is not None else None
        result = checkout.place_order(
            cart,
            payment_method=method or None,
            payment_data=payment_data_from(params.get("payment_data"), cart),
            billing=billing,
            shipping=shipping,
            customer_note=note,
            source=Vendor.COCART,
            user=self.session.user,
        )
        order = result.order
        if account is not None:  # made once the order exists (services.accounts)
            accounts.register(**account)
        order.refresh_from_db()
        self.session.reload()
        customer = order.customer
        return Response(
            {
                "order_id": order.pk,
                "status": order.status,
                "order_key": order.order_key,
                "order_number": order.number,
                "payment_result": payment_result(order, result.payment),
                "customer_id": (customer.user_id or 0) if customer else 0,
                "billing_address": serializers.plain_address(order.billing_address, "billing"),
                "shipping_address": serializers.plain_address(order.shipping_address, "shipping"),
                "cart_key": None,
            }
        )

    def account_request(self, params: dict, billing: dict) -> dict | None:
        """`create_account` with `customer_password`: the account to make for a guest."""
        if self.session.user is not None or not truthy(params.get("create_account")):
            return None
        password = text_param(params, "customer_password")
        if not password:
            raise drf.ValidationError({"customer_password": ["required"]}, code="required")
        email = str(billing.get("email") or "")
        accounts.check_available(email)
        return {
            "email": email,
            "password": password,
            "first_name": str(billing.get("first_name") or ""),
            "last_name": str(billing.get("last_name") or ""),
        }


class PaymentMethodsView(PreviewView):
    limit_name = "payment_methods"
    # The debug block's own limit (1 a minute) is for admins, so they are not exempt here.
    rate_limit_exempt_staff = False

    def limit_for(self, request) -> int:
        return PAYMENT_METHODS_DEBUG_LIMIT if self.acting_admin() else PAYMENT_METHODS_LIMIT

    def get(self, request):
        debug = self.acting_admin()
        data = {}
        for gateway in payments.available():
            stripe = gateway.id == stripe_gateway.StripeGateway.id
            entry = {
                "id": gateway.id,
                "title": gateway.title,
                "description": gateway.description,
                "supports": ["products", "refunds"] if gateway.supports_refunds else ["products"],
                "has_fields": stripe,
                "order_button_text": "",
                "method_title": gateway.title,
                "method_description": gateway.description,
                "saved_tokens": [],
                "supports_save_payment": False,
                "config": {
                    "test_mode": not settings.STRIPE_SECRET_KEY.startswith("sk_live_")
                    if stripe
                    else False,
                    "is_connected": gateway.configured(),
                    "supports_tokenization": stripe,
                    "supports_refunds": gateway.supports_refunds,
                    "supports_subscriptions": False,
                    "requires_billing_address": True,
                },
            }
            if debug:  # manage_options only (the seed): never for a storefront
                entry["debug"] = {
                    "gateway_class": type(gateway).__name__,
                    "enabled": True,
                    "available": True,
                    "settings": (
                        {
                            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                            "api_base": settings.STRIPE_API_BASE or "https://api.stripe.com",
                            "embedded_fake": settings.STRIPE_FAKE,
                        }
                        if stripe
                        else {"order_status": getattr(gateway, "order_status", "")}
                    ),
                }
            data[gateway.id] = entry
        return Response(data)


class PaymentContextView(PreviewView):
    def post(self, request):
        params = self.params()
        method = text_param(params, "payment_method")
        if not method:
            raise drf.ValidationError({"payment_method": ["required"]}, code="required")
        cart = self.cart_or_empty()
        gateway = payments.get(method)
        totals = cart_service.loaded_totals(cart)
        body = {
            "gateway_id": gateway.id,
            "title": gateway.title,
            "cart_total": serializers.decimal(totals.total, totals.currency),
            "currency": totals.currency,
        }
        if gateway.id == stripe_gateway.StripeGateway.id:
            intent = stripe_gateway.create_intent(
                totals.total,
                totals.currency,
                metadata={"cart_key": self.session.key, "source": Vendor.COCART},
                idempotency_key=f"cocart_context_{cart.pk}_{cart_service.contents_hash(cart)}_{totals.total}",
            )
            cart.meta = {**(cart.meta or {}), INTENT_META: intent["id"]}
            cart.save(update_fields=["meta", "updated_at"])
            body.update(
                client_secret=intent["client_secret"],
                payment_intent_id=intent["id"],
                public_key=settings.STRIPE_PUBLISHABLE_KEY,
            )
        return Response(body)


def order_object(order: Order) -> dict:
    cur = order.currency
    items = list(order.items.all())
    shipping = order.shipping_lines[0]["title"] if order.shipping_lines else ""
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "order_key": order.order_key,
        "status": order.status,
        "status_name": Order.Status(order.status).label,
        "date_created": order.created_at.isoformat(timespec="seconds"),
        "date_modified": order.updated_at.isoformat(timespec="seconds"),
        "date_paid": order.paid_at.isoformat(timespec="seconds") if order.paid_at else None,
        "date_completed": (
            order.completed_at.isoformat(timespec="seconds") if order.completed_at else None
        ),
        "currency": cur,
        "total": serializers.decimal(order.total, cur),
        "subtotal": serializers.decimal(order.subtotal, cur),
        "tax_total": serializers.decimal(order.tax_total, cur),
        "shipping_total": serializers.decimal(order.shipping_total, cur),
        "discount_total": serializers.decimal(order.discount_total, cur),
        "payment_method": order.payment_method,
        "payment_method_title": order.payment_method_title,
        "customer_id": (order.customer.user_id or 0) if order.customer else 0,
        "customer_note": order.customer_note,
        "billing_address": serializers.plain_address(order.billing_address, "billing"),
        "shipping_address": serializers.plain_address(order.shipping_address, "shipping"),
        "items": [
            {
                "item_id": item.pk,
                "product_id": item.product_ref,
                "variation_id": item.variation_ref,
                "product_name": item.name,
                "product_image": "",
                "quantity": item.quantity,
                "subtotal": serializers.decimal(item.subtotal, cur),
                "total": serializers.decimal(item.total, cur),
                "meta_data": [{"key": k, "value": v} for k, v in (item.variation or {}).items()],
            }
            for item in items
        ],
        "totals": [
            {
                "key": "cart_subtotal",
                "label": "Subtotal:",
                "value": serializers.decimal(order.subtotal, cur),
            },
            *(
                [
                    {
                        "key": "discount",
                        "label": "Discount:",
                        "value": "-" + serializers.decimal(order.discount_total, cur),
                    }
                ]
                if order.discount_total
                else []
            ),
            *([{"key": "shipping", "label": "Shipping:", "value": shipping}] if shipping else []),
            *(
                [
                    {
                        "key": "tax",
                        "label": "Tax:",
                        "value": serializers.decimal(order.tax_total, cur),
                    }
                ]
                if order.tax_total
                else []
            ),
            {
                "key": "payment_method",
                "label": "Payment method:",
                "value": order.payment_method_title,
            },
            {
                "key": "order_total",
                "label": "Total:",
                "value": serializers.decimal(order.total, cur),
            },
        ],
        "needs_payment": order.needs_payment,
        "needs_shipping": bool(order.shipping_lines),
        "has_downloads": False,
        "download_url": "",
    }


class OrderRoute(PreviewView):
    def order(self, order_id, key):
        if not key:
            raise drf.ValidationError({"order_key": ["required"]}, code="required")
        order = orders.find(order_id)
        if not orders.key_matches(order, str(key)):
            raise InvalidOrderKey(order=order)
        return order


class OrderReceivedView(OrderRoute):
    def get(self, request, order_id):
        order = self.order(order_id, text_param(self.params(), "order_key"))
        return Response(order_object(order))


class OrderPayView(OrderRoute):
    def post(self, request, order_id):
        params = self.params()
        order = self.order(order_id, text_param(params, "order_key"))
        method = text_param(params, "payment_method")
        result = checkout.pay_for_order(
            order,
            payment_method=method or None,
            payment_data=payment_data_from(params.get("payment_data")),
        )
        order.refresh_from_db()
        return Response(
            {
                "success": True,
                "order_id": order.pk,
                "order_status": order.status,
                "redirect_url": payment_result(order, result.payment)["redirect_url"],
            }
        )
