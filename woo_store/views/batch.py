"""POST /batch: several Store API requests in one round trip, answered 207 Multi-Status.

WooCommerce's Batch route checks that every path names the Store API (`wc/store`, else the
whole batch fails with `woocommerce_rest_invalid_path`) and hands the rest to WordPress core's
`serve_batch_request_v1`: each sub-request is matched to its route, the ones that cannot run
(unknown route, a route that does not opt into batching) answer their own error, and the rest
run in order. With `validation: "require-all-validate"`, one failed match stops everything and
the reply lists only the failures (`failed: "validation"`, `null` for the others).

Here each sub-request is a fresh Django request resolved by the URL resolver and handed to its
view, exactly as a client would have sent it: its own method, path (query string included),
JSON body and `headers` (`Nonce`, `Cart-Token`, `X-Hub-Scenario`, ...), plus what the
connection carries (the outer request's cookies, client address and logged-in user). So the
nonce rule, rate limits and scenarios apply per sub-request, and later sub-requests see what
earlier ones did. Cookies a sub-reply sets are kept for the following sub-requests and passed
on to the batch reply, as PHP's global `setcookie()` would do.

The batch reply carries `Nonce`, `X-WC-Store-API-Nonce`, `Nonce-Timestamp` and `User-ID`, but
no `Cart-Token` (reference §1); each sub-reply's own headers are inside its envelope.
"""

from __future__ import annotations

import json
import logging
from io import BytesIO
from urllib.parse import unquote_to_bytes, urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.response import Response

from checkout_hub import clock
from checkout_hub.api.errors import VendorError
from checkout_hub.services import scenarios

from .. import errors, session
from ..errors import WooError
from .base import WooView

log = logging.getLogger("checkout_hub.woo_store")

MAX_REQUESTS = 25
METHODS = ("POST", "PUT", "PATCH", "DELETE")
VALIDATION_MODES = ("require-all-validate", "normal")
# The Store API's own URL namespaces (the versioned routes and the unversioned alias).
STORE_NAMESPACES = {"woo_store", "woo_store_alias"}
# Store API routes that do not opt into batching (WordPress answers rest_batch_not_allowed):
# the batch route itself (no nesting) and the order route.
NOT_BATCHABLE = {"batch", "order"}
# What a sub-request inherits from the connection rather than from its own `headers`: the
# client's address (rate limits), the host (absolute URLs) and proxy facts.
CONNECTION_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "SCRIPT_NAME",
    "HTTPS",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
)
# Sub-request headers that must not steer the sub-request: WordPress reads cookies and the
# host from the real connection, and the body is always the JSON of `body`.
IGNORED_HEADERS = {"COOKIE", "HOST", "CONTENT_TYPE", "CONTENT_LENGTH"}
# Response headers that describe the HTTP transfer, not the WP_REST_Response.
TRANSFER_HEADERS = {"content-type", "content-length", "vary"}


# --- input: WordPress's schema for the batch route, with its messages ---
def _wp_list(values) -> str:
    """wp_sprintf's `%l`: "a and b", "a, b, and c"."""
    values = list(values)
    if len(values) < 3:
        return " and ".join(values)
    return ", ".join(values[:-1]) + ", and " + values[-1]


def _fail(message: str, code: str):
    raise serializers.ValidationError(message, code=code)


def _is_object(value) -> bool:
    # PHP decodes `{}` and `[]` alike, so WordPress takes an empty list as an empty object.
    return isinstance(value, dict) or value == [] or value == ""


def _validate_item(value, index: int) -> dict:
    """One entry of `requests`, checked as rest_validate_value_from_schema() would."""
    name = f"requests[{index}]"
    if not _is_object(value):
        _fail(f"{name} is not of type object.", "rest_invalid_type")
    value = value or {}
    if "path" not in value:
        _fail(f"path is a required property of {name}.", "rest_property_required")
    method = value.get("method", "POST")
    if not isinstance(method, str):
        _fail(f"{name}[method] is not of type string.", "rest_invalid_type")
    if method not in METHODS:  # the enum is case-sensitive
        _fail(f"{name}[method] is not one of {_wp_list(METHODS)}.", "rest_not_in_enum")
    path = value["path"]
    if not isinstance(path, str):
        _fail(f"{name}[path] is not of type string.", "rest_invalid_type")
    body = value.get("body", {})
    if not _is_object(body):
        _fail(f"{name}[body] is not of type object.", "rest_invalid_type")
    headers = value.get("headers", {})
    if not _is_object(headers):
        _fail(f"{name}[headers] is not of type object.", "rest_invalid_type")
    for header, given in (headers or {}).items():
        values = given if isinstance(given, list) else [given]
        if not all(isinstance(v, str) for v in values):
            _fail(f"{name}[headers][{header}] is not of type string,array.", "rest_invalid_type")
    return {"method": method, "path": path, "body": body or {}, "headers": headers or {}}


class _BatchItems(serializers.ListSerializer):
    """`requests`: WordPress validates each item first (naming it `requests[i]`), then the
    length, and says so in its own words."""

    def run_validation(self, data=empty):
        if data is None:
            _fail("requests is not of type array.", "rest_invalid_type")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            _fail("requests is not of type array.", "rest_invalid_type")
        items = [_validate_item(value, index) for index, value in enumerate(data)]
        if len(items) > MAX_REQUESTS:
            _fail(f"requests must contain at most {MAX_REQUESTS} items.", "rest_too_many_items")
        return items


class WooBatchItem(serializers.Serializer):
    """One sub-request (validated by `_BatchItems`; the fields document it)."""

    method = serializers.ChoiceField(choices=METHODS, default="POST")
    path = serializers.CharField(
        help_text="A Store API route, e.g. /wc/store/v1/cart/add-item (may carry a query)."
    )
    body = serializers.DictField(required=False, help_text="The sub-request's JSON body.")
    headers = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="The sub-request's own headers, e.g. Nonce or Cart-Token.",
    )

    class Meta:
        list_serializer_class = _BatchItems


class WooBatchRequest(serializers.Serializer):
    validation = serializers.ChoiceField(
        choices=VALIDATION_MODES,
        default="normal",
        error_messages={
            "invalid_choice": f"validation is not one of {_wp_list(VALIDATION_MODES)}.",
        },
    )
    requests = WooBatchItem(many=True, help_text=f"At most {MAX_REQUESTS} sub-requests.")


BATCH_REPLY = inline_serializer(
    "WooBatchResponse",
    {
        "failed": serializers.CharField(
            required=False, help_text='"validation" when require-all-validate stopped the batch.'
        ),
        # In order; `null` for a request that passed when require-all-validate failed.
        "responses": serializers.ListField(
            child=inline_serializer(
                "WooBatchSubResponse",
                {
                    "body": serializers.JSONField(),
                    "status": serializers.IntegerField(),
                    "headers": serializers.DictField(child=serializers.CharField()),
                },
                allow_null=True,
            )
        ),
    },
)


# --- the route ---
def is_store_path(path: str) -> bool:
    """A REST route under the Store API namespace: `/wc/store/...` (or `/wp-json/wc/store/...`),
    judged on the path alone, never on its query string or fragment."""
    route = urlsplit(path.strip()).path.lstrip("/").lower()
    if route.startswith("wp-json/"):
        route = route[len("wp-json/") :]
    return route == "wc/store" or route.startswith("wc/store/")


def _error_envelope(err: VendorError) -> dict:
    body = {"code": err.vendor_code, "message": err.message, "data": {"status": err.status_code}}
    return {"body": body, "status": err.status_code, "headers": {}}


def _batch_not_allowed() -> WooError:
    return WooError(
        "rest_batch_not_allowed", "The requested route does not support batch requests.", 400
    )


class BatchView(WooView):
    """Runs each sub-request through its real route, in order, and answers them together."""

    serializer_class = WooBatchRequest

    def initial(self, request, *args, **kwargs):
        # Replies only carry the nonce headers once the batch callback runs: WordPress's own
        # argument validation (missing or invalid `requests`) answers before it.
        self.callback_reached = False
        self.cookies_set: dict = {}
        self.jar: dict[str, str] = {}
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request=WooBatchRequest,
        responses={
            207: BATCH_REPLY,
            400: OpenApiResponse(
                description="rest_missing_callback_param, rest_invalid_param or "
                "woocommerce_rest_invalid_path (a path without wc/store fails the whole batch)."
            ),
        },
    )
    def post(self, request):
        data = self.validated(WooBatchRequest)
        self.callback_reached = True
        self.jar = dict(request.COOKIES)
        # Batch.php checks every path before running any, and fails the whole batch.
        # A path must *be* a Store API route: `wc/store` only in the query string, the fragment
        # or mid-path (or an empty path) fails the whole batch before anything runs.
        if not all(is_store_path(item["path"]) for item in data["requests"]):
            raise WooError("woocommerce_rest_invalid_path", "Invalid path provided.", 400)

        planned = [self.match(item) for item in data["requests"]]
        failed = any(isinstance(match, VendorError) for match in planned)
        if failed and data["validation"] == "require-all-validate":
            responses = [
                _error_envelope(match) if isinstance(match, VendorError) else None
                for match in planned
            ]
            return self.multi_status({"failed": "validation", "responses": responses})

        responses = []
        for item, match in zip(data["requests"], planned, strict=True):
            if isinstance(match, VendorError):
                responses.append(_error_envelope(match))
            else:
                responses.append(self.run(request, item, match))
        return self.multi_status({"responses": responses})

    def multi_status(self, payload: dict) -> Response:
        return Response(payload, status=207)

    # --- matching: WordPress's match_request_to_handler() plus the allow_batch check ---
    @staticmethod
    def route_of(path: str) -> tuple[str, str]:
        """(path_info, query string) for a batch path. Batch paths are REST routes
        (`/wc/store/v1/cart`); a full `/wp-json/...` path is taken as it is."""
        parts = urlsplit(path)
        route = "/" + parts.path.lstrip("/")
        if not route.startswith("/wp-json/"):
            route = "/wp-json" + route
        return route, parts.query

    def match(self, item: dict):
        """The resolver match for a sub-request, or the WooError it answers instead."""
        route, _query = self.route_of(item["path"])
        try:
            match = resolve(unquote_to_bytes(route).decode("utf-8", "replace"))
        except Resolver404:
            return errors.no_route()
        if match.namespace not in STORE_NAMESPACES:
            return _batch_not_allowed()
        view_class = getattr(match.func, "view_class", None)
        # WordPress matches route and method together: a known route with another method is
        # no route at all.
        if match.url_name == "no-route" or (
            view_class is not None and not hasattr(view_class, item["method"].lower())
        ):
            return errors.no_route()
        if match.url_name in NOT_BATCHABLE:
            return _batch_not_allowed()
        return match

    # --- running one sub-request ---
    def sub_request(self, request, item: dict) -> WSGIRequest:
        """A fresh request carrying only what a client would have sent for this sub-request."""
        route, query = self.route_of(item["path"])
        outer = request._request
        payload = json.dumps(item["body"]).encode() if item["body"] else b""
        environ = {key: outer.META[key] for key in CONNECTION_META if key in outer.META}
        # The batch request's own Cart-Token names the session of every sub-request that gives
        # none; only that outer token waives the nonce (see WooSessionView.token_waives_nonce).
        outer_token = request.headers.get("Cart-Token", "")
        if outer_token:
            environ["HTTP_CART_TOKEN"] = outer_token
        for name, value in item["headers"].items():
            key = name.upper().replace("-", "_")
            if key in IGNORED_HEADERS:
                continue
            environ["HTTP_" + key] = ", ".join(value) if isinstance(value, list) else value
        environ.update(
            {
                "REQUEST_METHOD": item["method"],
                # WSGI carries the path as latin-1-decoded bytes.
                "PATH_INFO": unquote_to_bytes(route).decode("iso-8859-1"),
                "QUERY_STRING": query,
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(payload)),
                # The envelope holds JSON, whatever the sub-request asked for.
                "HTTP_ACCEPT": "application/json",
                "wsgi.input": BytesIO(payload),
                "wsgi.url_scheme": request.scheme,
            }
        )
        sub = WSGIRequest(environ)
        sub.COOKIES = dict(self.jar)
        sub.user = request.user
        sub.woo_batch_token_valid = session.decode_token(outer_token) is not None
        if hasattr(outer, "session"):
            sub.session = outer.session
        sub.correlation_id = getattr(outer, "correlation_id", "")
        return sub

    def run(self, request, item: dict, match) -> dict:
        sub = self.sub_request(request, item)
        # Each sub-request picks its own scenario; none leaks from the previous one.
        scenarios.deactivate()
        try:
            response = match.func(sub, *match.args, **match.kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        except Exception as exc:  # a view outside DRF's exception handling
            log.exception("Batch sub-request %s %s failed", item["method"], item["path"])
            return _error_envelope(
                WooError("woocommerce_rest_unknown_server_error", str(exc) or "Error", 500)
            )
        finally:
            scenarios.deactivate()
        self.keep_cookies(response)
        return {
            "body": self.body_of(response),
            "status": response.status_code,
            "headers": {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in TRANSFER_HEADERS
            },
        }

    @staticmethod
    def body_of(response):
        content = response.content
        if not content:
            return None  # 204: WordPress envelopes a null body
        try:
            return json.loads(content)
        except ValueError:
            return content.decode("utf-8", "replace")

    def keep_cookies(self, response) -> None:
        """A client's cookie jar: later sub-requests send what earlier replies set."""
        for name, morsel in response.cookies.items():
            self.cookies_set[name] = morsel
            if str(morsel["max-age"]) == "0":
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.value

    # --- the batch reply's own headers ---
    def reply_session(self, request) -> session.Session:
        """The session the batch ends in: the outer Cart-Token, else the session cookie as the
        sub-requests left it, else the user (WordPress nonces the session of the request)."""
        probe = HttpRequest()
        token = request.headers.get("Cart-Token")
        if token:
            probe.META["HTTP_CART_TOKEN"] = token
        probe.COOKIES = dict(self.jar)
        probe.user = request.user
        return session.resolve(probe)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "callback_reached", False):
            current = self.reply_session(request)
            nonce = session.make_nonce(current.key, current.user_id)
            response["Nonce"] = nonce
            response["X-WC-Store-API-Nonce"] = nonce
            response["Nonce-Timestamp"] = str(clock.timestamp())
            response["User-ID"] = str(current.user_id)
        for name, morsel in getattr(self, "cookies_set", {}).items():
            response.cookies[name] = morsel
        return response
