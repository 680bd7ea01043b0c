"""WordPress REST cookie auth as the HWP plugin sees it: the Django login session stands in
for WordPress's logged-in cookie, and the `wp_rest` nonce sent as `X-WP-Nonce` is the CSRF
check of mutating routes (reference §1: a missing or invalid nonce is 403 CSRF_FAILED).

The nonce is WordPress's (`checkout_hub.wordpress.nonces`, action `wp_rest`): bound to the
user id and the login session, 0 and "" for guests, so every guest shares one nonce per
12-hour tick, as WordPress's do.
"""

from __future__ import annotations

from checkout_hub.api.auth import LoginSessionAuthentication, browsable_api_csrf_ok, user_of
from checkout_hub.wordpress import nonces

from .errors import CSRF_FAILED, HwpError

NONCE_ACTION = nonces.REST_ACTION
NONCE_HEADER = "X-WP-Nonce"
NONCE_QUERY_PARAM = "_wpnonce"  # WordPress also reads the nonce from ?_wpnonce=


class CookieSessionAuthentication(LoginSessionAuthentication):
    """The login session; the wp_rest nonce is the bridge's CSRF protection (checked by the
    routes that require it). Its own class so the OpenAPI document names HWP's scheme."""


def nonce_identity(request) -> tuple[str, int]:
    """(session token, user id) a wp_rest nonce is bound to."""
    user = user_of(request)
    if user is None:
        return "", 0
    return request.session.session_key or "", user.pk


def make_nonce(request) -> str:
    token, user_id = nonce_identity(request)
    return nonces.make_nonce(token, user_id, action=NONCE_ACTION)


def nonce_given(request) -> str:
    return (
        request.headers.get(NONCE_HEADER) or request.query_params.get(NONCE_QUERY_PARAM) or ""
    ).strip()


def check_nonce(request) -> None:
    """Raise CSRF_FAILED unless the request carries a valid wp_rest nonce."""
    if browsable_api_csrf_ok(request):
        return
    given = nonce_given(request)
    if not given:
        raise HwpError(
            CSRF_FAILED, f"Missing {NONCE_HEADER} header: this route requires a nonce.", 403
        )
    token, user_id = nonce_identity(request)
    if not nonces.verify_nonce(given, token, user_id, action=NONCE_ACTION):
        raise HwpError(CSRF_FAILED, f"Invalid or expired {NONCE_HEADER} nonce.", 403)
