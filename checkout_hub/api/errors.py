"""The error-table mechanism every vendor's `errors.py` is built from.

A vendor declares one `ErrorTable`: domain exception class -> `Row` (its code, HTTP status,
message and extra data, each a constant or a function of the exception and the `Situation`).
Lookup walks the exception's class hierarchy, so a subclass inherits its parent's row unless it
has its own. The vendor's `ErrorHandler` subclass says how its envelope looks (`render`) and
how DRF's own exceptions read in its words (`drf_error`); the base class does the rest once:
vendor-only errors (`VendorError`) as given, domain errors through the table, Django's
`Http404` and `RequestDataTooBig`, DRF's exceptions, and anything unexpected logged with its
traceback and answered as the vendor's 500, with the request's transaction marked for rollback.

`missing_rows(table)` names every domain error a table has no deliberate row for; each vendor's
test asserts it is empty, so a new domain error can never silently become a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from checkout_hub.services import errors as domain


@dataclass(frozen=True)
class Situation:
    """Where an error arose: the DRF request, the view and its `error_stage` (a vendor's name
    for a step whose codes differ, e.g. the Store API's "add" vs "checkout")."""

    request: Any = None
    view: Any = None
    stage: str = ""


Value = Any  # a constant, or a callable (exc, situation) -> the value


def _value(value: Value, exc, situation: Situation):
    return value(exc, situation) if callable(value) else value


@dataclass(frozen=True)
class Row:
    """One domain error's wire answer. `message` None keeps the exception's own message;
    `details` is the vendor's extra data (merged into its envelope by `render`)."""

    code: Value
    status: Value
    message: Value = None
    details: Value = None
    headers: Value = None


@dataclass
class WireError:
    """An error as the vendor will render it."""

    code: str
    status: int
    message: str
    details: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


class ErrorTable:
    """Domain exception class -> Row, looked up by class hierarchy."""

    def __init__(self, rows: Mapping[type[Exception], Row], fallback: Row | None = None):
        self.rows = dict(rows)
        self.fallback = fallback

    def row_for(self, exc: Exception) -> Row | None:
        for cls in type(exc).__mro__:
            if cls in self.rows:
                return self.rows[cls]
        return self.fallback

    def has_row(self, cls: type[Exception]) -> bool:
        """A row of its own or from a parent, the DomainError base and the fallback aside."""
        return any(c in self.rows for c in cls.__mro__ if c is not domain.DomainError)

    def describe(self, exc: Exception, situation: Situation = Situation()) -> WireError | None:
        row = self.row_for(exc)
        if row is None:
            return None
        message = _value(row.message, exc, situation)
        status = _value(row.status, exc, situation)
        if isinstance(exc, domain.ServerError) and exc.fault_status:
            status = exc.fault_status  # a fault scenario's 502/503/504, the vendor's envelope kept
        return WireError(
            code=_value(row.code, exc, situation),
            status=status,
            message=message if message is not None else getattr(exc, "message", str(exc)),
            details=_value(row.details, exc, situation) or {},
            headers=_value(row.headers, exc, situation) or {},
        )


def domain_error_classes() -> list[type[domain.DomainError]]:
    """Every DomainError subclass the hub defines (the services' and any other module's)."""
    found, todo = [], list(domain.DomainError.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def missing_rows(table: ErrorTable) -> list[str]:
    """The domain errors `table` answers only by its fallback (or not at all)."""
    return [
        f"{c.__module__}.{c.__qualname__}" for c in domain_error_classes() if not table.has_row(c)
    ]


class VendorError(drf.APIException):
    """An error only one vendor knows (its nonce, a route parameter, a body limit), rendered
    exactly as given by that vendor's handler."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        details: dict | None = None,
        headers: dict | None = None,
    ):
        self.vendor_code, self.message, self.status_code = code, message, status
        self.details, self.headers = dict(details or {}), dict(headers or {})
        super().__init__(message, code)

    def wire(self) -> WireError:
        return WireError(
            self.vendor_code, self.status_code, self.message, self.details, self.headers
        )


class ErrorHandler:
    """A DRF exception handler (`VendorAPIView.exception_handler`). Subclass per vendor and set
    `table`, `log`, and the hooks `render`, `drf_error` and `server_error`."""

    table: ErrorTable = ErrorTable({})
    log = logging.getLogger("checkout_hub")

    def __call__(self, exc, context) -> Response:
        view = context.get("view")
        situation = Situation(
            request=context.get("request"),
            view=view,
            stage=getattr(view, "error_stage", "") or "",
        )
        error = self.wire_error(exc, situation)
        set_rollback()
        return self.render(error, situation)

    def wire_error(self, exc, situation: Situation) -> WireError:
        if isinstance(exc, VendorError):
            return exc.wire()
        if isinstance(exc, domain.DomainError):
            described = self.table.describe(exc, situation)
            if described is not None:
                return described
        elif isinstance(exc, RequestDataTooBig):
            return self.too_large(exc, situation)
        elif isinstance(exc, Http404):
            return self.drf_error(drf.NotFound(), situation)
        elif isinstance(exc, PermissionDenied):
            return self.drf_error(drf.PermissionDenied(), situation)
        elif isinstance(exc, drf.APIException):
            return self.drf_error(exc, situation)
        self.log.error("Unexpected error", exc_info=exc)
        return self.server_error(situation)

    def fallback_response(self, request) -> JsonResponse:
        """The vendor's 500 as a plain Django response, for the last-resort guard
        (`checkout_hub.api.fallback`) when an exception escaped outside DRF."""
        situation = Situation(request=request)
        response = self.render(self.server_error(situation), situation)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
        return JsonResponse(response.data, status=response.status_code, headers=headers)

    # --- the vendor's hooks ---
    def render(self, error: WireError, situation: Situation) -> Response:
        raise NotImplementedError

    def drf_error(self, exc: drf.APIException, situation: Situation) -> WireError:
        codes = exc.get_codes()
        return WireError(
            codes if isinstance(codes, str) else "error", exc.status_code, str(exc.detail)
        )

    def server_error(self, situation: Situation) -> WireError:
        return WireError("server_error", 500, "An unexpected error occurred.")

    def too_large(self, exc: RequestDataTooBig, situation: Situation) -> WireError:
        """A body over the view's `max_body_bytes` (`exc.limit`) or Django's own limit."""
        return self.drf_error(drf.APIException("The request body is too large."), situation)
