"""Authentication pieces every vendor view shares."""

from __future__ import annotations

from django.conf import settings
from rest_framework.authentication import CSRFCheck, SessionAuthentication


class LoginSessionAuthentication(SessionAuthentication):
    """Django's login session, without Django's CSRF check: each vendor has its own CSRF
    protection (a WordPress nonce, a cart token, a signature), checked by its views."""

    def enforce_csrf(self, request):
        return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def user_of(request):
    """The logged-in user, or None for a guest."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def browsable_api_csrf_ok(request) -> bool:
    """The hub's QA convenience: DRF's browsable API cannot send a vendor's nonce header, so
    its forms may write with Django's CSRF token instead (a valid token for the browser's CSRF
    cookie, in the X-CSRFToken header or the form's csrfmiddlewaretoken). API clients always
    follow the vendor's own rule."""
    # The form field is read from form bodies only: reading POST parses the body, and a JSON
    # body must be parsed (and refused) by the vendor's own rules, in their order.
    form = (request.content_type or "").startswith(FORM_TYPES)
    has_token = "HTTP_X_CSRFTOKEN" in request.META or (
        form and "csrfmiddlewaretoken" in request.POST
    )
    if not has_token or settings.CSRF_COOKIE_NAME not in request.COOKIES:
        return False
    check = CSRFCheck(lambda _request: None)
    check.process_request(request._request)
    return check.process_view(request._request, None, (), {}) is None
