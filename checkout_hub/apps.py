from django.apps import AppConfig


class CheckoutHubConfig(AppConfig):
    name = "checkout_hub"
    verbose_name = "Checkout Hub store"

    def ready(self):
        from checkout_hub import signals  # noqa: F401  (scenario-rule cache invalidation)
        from checkout_hub.services.payments import stripe_gateway
        from stripe_fake.signals import payment_intent_updated

        # The embedded fake's change notices stand in for Stripe's payment_intent.* webhooks.
        payment_intent_updated.connect(stripe_gateway.on_intent_updated, dispatch_uid="hub")
