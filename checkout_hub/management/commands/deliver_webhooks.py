"""`python manage.py deliver_webhooks`: send every outbound webhook delivery that is due now
(the worker's tasks do this on their own; this sweep finds any whose task was lost)."""

from django.core.management.base import BaseCommand

from checkout_hub.services import webhooks


class Command(BaseCommand):
    help = "Attempt every pending webhook delivery that is due (oldest first)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, **options):
        count = webhooks.run_due(limit=options["limit"])
        self.stdout.write(f"Attempted {count} webhook deliveries.")
