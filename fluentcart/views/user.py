"""POST /wp-json/fluent-cart/v2/user/login (the seed, reference §2): the checkout's login.

The `X-WP-Nonce` (wp_rest) is checked first: 403 `invalid_nonce`. Then
`wp_send_json_error` replies `{success: false, data: {message, code}}`: `missing_login`,
`missing_password` (400), `login_failed` (401, WordPress's message). Success logs the user in
(the hub's login session stands in for WordPress's auth cookies; `remember_me=on` keeps it
for 14 days, else until the browser closes).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login
from rest_framework.response import Response

from checkout_hub.api.auth import user_of
from checkout_hub.wordpress import nonces

from .. import errors
from .base import FluentView

REMEMBER_SECONDS = 14 * 24 * 3600  # WordPress's "Remember Me" cookie
INVALID_NONCE = "Invalid security token. Please refresh the page and try again."


def nonce_identity(request) -> tuple[str, int]:
    """(session token, user id) a wp_rest nonce is bound to: "" and 0 for guests."""
    user = user_of(request)
    if user is None:
        return "", 0
    return request.session.session_key or "", user.pk


def make_nonce(request) -> str:
    token, user_id = nonce_identity(request)
    return nonces.make_nonce(token, user_id, action=nonces.REST_ACTION)


def _login_error(message: str, code: str, status: int) -> errors.FluentError:
    return errors.FluentError(errors.LOGIN, message, status, {"code": code})


def _find_user(login_name: str):
    users = get_user_model()
    if "@" in login_name:
        return users.objects.filter(email__iexact=login_name).first(), True
    return users.objects.filter(username=login_name).first(), False


class LoginView(FluentView):
    def post(self, request):
        given = (request.headers.get("X-WP-Nonce") or "").strip()
        token, user_id = nonce_identity(request)
        if not nonces.verify_nonce(given, token, user_id, action=nonces.REST_ACTION):
            raise errors.FluentError(errors.PLAIN, INVALID_NONCE, 403, {"code": "invalid_nonce"})
        params = self.params()
        login_name = params.get("user_login")
        password = params.get("password")
        login_name = login_name.strip() if isinstance(login_name, str) else ""
        if not login_name:
            raise _login_error("Email or username is required", "missing_login", 400)
        if not isinstance(password, str) or not password:
            raise _login_error("Password is required", "missing_password", 400)
        user, by_email = _find_user(login_name)
        if user is None:
            message = (
                "Unknown email address. Check again or try your username."
                if by_email
                else f"The username {login_name} is not registered on this site. If you are "
                "unsure of your username, try your email address instead."
            )
            raise _login_error(message, "login_failed", 401)
        authenticated = authenticate(
            request._request, username=user.get_username(), password=password
        )
        if authenticated is None:
            raise _login_error(
                f"The password you entered for the username {login_name} is incorrect.",
                "login_failed",
                401,
            )
        login(request._request, authenticated)
        remember = str(params.get("remember_me", "")).lower() == "on"
        request._request.session.set_expiry(REMEMBER_SECONDS if remember else 0)
        return Response(
            {
                "success": True,
                "data": {
                    "message": "Login successful",
                    "redirect_url": f"{settings.HUB_PUBLIC_URL}/customer-profile/#/profile",
                },
            }
        )
