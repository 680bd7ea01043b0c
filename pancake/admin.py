"""Pancake in Django admin: merchants with their keys (paste a public key, or generate a dev
key pair whose private key is shown once), stores with their webhook endpoints, products with
versions and prices, and the ORD_/PAY_ orders with their external id and metadata."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from checkout_hub.admin import HubModelAdmin, HubTabularInline
from checkout_hub.models import Vendor, WebhookEndpoint

from . import keys, webhooks
from .models import (
    HubSigningKey,
    Merchant,
    MerchantKey,
    PancakeOrder,
    PancakePayment,
    PancakeProduct,
    ProductPrice,
    ProductVersion,
    Store,
)


class MerchantKeyForm(forms.ModelForm):
    class Meta:
        model = MerchantKey
        fields = ["merchant", "name", "environment", "public_key", "active"]

    def clean_public_key(self):
        text = self.cleaned_data["public_key"]
        try:
            return keys.normalise_public_key(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class MerchantKeyInline(HubTabularInline):
    model = MerchantKey
    form = MerchantKeyForm
    extra = 0
    fields = ["name", "environment", "public_key", "fingerprint", "active", "created_at"]
    readonly_fields = ["fingerprint", "created_at"]


@admin.register(Merchant)
class MerchantAdmin(HubModelAdmin):
    list_display = ["short_id", "name", "email", "created_at"]
    search_fields = ["short_id", "name", "email"]
    readonly_fields = ["short_id"]
    inlines = [MerchantKeyInline]
    actions = ["generate_test_key", "generate_prod_key"]

    def _generate(self, request, queryset, environment):
        for merchant in queryset:
            private, public = keys.generate()
            MerchantKey.objects.create(
                merchant=merchant, name="generated", environment=environment, public_key=public
            )
            # Shown once: the hub keeps only the public half.
            self.message_user(
                request,
                format_html(
                    "New {} key for {}. Copy the private key now; it is not stored:"
                    "<pre class='pancake-private-key'>{}</pre>",
                    environment,
                    merchant.short_id,
                    private,
                ),
                messages.WARNING,
            )

    @admin.action(description="Generate a dev key pair (test); shows the private key once")
    def generate_test_key(self, request, queryset):
        self._generate(request, queryset, "test")

    @admin.action(description="Generate a dev key pair (prod); shows the private key once")
    def generate_prod_key(self, request, queryset):
        self._generate(request, queryset, "prod")


@admin.register(MerchantKey)
class MerchantKeyAdmin(HubModelAdmin):
    form = MerchantKeyForm
    list_display = ["merchant", "name", "environment", "fingerprint", "active", "created_at"]
    list_filter = ["environment", "active"]
    list_select_related = ["merchant"]


@admin.register(Store)
class StoreAdmin(HubModelAdmin):
    list_display = ["short_id", "name", "slug", "status", "prod_enabled", "merchant", "hooks"]
    list_filter = ["status", "prod_enabled"]
    search_fields = ["short_id", "name", "slug"]
    readonly_fields = ["short_id", "webhook_endpoints", "webhook_public_key"]
    list_select_related = ["merchant"]

    def get_queryset(self, request):
        counts = (
            WebhookEndpoint.objects.filter(
                vendor=Vendor.PANCAKE, owner=OuterRef("short_id"), active=True
            )
            .values("owner")
            .annotate(n=Count("id"))
            .values("n")
        )
        return super().get_queryset(request).annotate(hook_count=Coalesce(Subquery(counts), 0))

    @admin.display(description="Webhook endpoints")
    def hooks(self, obj):
        return obj.hook_count

    @admin.display(description="Webhook endpoints (add in Webhook endpoints, owner = STO_ id)")
    def webhook_endpoints(self, obj):
        rows = WebhookEndpoint.objects.filter(vendor=Vendor.PANCAKE, owner=obj.short_id)
        add = reverse("admin:checkout_hub_webhookendpoint_add")
        items = format_html_join(
            "",
            "<li><a href='{}'>{}</a> ({})</li>",
            (
                (
                    reverse("admin:checkout_hub_webhookendpoint_change", args=[e.pk]),
                    e.url,
                    "test" if e.test_mode else "live",
                )
                for e in rows
            ),
        ) or mark_safe("<li>none</li>")
        return format_html(
            "<ul>{}</ul><a href='{}?vendor=pancake&owner={}&signing={}'>Add one</a>",
            items,
            add,
            obj.short_id,
            webhooks.SIGNING,
        )

    @admin.display(description="Webhook public key (the SDK's webhookPublicKey)")
    def webhook_public_key(self, obj):
        return format_html("<pre>{}</pre>", webhooks.hub_key().public_key)


class ProductPriceInline(HubTabularInline):
    model = ProductPrice
    extra = 0


@admin.register(ProductVersion)
class ProductVersionAdmin(HubModelAdmin):
    list_display = ["__str__", "product", "status", "created_at"]
    list_select_related = ["product"]
    inlines = [ProductPriceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("product__versions")


class ProductVersionInline(HubTabularInline):
    model = ProductVersion
    extra = 0
    fields = ["number", "name", "status", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True


@admin.register(PancakeProduct)
class PancakeProductAdmin(HubModelAdmin):
    list_display = ["short_id", "__str__", "kind", "billing_period", "active_test", "active_prod"]
    list_filter = ["kind", "active_test", "active_prod"]
    search_fields = ["short_id"]
    readonly_fields = ["short_id", "hub_product"]
    inlines = [ProductVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")


class PancakePaymentInline(HubTabularInline):
    model = PancakePayment
    extra = 0
    readonly_fields = ["short_id", "payment", "created_at"]
    can_delete = False


@admin.register(PancakeOrder)
class PancakeOrderAdmin(HubModelAdmin):
    list_display = [
        "short_id",
        "kind",
        "status",
        "environment",
        "buyer_email",
        "merchant_external_id",
        "hub_order",
        "created_at",
    ]
    list_filter = ["kind", "status", "environment"]
    search_fields = ["short_id", "buyer_email", "merchant_external_id"]
    readonly_fields = ["short_id", "order", "session", "store", "product", "version"]
    list_select_related = ["order"]
    inlines = [PancakePaymentInline]

    @admin.display(description="Hub order")
    def hub_order(self, obj):
        url = reverse("admin:checkout_hub_order_change", args=[obj.order_id])
        return format_html("<a href='{}'>{}</a>", url, obj.order)


@admin.register(HubSigningKey)
class HubSigningKeyAdmin(HubModelAdmin):
    list_display = ["name", "created_at"]
    readonly_fields = ["name", "public_key", "created_at"]
    exclude = ["private_key"]

    def has_add_permission(self, request):
        return False
