"""CoCart's credentials.

- WordPress Basic auth (`Authorization: Basic base64(login:password)`), the login being a
  username, an email or a customer's billing phone (CoCart's authentication class). CoCart only
  evaluates it over SSL or on a local/development site; the hub is one, so it always does. A
  wrong password is 401 `cocart_authentication_error`.
- WooCommerce consumer keys (`ck_…`/`cs_…`) for the Preview checkout, which the seed requires:
  Basic with the key pair, or `consumer_key`/`consumer_secret` query parameters. Core CoCart
  has no consumer-key auth: on the cart API a key pair sent as Basic is tried as a WordPress
  login and fails (reference §0).
- The Django login session (the browsable API, admin) stands in for WordPress's cookie.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth import get_user_model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from checkout_hub import clock
from checkout_hub.api.auth import LoginSessionAuthentication
from checkout_hub.models import Customer

from .models import ApiKey

AUTH_FAILED = (
    "Authentication is invalid. Please check the authentication information is correct and "
    "try again. Authentication may also only work on a secure connection."
)


def basic_credentials(request) -> tuple[str, str] | None:
    """(login, password) from an `Authorization: Basic` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise exceptions.AuthenticationFailed(AUTH_FAILED) from None
    login, sep, password = decoded.partition(":")
    if not sep:
        raise exceptions.AuthenticationFailed(AUTH_FAILED)
    return login, password


def find_user(login: str):
    """The user a CoCart login names: username, email, or a customer's billing phone."""
    login = (login or "").strip()
    if not login:
        return None
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username__iexact=login).first() or users.filter(email__iexact=login).first()
    if user is None:
        customer = Customer.objects.filter(phone=login, user__is_active=True).first()
        user = customer.user if customer is not None else None
    return user


def check_login(login: str, password: str):
    """The user for these credentials, or AuthenticationFailed (cocart_authentication_error)."""
    user = find_user(login)
    if user is None or not user.check_password(password or ""):
        raise exceptions.AuthenticationFailed(AUTH_FAILED)
    return user


def is_consumer_key(login: str) -> bool:
    return (login or "").startswith("ck_")


def accepts_consumer_keys(request) -> bool:
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "accepts_consumer_keys", False))


class BasicLoginAuthentication(BaseAuthentication):
    """WordPress Basic auth with a username, email or phone."""

    def authenticate(self, request):
        credentials = basic_credentials(request)
        if credentials is None:
            return None
        login, password = credentials
        if is_consumer_key(login) and accepts_consumer_keys(request):
            return None  # the Preview checkout reads it as a key pair (consumer_key())
        return check_login(login, password), None

    def authenticate_header(self, request):
        return 'Basic realm="CoCart"'


class SessionLoginAuthentication(LoginSessionAuthentication):
    """The Django login session (browsable API, admin), as WordPress's logged-in cookie."""


def consumer_key(request) -> ApiKey | None:
    """The WooCommerce API key a request carries (Basic `ck_…:cs_…`, else the
    consumer_key/consumer_secret query parameters); None when it carries none; a wrong pair
    is AuthenticationFailed."""
    pair = None
    credentials = basic_credentials(request)
    if credentials and is_consumer_key(credentials[0]):
        pair = credentials
    elif "consumer_key" in request.query_params or "consumer_secret" in request.query_params:
        pair = (
            request.query_params.get("consumer_key", ""),
            request.query_params.get("consumer_secret", ""),
        )
    if pair is None:
        return None
    key = ApiKey.objects.matching(*pair)
    if key is None:
        raise exceptions.AuthenticationFailed("Consumer key or secret is invalid.")
    if not key.allows(request.method):
        raise exceptions.AuthenticationFailed(
            "The API key provided does not have the permissions this request needs."
        )
    ApiKey.objects.filter(pk=key.pk).update(last_access=clock.now())
    return key
