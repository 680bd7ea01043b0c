"""The embedded Stripe fake's Events and Webhook Endpoints API (one function per endpoint, as
`responses` has them; `routes.ROUTES` maps the paths):

- `GET /v1/events` (`type` with `*` wildcards, `types[]`, `created`, `delivery_success`, the
  list's pagination) and `GET /v1/events/:id`;
- `POST /v1/webhook_endpoints` (`url`, `enabled_events[]` with `*`, `description`,
  `metadata`, `api_version`, `connect`), answered with its `whsec_` `secret` (only then, as
  Stripe); `GET`, `POST` (update, `disabled`) and `DELETE /v1/webhook_endpoints/:id`;
  `GET /v1/webhook_endpoints`.

A Stripe webhook endpoint is the Stripe face of a hub `WebhookEndpoint` (vendor "stripe",
signing "stripe"): the hub's row holds the secret, the events it wants and whether it is
active, and the outbox delivers through it (`events.publish`).
"""

from __future__ import annotations

import re
import typing

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from stripe.params._webhook_endpoint_create_params import WebhookEndpointCreateParams

from checkout_hub import clock
from checkout_hub.models import Vendor, WebhookDelivery
from checkout_hub.models import WebhookEndpoint as HubEndpoint

from . import backend, errors, events, listing
from .models import Event, WebhookEndpoint
from .responses import Call, _boolean, _expansions, _metadata, _string, _strings


def _literals(name: str) -> tuple[str, ...]:
    """The values the installed SDK's create params allow for `name` (Stripe's OpenAPI)."""
    hint = WebhookEndpointCreateParams.__annotations__[name]
    while typing.get_origin(hint) is not typing.Literal:
        hint = typing.get_args(hint)[0]
    return typing.get_args(hint)


# Every event type an endpoint may ask for ("*": all of them), and every API version.
ENABLED_EVENTS = _literals("enabled_events")
API_VERSIONS = _literals("api_version")
MAX_ENDPOINTS = 16  # Stripe's limit of test-mode webhook endpoints per account
MAX_TYPES = 20
_is_url = URLValidator(schemes=["http", "https"])


# Lists go through `listing.list_page` (events and endpoints expand nothing: responses.EXPANDABLE).
EVENT_LIST_PARAMS = listing.LIST_PARAMS | {"type", "types", "delivery_success"}
ENDPOINT_LIST_PARAMS = listing.LIST_PARAMS - {"created"}  # Stripe's takes no `created`


# --- events ---
def _type_filter(rows, params: dict):
    if "type" in params and "types" in params:
        raise errors.invalid_request(
            "You may pass either `type` or `types`, but not both.", param="types"
        )
    if "type" in params:
        wanted = _string(params["type"], "type")
        if wanted is None:
            return rows
        if "*" not in wanted:
            return rows.filter(type=wanted)
        pattern = "^" + ".*".join(re.escape(part) for part in wanted.split("*")) + "$"
        return rows.filter(type__regex=pattern)
    if "types" in params:
        types = _strings(params["types"], "types")
        if len(types) > MAX_TYPES:
            raise errors.invalid_request(
                f"Invalid array: types may have at most {MAX_TYPES} elements.", param="types"
            )
        return rows.filter(type__in=types)
    return rows


def _delivery_filter(rows, value):
    if value is None:
        return rows
    success = _boolean(value, "delivery_success")
    undelivered = (
        WebhookDelivery.objects.filter(endpoint__vendor=Vendor.STRIPE)
        .exclude(status=WebhookDelivery.Status.SUCCESS)
        .values("event_id")
    )
    return rows.exclude(id__in=undelivered) if success else rows.filter(id__in=undelivered)


def list_events(call: Call) -> dict:
    params = call.params
    rows = _type_filter(Event.objects.all(), params)
    rows = _delivery_filter(rows, params.get("delivery_success"))
    page = listing.list_page(call, rows, "/v1/events", kind="event")
    # `pending_webhooks` as it is now (the stored one says how many there were to make).
    pending = events.pending_counts(event["id"] for event in page["data"])
    for event in page["data"]:
        event["pending_webhooks"] = pending.get(event["id"], 0)
    return page


def retrieve_event(call: Call, event_id: str) -> dict:
    _expansions(call.params, "event")
    event = backend.stored(Event, event_id)
    if event is None:
        raise errors.no_such("event", event_id, "id", status=404)
    return events.render([event])[0]


# --- webhook endpoints ---
def _url(value) -> str:
    url = _string(value, "url")
    if url is None:
        raise errors.parameter_missing("url")
    try:
        _is_url(url)
    except ValidationError:
        raise errors.invalid_request(f"Invalid URL: {url}", param="url") from None
    if len(url) > HubEndpoint._meta.get_field("url").max_length:
        raise errors.invalid_request(f"Invalid URL: {url}", param="url")
    return url


def _enabled_events(value) -> list[str]:
    if value is None or value == "":
        raise errors.parameter_missing("enabled_events")
    names = _strings(value, "enabled_events")
    if not names:
        raise errors.parameter_missing("enabled_events")
    for index, name in enumerate(names):
        if name not in ENABLED_EVENTS:
            choices = ", ".join(ENABLED_EVENTS[:-1]) + f", or {ENABLED_EVENTS[-1]}"
            raise errors.invalid_request(
                f"Invalid enabled_events[{index}]: must be one of {choices}",
                param=f"enabled_events[{index}]",
            )
    return list(dict.fromkeys(names))


def _api_version(value) -> str | None:
    version = _string(value, "api_version")
    if version is not None and version not in API_VERSIONS:
        raise errors.invalid_request(f"Invalid Stripe API version: {version}", param="api_version")
    return version


def _sync_hub(endpoint: WebhookEndpoint) -> None:
    """The hub's endpoint follows the wire object: url, wanted events, status."""
    hub = endpoint.endpoint
    enabled = endpoint.data["enabled_events"]
    hub.url = endpoint.data["url"]
    hub.events = [] if "*" in enabled else list(enabled)
    hub.active = endpoint.data["status"] == "enabled"
    hub.save()


def create_webhook_endpoint(call: Call) -> dict:
    params = call.params
    _expansions(params, "webhook_endpoint")
    url = _url(params.get("url"))
    enabled = _enabled_events(params.get("enabled_events"))
    description = _string(params.get("description"), "description")
    metadata = _metadata({}, params.get("metadata", ""))
    api_version = _api_version(params.get("api_version"))
    _boolean(params.get("connect"), "connect")
    if WebhookEndpoint.objects.count() >= MAX_ENDPOINTS:
        raise errors.invalid_request(
            f"You have reached the maximum of {MAX_ENDPOINTS} test mode webhook endpoints."
        )
    now = clock.now()
    endpoint_id = backend.new_id("we")
    secret = "whsec_" + clock.random_string(32)
    data = {
        "id": endpoint_id,
        "object": "webhook_endpoint",
        "api_version": api_version,
        "application": None,
        "created": int(now.timestamp()),
        "description": description,
        "enabled_events": enabled,
        "livemode": False,
        "metadata": metadata,
        "status": "enabled",
        "url": url,
    }
    hub = HubEndpoint.objects.create(
        vendor=Vendor.STRIPE,
        owner=events.ACCOUNT,
        url=url,
        channel="http",
        signing=events.SIGNING,
        secret=secret,
        test_mode=True,
    )
    endpoint = WebhookEndpoint(id=endpoint_id, created=now, data=data, endpoint=hub)
    endpoint.save()
    _sync_hub(endpoint)
    # The secret is shown once, on creation (Stripe: "Only returned at creation").
    shown = dict(data)
    position = list(shown).index("metadata") + 1
    items = list(shown.items())
    items.insert(position, ("secret", secret))
    return dict(items)


def _endpoint(endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint:
    rows = WebhookEndpoint.objects.select_related("endpoint")
    if lock:
        rows = rows.select_for_update()
    endpoint = backend.stored(rows, endpoint_id)
    if endpoint is None:
        raise errors.no_such("webhook endpoint", endpoint_id, "id", status=404)
    return endpoint


def retrieve_webhook_endpoint(call: Call, endpoint_id: str) -> dict:
    _expansions(call.params, "webhook_endpoint")
    return _endpoint(endpoint_id).data


def update_webhook_endpoint(call: Call, endpoint_id: str) -> dict:
    params = call.params
    _expansions(params, "webhook_endpoint")
    endpoint = _endpoint(endpoint_id, lock=True)
    data = endpoint.data
    if "url" in params:
        data["url"] = _url(params["url"])
    if "enabled_events" in params:
        data["enabled_events"] = _enabled_events(params["enabled_events"])
    if "description" in params:
        data["description"] = _string(params["description"], "description")
    if "metadata" in params:
        data["metadata"] = _metadata(data["metadata"], params["metadata"])
    if "disabled" in params:
        data["status"] = "disabled" if _boolean(params["disabled"], "disabled") else "enabled"
    endpoint.save()
    _sync_hub(endpoint)
    return data


def delete_webhook_endpoint(call: Call, endpoint_id: str) -> dict:
    endpoint = _endpoint(endpoint_id, lock=True)
    endpoint.endpoint.delete()  # the hub's endpoint, and with it this one
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


def list_webhook_endpoints(call: Call) -> dict:
    return listing.list_page(
        call, WebhookEndpoint.objects.all(), "/v1/webhook_endpoints", kind="webhook_endpoint"
    )
