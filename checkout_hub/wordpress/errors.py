"""WordPress's REST error envelope, `{code, message, data: {status, ...}}`, and its generic codes.

`WordPressErrorHandler` is the kit's `ErrorHandler` speaking WordPress: DRF's own exceptions
come out as WordPress says them (`rest_invalid_json`, `rest_no_route`,
`rest_missing_callback_param`, `rest_invalid_param` with WordPress's detail codes,
`rest_forbidden`), and anything unexpected as the plugin's own server-error code. A plugin's
`errors.py` (Store API, CoCart, FluentCart) subclasses it with its table and its codes.
"""

from __future__ import annotations

from rest_framework import exceptions as drf
from rest_framework.response import Response

from checkout_hub.api.errors import ErrorHandler, Situation, VendorError, WireError

NO_ROUTE_MESSAGE = "No route was found matching the URL and request method."
# PHP's json_last_error() for a body json_decode() refuses; a parser may set its own.
JSON_SYNTAX_ERROR = (4, "Syntax error")


def no_route() -> VendorError:
    return VendorError("rest_no_route", NO_ROUTE_MESSAGE, 404)


def invalid_json(exc: Exception | None = None) -> WireError:
    """rest_invalid_json, with the PHP json error the parser met (syntax error by default)."""
    code = getattr(exc, "json_error_code", None) or JSON_SYNTAX_ERROR[0]
    message = getattr(exc, "json_error_message", None) or JSON_SYNTAX_ERROR[1]
    return WireError(
        "rest_invalid_json",
        400,
        "Invalid JSON body passed.",
        {"json_error_code": code, "json_error_message": message},
    )


DRF_TO_WP_CODES = {
    "invalid": "rest_invalid_type",
    "max_value": "rest_out_of_bounds",
    "min_value": "rest_out_of_bounds",
    "invalid_choice": "rest_not_in_enum",
    "not_a_list": "rest_invalid_type",
    "not_a_dict": "rest_invalid_type",
}


def detail_code(codes) -> str:
    """WordPress's detail code for a field's first DRF error code."""
    while isinstance(codes, list | dict):
        if not codes:
            return "rest_invalid_param"
        codes = codes[0] if isinstance(codes, list) else next(iter(codes.values()))
    code = str(codes or "")
    return code if code.startswith("rest_") else DRF_TO_WP_CODES.get(code, "rest_invalid_param")


def flatten(messages) -> str:
    if isinstance(messages, dict):
        return " ".join(f"{k}: {flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(flatten(m) for m in messages)
    return str(messages)


def invalid_params(params: dict, details: dict) -> WireError:
    return WireError(
        "rest_invalid_param",
        400,
        f"Invalid parameter(s): {', '.join(params)}",
        {"params": params, "details": details},
    )


def validation_error(exc: drf.ValidationError) -> WireError:
    """DRF field errors as WordPress's missing/invalid parameter errors."""
    detail = exc.detail if isinstance(exc.detail, dict) else {"body": exc.detail}
    codes = exc.get_codes() if isinstance(exc.get_codes(), dict) else {}
    missing = [name for name, c in codes.items() if c == ["required"] or c == "required"]
    if missing:
        return WireError(
            "rest_missing_callback_param",
            400,
            f"Missing parameter(s): {', '.join(missing)}",
            {"params": missing},
        )
    params, details = {}, {}
    for name, messages in detail.items():
        text = flatten(messages)
        params[name] = text
        details[name] = {"code": detail_code(codes.get(name)), "message": text, "data": None}
    return invalid_params(params, details)


class WordPressErrorHandler(ErrorHandler):
    """The WordPress REST envelope. Subclasses set `table` and `server_error_code`."""

    server_error_code = "rest_internal_error"
    server_error_message = "Unknown server error."

    def render(self, error: WireError, situation: Situation) -> Response:
        body = {"code": error.code, "message": error.message, "data": self.data(error)}
        return Response(body, status=error.status, headers=error.headers)

    def data(self, error: WireError) -> dict:
        return {"status": error.status, **error.details}

    def drf_error(self, exc: drf.APIException, situation: Situation) -> WireError:
        if isinstance(exc, drf.ParseError):
            return invalid_json(exc)
        if isinstance(exc, drf.ValidationError):
            return validation_error(exc)
        if isinstance(exc, drf.MethodNotAllowed | drf.NotFound):
            return no_route().wire()
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed | drf.PermissionDenied):
            return WireError("rest_forbidden", 401, "Sorry, you are not allowed to do that.")
        codes = exc.get_codes()
        code = f"rest_{codes if isinstance(codes, str) else 'error'}"
        return WireError(code, exc.status_code, str(exc.detail))

    def server_error(self, situation: Situation) -> WireError:
        return WireError(self.server_error_code, 500, self.server_error_message)
