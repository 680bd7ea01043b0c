"""save_fields: what save(update_fields=...) writes, from SQL made once."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from checkout_hub import clock
from checkout_hub.models import Order, ScenarioRule
from checkout_hub.models.prepared import save_fields
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


FROZEN_AT = dt.datetime(2031, 5, 1, tzinfo=dt.UTC)


def test_it_writes_the_fields_and_runs_their_pre_save():
    order = OrderFactory(status=Order.Status.PENDING, customer_note="before")
    with clock.frozen(FROZEN_AT):
        order.status, order.customer_note = Order.Status.ON_HOLD, "changed, not saved"
        with CaptureQueriesContext(connection) as queries:
            save_fields(order, ["status", "updated_at"])
        assert len(queries) == 1 and queries[0]["sql"].startswith("UPDATE")
    row = Order.objects.get(pk=order.pk)
    assert row.status == Order.Status.ON_HOLD
    assert row.customer_note == "before"  # not in the fields: left as stored
    assert row.updated_at == order.updated_at == FROZEN_AT


def test_a_second_save_of_the_same_fields_gives_the_same_rows_as_save():
    ours, theirs = OrderFactory(), OrderFactory()
    for order, save in ((ours, save_fields), (theirs, lambda o, f: o.save(update_fields=f))):
        order.payment_method_title, order.stock_reduced = "Check payments", True
        save(order, ["payment_method_title", "stock_reduced"])
    a, b = Order.objects.get(pk=ours.pk), Order.objects.get(pk=theirs.pk)
    assert (a.payment_method_title, a.stock_reduced) == (b.payment_method_title, b.stock_reduced)
    assert (a.payment_method_title, a.stock_reduced) == ("Check payments", True)


def test_a_model_with_save_receivers_goes_through_save():
    seen = []
    rule = ScenarioRule.objects.create(scenario="payment_declined", vendor="")
    receiver = lambda **kwargs: seen.append(kwargs["update_fields"])  # noqa: E731
    post_save.connect(receiver, sender=ScenarioRule)
    try:
        rule.enabled = False
        save_fields(rule, ["enabled"])
    finally:
        post_save.disconnect(receiver, sender=ScenarioRule)
    assert seen == [frozenset({"enabled"})]


def test_a_row_that_is_gone_raises_as_save_does():
    order = OrderFactory()
    Order.objects.filter(pk=order.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        save_fields(order, ["status"])
