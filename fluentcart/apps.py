from django.apps import AppConfig


class FluentCartConfig(AppConfig):
    name = "fluentcart"
    verbose_name = "FluentCart"

    def ready(self):
        from checkout_hub import credentials, views
        from checkout_hub.api import fallback

        from . import errors, pages, schema  # noqa: F401 - schema registers its scheme

        credentials.register("fluentcart", fluentcart_access)
        fallback.register("/wp-json/fluent-cart/", errors.handle.fallback_response)
        fallback.register("/wp-admin/admin-ajax.php", errors.handle.fallback_response)
        # /?fluent-cart=instant_checkout&item_id=..: the plugin answers on the site's root.
        views.register_front_query("fluent-cart", pages.instant_checkout)


def fluentcart_access() -> dict:
    """FluentCart has no keys: the cart is the fct_cart_hash cookie; user/login needs the
    wp_rest nonce (the guest one shown here, or the checkout page's)."""
    from django.conf import settings

    from checkout_hub.wordpress import nonces

    return {
        "base_url": settings.HUB_PUBLIC_URL + "/wp-json/fluent-cart/v2",
        "admin_ajax": settings.HUB_PUBLIC_URL + "/wp-admin/admin-ajax.php",
        "cart": "cookie fct_cart_hash (set by the first cart update), or ?fct_cart_hash=",
        "guest_wp_rest_nonce": nonces.make_nonce("", 0, action=nonces.REST_ACTION),
        "name_mode": settings.FLUENTCART_NAME_MODE,
        "stripe_mode": settings.FLUENTCART_STRIPE_MODE,
    }
