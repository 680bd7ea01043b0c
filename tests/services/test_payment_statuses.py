"""The payment status table: which moves `statuses.transition_payment` allows and refuses, and
that the payment service's writers go through it."""

import itertools

import pytest

from checkout_hub.models import Payment
from checkout_hub.services import payments, statuses
from checkout_hub.services.errors import InvalidStatusTransition, PaymentDeclined
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

S = Payment.Status
ALLOWED = [
    (S.PENDING, S.REQUIRES_ACTION),
    (S.PENDING, S.PROCESSING),
    (S.PENDING, S.SUCCEEDED),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.CANCELLED),
    (S.REQUIRES_ACTION, S.PROCESSING),
    (S.REQUIRES_ACTION, S.SUCCEEDED),
    (S.REQUIRES_ACTION, S.FAILED),
    (S.REQUIRES_ACTION, S.CANCELLED),
    (S.PROCESSING, S.SUCCEEDED),
    (S.PROCESSING, S.FAILED),
    (S.PROCESSING, S.CANCELLED),
    (S.SUCCEEDED, S.REFUNDED),
]
REFUSED = [(a, b) for a, b in itertools.permutations(S.values, 2) if (a, b) not in set(ALLOWED)]


def test_every_status_has_a_row():
    assert set(statuses.PAYMENT_TRANSITIONS) == set(S.values)


@pytest.mark.parametrize("current, new", ALLOWED)
def test_allowed_move(current, new):
    payment = PaymentFactory(status=current)
    assert statuses.transition_payment(payment, new).status == new
    payment.refresh_from_db()
    assert payment.status == current  # the caller saves, with its other fields


@pytest.mark.parametrize("status", S.values)
def test_staying_put_is_allowed(status):
    assert statuses.transition_payment(PaymentFactory.build(status=status), status).status == status


@pytest.mark.parametrize("current, new", REFUSED)
def test_refused_move(current, new):
    payment = PaymentFactory.build(status=current)
    with pytest.raises(InvalidStatusTransition) as caught:
        statuses.transition_payment(payment, new)
    assert caught.value.facts == {"kind": "payment", "current": current, "requested": new}
    assert payment.status == current


def test_failing_a_refunded_payment_is_refused():
    """`payments.fail` moves the gateway's own Payment row through the table."""
    payment = PaymentFactory(status=S.REFUNDED)
    declined = PaymentDeclined("Your card was declined.", payment=payment)
    with pytest.raises(InvalidStatusTransition):
        payments.fail(payment.order, "stripe", declined)
    payment.refresh_from_db()
    assert payment.status == S.REFUNDED
