"""Delete what has outlived its use: expired carts that never became an order, journal rows
past the retention cap, and expired idempotency keys. Safe to run from cron at any interval."""

from django.core.management.base import BaseCommand

from checkout_hub.models import Cart
from checkout_hub.services import idempotency, journal


class Command(BaseCommand):
    help = "Delete expired never-ordered carts and idempotency keys; prune the journal to its cap."

    def handle(self, *args, **options):
        carts, _ = Cart.objects.expired().filter(completed=False, orders__isnull=True).delete()
        rows = journal.prune()
        keys = idempotency.prune()
        self.stdout.write(
            f"Deleted {carts} expired cart rows, {rows} journal rows and {keys} idempotency keys."
        )
