"""The idempotent-request mixin: an `Idempotency-Key` replays the first reply to it.

A view that mixes it in calls `claim_idempotency_key(request)` once its checks have passed; a
Response comes back when the key already has a kept reply (send it), else the key is held
until the reply is final, then kept (`keep_reply`) or given back. The same key with another
request answers the service's `IdempotencyConflict` (reason "mismatch"), and while the first
request runs, "in_progress" (the vendor's table renders both). Records live in the database
(`IdempotencyRecord`, `checkout_hub.services.idempotency`), so every worker sees them.

What differs by vendor are hooks: the header names, the scope, what makes two requests the
same, which replies are kept, which headers a replay repeats, and the error for a bad key.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.response import Response

from checkout_hub.services import idempotency


class IdempotentRequestMixin:
    idempotency_headers: tuple[str, ...] = ("Idempotency-Key",)
    replayed_header = "Idempotent-Replayed"
    # Response headers a replay repeats (besides the body and status).
    replay_headers: tuple[str, ...] = ()
    idempotency_claim: tuple[str, str] | None = None

    # --- hooks ---
    def idempotency_scope(self, request) -> str:
        """Keys are unique within a scope (a vendor route and its caller)."""
        raise NotImplementedError

    def idempotency_fingerprint(self, request) -> str:
        return idempotency.fingerprint(request.data)

    def invalid_idempotency_key(self, key: str, message: str) -> Exception:
        """The vendor's error for a malformed key."""
        raise NotImplementedError

    def valid_idempotency_key(self, key: str) -> str | None:
        """None when the key is acceptable, else why not."""
        if len(key) > idempotency.MAX_KEY_LENGTH:
            return f"Ensure this header has no more than {idempotency.MAX_KEY_LENGTH} characters."
        return None

    def keep_reply(self, response) -> bool:
        """Keep this reply for replays (True), or give the key back for a later retry."""
        return 200 <= response.status_code < 300

    # --- the mechanism ---
    def idempotency_key(self, request) -> str:
        for header in self.idempotency_headers:
            if request.headers.get(header):
                return request.headers[header].strip()
        return ""

    def claim_idempotency_key(self, request) -> Response | None:
        """Claim the request's key; a Response replays the first reply to it. Raises
        IdempotencyConflict (another request with the key, or the first still running)."""
        key = self.idempotency_key(request)
        if not key:
            return None
        problem = self.valid_idempotency_key(key)
        if problem:
            raise self.invalid_idempotency_key(key, problem)
        scope = self.idempotency_scope(request)
        replay = idempotency.begin(scope, key, self.idempotency_fingerprint(request))
        if replay is not None:
            headers = {**replay.headers, self.replayed_header: "true"}
            return Response(json.loads(replay.body), replay.status, headers=headers)
        self.idempotency_claim = (scope, key)
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.idempotency_claim is not None:
            scope, key = self.idempotency_claim
            self.idempotency_claim = None
            self.settle_idempotency_key(scope, key, response)
        return response

    def settle_idempotency_key(self, scope: str, key: str, response) -> None:
        if not self.keep_reply(response):
            idempotency.release(scope, key)
            return
        headers = {h: response[h] for h in self.replay_headers if response.has_header(h)}
        body = json.dumps(getattr(response, "data", None), cls=DjangoJSONEncoder)
        idempotency.complete(scope, key, response.status_code, body, headers)
