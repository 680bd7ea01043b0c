"""Two submits of one hosted page at once, on PostgreSQL: one order."""

import pytest
from django.db import connection

from checkout_hub.models import CheckoutSession, Order
from pancake import orders
from pancake.models import PancakeOrder
from tests.services.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_submits_of_one_hosted_page_make_one_order(client, shop, key_pair):
    from tests.pancake.conftest import Api

    session_id = Api(client, shop).session()["sessionId"]
    session = CheckoutSession.objects.get(public_id=session_id)
    detail = {"country": "JP", "isBusiness": False}
    results = run_together(
        [lambda: orders.place(session, "a@example.com", detail) for _ in range(4)]
    )
    assert all(isinstance(r, PancakeOrder) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert PancakeOrder.objects.count() == Order.objects.count() == 1
