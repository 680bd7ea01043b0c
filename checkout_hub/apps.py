from django.apps import AppConfig


class CheckoutHubConfig(AppConfig):
    name = "checkout_hub"
    verbose_name = "Checkout Hub store"

    def ready(self):
        from checkout_hub import signals  # noqa: F401  (scenario-rule cache invalidation)
