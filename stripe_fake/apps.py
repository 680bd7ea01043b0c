from django.apps import AppConfig


class StripeFakeConfig(AppConfig):
    name = "stripe_fake"
    verbose_name = "Stripe (embedded fake)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from checkout_hub import credentials

        credentials.register("stripe", stripe_access)


def stripe_access() -> dict:
    """The keys the hub's SDK sends, and where its calls go."""
    from django.conf import settings

    if settings.STRIPE_FAKE:
        target = "embedded fake, in-process"
    else:
        target = settings.STRIPE_API_BASE or "https://api.stripe.com (Stripe test mode)"
    return {
        "secret_key": settings.STRIPE_SECRET_KEY,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "sdk_calls_go_to": target,
        "fake_over_http": settings.HUB_PUBLIC_URL + "/stripe/v1",
    }
