"""A real browser app on another port runs the guest checkout against the hub: the cookie
session, the Nonce header read from each reply (CORS must expose it) and credentialed
cross-origin requests, in headless Chromium.

Skipped when Chromium is not installed, unless HUB_REQUIRE_BROWSER=1 (CI sets it and installs
Chromium), so it can never silently not run there.
"""

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
if CHROMIUM is None and os.environ.get("HUB_REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium is not installed", allow_module_level=True)

APP = """<!doctype html><html><body><pre id="out">running</pre><script>
const API = "%(api)s/wp-json/wc/store/v1";
let nonce = "";
async function call(method, path, body) {
  const headers = {"Content-Type": "application/json"};
  if (nonce) headers["Nonce"] = nonce;
  const r = await fetch(API + path, {method, credentials: "include", headers,
    body: body ? JSON.stringify(body) : undefined});
  nonce = r.headers.get("Nonce") || nonce;
  return {status: r.status, body: await r.json(), token: !!r.headers.get("Cart-Token")};
}
(async () => {
  const log = [];
  const address = {first_name: "Peter", last_name: "Venkman", address_1: "550 Central Park W",
    city: "New York", state: "NY", postcode: "10023", country: "US", email: "p@example.com"};
  try {
    let r = await call("GET", "/cart");
    log.push(["cart", r.status, r.token, nonce.length]);
    r = await call("POST", "/cart/add-item", {id: 1, quantity: 2});
    log.push(["add-item", r.status, r.body.items_count]);
    r = await call("POST", "/cart/update-customer",
      {billing_address: address, shipping_address: address});
    log.push(["update-customer", r.status]);
    r = await call("POST", "/cart/select-shipping-rate", {package_id: 0, rate_id: "flat_rate:3"});
    log.push(["select-shipping-rate", r.status]);
    r = await call("POST", "/cart/apply-coupon", {code: "10off"});
    log.push(["apply-coupon", r.status, r.body.totals.total_price]);
    r = await call("POST", "/checkout", {billing_address: address, payment_method: "bacs"});
    log.push(["checkout", r.status, r.body.status, r.body.payment_result.payment_status]);
  } catch (e) { log.push(["error", String(e)]); }
  document.getElementById("out").textContent = JSON.stringify(log);
})();
</script></body></html>"""


def serve_app(html: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_storefront_on_another_port_checks_out_with_cookie_and_nonce(live_server, tmp_path):
    call_command("seed_store", verbosity=0)
    api = live_server.url.replace("127.0.0.1", "localhost")
    app = serve_app(APP % {"api": api})
    try:
        page = f"http://localhost:{app.server_address[1]}/"
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=20000",
                "--dump-dom",
                page,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        app.shutdown()
    dom = result.stdout
    assert '<pre id="out">' in dom, result.stderr[-2000:]
    log = json.loads(dom.split('<pre id="out">', 1)[1].split("</pre>", 1)[0])
    assert log == [
        ["cart", 200, True, 10],
        ["add-item", 201, 2],
        ["update-customer", 200],
        ["select-shipping-rate", 200],
        ["apply-coupon", 200, "5161"],
        ["checkout", 200, "on-hold", "success"],
    ]
