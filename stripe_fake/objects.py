"""The wire objects the fake returns, field for field in Stripe's order (the OpenAPI fixtures
of stripe/openapi). Builders only shape data; the engine decides what the values are."""

from __future__ import annotations

import hashlib

from .cards import Decline, TestCard

MERCHANT_NAME = "Checkout Hub"
STATEMENT_DESCRIPTOR = "CHECKOUT HUB"

ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def address(value: dict | None) -> dict:
    value = value or {}
    return {name: value.get(name) or None for name in ADDRESS_FIELDS}


def billing_details(value: dict | None) -> dict:
    value = value or {}
    return {
        "address": address(value.get("address")),
        "email": value.get("email") or None,
        "name": value.get("name") or None,
        "phone": value.get("phone") or None,
        "tax_id": value.get("tax_id") or None,
    }


def shipping(value: dict | None) -> dict | None:
    if not value:
        return None
    return {
        "address": address(value.get("address")),
        "carrier": value.get("carrier") or None,
        "name": value.get("name") or None,
        "phone": value.get("phone") or None,
        "tracking_number": value.get("tracking_number") or None,
    }


def payment_intent(
    *,
    id: str,
    client_secret: str,
    created: int,
    amount: int,
    currency: str,
    automatic_payment_methods: dict | None,
    payment_method_types: list[str],
    confirmation_method: str,
) -> dict:
    """A new intent; the engine then sets the fields the request carries."""
    return {
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": automatic_payment_methods,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": client_secret,
        "confirmation_method": confirmation_method,
        "created": created,
        "currency": currency,
        "customer": None,
        "customer_account": None,
        "description": None,
        "excluded_payment_method_types": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": {},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": payment_method_types,
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
    }


def fingerprint(number: str) -> str:
    """Stable per card number, like Stripe's (the same card always has the same one)."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def payment_method(
    *,
    id: str,
    created: int,
    card: TestCard,
    exp_month: int,
    exp_year: int,
    cvc_given: bool,
    billing: dict | None,
    metadata: dict,
) -> dict:
    return {
        "id": id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": billing_details(billing),
        "card": {
            "brand": card.brand,
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "unchecked" if cvc_given else None,
            },
            "country": "US",
            "display_brand": card.brand,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": fingerprint(card.number),
            "funding": card.funding,
            "generated_from": None,
            "last4": card.last4,
            "networks": {"available": [card.brand], "preferred": None},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": created,
        "customer": None,
        "livemode": False,
        "metadata": metadata,
        "type": "card",
    }


def outcome(card: TestCard, decline: Decline | None) -> dict:
    """The charge's `outcome`: what the network (or Radar) said."""
    result = {
        "advice_code": None,
        "network_advice_code": None,
        "network_decline_code": None,
        "network_status": "approved_by_network",
        "reason": None,
        "risk_level": card.risk_level,
        "risk_score": {"normal": 20, "elevated": 70, "highest": 95}[card.risk_level],
        "seller_message": "Payment complete.",
        "type": "authorized",
    }
    if decline is not None and decline.blocked:
        result.update(
            network_status="not_sent_to_network",
            reason="highest_risk_level",
            seller_message="Stripe blocked this payment as too risky.",
            type="blocked",
        )
    elif decline is not None:
        result.update(
            network_status="declined_by_network",
            reason=decline.decline_code,
            seller_message="The bank did not return any further details with this decline.",
            type="issuer_declined",
        )
    return result


def charge(
    *,
    id: str,
    created: int,
    intent: dict,
    method: dict,
    card: TestCard,
    decline: Decline | None,
    captured: bool,
    authenticated: bool,
) -> dict:
    amount = intent["amount"]
    card_details = method["card"]
    return {
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if captured else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": method["billing_details"],
        "calculated_statement_descriptor": STATEMENT_DESCRIPTOR,
        "captured": captured,
        "created": created,
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "destination": None,
        "dispute": None,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": decline.code if decline else None,
        "failure_message": decline.message if decline else None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": outcome(card, decline),
        "paid": decline is None,
        "payment_intent": intent["id"],
        "payment_method": method["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": None if decline else amount,
                "brand": card_details["brand"],
                "checks": card_details["checks"],
                "country": card_details["country"],
                "exp_month": card_details["exp_month"],
                "exp_year": card_details["exp_year"],
                "fingerprint": card_details["fingerprint"],
                "funding": card_details["funding"],
                "last4": card_details["last4"],
                "network": card_details["brand"],
                "three_d_secure": (
                    {
                        "authentication_flow": "challenge",
                        "result": "authenticated",
                        "version": "2.2.0",
                    }
                    if authenticated
                    else None
                ),
                "wallet": None,
            },
            "type": "card",
        },
        "receipt_email": intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": None,
        "refunded": False,
        "review": None,
        "shipping": intent["shipping"],
        "source": None,
        "source_transfer": None,
        "statement_descriptor": intent["statement_descriptor"],
        "statement_descriptor_suffix": intent["statement_descriptor_suffix"],
        "status": "failed" if decline else "succeeded",
        "transfer_data": None,
        "transfer_group": intent["transfer_group"],
    }


def refund(
    *, id: str, created: int, charge: dict, amount: int, reason: str | None, metadata: dict
) -> dict:
    return {
        "id": id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge["id"],
        "created": created,
        "currency": charge["currency"],
        "destination_details": {
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": metadata,
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def customer(
    *,
    id: str,
    created: int,
    invoice_prefix: str,
    email: str | None = None,
    name: str | None = None,
    metadata: dict | None = None,
) -> dict:
    """A new Customer; the engine then sets the fields the request carries."""
    return {
        "id": id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "business_name": None,
        "created": created,
        "currency": None,
        "customer_account": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": email,
        "individual_name": None,
        "invoice_prefix": invoice_prefix,
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": metadata or {},
        "name": name,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def deleted_customer(id: str) -> dict:
    """What Stripe answers for a deleted customer (on delete, and on every retrieve after)."""
    return {"id": id, "object": "customer", "deleted": True}


def setup_intent(
    *,
    id: str,
    client_secret: str,
    created: int,
    automatic_payment_methods: dict | None,
    usage: str,
) -> dict:
    """A new SetupIntent; the engine then sets the fields the request carries."""
    return {
        "id": id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": automatic_payment_methods,
        "cancellation_reason": None,
        "client_secret": client_secret,
        "created": created,
        "customer": None,
        "customer_account": None,
        "description": None,
        "excluded_payment_method_types": None,
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": {},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        "payment_method_types": ["card"],
        "single_use_mandate": None,
        "status": "requires_payment_method",
        "usage": usage,
    }


def wire_copy(value):
    """A deep copy of wire data (dicts and lists of JSON values), as copy.deepcopy gives it,
    without its memo and dispatch (several times faster: each change copies its object)."""
    if isinstance(value, dict):
        return {key: wire_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [wire_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(wire_copy(item) for item in value)
    return value  # str, int, float, bool, None: immutable
