"""Admin for WooCommerce API keys: add one and its consumer key and secret are shown once."""

from django.contrib import admin, messages

from .models import ApiKey, new_pair


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("description", "user", "permissions", "truncated_key", "last_access")
    list_filter = ("permissions",)
    list_select_related = ("user",)
    search_fields = ("description", "truncated_key", "user__username")
    readonly_fields = ("truncated_key", "last_access", "created_at")
    fields = ("description", "user", "permissions", *readonly_fields)

    def save_model(self, request, obj, form, change):
        if not change:
            key, secret = new_pair()
            obj.set_pair(key, secret)
            messages.success(
                request,
                f"API key generated. Consumer key: {key} Consumer secret: {secret} "
                "(copy them now: the key is not shown again).",
            )
        super().save_model(request, obj, form, change)
