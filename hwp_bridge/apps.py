from django.apps import AppConfig


class HwpBridgeConfig(AppConfig):
    name = "hwp_bridge"
    verbose_name = "HWP checkout bridge"

    def ready(self):
        from checkout_hub import credentials
        from checkout_hub.api import fallback

        from . import schema  # noqa: F401 - registers the OpenAPI auth extension

        credentials.register("hwp_bridge", bridge_access)
        fallback.register("/wp-json/headlesswp/", internal_error)


def internal_error(request):
    """HWP's 500 INTERNAL_ERROR envelope (its error handler's), with the headers every bridge
    reply carries (the base view adds them to DRF's replies)."""
    from . import envelope, errors

    response = errors.handle.fallback_response(request)
    response[envelope.HEADER] = envelope.correlation_id(request)
    response["Cache-Control"] = "no-store"
    return response


def bridge_access() -> dict:
    """The bridge has no keys: guests (or a login session) send the wp_rest nonce."""
    from django.conf import settings

    return {
        "base_url": settings.HUB_PUBLIC_URL + "/wp-json/headlesswp/v1",
        "auth": "none: GET /nonce, then send its nonce as X-WP-Nonce on checkout-session",
        "guest_checkout": settings.HWP_GUEST_CHECKOUT and settings.HUB_GUEST_CHECKOUT,
    }
