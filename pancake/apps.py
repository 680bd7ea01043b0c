from django.apps import AppConfig


class PancakeConfig(AppConfig):
    name = "pancake"
    verbose_name = "Waffo Pancake"

    def ready(self):
        from checkout_hub import credentials, landing, seeding
        from checkout_hub.api import fallback
        from checkout_hub.services.webhooks import signing

        from . import demo, errors, webhooks

        credentials.register("pancake", demo.credentials)
        seeding.register("pancake", demo.seed)
        landing.register("pancake", demo.landing_section)
        fallback.register("/v1/", errors.handle.fallback_response)
        signing.register(webhooks.SIGNING, webhooks.sign)
