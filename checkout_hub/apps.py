from django.apps import AppConfig


class CheckoutHubConfig(AppConfig):
    name = "checkout_hub"
    verbose_name = "Checkout Hub store"

    def ready(self):
        from checkout_hub import signals  # noqa: F401  (scenario-rule cache invalidation)
        from checkout_hub.api import fallback
        from checkout_hub.control.views import HubAPIView

        # The hub's own endpoints answer what escapes in their envelope too.
        fallback.register("/__hub/", HubAPIView.exception_handler.fallback_response)
