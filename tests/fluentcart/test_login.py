"""POST /user/login (the seed): the X-WP-Nonce check, each error, and the login itself."""

import pytest
from django.contrib.auth import get_user_model

from checkout_hub.wordpress import nonces

from .conftest import REST

URL = f"{REST}/user/login"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("venkman", "peter@example.com", "ghost-pass-1")


def guest_nonce():
    return nonces.make_nonce("", 0, action="wp_rest")


def login(client, body, nonce=None):
    headers = {"HTTP_X_WP_NONCE": guest_nonce() if nonce is None else nonce}
    return client.post(URL, body, content_type="application/json", **headers)


@pytest.mark.parametrize("nonce", ["", "0123456789", "x" * 200])
def test_invalid_nonce_is_403(client, user, nonce):
    r = login(client, {"user_login": "venkman", "password": "ghost-pass-1"}, nonce)
    assert (r.status_code, r.json()) == (
        403,
        {
            "message": "Invalid security token. Please refresh the page and try again.",
            "code": "invalid_nonce",
        },
    )


def test_the_nonce_of_another_action_is_refused(client, user):
    other = nonces.make_nonce("", 0, action="wc_store_api")
    r = login(client, {"user_login": "venkman", "password": "ghost-pass-1"}, other)
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "message", "code"),
    [
        ({"password": "x"}, 400, "Email or username is required", "missing_login"),
        ({"user_login": "  ", "password": "x"}, 400, "Email or username is required",
         "missing_login"),
        ({"user_login": "venkman"}, 400, "Password is required", "missing_password"),
        ({"user_login": "venkman", "password": "wrong"}, 401,
         "The password you entered for the username venkman is incorrect.", "login_failed"),
        ({"user_login": "peter@example.com", "password": "wrong"}, 401,
         "The password you entered for the username peter@example.com is incorrect.",
         "login_failed"),
        ({"user_login": "nobody", "password": "x"}, 401,
         "The username nobody is not registered on this site. If you are unsure of your "
         "username, try your email address instead.", "login_failed"),
        ({"user_login": "no@example.com", "password": "x"}, 401,
         "Unknown email address. Check again or try your username.", "login_failed"),
    ],
)  # fmt: skip
def test_login_errors(client, user, body, status, message, code):
    r = login(client, body)
    assert (r.status_code, r.json()) == (
        status,
        {"success": False, "data": {"message": message, "code": code}},
    )


@pytest.mark.parametrize("login_name", ["venkman", "peter@example.com"])
def test_login_success(client, user, login_name):
    r = login(client, {"user_login": login_name, "password": "ghost-pass-1"})
    assert (r.status_code, r.json()) == (
        200,
        {
            "success": True,
            "data": {
                "message": "Login successful",
                "redirect_url": "http://127.0.0.1:8000/customer-profile/#/profile",
            },
        },
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.get_expire_at_browser_close()


def test_remember_me_keeps_the_session(client, user):
    login(client, {"user_login": "venkman", "password": "ghost-pass-1", "remember_me": "on"})
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_the_checkout_page_hands_out_the_nonce(client, user):
    page = client.get("/checkout/").content.decode()
    assert guest_nonce() in page
    r = login(client, {"user_login": "venkman", "password": "ghost-pass-1"})
    assert r.status_code == 200
