"""Delete what has outlived its use: expired carts that never became an order, journal rows
past the retention cap, and expired idempotency keys; mark overdue checkout sessions expired
and delete old ones that never made an order; and whatever the apps registered in
`checkout_hub.cleaning` (the Stripe fake's events past Stripe's 30 days). Safe to run from cron
at any interval."""

from django.core.management.base import BaseCommand

from checkout_hub import cleaning
from checkout_hub.models import Cart
from checkout_hub.services import checkout_sessions, idempotency, journal, webhooks


class Command(BaseCommand):
    help = (
        "Delete expired never-ordered carts and idempotency keys; prune the journal to its cap; "
        "expire overdue checkout sessions and delete old never-ordered ones."
    )

    def handle(self, *args, **options):
        carts, _ = Cart.objects.expired().filter(completed=False, orders__isnull=True).delete()
        rows = journal.prune()
        keys = idempotency.prune()
        # Expiry first: a session that just ran out is kept (for admin) until its retention ends.
        expired = checkout_sessions.expire_overdue()
        pruned = checkout_sessions.prune()
        hooks = webhooks.prune()
        self.stdout.write(
            f"Deleted {carts} expired cart rows, {rows} journal rows and {keys} idempotency keys. "
            f"Expired {expired} checkout sessions; deleted {pruned} old ones. "
            f"Deleted {hooks} finished webhook deliveries."
        )
        for label, count in cleaning.run().items():
            self.stdout.write(f"Deleted {count} {label}.")
