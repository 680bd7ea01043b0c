"""Store webhook actions (API Key): `store/add-webhook`, `store/update-webhook`,
`store/remove-webhook` (reference §6.5), on the core's webhook endpoints."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from rest_framework.response import Response

from checkout_hub.models import Vendor, WebhookEndpoint

from .. import auth, errors, ids, webhooks, wire
from ..models import Store
from .base import PancakeView, ok
from .checkout import PancakeIdempotentMixin


def render(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": str(endpoint.public_id),
        "storeId": endpoint.owner,
        "channel": endpoint.channel,
        "url": endpoint.url,
        "events": endpoint.events,
        "testMode": endpoint.test_mode,
        "createdAt": wire.iso(endpoint.created_at),
        "updatedAt": wire.iso(endpoint.updated_at),
    }


def _url(value) -> str:
    if not isinstance(value, str) or len(value) > 2048:
        raise errors.bad_request("url must be an http(s) URL", errors.STORE)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise errors.bad_request("url must be an http(s) URL", errors.STORE) from None
    return value


def _events(value) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(v in webhooks.EVENT_TYPES for v in value):
        raise errors.bad_request(
            "events must be a list of: " + ", ".join(webhooks.EVENT_TYPES), errors.STORE
        )
    return list(dict.fromkeys(value))


def _secret(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 255:
        raise errors.bad_request("secret must be a string of at most 255 characters", errors.STORE)
    return value


class StoreAction(PancakeIdempotentMixin, PancakeView):
    credentials = (auth.API_KEY,)

    def post(self, request):
        credential = self.authenticate_pancake(request)
        replay = self.claim_idempotency_key(request)
        if replay is not None:
            return replay
        return Response(ok({"webhook": render(self.act(credential, self.json_object()))}))

    def own_endpoint(self, credential, data) -> WebhookEndpoint:
        try:
            public_id = uuid.UUID(str(data.get("id")))
        except ValueError:
            raise errors.bad_request("Missing or invalid field: id", errors.STORE) from None
        endpoint = WebhookEndpoint.objects.filter(
            vendor=Vendor.PANCAKE, public_id=public_id, active=True
        ).first()
        if endpoint is None:
            raise errors.not_found("Webhook not found", errors.STORE)
        if not Store.objects.filter(short_id=endpoint.owner, merchant=credential.merchant).exists():
            raise errors.forbidden("Webhook does not belong to this merchant", errors.STORE)
        return endpoint


class AddWebhookView(StoreAction):
    def act(self, credential, data):
        store_id = data.get("storeId")
        if not ids.is_short_id(store_id, "STO"):
            raise errors.bad_request(errors.invalid_short_id("STO", store_id), errors.STORE)
        store = Store.objects.filter(short_id=store_id).first()
        if store is None:
            raise errors.not_found(errors.STORE_NOT_FOUND, errors.STORE)
        if store.merchant_id != credential.merchant.pk:
            raise errors.forbidden("Store does not belong to this merchant", errors.STORE)
        channel = data.get("channel")
        if channel not in webhooks.CHANNELS:
            raise errors.bad_request(
                "channel must be one of: " + ", ".join(webhooks.CHANNELS), errors.STORE
            )
        test_mode = data.get("testMode", credential.test_mode)
        if not isinstance(test_mode, bool):
            raise errors.bad_request("testMode must be a boolean", errors.STORE)
        url, events, secret = (
            _url(data.get("url")),
            _events(data.get("events")),
            _secret(data.get("secret")),
        )
        existing = WebhookEndpoint.objects.filter(
            vendor=Vendor.PANCAKE, owner=store.short_id, active=True
        )
        if existing.count() >= webhooks.MAX_PER_STORE:
            raise errors.bad_request(
                f"A store can have at most {webhooks.MAX_PER_STORE} webhooks", errors.STORE
            )
        return WebhookEndpoint.objects.create(
            vendor=Vendor.PANCAKE,
            owner=store.short_id,
            url=url,
            channel=channel,
            events=events,
            secret=secret,
            test_mode=test_mode,
            signing=webhooks.SIGNING,
        )


class UpdateWebhookView(StoreAction):
    def act(self, credential, data):
        endpoint = self.own_endpoint(credential, data)
        if "url" in data:
            endpoint.url = _url(data["url"])
        if "events" in data:
            endpoint.events = _events(data["events"])
        if "secret" in data:
            endpoint.secret = _secret(data["secret"])
        endpoint.save()
        return endpoint


class RemoveWebhookView(StoreAction):
    def act(self, credential, data):
        endpoint = self.own_endpoint(credential, data)
        # Deactivated, not deleted: its deliveries and attempts stay in admin.
        endpoint.active = False
        endpoint.save(update_fields=["active", "updated_at"])
        return endpoint
