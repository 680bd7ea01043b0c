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
from hwp_bridge import errors as hwp_errors
from woo_store import errors as woo_errors

VENDOR_TABLES = {"woo_store": woo_errors.TABLE, "hwp_bridge": hwp_errors.TABLE}


@pytest.mark.parametrize("vendor", sorted(VENDOR_TABLES))
def test_every_domain_error_has_a_row(vendor):
    assert missing_rows(VENDOR_TABLES[vendor]) == []


def test_the_domain_error_list_includes_errors_defined_outside_errors_py():
    names = {c.__name__ for c in domain_error_classes()}
    assert {"OutOfStock", "IdempotencyConflict", "UnknownScenario"} <= names


@pytest.mark.parametrize("vendor", sorted(VENDOR_TABLES))
@pytest.mark.parametrize("cls", domain_error_classes(), ids=lambda c: c.__name__)
def test_every_row_renders_a_client_error_or_a_deliberate_5xx(vendor, cls):
    """Each row builds from a bare exception (no facts) at every stage a vendor uses."""
    exc = cls.__new__(cls)
    domain.DomainError.__init__(exc, "message")
    for stage in ("", "add", "update", "customer", "checkout", "calc_totals", "coupon_by_code"):
        try:
            error = VENDOR_TABLES[vendor].describe(exc, Situation(stage=stage))
        except AttributeError:
            continue  # a row reading a fact this bare exception lacks (e.g. OutOfStock.partially)
        assert isinstance(error.code, str) and error.code
        assert 400 <= error.status < 600
        if error.status >= 500:
            # Only what the operator switched off or a gateway/server failure is a 5xx.
            assert cls in (
                domain.ServerError,
                domain.CheckoutDisabled,
                domain.InvalidPaymentMethod,
                domain.PaymentFailed,
            ), (vendor, cls, error)


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
