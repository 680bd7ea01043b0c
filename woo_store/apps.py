from django.apps import AppConfig


class WooStoreConfig(AppConfig):
    name = "woo_store"
    verbose_name = "WooCommerce Store API"

    def ready(self):
        from corsheaders.signals import check_request_enabled

        from checkout_hub import credentials
        from checkout_hub.api import fallback

        from . import errors, session  # schema registers the OpenAPI auth extension

        check_request_enabled.connect(session.cors_allows, dispatch_uid="woo_store.cors")

        credentials.register("woo_store", store_api_access)
        # Under the versioned routes and the unversioned alias alike.
        fallback.register("/wp-json/wc/store/", errors.handle.fallback_response)


def store_api_access() -> dict:
    """The Store API has no keys: a session is a cookie plus Nonce, or a Cart-Token."""
    from django.conf import settings

    return {
        "base_url": settings.HUB_PUBLIC_URL + "/wp-json/wc/store/v1",
        "auth": "none: send the Cart-Token (or the cookie and Nonce) of the last reply",
        "nonce_check": not settings.WOO_STORE_DISABLE_NONCE_CHECK,
    }
