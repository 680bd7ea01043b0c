from django.apps import AppConfig


class PancakeConfig(AppConfig):
    name = "pancake"
    verbose_name = "Waffo Pancake"

    def ready(self):
        from checkout_hub import credentials, landing, resetting, seeding
        from checkout_hub.api import fallback
        from checkout_hub.services.webhooks import signing

        from . import demo, errors, models, webhooks

        credentials.register("pancake", demo.credentials)
        seeding.register("pancake", demo.seed)
        resetting.register("pancake", [models.PancakeOrder, models.PancakePayment])
        resetting.register(
            "pancake_catalogue",
            [
                models.Merchant,
                models.MerchantKey,
                models.Store,
                models.PancakeProduct,
                models.ProductVersion,
                models.ProductPrice,
                models.HubSigningKey,
            ],
            kind=resetting.SEED,
        )
        landing.register("pancake", demo.landing_section)
        fallback.register("/v1/", errors.handle.fallback_response)
        signing.register(webhooks.SIGNING, webhooks.sign)
