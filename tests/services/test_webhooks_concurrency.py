"""Several workers racing for one webhook delivery on PostgreSQL: exactly one sends it."""

import pytest
from django.db import connection

from checkout_hub.models import WebhookEndpoint
from checkout_hub.services import webhooks
from tests.pancake.receiver import Receiver
from tests.services.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_racing_workers_send_a_delivery_once():
    receiver = Receiver()
    try:
        WebhookEndpoint.objects.create(vendor="hub", owner="acme", url=receiver.url)
        (delivery,) = webhooks.emit(
            vendor="hub",
            owner="acme",
            event_type="order.completed",
            event_id="PAY_1",
            envelope=lambda uid: {"id": str(uid)},
            test_mode=True,
        )
        results = run_together([lambda: webhooks.deliver(delivery.pk) for _ in range(6)])
        # the winner says success; a loser sees it pending (being sent) or already sent
        assert all(r in ("success", "pending") for r in results), results
        assert len(receiver.requests) == 1
        delivery.refresh_from_db()
        assert delivery.attempt_count == 1 and delivery.attempts.count() == 1
    finally:
        receiver.close()
