"""The embedded Stripe fake's app: when it loads, it installs itself into the hub's Stripe
gateway (its in-process HTTP client for STRIPE_FAKE=1, its admin page as the "dashboard"
link, its Events subscribed to the gateway's settling), registers Stripe's webhook signature
with the hub's outbox, and lists its keys in `manage.py credentials`. The core never imports
this app; this app may import the core."""

from django.apps import AppConfig


class StripeFakeConfig(AppConfig):
    name = "stripe_fake"
    verbose_name = "Stripe (embedded fake)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from checkout_hub import cleaning, credentials, resetting
        from checkout_hub.api import fallback
        from checkout_hub.services.payments import stripe_gateway
        from checkout_hub.services.webhooks import signing

        from . import events
        from .client import EmbeddedHTTPClient
        from .models import WebhookEndpoint

        credentials.register("stripe", stripe_access)
        # Every object the fake made goes on POST /__hub/reset; its webhook endpoints are
        # configuration, kept (and cleared) with the hub's own endpoints they deliver through.
        resetting.register("stripe", [m for m in self.get_models() if m is not WebhookEndpoint])
        resetting.register("webhook_endpoints", [WebhookEndpoint], kind=resetting.SEED)
        # Events past Stripe's 30 days go on `manage.py hub_cleanup`.
        cleaning.register("Stripe events older than 30 days", events.prune)
        # What escapes the fake's routes is Stripe's own api_error, never Django's HTML page.
        fallback.register("/stripe/v1/", api_error_response)
        # The fake installs itself: the core names no fake (DESIGN.md, imports point down).
        stripe_gateway.use_embedded_fake(
            http_client_factory=EmbeddedHTTPClient, dashboard_url=admin_url
        )
        # Its events settle the hub's orders, as Stripe's webhooks would (in-process, after
        # each commit); its webhook endpoints get them signed as Stripe signs them.
        events.subscribe(stripe_gateway.on_event)
        signing.register(events.SIGNING, events.sign, per_attempt=True)


def api_error_response(request):
    """Stripe's 500 api_error, as the fake answers an outage."""
    from django.http import JsonResponse

    from .errors import api_error

    return JsonResponse(api_error().body(), status=500)


def admin_url(intent_id: str) -> str:
    """The fake's admin page for a PaymentIntent (what Stripe's Dashboard is for Stripe)."""
    from django.contrib.admin.utils import quote
    from django.urls import reverse

    return reverse("admin:stripe_fake_paymentintent_change", args=[quote(intent_id)])


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
