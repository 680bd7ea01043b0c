"""drf-spectacular for FluentCart: its cookie auth as an OpenAPI security scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class FluentCartCookieScheme(OpenApiAuthenticationExtension):
    target_class = "fluentcart.auth.FluentCartCookieAuthentication"
    name = "FluentCartCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "fct_cart_hash",
            "description": (
                "The cart (set by the first cart update, 12 hours). A logged-in WordPress "
                "session also sends X-WP-Nonce (wp_rest) on REST routes."
            ),
        }
