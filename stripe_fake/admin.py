"""Admin for the embedded Stripe fake: every object read-only, shown as the API returns it."""

from django.contrib import admin

from checkout_hub.admin import HubModelAdmin, pretty

from .models import Charge, CheckoutSession, PaymentIntent, PaymentMethod, Refund, SetupIntent


class WireObjectAdmin(HubModelAdmin):
    """Read-only: the fake's objects only change through its API."""

    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # POST /__hub/reset clears them

    @admin.display(description="As the API returns it")
    def wire(self, obj):
        return pretty(obj.data, sort_keys=False)


@admin.register(PaymentIntent)
class PaymentIntentAdmin(WireObjectAdmin):
    list_display = ["id", "amount", "currency", "status", "order_id", "created"]
    list_filter = ["status", "currency"]
    # Ids match exactly: a partial order id "1" would match "12", "21"...
    search_fields = ["=id", "=order_id"]
    fields = ["id", "status", ("amount", "currency"), "order_id", "return_url", "created", "wire"]
    readonly_fields = ["wire"]


@admin.register(PaymentMethod)
class PaymentMethodAdmin(WireObjectAdmin):
    list_display = ["id", "brand", "last4", "test_card", "created"]
    list_filter = ["test_card"]
    search_fields = ["=id", "test_card"]
    fields = ["id", "test_card", "created", "wire"]
    readonly_fields = ["wire"]

    @admin.display(description="Brand")
    def brand(self, obj):
        return obj.data["card"]["brand"]

    @admin.display(description="Last 4")
    def last4(self, obj):
        return obj.data["card"]["last4"]


@admin.register(Charge)
class ChargeAdmin(WireObjectAdmin):
    list_display = ["id", "payment_intent_id", "amount", "amount_refunded", "currency", "status"]
    list_filter = ["status"]
    search_fields = ["=id", "=payment_intent__id"]
    fields = [
        "id",
        "payment_intent",
        "status",
        ("amount", "amount_refunded", "currency"),
        "created",
        "wire",
    ]
    readonly_fields = ["wire"]


@admin.register(Refund)
class RefundAdmin(WireObjectAdmin):
    list_display = ["id", "charge_id", "amount", "currency", "status", "reason", "created"]
    list_filter = ["status", "reason"]
    search_fields = ["=id", "=charge__id"]
    fields = ["id", "charge", "status", ("amount", "currency"), "reason", "created", "wire"]
    readonly_fields = ["wire"]


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(WireObjectAdmin):
    list_display = ["id", "amount_total", "currency", "status", "payment_status", "created"]
    list_filter = ["status", "payment_status"]
    search_fields = ["=id"]
    fields = [
        "id",
        ("status", "payment_status"),
        ("amount_total", "currency"),
        "created",
        "wire",
    ]
    readonly_fields = ["wire"]


@admin.register(SetupIntent)
class SetupIntentAdmin(WireObjectAdmin):
    list_display = ["id", "status", "created"]
    list_filter = ["status"]
    search_fields = ["=id"]
    fields = ["id", "status", "created", "wire"]
    readonly_fields = ["wire"]


from . import admin_events  # noqa: E402, F401  (events, webhook endpoints, each object's events)
