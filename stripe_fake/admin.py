"""Admin for the embedded Stripe fake: every object read-only, shown as the API returns it."""

from django.contrib import admin

from checkout_hub.admin import HubModelAdmin, pretty

from .models import (
    Charge,
    CheckoutSession,
    Customer,
    PaymentIntent,
    PaymentMethod,
    Refund,
    SetupIntent,
)


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


class AttachedFilter(admin.SimpleListFilter):
    """Whether the object belongs to a Customer."""

    title = "customer"
    parameter_name = "has_customer"

    def lookups(self, request, model_admin):
        return [("yes", "With a customer"), ("no", "Without a customer")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(customer__isnull=True)
        if self.value() == "no":
            return queryset.filter(customer__isnull=True)
        return queryset


@admin.register(Customer)
class CustomerAdmin(WireObjectAdmin):
    list_display = ["id", "email", "name", "deleted", "created"]
    list_filter = ["deleted"]
    search_fields = ["=id", "email", "name"]
    fields = ["id", ("email", "name"), "deleted", "created", "wire", "payment_methods"]
    readonly_fields = ["wire", "payment_methods"]

    @admin.display(description="Payment methods attached")
    def payment_methods(self, obj):
        return ", ".join(PaymentMethod.objects.filter(customer=obj.id).values_list("id", flat=True))


@admin.register(PaymentIntent)
class PaymentIntentAdmin(WireObjectAdmin):
    list_display = ["id", "amount", "currency", "status", "order_id", "customer", "created"]
    list_filter = ["status", "currency", AttachedFilter]
    # Ids match exactly: a partial order id "1" would match "12", "21"...
    search_fields = ["=id", "=order_id", "=customer"]
    fields = [
        "id",
        "status",
        ("amount", "currency"),
        "order_id",
        "customer",
        "return_url",
        "created",
        "wire",
    ]
    readonly_fields = ["wire"]


@admin.register(PaymentMethod)
class PaymentMethodAdmin(WireObjectAdmin):
    list_display = ["id", "brand", "last4", "test_card", "customer", "created"]
    list_filter = ["test_card", AttachedFilter]
    search_fields = ["=id", "test_card", "=customer"]
    fields = ["id", "test_card", "customer", "created", "wire"]
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
    list_display = ["id", "status", "usage", "customer", "created"]
    list_filter = ["status", AttachedFilter]
    search_fields = ["=id", "=customer"]
    fields = ["id", "status", "customer", "return_url", "created", "wire"]
    readonly_fields = ["wire"]

    @admin.display(description="Usage")
    def usage(self, obj):
        return obj.data.get("usage")


from . import admin_events  # noqa: E402, F401  (events, webhook endpoints, each object's events)
