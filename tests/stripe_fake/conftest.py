"""The embedded Stripe fake, driven through the real stripe SDK with no socket (and webhook
receivers that are real HTTP servers)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from stripe_fake import events
from stripe_fake.client import EmbeddedHTTPClient

from .support import API_KEY


@pytest.fixture
def stripe_client(db):
    return stripe.StripeClient(API_KEY, http_client=EmbeddedHTTPClient())


@pytest.fixture
def intents(stripe_client):
    return stripe_client.v1.payment_intents


@pytest.fixture
def notifications():
    """(type, data.object) of every Event the fake hands its subscribers during the test
    (after each commit)."""
    received = []

    def subscriber(event):
        received.append((event["type"], event["data"]["object"]))

    events.subscribe(subscriber)
    yield received
    events.unsubscribe(subscriber)


class StripeReceiver:
    """A webhook endpoint of the test's own: a real HTTP server on a free port that checks
    each delivery with the SDK's `stripe.Webhook.construct_event` (as an integrator's server
    does), records it, and answers the statuses the test queues (then 200; 400 for a
    delivery that does not verify)."""

    def __init__(self):
        self.secret = ""  # set once the endpoint is created
        self.received: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                header = self.headers.get("Stripe-Signature", "")
                try:
                    event = stripe.Webhook.construct_event(body, header, receiver.secret)
                except (stripe.SignatureVerificationError, ValueError) as exc:
                    event, error = None, str(exc)
                else:
                    error = ""
                receiver.received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body.decode(),
                        "event": event,
                        "error": error,
                    }
                )
                status = 400 if error else (receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(error.encode() or b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/webhook"

    @property
    def events(self) -> list:
        return [item["event"] for item in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = StripeReceiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(stripe_client, receiver):
    """A webhook endpoint for every event, pointing at `receiver` (which knows its secret)."""
    created = stripe_client.v1.webhook_endpoints.create(
        params={"url": receiver.url, "enabled_events": ["*"]}
    )
    receiver.secret = created.secret
    return created
