"""login, logout (reference §0, §1) and the admin sessions routes."""

from __future__ import annotations

import hashlib

from django.contrib.auth import logout
from rest_framework.response import Response

from checkout_hub.api.auth import user_of
from checkout_hub.models import Cart, Customer, Vendor

from .. import serializers, session
from ..auth import check_login
from ..errors import CoCartError
from .base import CartView, CoCartView, text_param

DEV_NOTE = (
    "Don't forget to store the users login information in order to authenticate all other "
    "routes with CoCart."
)


def avatar_urls(email: str) -> dict:
    digest = hashlib.md5((email or "").strip().lower().encode()).hexdigest()
    return {
        size: f"https://secure.gravatar.com/avatar/{digest}?s={size}&d=mm&r=g"
        for size in ("24", "48", "96")
    }


class LoginView(CoCartView):
    """POST login: the request's Basic auth (username, email or phone), or since 4.7
    `{username, password}` in the body. A guest `cart_key` sent along transfers that cart."""

    def post(self, request):
        user = user_of(request)
        params = self.params()
        if user is None and params.get("username") and "password" in params:
            user = check_login(text_param(params, "username"), text_param(params, "password"))
            request.user = user
        if user is None:
            raise CoCartError(
                "cocart_rest_not_authorized", "Sorry, you are not allowed to do that.", 401
            )
        session.resolve(request)  # a guest cart_key sent with the credentials is transferred
        customer = Customer.objects.filter(user=user).first()
        first = user.first_name or (customer.first_name if customer else "")
        last = user.last_name or (customer.last_name if customer else "")
        return Response(
            {
                "user_id": str(user.pk),
                "first_name": first,
                "last_name": last,
                "display_name": f"{first} {last}".strip() or user.get_username(),
                "role": "Administrator"
                if user.is_superuser
                else ("Shop manager" if user.is_staff else "Customer"),
                "avatar_urls": avatar_urls(user.email),
                "email": user.email,
                "extras": {},
                "dev_note": DEV_NOTE,
            }
        )


class LogoutView(CoCartView):
    def post(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            logout(request._request)
        return Response(True)


# --- admin: sessions ---
class SessionsRoute(CoCartView):
    def check_permissions(self, request):
        super().check_permissions(request)
        user = user_of(request)
        if user is None or not user.is_staff:
            raise CoCartError(
                "cocart_rest_cannot_view",
                "Sorry, you cannot list resources.",
                403 if user is not None else 401,
            )


def session_row(cart: Cart) -> dict:
    customer = cart.customer
    billing = cart.billing_address or {}
    name = " ".join(p for p in (billing.get("first_name"), billing.get("last_name")) if p)
    return {
        "cart_id": str(cart.pk),
        "cart_key": cart.key,
        "customers_name": name or (customer.full_name if customer else ""),
        "customers_email": billing.get("email") or (customer.email if customer else ""),
        "cart_created": cart.created_at.strftime("%m/%d/%Y %H:%M:%S"),
        "cart_expiry": cart.expires_at.strftime("%m/%d/%Y %H:%M:%S"),
        "cart_source": "cocart" if cart.vendor == Vendor.COCART else cart.vendor,
        "link": serializers.public_url() + f"/wp-json/cocart/v2/session/{cart.key}",
    }


class SessionsView(SessionsRoute):
    def get(self, request):
        carts = list(Cart.objects.open().filter(vendor=Vendor.COCART).select_related("customer"))
        if not carts:
            raise CoCartError("cocart_no_carts_in_session", "No carts in session!", 404)
        return Response([session_row(c) for c in carts])


class SessionView(SessionsRoute, CartView):
    """session/{key}: the cart a key names, as the cart object (GET) or deleted (DELETE)."""

    etag = False

    def initial(self, request, *args, **kwargs):
        CoCartView.initial(self, request, *args, **kwargs)
        self.notices = {}
        self.session = session.Session(key=session.sanitize_key(kwargs.get("key")))

    def finalize_response(self, request, response, *args, **kwargs):
        return CoCartView.finalize_response(self, request, response, *args, **kwargs)

    def found(self):
        cart = self.session.cart
        if cart.pk is None:
            raise CoCartError("cocart_session_not_valid", "Session is not valid!", 404)
        return cart

    def get(self, request, key):
        self.found()
        return self.cart_response(fresh=False)

    def delete(self, request, key):
        cart = self.found()
        Cart.objects.filter(pk=cart.pk).delete()
        return Response("Session successfully deleted!")


class SessionItemsView(SessionView):
    def get(self, request, key):
        cart = self.found()
        totals = self.totals(cart)
        return Response([serializers.line_object(line, totals.currency) for line in totals.lines])
