"""`POST /v1/actions/checkout/create-session` and `POST /v1/actions/auth/issue-session-token`."""

from __future__ import annotations

import re

from rest_framework.response import Response

from checkout_hub.api.idempotency import IdempotentRequestMixin

from .. import auth, errors, ids, sessions, wire
from ..models import PancakeProduct, Store
from .base import PancakeView, ok

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class PancakeIdempotentMixin(IdempotentRequestMixin):
    """Reference §3: `X-Idempotency-Key`, the key alone is the identity (no parameter
    comparison: reusing a key for another call replays the first reply), 2xx replies kept
    24 h, 409 while the first is in flight, a malformed key 400."""

    idempotency_headers = ("X-Idempotency-Key",)
    replayed_header = "X-Idempotent-Replayed"

    def idempotency_scope(self, request) -> str:
        return "pancake"

    def idempotency_fingerprint(self, request) -> str:
        return "key-only"

    def valid_idempotency_key(self, key: str) -> str | None:
        return None if IDEMPOTENCY_KEY.match(key) else "malformed"

    def invalid_idempotency_key(self, key: str, message: str) -> Exception:
        return errors.bad_request(
            "Invalid X-Idempotency-Key: at most 256 characters of A-Z, a-z, 0-9, _ and -"
        )

    def idempotency_key(self, request) -> str:
        # A key that is only whitespace is malformed, not absent.
        value = request.headers.get("X-Idempotency-Key")
        return "" if value is None else (value.strip() or value or " ")


class CreateSessionView(PancakeIdempotentMixin, PancakeView):
    def post(self, request):
        credential = self.authenticate_pancake(request)
        replay = self.claim_idempotency_key(request)
        if replay is not None:
            return replay
        fields = sessions.validate(self.json_body(), credential)
        session = sessions.create(fields, credential)
        slug = session.snapshot["data"]["store_slug"]
        return Response(
            ok(
                {
                    "sessionId": session.public_id,
                    "checkoutUrl": wire.checkout_url(slug, session.public_id),
                    "expiresAt": wire.iso(session.expires_at),
                }
            )
        )


class IssueSessionTokenView(PancakeIdempotentMixin, PancakeView):
    credentials = (auth.API_KEY,)

    def post(self, request):
        credential = self.authenticate_pancake(request)
        replay = self.claim_idempotency_key(request)
        if replay is not None:
            return replay
        data = self.json_object()
        identity, store_id, product_id = (
            data.get("buyerIdentity"),
            data.get("storeId"),
            data.get("productId"),
        )
        if not isinstance(identity, str) or not identity.strip():
            raise errors.bad_request("Missing required field: buyerIdentity", errors.USER)
        if not store_id and not product_id:
            raise errors.bad_request("One of storeId or productId is required", errors.USER)
        store = None
        if store_id:
            if not ids.is_short_id(store_id, "STO"):
                raise errors.bad_request(errors.invalid_short_id("STO", store_id), errors.STORE)
            store = Store.objects.select_related("merchant").filter(short_id=store_id).first()
            if store is None:
                raise errors.not_found(errors.STORE_NOT_FOUND, errors.STORE)
        if product_id:
            if not ids.is_short_id(product_id, "PROD"):
                raise errors.bad_request(
                    errors.invalid_short_id("PROD", product_id), errors.PRODUCT
                )
            product = (
                PancakeProduct.objects.select_related("store__merchant")
                .filter(short_id=product_id)
                .first()
            )
            if product is None:
                raise errors.not_found(errors.PRODUCT_NOT_FOUND, errors.PRODUCT)
            if store is not None and product.store_id != store.pk:
                raise errors.forbidden(errors.PRODUCT_NOT_IN_STORE, errors.PRODUCT)
            store = product.store
        if store.merchant_id != credential.merchant.pk:
            raise errors.forbidden("Store does not belong to this merchant", errors.STORE)
        # Email identities are normalised like every stored email (seed).
        identity = identity.strip()
        if "@" in identity:
            identity = identity.lower()
        token, expires = auth.issue_token(store, identity)
        return Response(ok({"token": token, "expiresAt": wire.iso(expires)}))
