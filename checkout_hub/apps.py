from django.apps import AppConfig


class CheckoutHubConfig(AppConfig):
    name = "checkout_hub"
    verbose_name = "Checkout Hub store"

    def ready(self):
        from checkout_hub import signals  # noqa: F401  (scenario-rule cache invalidation)
        from checkout_hub.api import fallback
        from checkout_hub.control.views import HubAPIView

        register_reset_groups()
        # The hub's own endpoints answer what escapes in their envelope too.
        fallback.register("/__hub/", HubAPIView.exception_handler.fallback_response)


def register_reset_groups() -> None:
    """What POST /__hub/reset clears of the core's tables (checkout_hub.resetting)."""
    from checkout_hub import models as m
    from checkout_hub import resetting
    from checkout_hub.services import reference, scenarios

    resetting.register("journal", [m.RequestLog])
    resetting.register("idempotency", [m.IdempotencyRecord])
    resetting.register("scenarios", [m.ScenarioRule], after=scenarios.forget_rules)
    resetting.register("webhooks", [m.WebhookDelivery, m.WebhookAttempt])
    # Carts, orders and checkout sessions point at each other: one group.
    resetting.register(
        "orders",
        [
            m.Cart,
            m.CartItem,
            m.Order,
            m.OrderItem,
            m.OrderMeta,
            m.Payment,
            m.CheckoutSession,
            m.Customer,
            m.CustomerAddress,
        ],
    )
    resetting.register("webhook_endpoints", [m.WebhookEndpoint], kind=resetting.SEED)
    resetting.register(
        "catalogue",
        [
            m.Category,
            m.Product,
            m.ProductImage,
            m.Coupon,
            m.ShippingZone,
            m.ShippingMethod,
            m.TaxRate,
            m.Tag,
            m.Brand,
            m.Attribute,
            m.AttributeTerm,
            m.Review,
        ],
        kind=resetting.SEED,
        after=reference.invalidate,
    )
