"""Delete what has outlived its use: expired carts that never became an order, and journal
rows past the retention cap. Safe to run from cron at any interval."""

from django.core.management.base import BaseCommand

from checkout_hub.models import Cart
from checkout_hub.services import journal


class Command(BaseCommand):
    help = "Delete expired, never-ordered carts and prune the request journal to its cap."

    def handle(self, *args, **options):
        carts, _ = Cart.objects.expired().filter(completed=False, orders__isnull=True).delete()
        rows = journal.prune()
        self.stdout.write(f"Deleted {carts} expired cart rows and {rows} journal rows.")
