"""Admin for the Stripe fake's Events and Webhook Endpoints, and each object's events.

Every object page of the fake (PaymentIntent, Charge, Refund, Checkout Session, and any other
wire object registered in `admin`) gets an "Events" section: the events about it (a
PaymentIntent's include its charges', a Refund's its charge's) with their deliveries, each
linking to the hub's WebhookDelivery page (attempts, redelivery). Imported at the end of
`admin`, so the object admins it extends are registered.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from checkout_hub.models import WebhookDelivery

from . import events
from .admin import WireObjectAdmin
from .models import Charge, Event, PaymentIntent, Refund, WebhookEndpoint, WireObject


def _delivery_links(found) -> str:
    if not found:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{} → {} ({})</a>',
        (
            (
                reverse("admin:checkout_hub_webhookdelivery_change", args=[d.pk]),
                d.get_status_display(),
                d.endpoint.url,
                f"{d.attempt_count} attempt{'s' if d.attempt_count != 1 else ''}",
            )
            for d in found
        ),
    )


def _deliveries_by_event(event_ids) -> dict[str, list[WebhookDelivery]]:
    found: dict[str, list[WebhookDelivery]] = {}
    for delivery in events.deliveries(event_ids).select_related("endpoint").order_by("id"):
        found.setdefault(delivery.event_id, []).append(delivery)
    return found


def events_table(object_ids: list[str]) -> str:
    rows = list(Event.objects.filter(object_id__in=object_ids).order_by("created", "id"))
    if not rows:
        return "—"
    sent = _deliveries_by_event(row.id for row in rows)
    body = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                reverse("admin:stripe_fake_event_change", args=[quote(row.id)]),
                row.id,
                row.type,
                row.created.strftime("%Y-%m-%d %H:%M:%S"),
                row.data["request"]["id"] or "—",
                _delivery_links(sent.get(row.id)),
            )
            for row in rows
        ),
    )
    return format_html(
        "<table><thead><tr><th>Event</th><th>Type</th><th>Created</th><th>Request</th>"
        "<th>Deliveries</th></tr></thead><tbody>{}</tbody></table>",
        body,
    )


def related_ids(obj: WireObject) -> list[str]:
    """The objects whose events `obj`'s page shows: itself, a PaymentIntent's charges, a
    Refund's charge."""
    if isinstance(obj, PaymentIntent):
        return [obj.id, *Charge.objects.filter(payment_intent=obj).values_list("id", flat=True)]
    if isinstance(obj, Refund):
        return [obj.id, obj.charge_id]
    return [obj.id]


@admin.display(description="Events")
def object_events(obj) -> str:
    return events_table(related_ids(obj))


def _extend(model_admin: admin.ModelAdmin) -> None:
    """Add the Events section to an object admin (an instance attribute: the admin reads a
    readonly field from its ModelAdmin instance)."""
    if "object_events" in (model_admin.readonly_fields or ()):
        return
    model_admin.object_events = object_events
    model_admin.readonly_fields = [*model_admin.readonly_fields, "object_events"]
    if model_admin.fields:
        model_admin.fields = [*model_admin.fields, "object_events"]


@admin.register(Event)
class EventAdmin(WireObjectAdmin):
    list_display = ["id", "type", "object_id", "request_id", "created"]
    list_filter = ["type"]
    search_fields = ["=id", "=object_id"]
    fields = ["id", "type", "object_id", "created", "deliveries", "wire"]
    readonly_fields = ["deliveries", "wire"]

    @admin.display(description="Request")
    def request_id(self, obj):
        return obj.data["request"]["id"] or "—"

    @admin.display(description="Deliveries")
    def deliveries(self, obj):
        return _delivery_links(_deliveries_by_event([obj.id]).get(obj.id))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(WireObjectAdmin):
    list_display = ["id", "url", "status", "enabled_events", "created"]
    list_filter = ["status"]
    search_fields = ["=id", "url"]
    fields = ["id", "url", "status", "created", "hub_endpoint", "recent_deliveries", "wire"]
    readonly_fields = ["hub_endpoint", "recent_deliveries", "wire"]

    @admin.display(description="Enabled events")
    def enabled_events(self, obj):
        return ", ".join(obj.data["enabled_events"])

    @admin.display(description="Delivers through")
    def hub_endpoint(self, obj):
        url = reverse("admin:checkout_hub_webhookendpoint_change", args=[obj.endpoint_id])
        return format_html('<a href="{}">{}</a>', url, obj.endpoint)

    @admin.display(description="Recent deliveries")
    def recent_deliveries(self, obj):
        found = list(obj.endpoint.deliveries.select_related("endpoint").order_by("-id")[:20])
        if not found:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308  (a constant)
            '{} <a href="{}">{}</a> {}',
            (
                (
                    d.event_type,
                    reverse("admin:checkout_hub_webhookdelivery_change", args=[d.pk]),
                    d.event_id,
                    d.get_status_display(),
                )
                for d in found
            ),
        )


for _model, _model_admin in list(admin.site._registry.items()):
    if (
        _model._meta.app_label == "stripe_fake"
        and issubclass(_model, WireObject)
        and _model not in (Event, WebhookEndpoint)
    ):
        _extend(_model_admin)
