"""drf-spectacular: the Store API's auth, as OpenAPI security schemes (a WordPress nonce in the
`Nonce` header, or a `Cart-Token`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class NonceScheme(OpenApiAuthenticationExtension):
    target_class = "woo_store.views.base.NonceAuthentication"
    name = ["WooNonce", "WooCartToken"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Nonce",
                "description": "The Nonce header of the last reply (cookie session).",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "Cart-Token",
                "description": "The Cart-Token header of the last reply; no nonce needed.",
            },
        ]


def drop_alias(endpoints, **kwargs):
    """Preprocessing hook: document the versioned routes once, without the unversioned alias
    and with WordPress's canonical (slash-less) paths."""
    kept = []
    for path, path_regex, method, callback in endpoints:
        if path.startswith("/wp-json/wc/store/") and not path.startswith("/wp-json/wc/store/v1/"):
            continue
        if path.startswith("/wp-json/"):
            path = path.rstrip("/")
        kept.append((path, path_regex, method, callback))
    return kept
