"""Admin for the outbound webhooks: endpoints, deliveries with every attempt, and redelivery."""

from django.contrib import admin, messages

from checkout_hub.admin import HubModelAdmin, HubTabularInline
from checkout_hub.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from checkout_hub.services import webhooks


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(HubModelAdmin):
    list_display = ["url", "vendor", "owner", "channel", "signing", "test_mode", "active"]
    list_filter = ["vendor", "active", "test_mode", "signing"]
    search_fields = ["url", "owner"]
    readonly_fields = ["public_id", "created_at", "updated_at"]


class WebhookAttemptInline(HubTabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "success",
        "error",
        "response_body",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(HubModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "endpoint",
        "status",
        "attempt_count",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event_type", "endpoint__vendor"]
    search_fields = ["event_id", "public_id", "endpoint__url"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "public_id",
        "endpoint",
        "event_type",
        "event_id",
        "body",
        "headers",
        "status",
        "attempt_count",
        "max_attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver the selected webhooks now")
    def redeliver(self, request, queryset):
        count = 0
        for delivery in queryset:
            webhooks.redeliver(delivery)
            count += 1
        self.message_user(request, f"Queued {count} deliveries again.", messages.SUCCESS)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(HubModelAdmin):
    list_display = ["delivery", "number", "status_code", "success", "started_at", "duration_ms"]
    list_filter = ["success"]
    list_select_related = ["delivery"]
    readonly_fields = [f.name for f in WebhookAttempt._meta.fields]

    def has_add_permission(self, request):
        return False
