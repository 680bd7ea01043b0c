"""`python manage.py credentials`: every registered credential as one JSON object on stdout."""

import json

from django.core.management.base import BaseCommand

from checkout_hub import credentials


class Command(BaseCommand):
    help = "Print the credentials every app registered (admin login, vendor keys) as JSON."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(credentials.collect(), indent=2))
