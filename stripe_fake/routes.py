"""The embedded Stripe fake's routes: Stripe's v1 paths, each with its endpoint in
`responses` and the parameters it accepts (any other is parameter_unknown).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import errors
from .listing import LIST_PARAMS, SEARCH_PARAMS
from .responses import (
    CONFIRM_ONLY_PARAMS,
    CUSTOMER_FIELDS,
    PAYMENT_METHOD_FIELDS,
    attach_payment_method,
    cancel_payment_intent,
    cancel_setup_intent,
    capture_payment_intent,
    confirm_payment_intent,
    confirm_setup_intent,
    create_checkout_session,
    create_customer,
    create_payment_intent,
    create_payment_method,
    create_refund,
    create_setup_intent,
    delete_customer,
    detach_payment_method,
    expire_checkout_session,
    list_charges,
    list_customer_payment_methods,
    list_customers,
    list_payment_intents,
    list_payment_methods,
    list_refunds,
    list_setup_intents,
    retrieve_charge,
    retrieve_checkout_session,
    retrieve_customer,
    retrieve_customer_payment_method,
    retrieve_payment_intent,
    retrieve_payment_method,
    retrieve_refund,
    retrieve_setup_intent,
    search_charges,
    search_customers,
    search_payment_intents,
    update_customer,
    update_payment_intent,
    update_payment_method,
    update_setup_intent,
)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    endpoint: Callable[..., dict]
    params: frozenset[str]


def _route_for(method: str, pattern: str, endpoint, params) -> Route:
    return Route(method, re.compile(pattern), endpoint, frozenset(params))


# Fields create and update share; confirm takes some of them too.
INTENT_FIELDS = {
    "capture_method",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "receipt_email",
    "setup_future_usage",
    "shipping",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "transfer_group",
}
CONFIRM_PARAMS = {
    *CONFIRM_ONLY_PARAMS,
    "capture_method",
    "client_secret",
    "expand",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "receipt_email",
    "setup_future_usage",
    "shipping",
}
INTENT = r"/v1/payment_intents/(?P<intent_id>[^/]+)"
CUSTOMER = r"/v1/customers/(?P<customer_id>[^/]+)"
PAYMENT_METHOD = r"/v1/payment_methods/(?P<payment_method_id>[^/]+)"
SETUP = r"/v1/setup_intents/(?P<setup_intent_id>[^/]+)"
SETUP_FIELDS = {
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "expand",
}
SESSION = r"/v1/checkout/sessions/(?P<session_id>[^/]+)"

ROUTES = [
    # Lists and searches come before the id patterns (/v1/payment_intents/search is no id).
    _route_for("GET", r"/v1/payment_intents", list_payment_intents, LIST_PARAMS | {"customer"}),
    _route_for("GET", r"/v1/payment_intents/search", search_payment_intents, SEARCH_PARAMS),
    _route_for("GET", r"/v1/charges", list_charges, LIST_PARAMS | {"customer", "payment_intent"}),
    _route_for("GET", r"/v1/charges/search", search_charges, SEARCH_PARAMS),
    _route_for("GET", r"/v1/refunds", list_refunds, LIST_PARAMS | {"charge", "payment_intent"}),
    _route_for(
        "GET", r"/v1/payment_methods", list_payment_methods, LIST_PARAMS | {"customer", "type"}
    ),
    _route_for("GET", r"/v1/setup_intents", list_setup_intents, LIST_PARAMS | {"customer"}),
    _route_for("GET", r"/v1/customers", list_customers, LIST_PARAMS | {"email"}),
    _route_for("GET", r"/v1/customers/search", search_customers, SEARCH_PARAMS),
    # Customers.
    _route_for(
        "POST", r"/v1/customers", create_customer, {*CUSTOMER_FIELDS, "payment_method", "expand"}
    ),
    _route_for("GET", CUSTOMER, retrieve_customer, {"expand"}),
    _route_for("POST", CUSTOMER, update_customer, {*CUSTOMER_FIELDS, "expand"}),
    _route_for("DELETE", CUSTOMER, delete_customer, set()),
    _route_for(
        "GET",
        CUSTOMER + "/payment_methods",
        list_customer_payment_methods,
        LIST_PARAMS - {"created"} | {"type", "allow_redisplay"},
    ),
    _route_for(
        "GET",
        CUSTOMER + r"/payment_methods/(?P<payment_method_id>[^/]+)",
        retrieve_customer_payment_method,
        {"expand"},
    ),
    # Attaching, detaching and updating PaymentMethods.
    _route_for("POST", PAYMENT_METHOD + "/attach", attach_payment_method, {"customer", "expand"}),
    _route_for("POST", PAYMENT_METHOD + "/detach", detach_payment_method, {"expand"}),
    _route_for(
        "POST",
        PAYMENT_METHOD,
        update_payment_method,
        {"billing_details", "metadata", "card", "allow_redisplay", "expand"},
    ),
    _route_for(
        "POST",
        r"/v1/payment_intents",
        create_payment_intent,
        INTENT_FIELDS
        | set(CONFIRM_ONLY_PARAMS)
        | {"amount", "currency", "confirm", "confirmation_method", "automatic_payment_methods"}
        | {"expand"},
    ),
    _route_for("GET", INTENT, retrieve_payment_intent, {"client_secret", "expand"}),
    _route_for(
        "POST", INTENT, update_payment_intent, INTENT_FIELDS | {"amount", "currency", "expand"}
    ),
    _route_for("POST", INTENT + "/confirm", confirm_payment_intent, CONFIRM_PARAMS),
    _route_for(
        "POST", INTENT + "/cancel", cancel_payment_intent, {"cancellation_reason", "expand"}
    ),
    _route_for(
        "POST",
        INTENT + "/capture",
        capture_payment_intent,
        {
            "amount_to_capture",
            "metadata",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "expand",
        },
    ),
    _route_for(
        "POST",
        r"/v1/refunds",
        create_refund,
        {"payment_intent", "charge", "amount", "reason", "metadata", "expand"},
    ),
    _route_for("GET", r"/v1/refunds/(?P<refund_id>[^/]+)", retrieve_refund, {"expand"}),
    _route_for(
        "POST", r"/v1/payment_methods", create_payment_method, {*PAYMENT_METHOD_FIELDS, "expand"}
    ),
    _route_for("GET", PAYMENT_METHOD, retrieve_payment_method, {"expand"}),
    _route_for("GET", r"/v1/charges/(?P<charge_id>[^/]+)", retrieve_charge, {"expand"}),
    _route_for(
        "POST",
        r"/v1/checkout/sessions",
        create_checkout_session,
        {
            "mode",
            "line_items",
            "success_url",
            "cancel_url",
            "customer_email",
            "client_reference_id",
            "metadata",
            "payment_intent_data",
            "payment_method_types",
            "expires_at",
        },
    ),
    _route_for("GET", SESSION, retrieve_checkout_session, {"expand"}),
    _route_for("POST", SESSION + "/expire", expire_checkout_session, set()),
    _route_for(
        "POST",
        r"/v1/setup_intents",
        create_setup_intent,
        SETUP_FIELDS
        | {"usage", "automatic_payment_methods", "confirm"}
        | {"return_url", "use_stripe_sdk", "mandate_data"},
    ),
    _route_for("GET", SETUP, retrieve_setup_intent, {"client_secret", "expand"}),
    _route_for("POST", SETUP, update_setup_intent, SETUP_FIELDS),
    _route_for(
        "POST",
        SETUP + "/confirm",
        confirm_setup_intent,
        {
            "client_secret",
            "expand",
            "mandate_data",
            "payment_method",
            "payment_method_data",
            "payment_method_options",
            "return_url",
            "use_stripe_sdk",
        },
    ),
    _route_for("POST", SETUP + "/cancel", cancel_setup_intent, {"cancellation_reason", "expand"}),
]


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match and route.method == method:
            return route, match.groupdict()
    raise errors.invalid_request(
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we "
        "can help at https://support.stripe.com/.",
        status=404,
    )


# --- events and webhook endpoints (stripe_fake.webhooks) ---
from . import webhooks  # noqa: E402  (its endpoints read parameters with responses' helpers)

WEBHOOK_ENDPOINT = r"/v1/webhook_endpoints/(?P<endpoint_id>[^/]+)"
WEBHOOK_ENDPOINT_FIELDS = {"url", "enabled_events", "description", "metadata", "expand"}
ROUTES += [
    _route_for(
        "GET",
        r"/v1/events",
        webhooks.list_events,
        webhooks.EVENT_LIST_PARAMS,
    ),
    _route_for("GET", r"/v1/events/(?P<event_id>[^/]+)", webhooks.retrieve_event, {"expand"}),
    _route_for(
        "POST",
        r"/v1/webhook_endpoints",
        webhooks.create_webhook_endpoint,
        WEBHOOK_ENDPOINT_FIELDS | {"api_version", "connect"},
    ),
    _route_for(
        "GET",
        r"/v1/webhook_endpoints",
        webhooks.list_webhook_endpoints,
        webhooks.ENDPOINT_LIST_PARAMS,
    ),
    _route_for("GET", WEBHOOK_ENDPOINT, webhooks.retrieve_webhook_endpoint, {"expand"}),
    _route_for(
        "POST",
        WEBHOOK_ENDPOINT,
        webhooks.update_webhook_endpoint,
        WEBHOOK_ENDPOINT_FIELDS | {"disabled"},
    ),
    _route_for("DELETE", WEBHOOK_ENDPOINT, webhooks.delete_webhook_endpoint, set()),
]
