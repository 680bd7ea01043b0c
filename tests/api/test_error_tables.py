"""Every domain error has a deliberate wire answer in every vendor's table: a new DomainError
subclass without a row fails here instead of silently becoming a 500 (or a fallback)."""

import pytest

from checkout_hub.api.errors import (
    ErrorTable,
    Row,
    Situation,
    domain_error_classes,
    missing_rows,
)
from checkout_hub.services import errors as domain
from cocart import errors as cocart_errors
from fluentcart import errors as fluentcart_errors
from hwp_bridge import errors as hwp_errors
from pancake import errors as pancake_errors
from woo_store import errors as woo_errors

VENDOR_TABLES = {
    "woo_store": woo_errors.TABLE,
    "hwp_bridge": hwp_errors.TABLE,
    "cocart": cocart_errors.TABLE,
    "fluentcart": fluentcart_errors.TABLE,
    "pancake": pancake_errors.TABLE,
}


@pytest.mark.parametrize("vendor", sorted(VENDOR_TABLES))
def test_every_domain_error_has_a_row(vendor):
    assert missing_rows(VENDOR_TABLES[vendor]) == []


def test_the_domain_error_list_includes_errors_defined_outside_errors_py():
    names = {c.__name__ for c in domain_error_classes()}
    assert {"OutOfStock", "IdempotencyConflict", "UnknownScenario"} <= names


# The facts the services attach (see each exception's docstring), so every row can be built.
FACTS = {
    "product": None,
    "requested": 2,
    "available": 0,
    "code": "10off",
    "reason": "not_found",
    "errors": {"billing_address.email": "Please provide a valid email address."},
    "codes": {"billing_address.email": "invalid_email"},
    "problems": [domain.EmptyCart()],
    "rate_id": "flat_rate:1",
    "expected": 100,
    "actual": 200,
    "limit": 3,
    "retry_after": 9,
    "reset_at": 0,
    "valid": ["payment_declined"],
    "key": "k",
}
STAGES = ("", "add", "update", "customer", "checkout", "calc_totals", "coupon_by_code")
OPERATOR_OR_GATEWAY = (
    domain.ServerError,
    domain.CheckoutDisabled,
    domain.InvalidPaymentMethod,
    domain.PaymentFailed,
)


@pytest.mark.parametrize("vendor", sorted(VENDOR_TABLES))
@pytest.mark.parametrize("cls", domain_error_classes(), ids=lambda c: c.__name__)
def test_every_row_renders_a_client_error_or_a_deliberate_5xx(vendor, cls):
    """Each row builds, at every stage a vendor uses, into a code and a status; only what the
    operator switched off or a gateway/server failure may be a 5xx."""
    exc = cls.__new__(cls)
    domain.DomainError.__init__(exc, "message", **FACTS)
    for stage in STAGES:
        error = VENDOR_TABLES[vendor].describe(exc, Situation(stage=stage))
        assert isinstance(error.code, str) and error.code, (vendor, cls, stage)
        # FluentCart answers checkout failures at HTTP 200 with status "failed" (its seed).
        at_200 = (vendor, error.code) == ("fluentcart", fluentcart_errors.FAILED)
        assert (200 if at_200 else 400) <= error.status < 600, (vendor, cls, stage, error)
        assert isinstance(error.message, str) and error.message
        assert isinstance(error.details, dict) and isinstance(error.headers, dict)
        if error.status >= 500:
            assert issubclass(cls, OPERATOR_OR_GATEWAY), (vendor, cls, error)


class Parent(Exception):  # not a DomainError: the completeness test must not see it
    pass


class Child(Parent):
    pass


def test_lookup_walks_the_class_hierarchy_and_missing_rows_ignores_the_fallback():
    table = ErrorTable({Parent: Row("parent", 400)}, fallback=Row("fallback", 500))
    assert table.describe(Child()).code == "parent"
    assert table.describe(domain.EmptyCart()).code == "fallback"
    assert table.has_row(Child) and not table.has_row(domain.EmptyCart)
    assert "checkout_hub.services.errors.EmptyCart" in missing_rows(table)


def test_row_values_may_depend_on_the_stage():
    table = ErrorTable({Parent: Row(lambda e, at: f"code_{at.stage}", lambda e, at: 409)})
    error = table.describe(Parent("boom"), Situation(stage="checkout"))
    assert (error.code, error.status, error.message) == ("code_checkout", 409, "boom")
