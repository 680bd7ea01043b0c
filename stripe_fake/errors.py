"""Stripe's errors: the one place that builds an error object.

A `StripeError` is raised by the engine and rendered as `{"error": {...}}` with its HTTP status.
Like the API, the error object leaves out every key whose value is null, and its keys come in
alphabetical order.
"""

from __future__ import annotations

from checkout_hub import clock

from .cards import Decline

DOCS_URL = "https://stripe.com/docs/error-codes/"
LOG_URL = "https://dashboard.stripe.com/test/logs/"


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        type: str,
        message: str,
        *,
        code: str | None = None,
        decline_code: str | None = None,
        param: str | None = None,
        charge: str | None = None,
        payment_intent: dict | None = None,
        payment_method: dict | None = None,
        setup_intent: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.decline_code = decline_code
        self.param = param
        self.charge = charge
        self.payment_intent = payment_intent
        self.payment_method = payment_method
        self.setup_intent = setup_intent

    @property
    def executed(self) -> bool:
        """Whether the request ran (a decline, a gateway failure) rather than being refused
        before anything happened. Only replies to executed requests are kept for idempotent
        replays."""
        return self.type in ("card_error", "api_error")

    def error_object(self, request_id: str | None = None) -> dict:
        fields = {
            "charge": self.charge,
            "code": self.code,
            "decline_code": self.decline_code,
            "doc_url": DOCS_URL + self.code.replace("_", "-") if self.code else None,
            "message": self.message,
            "param": self.param,
            "payment_intent": self.payment_intent,
            "payment_method": self.payment_method,
            "request_log_url": (
                f"{LOG_URL}{request_id}?t={clock.timestamp()}"
                if request_id and self.status != 401
                else None
            ),
            "setup_intent": self.setup_intent,
            "type": self.type,
        }
        return {key: value for key, value in fields.items() if value is not None}

    def body(self, request_id: str | None = None) -> dict:
        return {"error": self.error_object(request_id)}


def invalid_request(message: str, *, code=None, param=None, status=400, **extra) -> StripeError:
    return StripeError(status, "invalid_request_error", message, code=code, param=param, **extra)


def parameter_missing(name: str) -> StripeError:
    return invalid_request(f"Missing required param: {name}.", code="parameter_missing", param=name)


def parameter_unknown(names: list[str]) -> StripeError:
    plural = "s" if len(names) > 1 else ""
    return invalid_request(
        f"Received unknown parameter{plural}: {', '.join(names)}",
        code="parameter_unknown",
        param=names[0],
    )


def no_such(kind: str, object_id: str, param: str, *, status: int = 400) -> StripeError:
    return invalid_request(
        f"No such {kind}: '{object_id}'", code="resource_missing", param=param, status=status
    )


def unexpected_state(message: str, *, payment_intent=None, param=None) -> StripeError:
    return invalid_request(
        message, code="payment_intent_unexpected_state", param=param, payment_intent=payment_intent
    )


def setup_unexpected_state(message: str, *, setup_intent=None, param=None) -> StripeError:
    return invalid_request(
        message, code="setup_intent_unexpected_state", param=param, setup_intent=setup_intent
    )


def setup_authentication_failed(payment_method: dict) -> StripeError:
    """What `last_setup_error` holds after the customer fails 3-D Secure on a SetupIntent."""
    return invalid_request(
        "The latest attempt to set up the payment method has failed because authentication failed.",
        code="setup_intent_authentication_failure",
        payment_method=payment_method,
    )


def card_error(decline: Decline, **extra) -> StripeError:
    return StripeError(
        402,
        "card_error",
        decline.message,
        code=decline.code,
        decline_code=decline.decline_code,
        param=decline.param,
        **extra,
    )


def card_field_error(code: str, message: str, param: str) -> StripeError:
    """A card refused while it is read (number, expiry, CVC), before any charge."""
    return StripeError(402, "card_error", message, code=code, param=param)


def authentication_failed(payment_method: dict) -> StripeError:
    """What `last_payment_error` holds after the buyer fails 3-D Secure."""
    return invalid_request(
        "The provided PaymentMethod has failed authentication. You can provide "
        "payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent "
        "again.",
        code="payment_intent_authentication_failure",
        payment_method=payment_method,
    )


def api_error() -> StripeError:
    return StripeError(500, "api_error", "An unknown error occurred")


def authentication_error(message: str) -> StripeError:
    return StripeError(401, "invalid_request_error", message)


def idempotency_error(message: str, *, status: int = 400, code=None) -> StripeError:
    return StripeError(status, "idempotency_error", message, code=code)
