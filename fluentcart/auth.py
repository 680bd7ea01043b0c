"""FluentCart's auth: WordPress's logged-in cookie (the hub's login session) with the wp_rest
nonce on REST routes (see `views.base.FluentView.perform_authentication`); the cart itself
is the `fct_cart_hash` cookie (`fluentcart.session`). Its own class so the OpenAPI document
names FluentCart's scheme (`fluentcart.schema`)."""

from checkout_hub.api.auth import LoginSessionAuthentication


class FluentCartCookieAuthentication(LoginSessionAuthentication):
    """The login session; guests need nothing (FluentCart's routes are public)."""
