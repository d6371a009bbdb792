"""How many people one dashboard server holds: N sessions at once over Streamlit's websocket, on 100,000 commitments.

    .venv/bin/python bench/sessions.py [--n 100000] [--levels 10 25 50] [--think 10] [--rounds 3]
                                       [--limit 2.0] [--max-sessions 400] [--no-search] [--sessions N]

1. The database: ``bench/pages.py``'s (``generate.py N --as-said`` commitments and 3
   deliveries each, imported through the command line; built with its ``build_database``
   when missing, reused while both files are the same bytes), or any SQLite file given with
   ``--database``. This run serves a copy (``serving.db`` in ``--work``), brought to the
   newest migration with ``funding-tracker db upgrade``, with a viewer added by
   ``funding-tracker users add USER --role viewer --password-stdin`` (the password on
   standard input).
2. For each number of sessions N, a fresh server: ``funding-tracker serve --port P
   --address 127.0.0.1`` (headless, a free port, ``TRACKER_TODAY`` fixed), polled until
   ``/_stcore/health`` answers. One warm-up session signs in and opens the three pages (the
   first load of the figures, kept apart: it is not what N people wait for).
3. N sessions (``bench/streamlit_client.py``: the browser's websocket protocol, no
   browser), started evenly over ``--ramp`` seconds (default: one think time). Each opens
   the app (the sign-in page), signs in (the form's username and password and its button:
   the run that follows must draw the Overview and the navigation, else the sign-in
   failed), then goes ``--rounds`` times round Overview, Delivery and Finance tables, each
   round in an order of its own (the sign-in's own run is the first round's Overview),
   waiting a think time before each step: a random 0.5-1.5 x ``--think`` seconds (seeded;
   ``--think 0``: no pause, as fast as the server answers). Each run is timed from sending
   its ``BackMsg`` to the ``script_finished`` that ends it.
4. Errors, per session: an exception element in a run (or a compile error), an ``st.error``
   box, a page drawn with another title than the one asked for, a failed sign-in,
   a disconnect, a run not over within ``--timeout`` seconds. A session stops at its first
   failed step (a run with an exception or an error box is still timed and the session
   goes on).
5. Per N: p50, p95 and max of every timed run (and per step), errors, the server's CPU,
   this harness's CPU and everyone else's (from ``/proc/stat``: other people's tests on
   the same machine distort the figures), the load average, and the server's memory
   (``VmRSS`` of its process tree, polled; ``VmHWM``).

The levels are ``--levels`` (10, 25 and 50); then, unless ``--no-search``, the search for
the N where p95 passes ``--limit`` seconds (2): N goes up the ladder 75, 100, 150, 200,
300, 400, ... (at most ``--max-sessions``) until p95 is over the limit, then ``--refine``
halvings between the last N that held and the first that did not. ``--sessions N`` runs
that one N only (a quick check). Results: a table, and ``RESULTS`` (``--results``).

Exit 1 when the server could not be set up, the warm-up failed, or a level within the limit
(p95 at most ``--limit``) had any error; errors beyond the limit are reported, not judged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bench_common as common
import generate
import pages
import streamlit_client as client

WORK = common.OUT / "sessions"
RESULTS = common.OUT / "sessions.json"
USER = "bench-sessions"
PASSWORD = "a long passphrase for the sessions benchmark, 2026-12-05"
PAGES = ("Overview", "Delivery", "Finance tables")  # dashboard/navigation.py's titles
LEVELS = (10, 25, 50)
LADDER = (75, 100, 150, 200, 300, 400, 600, 800, 1200, 1600)
START_TIMEOUT = 120.0
STREAMLIT = ("--server.headless=true", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false")
POLL_SECONDS = 0.5
BUSIEST_WINDOW = 5.0  # seconds
ERRORS_KEPT = 20
# The table printed at the end, a row for each N: what the sessions saw, then what the machine did.
COLUMNS = [
    *["sessions", "runs", "p50", "p95", "max", "runs/s", "errors", "signed in"],
    *["server CPU", "others' cores", "server busiest 5 s", "load max", "server peak RSS", "p95 <= limit"],
]


# --- the database and the server -----------------------------------------------------------------


def serving_copy(db: Path, work: Path) -> Path:
    """A copy of ``db`` to serve (it is upgraded, gets the user, and sign-ins write to it)."""
    return common.copy_sqlite(db, work / "serving.db")


def prepare(copy: Path, work: Path) -> dict:
    """Upgrade the copy and add the sessions' user through the command line."""
    env = common.tracker_env(common.sqlite_url(copy))
    steps = {}
    for name, args, stdin in (
        ("db upgrade", ("db", "upgrade"), None),
        ("users add", ("users", "add", USER, "--role", "viewer", "--password-stdin"), PASSWORD + "\n"),
    ):
        run = common.run_measured(
            common.tracker_cli(*args), env, work / name.replace(" ", "-"), stdin=stdin, timeout=600
        )
        if not run.ok:
            raise SystemExit(f"{name} failed: {(run.stderr or run.stdout)[-2000:]}")
        steps[name] = {"seconds": round(run.seconds, 2), "said": run.said(300)}
    return steps


class Server:
    """``funding-tracker serve`` on a free port (the launcher becomes Streamlit: one process)."""

    def __init__(self, db: Path, work: Path, sessions: int) -> None:
        self.port = pages.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"server-{sessions}.log"
        command = common.tracker_cli("serve", "--port", str(self.port), "--address", "127.0.0.1", "--", *STREAMLIT)
        started = time.perf_counter()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=common.ROOT,
                env=common.tracker_env(common.sqlite_url(db)),
                start_new_session=True,
            )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            try:
                with opener.open(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.perf_counter() - started > START_TIMEOUT:
                self.stop()
                raise SystemExit(f"the server did not start: {self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        self.start_seconds = time.perf_counter() - started

    def tree(self) -> list[int]:
        return [self.process.pid, *common.descendants(self.process.pid)]

    def cpu(self) -> float:
        return sum(common.cpu_seconds(pid) for pid in self.tree())

    def stop(self) -> None:
        common.kill_group(self.process, grace=10)


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used since it started (``/proc/stat``)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / common.CLOCK_TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the sessions --------------------------------------------------------------------------------


@dataclass
class Timed:
    """One timed run of one session."""

    session: int
    step: str  # "open app", "sign in", or a page's title
    seconds: float
    at: float  # seconds since the level started, when the run ended
    title: str
    messages: int
    bytes: int


@dataclass
class Level:
    """What N sessions at once saw, and what the machine did meanwhile."""

    sessions: int
    runs: list[Timed] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {session, step, kind, said}
    signed_in: int = 0
    completed: int = 0

    def error(self, session: int, step: str, kind: str, said: str) -> None:
        self.errors.append({"session": session, "step": step, "kind": kind, "said": said[:500]})


def check(level: Level, number: int, step: str, run: client.Run, expected_title: str) -> None:
    """Count what is wrong with a run that ended: exceptions, error boxes, another page."""
    for text in run.exceptions:
        level.error(number, step, "exception", text)
    for text in run.error_alerts:
        level.error(number, step, "error box", text)
    if run.title != expected_title:
        level.error(number, step, "wrong page", f"drew {run.title!r}, expected {expected_title!r}")


def visits(rng: random.Random, rounds: int) -> list[str]:
    """The pages a session opens after signing in: each round the three pages in an order of its
    own (people do not all open Delivery at the same moment); the first round's Overview is the
    sign-in's own run."""
    order: list[str] = []
    for round_number in range(rounds):
        pages_this_round = [p for p in PAGES if round_number or p != client.FIRST_PAGE]
        rng.shuffle(pages_this_round)
        order += pages_this_round
    return order


async def one_session(number: int, base: str, args: argparse.Namespace, level: Level, began: float) -> None:
    """A person: open the app, sign in, then round the three pages, a think time before each step."""
    rng = random.Random(args.seed * 100_003 + number)
    await asyncio.sleep(args.ramp * number / max(level.sessions, 1))
    session = client.StreamlitSession(base, timeout=args.timeout)
    step = "connect"

    async def think() -> None:
        if args.think > 0:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.think)

    def timed(run: client.Run) -> None:
        level.runs.append(
            Timed(number, step, run.seconds, time.perf_counter() - began, run.title, run.messages, run.bytes)
        )

    try:
        await session.connect()
        step = "open app"
        run = await session.open_app()
        timed(run)
        check(level, number, step, run, client.SIGN_IN_TITLE)
        await think()
        step = "sign in"
        run = await session.sign_in(args.user, args.password)
        timed(run)
        check(level, number, step, run, client.FIRST_PAGE)
        level.signed_in += 1
        for title in visits(rng, args.rounds):
            await think()
            step = title
            run = await session.open_page(title)
            timed(run)
            check(level, number, step, run, title)
        level.completed += 1
    except client.SignInFailed as failed:
        if session.last is not None:
            timed(session.last)  # the failed sign-in's run ended: it is timed, and counted as an error
        level.error(number, step, failed.kind, str(failed))
    except client.SessionError as failed:
        level.error(number, step, failed.kind, str(failed))
    except OSError as failed:  # the connection could not be made
        level.error(number, step, "disconnected", f"{type(failed).__name__}: {failed}")
    finally:
        await session.close()


async def watch(server: Server, stop: asyncio.Event, seen: dict) -> None:
    """Poll the server's memory and CPU, the machine's CPU and the load average until ``stop``."""
    samples: list[tuple[float, float, float]] = []  # (when, server CPU, machine busy)
    while not stop.is_set():
        reading = common.Memory.of_tree(server.process.pid)
        seen["rss_peak"] = max(seen.get("rss_peak", 0), reading.rss)
        seen["hwm"] = max(seen.get("hwm", 0), reading.hwm)
        seen["load_max"] = max(seen.get("load_max", 0.0), os.getloadavg()[0])
        samples.append((time.perf_counter(), server.cpu(), machine_busy_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)
    seen["busiest"] = busiest(samples)


def busiest(samples: list[tuple[float, float, float]], window: float = BUSIEST_WINDOW) -> dict | None:
    """The server's busiest ``window`` seconds: the cores it used then, and what the rest of
    the machine used meanwhile (a server held to one core by Python's GIL shows about 1.0
    while the machine has a core to spare)."""
    best = None
    start = 0
    for end in range(len(samples)):
        while samples[end][0] - samples[start][0] > window:
            start += 1
        span = samples[end][0] - samples[start][0]
        if span < window * 0.9:
            continue
        server = (samples[end][1] - samples[start][1]) / span
        machine = (samples[end][2] - samples[start][2]) / span
        if best is None or server > best["server_cores"]:
            best = {"server_cores": round(server, 2), "machine_cores": round(machine, 2), "seconds": round(span, 1)}
    return best


async def drive(server: Server, args: argparse.Namespace, sessions: int) -> tuple[Level, dict]:
    level = Level(sessions)
    seen: dict = {}
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(server, stop, seen))
    began = time.perf_counter()
    await asyncio.gather(*(one_session(i, server.url, args, level, began) for i in range(sessions)))
    seen["wall_seconds"] = time.perf_counter() - began
    stop.set()
    await watcher
    return level, seen


async def warm_up(base: str, args: argparse.Namespace) -> dict:
    """One session signs in and opens the three pages: the first load, not counted."""
    times: dict[str, float] = {}
    async with client.StreamlitSession(base, timeout=max(args.timeout, 600)) as session:
        await session.open_app()
        times["sign in"] = round((await session.sign_in(args.user, args.password)).seconds, 3)
        for title in PAGES[1:]:
            run = await session.open_page(title)
            if run.title != title or run.exceptions:
                raise client.SessionError("warm-up", f"{title}: drew {run.title!r}, {run.exceptions}")
            times[title] = round(run.seconds, 3)
    return times


# --- one level, and the search -------------------------------------------------------------------


def spread(values: list[float]) -> dict:
    if not values:
        return {"runs": 0, "p50": None, "p95": None, "max": None}
    return {
        "runs": len(values),
        "p50": round(common.percentile(values, 0.50), 3),
        "p95": round(common.percentile(values, 0.95), 3),
        "max": round(max(values), 3),
    }


def measure(db: Path, work: Path, args: argparse.Namespace, sessions: int) -> dict:
    """A fresh server, a warm-up session, then ``sessions`` at once; the summary."""
    print(f"\n{sessions} sessions: starting the server ...", flush=True)
    server = Server(db, work, sessions)
    try:
        try:
            warm = asyncio.run(warm_up(server.url, args))
        except client.SessionError as failed:
            raise SystemExit(f"the warm-up session failed ({failed.kind}): {failed}") from None
        print(f"  server up in {server.start_seconds:.1f} s; warm-up {warm}", flush=True)
        load_before = os.getloadavg()
        cpu = (server.cpu(), own_cpu_seconds(), machine_busy_seconds())
        level, seen = asyncio.run(drive(server, args, sessions))
        used = (server.cpu() - cpu[0], own_cpu_seconds() - cpu[1], machine_busy_seconds() - cpu[2])
        load_after = os.getloadavg()
        end = common.Memory.of_tree(server.process.pid)
    finally:
        server.stop()
    wall = seen["wall_seconds"]
    kinds: dict[str, int] = {}
    for error in level.errors:
        kinds[error["kind"]] = kinds.get(error["kind"], 0) + 1
    steps = ["open app", "sign in", *PAGES]
    result = {
        "sessions": sessions,
        **spread([r.seconds for r in level.runs]),
        "by_step": {s: spread([r.seconds for r in level.runs if r.step == s]) for s in steps},
        "errors": len(level.errors),
        "error_kinds": kinds,
        "error_examples": level.errors[:ERRORS_KEPT],
        "signed_in": level.signed_in,
        "completed": level.completed,
        "wall_seconds": round(wall, 1),
        "runs_per_second": round(len(level.runs) / wall, 2) if wall else None,
        "server_start_seconds": round(server.start_seconds, 2),
        "warm_up_seconds": warm,
        "server_cpu_seconds": round(used[0], 1),
        "harness_cpu_seconds": round(used[1], 1),
        "others_cpu_seconds": round(max(0.0, used[2] - used[0] - used[1]), 1),
        "others_cores": round(max(0.0, used[2] - used[0] - used[1]) / wall, 2) if wall else None,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "load_max": round(seen.get("load_max", 0.0), 2),
        "server_busiest": seen.get("busiest"),
        "server_rss_peak": seen.get("rss_peak", 0),
        "server_rss_end": end.rss,
        "server_hwm": max(seen.get("hwm", 0), end.hwm),
        "bytes_received": sum(r.bytes for r in level.runs),
        "runs_detail": [asdict(r) for r in level.runs] if args.keep_runs else None,
    }
    result["held"] = result["p95"] is not None and result["p95"] <= args.limit
    print(
        f"  {result['runs']} runs in {wall:.0f} s: p50 {result['p50']} s, p95 {result['p95']} s, "
        f"max {result['max']} s; "
        f"errors {result['errors']}{f' {kinds}' if kinds else ''}; signed in {level.signed_in}/{sessions}; "
        f"server CPU {result['server_cpu_seconds']} s (busiest 5 s: {busiest_cores(result)}), "
        f"others {result['others_cores']} cores; server peak {common.mib(result['server_rss_peak'])}",
        flush=True,
    )
    for error in level.errors[:3]:
        print(f"    session {error['session']}, {error['step']}: {error['kind']}: {error['said'][:200]}", flush=True)
    return result


def search(db: Path, work: Path, args: argparse.Namespace) -> tuple[list[dict], dict]:
    """The levels asked for, then up the ladder until p95 passes the limit, then halvings."""
    done: dict[int, dict] = {}

    def at(n: int) -> dict:
        if n not in done:
            done[n] = measure(db, work, args, n)
        return done[n]

    levels = [args.sessions] if args.sessions else args.levels
    for n in levels:
        at(n)
    if args.search and not args.sessions:
        ladder = [n for n in LADDER if n > max(levels) and n <= args.max_sessions]
        for n in ladder:
            if not all(r["held"] for r in done.values()):
                break
            at(n)
        for _ in range(args.refine):
            held = [n for n, r in done.items() if r["held"]]
            over = [n for n, r in done.items() if not r["held"]]
            if not held or not over or min(over) < max(held):
                break
            low, high = max(held), min(over)
            middle = round((low + high) / 2 / 5) * 5 if high - low > 10 else (low + high) // 2
            if middle in (low, high):
                break
            at(middle)
    results = [done[n] for n in sorted(done)]
    held = [r["sessions"] for r in results if r["held"]]
    over = [r["sessions"] for r in results if not r["held"]]
    verdict = {
        "limit_seconds": args.limit,
        "largest_held": max(held) if held else None,
        "first_over": min(over) if over else None,
        "searched": bool(args.search and not args.sessions),
        "cap": args.max_sessions,
    }
    return results, verdict


def busiest_cores(result: dict) -> str:
    """The server's cores in its busiest 5 s, of the machine's then: "0.98 of 1.97 cores"."""
    busiest = result.get("server_busiest")
    return f"{busiest['server_cores']} of {busiest['machine_cores']} cores" if busiest else "-"


def print_report(results: list[dict], verdict: dict) -> None:
    print()
    common.print_table(
        COLUMNS,
        [
            [
                r["sessions"],
                r["runs"],
                common.seconds(r["p50"]),
                common.seconds(r["p95"]),
                common.seconds(r["max"]),
                r["runs_per_second"],
                r["errors"],
                f"{r['signed_in']}/{r['sessions']}",
                f"{r['server_cpu_seconds']:.0f} s / {r['wall_seconds']:.0f} s",
                r["others_cores"],
                busiest_cores(r),
                r["load_max"],
                common.mib(r["server_rss_peak"]),
                "yes" if r["held"] else "no",
            ]
            for r in results
        ],
    )
    print()
    steps = list(results[0]["by_step"]) if results else []
    common.print_table(
        ["sessions", *[f"{s} p50 / p95" for s in steps]],
        [
            [
                r["sessions"],
                *[
                    f"{common.seconds(r['by_step'][s]['p50'])} / {common.seconds(r['by_step'][s]['p95'])}"
                    for s in steps
                ],
            ]
            for r in results
        ],
    )
    limit = verdict["limit_seconds"]
    if verdict["searched"]:
        held, over = verdict["largest_held"], verdict["first_over"]
        if over is None:
            print(f"\np95 stayed within {limit} s up to {held} sessions (the cap is {verdict['cap']})")
        elif held is None:
            print(f"\np95 passed {limit} s already at {over} sessions")
        else:
            print(f"\np95 within {limit} s at {held} sessions; over it at {over}")


# --- the command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments in the pages database (100,000)")
    parser.add_argument("--deliveries-per-commitment", type=int, default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="the data's seed, and the pauses'")
    parser.add_argument("--rebuild", action="store_true", help="build the pages database again even if current")
    parser.add_argument("--database", type=Path, help="serve a copy of this SQLite file instead (e.g. the demo)")
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS), help="sessions at once (10 25 50)")
    parser.add_argument("--sessions", type=int, help="only this many sessions at once, no search (a quick check)")
    parser.add_argument("--no-search", dest="search", action="store_false", help="only --levels")
    parser.add_argument("--limit", type=float, default=2.0, help="the p95 searched for, seconds (2)")
    parser.add_argument("--max-sessions", type=int, default=400, help="the search's cap (400)")
    parser.add_argument("--refine", type=int, default=2, help="halvings after the ladder (2)")
    parser.add_argument("--think", type=float, default=10.0, help="mean seconds between a person's steps (10)")
    parser.add_argument("--ramp", type=float, help="seconds over which the sessions start (default: --think)")
    parser.add_argument("--rounds", type=int, default=3, help="times round the three pages (3)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for one run (120)")
    parser.add_argument("--user", default=USER, help=argparse.SUPPRESS)
    parser.add_argument("--password", default=PASSWORD, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, default=WORK, help="serving copy and server logs (bench/out/sessions)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the JSON written (bench/out/sessions.json)")
    parser.add_argument("--keep-runs", action="store_true", help="every run in the JSON too")
    args = parser.parse_args(argv)
    if args.ramp is None:
        args.ramp = args.think
    sizes = [*args.levels, args.sessions or 1]
    if min(sizes) <= 0 or args.rounds <= 0 or args.timeout <= 0 or args.think < 0 or args.ramp < 0:
        parser.error("sessions, --rounds and --timeout must be positive; --think and --ramp zero or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on the way out (finally)
    context = common.run_context()
    if args.database:
        if not args.database.is_file():
            raise SystemExit(f"--database {args.database}: no such file")
        db, info = args.database, {"database": str(args.database)}
    else:
        db, info = pages.build_database(args.n, args.deliveries_per_commitment, args.seed, args.rebuild)
    for old_log in args.work.glob("server-*.log"):
        old_log.unlink()
    copy = serving_copy(db, args.work)
    prepared = prepare(copy, args.work)
    try:
        results, verdict = search(copy, args.work, args)
    finally:
        common.remove_sqlite(copy)
    print_report(results, verdict)
    settings = {k: v for k, v in vars(args).items() if k not in ("password",)}
    common.write_json(
        args.results,
        {
            "context": context,
            "context_after": common.run_context(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in settings.items()},
            "database": info,
            "prepared": prepared,
            "levels": results,
            "verdict": verdict,
        },
    )
    print(f"results: {args.results}")
    failed = [r["sessions"] for r in results if r["held"] and r["errors"]]
    if failed:
        print(f"FAILED: errors within the limit at {failed} sessions")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
