"""Requests per second, p50 and p99 of the hub's hot paths under real HTTP load, each as a ratio
of a bare Django view served the same way (the floor), plus SQL queries per request.

    .venv/bin/python bench/throughput.py            # 1 sync worker, SQLite (about 5 minutes)
    .venv/bin/python bench/throughput.py --team     # also bin/serve: 2 workers, PostgreSQL, Redis

The script starts everything itself: it migrates and seeds a throwaway SQLite database (and,
with --team, a throwaway PostgreSQL database `checkout_hub_bench`), builds the carts and tokens
the routes need, serves the floor (bench/floor.py) and the hub with gunicorn (one sync worker,
DEBUG off) pinned to CPU 0 with `taskset`, and loads each route with `wrk` pinned to CPU 1.
It says so when it cannot pin. The hub is measured twice, journal on and journal off (two
servers on one database, the WAL checkpointed before each load). For every route the floor and
both hubs are loaded in turn, in --rounds slices each, and the route is reported against the
floor loaded beside it: a machine whose speed drifts during the run (a shared VM's does, by 15%
or more) moves all three alike. Figures are printed, never asserted: timings belong in a
report, not in a flaky test.

Needs `wrk` (Debian: apt-get install wrk) and, for --team, PostgreSQL and Redis on
127.0.0.1 (TEAM_DATABASE_URL / TEAM_CACHE_URL override them).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import json
import os
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WOO = "/wp-json/wc/store/v1"
HWP = "/wp-json/headlesswp/v1"
COCART = "/wp-json/cocart/v2"
FLUENT = "/wp-json/fluent-cart/v2"
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_1": "1 Main St",
    "city": "Albany",
    "state": "NY",
    "postcode": "12207",
    "country": "US",
    "email": "ada@example.com",
}


@dataclass
class Case:
    """One route under load. `pool` names a kind of prepared cart (POOLS): each request takes
    the next one's credential, sent in `pool_header` (a checkout empties its cart); `rotate`
    cycles them instead of using each once."""

    name: str
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    pool: str | None = None
    pool_header: str = "Cart-Token"
    rotate: bool = False
    floor: bool = False
    signed: bool = False  # Pancake's API-Key signature, made fresh before each load
    fresh_header: str = ""  # a header given a new value on every request (Idempotency-Key)

    @property
    def content_type(self) -> str:
        # A string body is a form post (Stripe's API), anything else JSON.
        return (
            "application/x-www-form-urlencoded"
            if isinstance(self.body, str)
            else ("application/json")
        )

    @property
    def encoded_body(self) -> str | None:
        return (
            self.body if isinstance(self.body, str) or self.body is None else json.dumps(self.body)
        )


# What the official stripe SDK sends with every call (and a fresh Idempotency-Key per POST).
STRIPE_SDK_HEADERS = {
    "Authorization": "Bearer sk_test_hub_fake",
    "Stripe-Version": "",  # the installed SDK's pinned version, filled in by cases()
    "User-Agent": "Stripe/v1 PythonBindings/bench",
}

# Kinds of prepared carts: the vendor they belong to, whether they hold a billing address (for a
# checkout), and how many (None: enough for the run, one per request).
POOLS = {
    "checkout": ("woo_store", True, None),
    "add": ("woo_store", False, 40),
    "cocart_add": ("cocart", False, 40),
    "fluent_order": ("fluentcart", False, None),
}


def cases(fixtures: dict) -> list[Case]:
    import stripe

    STRIPE_SDK_HEADERS["Stripe-Version"] = stripe.api_version
    token = lambda name: {"Cart-Token": fixtures[name]}  # noqa: E731
    cocart_key = {"CoCart-API-Cart-Key": fixtures["cocart3"]}
    fluent_order = {
        "billing_email": "ada@example.com",
        "billing_full_name": "Ada Lovelace",
        "billing_country": "US",
        "billing_address_1": "1 Main St",
        "billing_city": "Boston",
        "billing_state": "MA",
        "billing_postcode": "02108",
        "fc_selected_shipping_method": "1",
        "payment_method": "cod",
    }
    checkout = {"billing_address": ADDRESS, "payment_method": "cheque"}
    hwp = {"items": [{"productId": 1, "quantity": 1}], "strategy": "redirect_to_woo"}
    return [
        Case("floor: bare Django JSON view", "GET", "/floor", floor=True),
        Case("GET /__hub/health", "GET", "/__hub/health"),
        Case("Store API GET /cart, 3 lines", "GET", f"{WOO}/cart", token("cart3")),
        Case("Store API GET /cart, 20 lines", "GET", f"{WOO}/cart", token("cart20")),
        Case(
            "Store API POST /cart/add-item",
            "POST",
            f"{WOO}/cart/add-item",
            body={"id": 1, "quantity": 1},
            pool="add",
            rotate=True,
        ),
        Case("Store API GET /products", "GET", f"{WOO}/products"),
        Case(
            "Store API POST /checkout (cheque)",
            "POST",
            f"{WOO}/checkout",
            body=checkout,
            pool="checkout",
        ),
        Case(
            "HWP POST /store/checkout-session",
            "POST",
            f"{HWP}/store/checkout-session",
            {"X-WP-Nonce": fixtures["hwp_nonce"], "Cookie": fixtures["hwp_cookie"]},
            hwp,
        ),
        Case("CoCart GET /cart, 3 lines", "GET", f"{COCART}/cart", cocart_key),
        Case(
            "CoCart POST /cart/add-item",
            "POST",
            f"{COCART}/cart/add-item",
            body={"id": "1", "quantity": 1},
            pool="cocart_add",
            pool_header="CoCart-API-Cart-Key",
            rotate=True,
        ),
        Case(
            "Stripe fake POST /v1/payment_intents (create + confirm, as the SDK sends it)",
            "POST",
            "/stripe/v1/payment_intents",
            STRIPE_SDK_HEADERS,
            "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true"
            "&payment_method_types[0]=card&metadata[order_id]=bench",
            fresh_header="Idempotency-Key",
        ),
        Case(
            "Pancake POST create-session (API key)",
            "POST",
            "/v1/actions/checkout/create-session",
            {"X-Environment": "test"},
            {"productId": fixtures["pancake_product"], "currency": "USD"},
            signed=True,
        ),
        Case(
            "Pancake GET hosted checkout page",
            "GET",
            f"/store/{fixtures['pancake_store']}/checkout/{fixtures['pancake_session']}",
        ),
        Case(
            "FluentCart GET checkout summary view, 3 lines",
            "GET",
            f"{FLUENT}/checkout/get-checkout-summary-view?shipping_method_id=1",
            {"Cookie": fixtures["fluent3"]},
        ),
        Case(
            "FluentCart POST place-order (COD)",
            "POST",
            f"{FLUENT}/checkout/place-order",
            body=fluent_order,
            pool="fluent_order",
            pool_header="Cookie",
        ),
    ]


# --- preparing a database (runs in a child process with the target's settings) ---
def prepare(out: Path, pool_size: int, labels: list[str]) -> None:
    """Migrate, seed, build the carts and tokens, count each case's queries; write JSON."""
    sys.path.insert(0, str(ROOT))  # this checkout's code, whatever the venv's install points at
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from checkout_hub.models import Cart, CartItem, Product
    from checkout_hub.models.carts import new_cart_key
    from checkout_hub.services import addresses
    from checkout_hub.services import cart as cart_service
    from checkout_hub.services.cart import line_key
    from woo_store.session import encode_token

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_store", verbosity=0)
    simple = list(
        Product.objects.filter(
            type="simple", manage_stock=False, parent=None, regular_price__gt=0
        ).order_by("id")
    )
    while len(simple) < 20:
        simple.append(Product.objects.create(name=f"Bench {len(simple)}", regular_price=1500))

    def new_key(vendor: str) -> str:
        return uuid.uuid4().hex if vendor == "fluentcart" else new_cart_key()  # fct_cart_hash

    def credential(vendor: str, key: str) -> str:
        # The Store API: a Cart-Token; CoCart: the cart key; FluentCart: its cookie.
        return {"woo_store": encode_token, "fluentcart": "fct_cart_hash={}".format}.get(
            vendor, str
        )(key)

    def cart_with(products, vendor="woo_store") -> str:
        meta = {"cart_group": "global"} if vendor == "fluentcart" else {}
        cart = cart_service.create_cart(vendor=vendor, key=new_key(vendor), meta=meta)
        for product in products:
            cart_service.add_item(cart, product.pk)
        cart_service.update_customer(cart, billing=ADDRESS)
        return credential(vendor, cart.key)

    fixtures = {
        "cart3": cart_with(simple[:3]),
        "cart20": cart_with(simple[:20]),
        "cocart3": cart_with(simple[:3], "cocart"),
        "fluent3": cart_with(simple[:3], "fluentcart"),
    }
    billing, _ = addresses.validate(ADDRESS, None)
    for label in labels:
        for kind, (vendor, with_address, size) in POOLS.items():
            carts = [
                Cart(
                    key=new_key(vendor),
                    vendor=vendor,
                    billing_address=billing if with_address else {},
                    meta={"cart_group": "global"} if vendor == "fluentcart" else {},
                )
                for _ in range(size or pool_size)
            ]
            Cart.objects.bulk_create(carts, batch_size=500)
            carts = list(Cart.objects.filter(key__in=[c.key for c in carts]))
            CartItem.objects.bulk_create(
                [CartItem(cart=c, key=line_key(1, 0, {}, []), product_id=1) for c in carts],
                batch_size=500,
            )
            fixtures[f"{kind}_{label}"] = [credential(vendor, c.key) for c in carts]

    try:
        from pancake import demo

        fixtures["pancake_product"] = demo.PRODUCT_IDS[0]
        fixtures["pancake_store"] = demo.STORE_SLUG
        body = json.dumps({"productId": demo.PRODUCT_IDS[0], "currency": "USD"})
        reply = Client().post(
            "/v1/actions/checkout/create-session",
            body.replace("}", ', "expiresInSeconds": 86400}'),
            content_type="application/json",
            headers={
                "X-Environment": "test",
                **pancake_headers(body.replace("}", ', "expiresInSeconds": 86400}')),
            },
        )
        fixtures["pancake_session"] = reply.json()["data"]["sessionId"]
    except Exception as exc:  # an older checkout without Pancake: its rows are skipped
        print(f"  no Pancake fixtures: {exc!r}")
        fixtures |= {"pancake_product": "", "pancake_store": "-", "pancake_session": "-"}

    client = Client()
    reply = client.get(f"{HWP}/nonce")
    fixtures["hwp_nonce"] = reply.json()["data"]["nonce"]
    fixtures["hwp_cookie"] = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())

    # Queries per request on a warm process, the journal's own write left out, and Python
    # function calls per request: a figure the machine's load cannot move.
    queries, calls = {}, {}
    for case in cases(fixtures):
        if case.floor:
            continue
        headers = dict(case.headers)
        if case.signed and not fixtures["pancake_product"]:
            print(f"  skipped {case.name}: this checkout has no Pancake")
            continue
        if case.signed:
            headers |= pancake_headers(json.dumps(case.body))
        send = getattr(Client(), case.method.lower())  # one client: its handler loads once
        for _ in range(2):  # the second call is the warm one
            if case.pool:
                headers[case.pool_header] = cart_with(simple[:1], POOLS[case.pool][0])
            kwargs = {"headers": headers}
            if case.fresh_header:
                headers[case.fresh_header] = uuid.uuid4().hex
            if case.body is not None:
                kwargs |= {"data": case.encoded_body, "content_type": case.content_type}
            profile = cProfile.Profile()
            with CaptureQueriesContext(connection) as captured:
                profile.enable()
                reply = send(case.path, **kwargs)
                profile.disable()
        if reply.status_code >= 300:  # e.g. an older checkout without this vendor
            print(f"  skipped {case.name}: {reply.status_code} {reply.content[:200]!r}")
            continue
        sql = [q["sql"] for q in captured.captured_queries]
        queries[case.name] = sum("requestlog" not in s.lower() for s in sql)
        calls[case.name] = pstats.Stats(profile).total_calls
    fixtures["queries"], fixtures["calls"] = queries, calls
    out.write_text(json.dumps(fixtures))


def pancake_headers(body: str) -> dict:
    """X-Merchant-Id, X-Timestamp and X-Signature for a create-session body, as Waffo's SDK
    signs them with the demo merchant's key (valid for a few minutes: made before each load)."""
    from checkout_hub import clock
    from pancake import demo, keys

    stamp = str(clock.timestamp())
    path = "/v1/actions/checkout/create-session"
    return {
        "X-Merchant-Id": demo.MERCHANT_ID,
        "X-Timestamp": stamp,
        "X-Signature": keys.sign_request(demo.demo_private_key(), path, stamp, body.encode()),
    }


def signed_now(case: Case, env: dict) -> dict:
    """Fresh signed headers, from a child process with the target's settings."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import django; django.setup(); "
        "from bench.throughput import pancake_headers; "
        "print(json.dumps(pancake_headers(sys.argv[2])))"
    )
    out = subprocess.run(
        [PY, "-c", code, str(ROOT), json.dumps(case.body)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


# --- serving and loading ---
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_pin() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def pinned(cmd: list[str], cpu: str | None) -> list[str]:
    return ["taskset", "-c", cpu, *cmd] if cpu is not None and can_pin() else cmd


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Server:
    def __init__(self, cmd, env, url, log):
        self.cmd, self.env, self.url, self.log = cmd, env, url, log

    def __enter__(self):
        self.proc = subprocess.Popen(
            self.cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_for(self.url)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def gunicorn(app: str, port: int, *, workers=1, threads=1, chdir=ROOT) -> list[str]:
    return [
        PY, "-m", "gunicorn", app,
        "--chdir", str(chdir),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "sync" if threads == 1 else "gthread",
        "--log-level", "warning",
        "--backlog", "2048",
    ]  # fmt: skip


LUA = """
local method, path, body = %(method)s, %(path)s, %(body)s
local headers = %(headers)s
local tokens = {}
local pool = os.getenv("BENCH_POOL")
if pool and pool ~= "" then for line in io.lines(pool) do tokens[#tokens + 1] = line end end
local rotate = %(rotate)s
local fresh, prefix = %(fresh)s, %(prefix)s
local i = tonumber(os.getenv("BENCH_POOL_START") or "0")
request = function()
  i = i + 1
  if fresh then headers[fresh] = prefix .. i end
  if #tokens > 0 then
    local n = rotate and ((i - 1) %% #tokens) + 1 or math.min(i, #tokens)
    headers[%(pool_header)s] = tokens[n]
  end
  return wrk.format(method, path, headers, body)
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def lua_script(case: Case, directory: Path) -> Path:
    headers = {"Content-Type": case.content_type, **case.headers}
    table = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    script = LUA % {
        "method": lua_string(case.method),
        "path": lua_string(case.path),
        "body": lua_string(case.encoded_body) if case.body is not None else "nil",
        "fresh": lua_string(case.fresh_header) if case.fresh_header else "nil",
        "prefix": lua_string(f"bench-{uuid.uuid4().hex[:12]}-"),
        "headers": table + "}",
        "rotate": "true" if case.rotate else "false",
        "pool_header": lua_string(case.pool_header),
    }
    path = directory / f"{re.sub(r'[^a-z0-9]+', '_', case.name.lower())}.lua"
    path.write_text(script)
    return path


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url, script, seconds, connections, cpu, env) -> dict:
    cmd = pinned(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        cpu,
    )
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency(50),
        "p99": latency(99),
        "requests": int(total.group(1)) if total else 0,
        "bad": int(bad.group(1)) if bad else 0,
    }


class Loader:
    """Loads one route on one server in slices: a 1 s warm-up before the first, and the
    cursor into the route's pool of prepared carts kept from slice to slice (a checkout
    empties the cart it takes)."""

    def __init__(self, case, base, fixtures, args, workdir, cpu, label, hub_env=None):
        if case.signed:
            case = dataclasses.replace(case, headers={**case.headers, **signed_now(case, hub_env)})
        self.url, self.args, self.cpu = base + case.path, args, cpu
        self.script = lua_script(case, workdir)
        self.env = dict(os.environ)
        if case.pool:
            pool = workdir / f"pool_{label}_{case.pool}.txt"
            pool.write_text("\n".join(fixtures[f"{case.pool}_{label}"]))
            self.env["BENCH_POOL"] = str(pool)
        self.start = 0
        self.slices: list[dict] = []

    def run(self, seconds: int) -> dict:
        if not self.slices and self.start == 0:
            self._wrk(1)  # warm-up, not counted
        result = self._wrk(seconds)
        self.slices.append(result)
        return result

    def _wrk(self, seconds: int) -> dict:
        self.env["BENCH_POOL_START"] = str(self.start)
        result = run_wrk(self.url, self.script, seconds, self.args.connections, self.cpu, self.env)
        self.start += result["requests"] + self.args.connections
        return result

    def total(self) -> dict:
        return combined(self.slices)


def combined(slices: list[dict]) -> dict:
    """Slices of load as one: requests over the time they took; the median slice's p50/p99."""
    elapsed = sum(s["requests"] / s["rps"] for s in slices if s["rps"])
    requests = sum(s["requests"] for s in slices)
    return {
        "rps": requests / elapsed if elapsed else 0.0,
        "p50": statistics.median(s["p50"] for s in slices),
        "p99": statistics.median(s["p99"] for s in slices),
        "requests": requests,
        "bad": sum(s["bad"] for s in slices),
    }


def load(case, base, fixtures, args, workdir, cpu, label, hub_env=None) -> dict:
    """One route on one server: warm-up, then args.seconds of load in one slice."""
    loader = Loader(case, base, fixtures, args, workdir, cpu, label, hub_env)
    loader.run(args.seconds)
    return loader.total()


def hub_env(database_url: str, cache_url: str, *, journal: bool, public_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "checkout_hub.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "HUB_PUBLIC_URL": public_url,
        "ALLOWED_HOSTS": "*",
        "HUB_JOURNAL_ENABLED": "1" if journal else "0",
        "FLUENTCART_RATE_LIMIT": "0",  # place-order is limited to 5 a minute per client
    }


def run_prepare(env, out, pool_size, labels) -> dict:
    subprocess.run(
        [PY, __file__, "--prepare", str(out), "--pool-size", str(pool_size),
         "--labels", ",".join(labels)],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(out.read_text())


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=int, default=6, help="load per route and server (default 6)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="slices the load is cut into, in turn (3)"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--team", action="store_true", help="also bin/serve on PostgreSQL")
    parser.add_argument("--only", default="", help="run only routes whose name contains this")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--pool-size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--labels", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(Path(args.prepare), args.pool_size, args.labels.split(","))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    pin = can_pin()
    server_cpu, load_cpu = ("0", "1") if pin else (None, None)
    print(
        f"CPUs: {os.cpu_count()}; "
        + (
            "server pinned to CPU 0, wrk to CPU 1 (taskset)"
            if pin
            else "NOT pinned (taskset missing or one CPU): figures include contention"
        )
    )
    print(
        f"wrk: 1 thread, {args.connections} connections, "
        f"{args.seconds} s per route and server in {args.rounds} slices, after 1 s warm-up; "
        "floor, journal on and journal off loaded in turn"
    )
    pool_size = int((args.seconds + 1) * 700) + 500
    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    log = open(workdir / "servers.log", "w")  # noqa: SIM115
    results: dict[str, dict[str, dict]] = {}
    try:
        port = free_port()
        db = f"sqlite:///{workdir / 'bench.sqlite3'}"
        base = f"http://127.0.0.1:{port}"
        env = hub_env(db, "locmem://", journal=True, public_url=base)
        print("preparing the SQLite database (migrate, seed_store, carts)...", flush=True)
        fixtures = run_prepare(
            env,
            workdir / "sqlite.json",
            pool_size,
            ["on", "off"],
        )
        all_cases = [
            c
            for c in cases(fixtures)
            if c.floor or (args.only.lower() in c.name.lower() and c.name in fixtures["queries"])
        ]
        # The floor and the hub with the journal on and off are three servers (the two hubs on
        # one database), all pinned to the same CPU and loaded in turn, route by route, in
        # args.rounds slices each: every route is compared with the floor measured beside it,
        # so a machine that speeds up or slows down during the run moves all three alike.
        # Each hub slice starts from a checkpointed WAL, so neither pays for the other's writes.
        floor = all_cases[0]
        slice_seconds = max(1, round(args.seconds / args.rounds))
        with contextlib.ExitStack() as servers:
            servers.enter_context(
                Server(
                    pinned(gunicorn("floor:application", port, chdir=ROOT / "bench"), server_cpu),
                    env,
                    base + "/floor",
                    log,
                )
            )
            hubs = {"floor": (base, env)}
            for label, journal in (("on", True), ("off", False)):
                hub_port = free_port()
                hub_base = f"http://127.0.0.1:{hub_port}"
                hub_env_ = hub_env(db, "locmem://", journal=journal, public_url=hub_base)
                cmd = pinned(gunicorn("checkout_hub.wsgi:application", hub_port), server_cpu)
                servers.enter_context(Server(cmd, hub_env_, hub_base + "/__hub/health", log))
                hubs[label] = (hub_base, hub_env_)
            floor_loaders = []
            for case in all_cases[1:]:
                print(f"  {case.name}", flush=True)
                loaders = {
                    label: Loader(
                        floor if label == "floor" else case,
                        hub_base, fixtures, args, workdir, load_cpu,
                        "on" if label == "floor" else label, hub_env_,
                    )
                    for label, (hub_base, hub_env_) in hubs.items()
                }  # fmt: skip
                for _ in range(args.rounds):
                    for label, loader in loaders.items():
                        if label != "floor":
                            checkpoint(workdir / "bench.sqlite3")
                        loader.run(slice_seconds)
                results[case.name] = {label: ld.total() for label, ld in loaders.items()}
                floor_loaders.append(loaders["floor"])
            floor_slices = [s for ld in floor_loaders for s in ld.slices]
            results[floor.name] = {"on": combined(floor_slices)}
        team_fixtures = None
        if args.team:
            team_fixtures = run_team(args, workdir, log, pool_size, all_cases, results)
    finally:
        log.close()
    report(all_cases, results, fixtures, team_fixtures, args)
    shutil.rmtree(workdir, ignore_errors=True)


def checkpoint(path: Path) -> None:
    """Move SQLite's write-ahead log into the database and empty it (between loads)."""
    import sqlite3

    time.sleep(0.3)  # the journal writer's last batch (it lingers 0.1 s)
    with contextlib.closing(sqlite3.connect(path, timeout=20)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def run_team(args, workdir, log, pool_size, all_cases, results) -> dict:
    """bin/serve as a team runs it (2 gthread workers, PostgreSQL, Redis), unpinned: two
    workers, the database and wrk share the machine's two cores."""
    db = os.environ.get(
        "TEAM_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/checkout_hub_bench"
    )
    cache = os.environ.get("TEAM_CACHE_URL", "redis://127.0.0.1:6379/9")
    fresh_postgres(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = hub_env(db, cache, journal=True, public_url=base)
    print("preparing the PostgreSQL database...", flush=True)
    fixtures = run_prepare(env, workdir / "team.json", pool_size, ["team"])
    env |= {"HUB_ADDR": f"127.0.0.1:{port}", "HUB_WORKERS": "2"}
    with Server([str(ROOT / "bin" / "serve")], env, base + "/__hub/health", log):
        for case in cases(fixtures)[1:]:
            if case.name not in {c.name for c in all_cases}:
                continue
            print(f"  team {case.name}", flush=True)
            results[case.name]["team"] = load(
                case, base, fixtures, args, workdir, None, "team", env
            )
    return fixtures


def report(all_cases, results, fixtures, team_fixtures, args) -> None:
    overall_floor = results[all_cases[0].name]["on"]["rps"]
    team = any("team" in r for r in results.values())
    head = (
        "| route | req/s | x floor | p50 ms | p99 ms | journal off req/s | journal cost "
        "| SQL/req | calls/req |"
    )
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    if team:
        head += " team req/s | team x floor | team p50 | team p99 |"
        rule += "---:|---:|---:|---:|"
    print()
    print(f"SQLite, 1 sync worker, journal on unless said; {args.connections} connections")
    print(head)
    print(rule)
    for case in all_cases:
        r = results.get(case.name, {})
        on, off = r.get("on"), r.get("off")
        if not on:
            continue
        cost = f"{(off['rps'] - on['rps']) / off['rps'] * 100:.0f}%" if off and off["rps"] else ""
        # Each route against the floor loaded beside it (the floor row: all its slices).
        floor = r["floor"]["rps"] if "floor" in r else overall_floor
        sql = "" if case.floor else str(fixtures["queries"].get(case.name, ""))
        calls = "" if case.floor else f"{fixtures['calls'].get(case.name, 0):,}"
        off_rps = f"{off['rps']:,.0f}" if off else ""
        row = (
            f"| {case.name} | {on['rps']:,.0f} | {on['rps'] / floor:.0%} | {on['p50']:.2f} | "
            f"{on['p99']:.2f} | {off_rps} | {cost} | {sql} | {calls} |"
        )
        if team:
            t = r.get("team")
            row += (
                f" {t['rps']:,.0f} | {t['rps'] / overall_floor:.0%} | {t['p50']:.2f} |"
                f" {t['p99']:.2f} |"
                if t
                else " | | | |"
            )
        print(row)
        for label, res in r.items():
            if res["bad"]:
                print(f"    ! {label}: {res['bad']} of {res['requests']} replies were not 2xx/3xx")
    print(
        "SQL/req: queries of one warm request, the journal's own INSERT left out. calls/req:\n"
        "Python function calls of that request in-process (journal on), which load cannot move."
    )
    if team:
        print("team: bin/serve, 2 gthread workers x 4 threads, PostgreSQL + Redis, not pinned.")


if __name__ == "__main__":
    main()
