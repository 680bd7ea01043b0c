"""`python manage.py pancake_sign PATH BODY`: the SDK's signed headers for one request, made
with the demo merchant's private key (or --key FILE, --merchant MER_...), for curl and
benchmarks. The signature stays valid for PANCAKE_SIGNATURE_PAST_SECONDS (a signed request is
not a nonce: the same headers may be sent again within the window)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checkout_hub import clock
from pancake import demo, keys


class Command(BaseCommand):
    help = "Print X-Merchant-Id, X-Timestamp and X-Signature headers for a Pancake request."

    def add_arguments(self, parser):
        parser.add_argument("path", help="e.g. /v1/actions/checkout/create-session")
        parser.add_argument("body", help="the exact JSON body that will be sent")
        parser.add_argument("--key", help="private key PEM file (default: the demo key)")
        parser.add_argument("--merchant", default=demo.MERCHANT_ID)
        parser.add_argument("--curl", action="store_true", help="print as curl -H arguments")

    def handle(self, *args, path, body, key, merchant, curl, **options):
        text = Path(key).read_text() if key else demo.demo_private_key()
        if not text:
            raise CommandError("No private key: run seed_store first, or pass --key.")
        stamp = str(clock.timestamp())
        headers = {
            "X-Merchant-Id": merchant,
            "X-Timestamp": stamp,
            "X-Signature": keys.sign_request(text, path, stamp, body.encode()),
        }
        for name, value in headers.items():
            self.stdout.write(f"-H '{name}: {value}'" if curl else f"{name}: {value}")
