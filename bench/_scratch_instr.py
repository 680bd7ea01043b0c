"""CPU instructions per request on the hub's hot paths, counted by valgrind's callgrind.

    .venv/bin/python bench/instructions.py                 # every route, journal on and off
    .venv/bin/python bench/instructions.py --only cart -n 40

Requests per second on a shared VM drift by 15% or more within an hour; an instruction count
does not: the same code, data and environment count the same whatever else the machine does.
So this is the figure to compare a change by, and bench/throughput.py the one to report.

The script prepares a throwaway SQLite database as bench/throughput.py does (same routes, same
carts and tokens), then runs the hub's own WSGI handler in-process under callgrind, once with the
journal on and once off, and the floor (bench/floor.py) the same way. Each route is warmed up
uncounted; then -n requests run inside `operator.call(...)`, and callgrind counts only inside
that function (`--toggle-collect`), in the request's thread and in the journal writer's, whose
batches run inside it too; the writer is drained, and `callgrind_control --dump` closes the
route's count. Nothing else the process does (warming up, waiting for callgrind) is counted.

What gunicorn and the kernel add per request (about 670k instructions' worth on this project's
machine, from bench/throughput.py's rates) is not in these figures: a route's share of the floor
under load is roughly (floor + 670k) / (route + 670k).

Needs valgrind (Debian: apt-get install valgrind). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import throughput  # noqa: E402

LABELS = ("on", "off")  # a pool of prepared carts for each run: a checkout empties its cart


def environ_for(case: throughput.Case, headers: dict) -> tuple[dict, bytes]:
    """A WSGI environ as gunicorn builds one, for one request of `case`."""
    import io

    body = (case.encoded_body or "").encode()
    path, _, query = case.path.partition("?")
    environ = {
        "REQUEST_METHOD": case.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "HTTP_HOST": "127.0.0.1:8000",
    }
    if body:
        environ["CONTENT_TYPE"] = case.content_type
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ, body


def callgrind(command: str, pid: int) -> None:
    """Send callgrind a command and keep this process running Python until it is done
    (valgrind reads its commands while the program runs, not while it waits in a syscall).
    The loop runs outside operator.call, so it is never counted."""
    proc = subprocess.Popen(
        ["callgrind_control", command, str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while proc.poll() is None:
        sum(range(1000))


def call_app(application, case, headers) -> int:
    environ, _ = environ_for(case, headers)
    status = []
    reply = application(environ, lambda s, h, exc_info=None: status.append(s))
    b"".join(reply)
    reply.close()
    return int(status[0].split()[0])


def run_route(application, case, headers, pool, taken, statuses, count: int) -> None:
    """`count` requests of `case`, each with the next cart of its pool (`taken` says how far
    earlier routes went) and a fresh header value where the case asks for one."""
    for _ in range(count):
        if case.fresh_header:
            headers[case.fresh_header] = uuid.uuid4().hex
        if pool:
            at = taken.get(case.pool, 0)
            headers[case.pool_header] = pool[at % len(pool) if case.rotate else at]
            taken[case.pool] = at + 1
        statuses.add(call_app(application, case, headers))


def measure(fixtures_path: str, only: str, count: int, label: str) -> None:
    """The child under valgrind: run each route, dump its count as `route<i>`, print
    `ROUTE<TAB>i<TAB>name<TAB>statuses` per route."""
    import django

    django.setup()
    from checkout_hub.services import journal
    from checkout_hub.wsgi import application  # what gunicorn serves

    if os.environ.get("NOPUT"):
        journal.WRITER.put = lambda entry: None
    write_batch = journal.write_batch
    journal.write_batch = lambda entries: operator.call(write_batch, entries)  # counted
    fixtures = json.loads(Path(fixtures_path).read_text())
    pid = os.getpid()
    taken: dict[str, int] = {}  # how far into each pool of carts earlier routes went

    for index, case in enumerate(throughput.cases(fixtures)):
        if case.floor or (only and only not in case.name):
            continue
        if case.signed and not fixtures.get("pancake_product"):
            continue
        headers = dict(case.headers)
        if case.signed:
            headers |= throughput.pancake_headers(json.dumps(case.body))
        pool = fixtures.get(f"{case.pool}_{label}", []) if case.pool else []
        statuses: set[int] = set()
        send = (application, case, headers, pool, taken, statuses)
        run_route(*send, 5)  # warm-up, not counted
        journal.flush()
        callgrind("--dump=warm", pid)
        operator.call(run_route, *send, count)
        journal.flush()
        callgrind(f"--dump=route{index}", pid)
        print(f"ROUTE\t{index}\t{case.name}\t{sorted(statuses)}", flush=True)


def measure_floor(count: int) -> None:
    """The floor (bench/floor.py's bare Django view), counted the same way."""
    sys.path.insert(0, str(ROOT / "bench"))
    import floor

    case = throughput.Case("floor", "GET", "/floor")
    statuses = {call_app(floor.application, case, {}) for _ in range(5)}
    callgrind("--dump=warm", os.getpid())
    operator.call(lambda: [call_app(floor.application, case, {}) for _ in range(count)])
    callgrind("--dump=route0", os.getpid())
    print(f"ROUTE\t0\tfloor: bare Django JSON view\t{sorted(statuses)}", flush=True)


def totals(out_file: Path) -> dict[str, int]:
    """Instructions per dump, by the dump's trigger (the route's name)."""
    found = {}
    for part in sorted(out_file.parent.glob(out_file.name + "*")):
        text = part.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (.*)$", text, re.M)
        total = re.findall(r"^totals: (\d+)", text, re.M)
        if trigger and total:
            found[trigger.group(1).strip()] = int(total[-1])
    return found


def counted_run(args, work: Path, label: str, env: dict) -> dict[str, int]:
    """One child under callgrind: {route name: instructions per request}."""
    out_file = work / f"callgrind.{label}"
    started = time.monotonic()
    mode = ["--floor"] if label == "floor" else ["--measure", str(work / "fixtures.json")]
    child = subprocess.run(
        [
            "valgrind", "--tool=callgrind", "--collect-atstart=no",
            "--toggle-collect=_operator_call*", f"--callgrind-out-file={out_file}",
            throughput.PY, __file__, *mode, "--only", args.only, "-n", str(args.n),
            "--label", label,
        ],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    routes = [line.split("\t")[1:] for line in child.stdout.splitlines() if "\t" in line]
    if child.returncode or not routes:
        sys.exit(f"the measuring run failed:\n{child.stdout}\n{child.stderr[-3000:]}")
    counted, found = totals(out_file), {}
    for index, name, statuses in routes:
        if f"route{index}" in counted:
            found[name] = counted[f"route{index}"] // args.n
        if any(not 200 <= int(code) < 300 for code in re.findall(r"\d+", statuses)):
            print(f"  note: {name} answered {statuses}")
    print(f"  {label}: {time.monotonic() - started:.0f} s", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="counted requests per route (40)")
    parser.add_argument("--only", default="", help="only routes whose name contains this")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        measure_floor(args.n)
        return
    if args.measure:
        measure(args.measure, args.only, args.n, args.label)
        return
    if not subprocess.run(["which", "valgrind"], capture_output=True).stdout:
        sys.exit("needs valgrind (Debian: apt-get install valgrind)")

    with tempfile.TemporaryDirectory(prefix="hub-instr-") as tmp:
        work = Path(os.environ.get("BENCH_KEEP") or tmp)
        work.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{work / 'bench.sqlite3'}"
        env = throughput.hub_env(db_url, "locmem://", journal=True, public_url="http://127.0.0.1")
        print("preparing the database...", flush=True)
        throughput.run_prepare(env, work / "fixtures.json", args.n + 5, list(LABELS))
        floor = counted_run(args, work, "floor", dict(os.environ))
        runs = {
            label: counted_run(
                args,
                work,
                label,
                throughput.hub_env(
                    db_url, "locmem://", journal=label == "on", public_url="http://127.0.0.1"
                ),
            )
            for label in LABELS
        }

    names = list(floor) + [name for name in runs["on"] if name not in floor]
    width = max(len(name) for name in names)
    print(f"\ninstructions per request, {args.n} requests per route, in-process (no gunicorn)")
    print(f"{'route':<{width}}  {'journal on':>12}  {'journal off':>12}  {'journal':>8}")
    for name in names:
        on = floor.get(name) or runs["on"].get(name, 0)
        off = floor.get(name) or runs["off"].get(name, 0)
        share = f"{(on - off) / on:+.1%}" if on and off and name not in floor else ""
        print(f"{name:<{width}}  {on / 1000:>11,.0f}k  {off / 1000:>11,.0f}k  {share:>8}")


if __name__ == "__main__":
    main()
