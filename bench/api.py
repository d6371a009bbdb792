"""The JSON API under load: latency of ``/api/totals`` and of a 100-row commitments page at
100,000 commitments, 20 clients at once.

    .venv/bin/python bench/api.py [--n 100000] [--clients 20] [--rounds 25] [--rebuild] [--p95-limit SECONDS]

1. The database: ``bench/pages.py``'s (``generate.py N --as-said`` commitments and 3
   deliveries each, imported through the command line; built with its
   ``build_database`` when missing, reused while both files are the same bytes). This run
   serves a copy (``bench/out/api/serving.db``), upgraded with ``funding-tracker db
   upgrade``, with a viewer (``users add``) and their token (``users token``: the last
   line it prints).
2. The real server: ``funding-tracker api --port P`` (``python -m tracker.cli``) as a
   child in its own process group, ``TRACKER_TODAY`` fixed; polled until
   ``/api/openapi.json`` answers.
3. Cold: one client asks ``/api/totals``, then ``/api/commitments?per_page=100``: the
   first answers after the server started, each working out what it then keeps while the
   data stays the same (the totals, the load of every record). Timed from the client.
4. Load: ``--clients`` threads, each with its own keep-alive ``httpx.Client``, start
   together and each make ``--rounds`` rounds of two requests: ``/api/totals`` and a
   commitments page (``per_page=100``; pages 1, 2, 500 and 1,000 in turn, so the first,
   the middle and the last rows are read). Each request is timed from the client
   (``time.perf_counter`` around the whole request: sending, the server's work, reading
   the body); every answer must be 200 with the rows expected (100 a page; the totals
   rows exactly ``funding-tracker totals --format json``'s, checked once before the
   load). The server's memory (VmRSS of its process tree) is read from ``/proc`` after.
5. A table: per endpoint, requests, p50, p95 and max (milliseconds), and the requests a
   second over the whole load. Results in ``bench/out/api.json``.

No target is set by the issue: the figures are recorded in bench/README.md. With
``--p95-limit S`` the run exits 1 when a p95 is S seconds or more. Exit 1 also when a
request failed or answered wrong.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import bench_common as common
import generate
import httpx
import pages

WORK = common.OUT / "api"
RESULTS = common.OUT / "api.json"
PAGES = (1, 2, 500, 1000)
PER_PAGE = 100
START_TIMEOUT = 120.0
VIEWER = "bench-api-reader"


def serving_copy(db: Path) -> Path:
    """A copy of ``db`` to serve (the copy is upgraded and gets a user and a token)."""
    return common.copy_sqlite(db, WORK / "serving.db")


def run_cli(env: dict[str, str], name: str, *args: str) -> common.Measured:
    run = common.run_measured(common.tracker_cli(*args), env, WORK / name, timeout=600)
    if not run.ok:
        raise SystemExit(f"{' '.join(args)} failed: {(run.stderr or run.stdout)[-2000:]}")
    return run


def summary(seconds: list[float]) -> dict:
    return {
        "requests": len(seconds),
        "p50_ms": round(common.percentile(seconds, 0.50) * 1000, 1),
        "p95_ms": round(common.percentile(seconds, 0.95) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def wait_until_up(base: str, proc) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < START_TIMEOUT:
        if proc.poll() is not None:
            raise SystemExit(f"the API server stopped (exit {proc.returncode}); see {WORK / 'server.stderr'}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=5).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the API server did not answer within {START_TIMEOUT:.0f} s")


def load(base: str, token: str, clients: int, rounds: int, expected_totals: list, total: int) -> dict:
    """``clients`` threads, ``rounds`` rounds each of a totals request and a commitments page."""
    times: dict[str, list[float]] = {"totals": [], "commitments": []}
    failures: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    last_page = max(1, -(-total // PER_PAGE))

    def client(number: int) -> None:
        mine: dict[str, list[float]] = {"totals": [], "commitments": []}
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            http.get("/openapi.json")  # the connection made before the start, as a client that stays would
            start_line.wait()
            for i in range(rounds):
                page = min(PAGES[(number + i) % len(PAGES)], last_page)
                for name, url in (
                    ("totals", "/totals"),
                    ("commitments", f"/commitments?per_page={PER_PAGE}&page={page}"),
                ):
                    began = time.perf_counter()
                    answer = http.get(url)
                    body = answer.content
                    mine[name].append(time.perf_counter() - began)
                    problem = None
                    if answer.status_code != 200:
                        problem = f"{url}: {answer.status_code} {body[:200]!r}"
                    elif name == "totals" and json.loads(body)["rows"] != expected_totals:
                        problem = f"{url}: rows differ from funding-tracker totals --format json"
                    elif name == "commitments" and len(json.loads(body)["rows"]) != min(
                        PER_PAGE, total - (page - 1) * PER_PAGE
                    ):
                        problem = f"{url}: a page with the wrong number of rows"
                    if problem:
                        with lock:
                            failures.append(problem)
        with lock:
            for name, values in mine.items():
                times[name].extend(values)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    count = sum(len(v) for v in times.values())
    return {
        "clients": clients,
        "rounds": rounds,
        "wall_seconds": round(wall, 2),
        "requests_per_second": round(count / wall, 1),
        "endpoints": {name: summary(values) for name, values in times.items() if values},
        "failures": failures[:20],
        "failed": len(failures),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="commitments in the pages database (100,000)")
    parser.add_argument("--deliveries-per-commitment", type=int, default=3)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--clients", type=int, default=20, help="clients at once (20)")
    parser.add_argument("--rounds", type=int, default=25, help="rounds per client, two requests each (25)")
    parser.add_argument("--rebuild", action="store_true", help="build the pages database again even if current")
    parser.add_argument("--p95-limit", type=float, help="exit 1 when a p95 is this many seconds or more")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db, info = pages.build_database(args.n, args.deliveries_per_commitment, args.seed, args.rebuild)
    copy = serving_copy(db)
    env = common.tracker_env(common.sqlite_url(copy))
    upgraded = run_cli(env, "db-upgrade", "db", "upgrade")
    run_cli(env, "users-add", "users", "add", VIEWER, "--role", "viewer")
    token = run_cli(env, "users-token", "users", "token", VIEWER).stdout.strip().splitlines()[-1]
    expected = json.loads(run_cli(env, "totals", "totals", "--format", "json").stdout)

    port = pages.free_port()
    base = f"http://127.0.0.1:{port}/api"
    command = common.tracker_cli("api", "--port", str(port), "--address", "127.0.0.1")
    with (WORK / "server.stdout").open("wb") as out, (WORK / "server.stderr").open("wb") as err:
        proc = subprocess.Popen(command, cwd=common.ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        started = wait_until_up(base, proc)
        print(f"server up in {started:.1f} s on {base}", flush=True)
        cold, total = {}, 0
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300) as http:
            for name, url in (("totals", "/totals"), ("commitments", f"/commitments?per_page={PER_PAGE}")):
                began = time.perf_counter()
                answer = http.get(url)
                cold[name] = round(time.perf_counter() - began, 3)
                if answer.status_code != 200:
                    raise SystemExit(f"{url}: {answer.status_code} {answer.text[:500]}")
                total = answer.json().get("total", total)
        print(f"{total:,} commitments")
        print(f"cold: totals {cold['totals']:.2f} s, commitments page {cold['commitments']:.2f} s", flush=True)
        cpu_before = common.cpu_seconds(proc.pid)
        result = load(base, token, args.clients, args.rounds, expected, total)
        result["server_cpu_seconds"] = round(common.cpu_seconds(proc.pid) - cpu_before, 2)
        memory = common.Memory.of_tree(proc.pid)
    finally:
        common.kill_group(proc, grace=5)
    rows = [
        [name, r["requests"], f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", f"{r['max_ms']:.0f}"]
        for name, r in result["endpoints"].items()
    ]
    common.print_table(["endpoint", "requests", "p50 ms", "p95 ms", "max ms"], rows)
    print(
        f"{args.clients} clients x {args.rounds} rounds: {result['requests_per_second']} requests/s over "
        f"{result['wall_seconds']} s (server CPU {result['server_cpu_seconds']} s); "
        f"server RSS after: {common.mib(memory.rss)} (peak {common.mib(memory.hwm)}); failed: {result['failed']}"
    )
    for failure in result["failures"]:
        print(f"  {failure}")
    common.write_json(
        RESULTS,
        {
            "context": common.run_context(),
            "database": str(db.relative_to(common.ROOT)),
            "marker": info,
            "commitments": total,
            "upgrade_seconds": round(upgraded.seconds, 2),
            "server_start_seconds": round(started, 2),
            "cold_seconds": cold,
            "load": result,
            "server_rss": memory.rss,
            "server_peak_rss": memory.hwm,
        },
    )
    print(f"results: {RESULTS.relative_to(common.ROOT)}")
    slow = args.p95_limit is not None and any(
        r["p95_ms"] >= args.p95_limit * 1000 for r in result["endpoints"].values()
    )
    return 1 if result["failed"] or slow else 0


if __name__ == "__main__":
    sys.exit(main())
