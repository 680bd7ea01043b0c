from django.apps import AppConfig


class CoCartConfig(AppConfig):
    name = "cocart"
    verbose_name = "CoCart"

    def ready(self):
        from checkout_hub import credentials, resetting, seeding
        from checkout_hub.api import fallback

        from . import errors, models, seed

        credentials.register("cocart", cocart_credentials)
        seeding.register("cocart", seed.seed)
        resetting.register("cocart_keys", [models.ApiKey], kind=resetting.SEED)
        fallback.register("/wp-json/cocart/", errors.handle.fallback_response)


def cocart_credentials() -> dict:
    """The demo consumer key pair and customer `seed_store` creates."""
    from django.conf import settings

    return {
        "baseUrl": settings.HUB_PUBLIC_URL + "/wp-json/cocart/v2",
        "checkoutUrl": settings.HUB_PUBLIC_URL + "/wp-json/cocart/preview",
        "consumerKey": settings.COCART_DEMO_CONSUMER_KEY,
        "consumerSecret": settings.COCART_DEMO_CONSUMER_SECRET,
        "customerLogin": settings.COCART_DEMO_CUSTOMER_LOGIN,
        "customerPassword": settings.COCART_DEMO_CUSTOMER_PASSWORD,
    }
