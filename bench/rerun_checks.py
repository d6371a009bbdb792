"""What every page run pays before the page itself, on 100,000 commitments: the checks.

    .venv/bin/python bench/rerun_checks.py [--n 100000] [--repeat 2000] [--postgres URL]

Each time someone clicks, the dashboard runs its script again, and before the page draws
anything it asks the database four small questions:

1. ``store.check_schema``: is the database at this version's migration (the error
   boundary's first step, ``dashboard/failure_page.py``);
2. ``sign_in_sessions.touch``: is this tab's sign-in session still live (a read; once a
   minute per session also a write, moving ``last_seen_at``: timed apart, as "touch, write");
3. ``accounts.current``: the signed-in user and their roles (disabled since?);
4. ``data_version``: the figures' cache key (one read on SQLite; on PostgreSQL three,
   naming the writers still running, ``tracker/figures/data_version.py``).

The database: ``bench/pages.py``'s SQLite file of ``--n`` as-said commitments with 3
deliveries each (built by its ``build_database`` when missing), a copy brought to the
newest migration with ``funding-tracker db upgrade``; with ``--postgres URL`` also that
PostgreSQL database, filled through the command line from the same generated files when it
holds no commitments (``db upgrade``, ``import commitments``, ``import deliveries``).
A user and a live session are made in-process. Each check is called ``--repeat`` times in
a row after 50 unmeasured calls, timed with ``perf_counter``; p50, p95 and max in
milliseconds, and all four together (what one page run pays). Results: a table, and
``RESULTS``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bench_common as common
import generate
import pages
from sqlalchemy import Engine, func, select

from db.models import AuditEvent, Commitment
from db.session import make_engine, read_session
from tracker import accounts, store
from tracker import sign_in_sessions as sessions
from tracker.figures.data_version import data_version
from tracker.records.permissions import Actor
from tracker.records.problems import ValidationFailed

WORK = common.OUT / "rerun_checks"
RESULTS = common.OUT / "rerun_checks.json"
USER = "bench-rerun"
PASSWORD = "a long passphrase for the rerun checks, 2026-12-06"
WARM_UP = 50
BUILD_TIMEOUT = 3600
BENCH = Actor("bench", frozenset({"admin"}))


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls, after ``WARM_UP`` unmeasured ones."""
    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def filled(url: str, commitments: Path, deliveries: Path) -> dict:
    """Bring ``url`` to the newest migration; import the generated files when it holds no commitments."""
    env = common.tracker_env(url)
    done = {}

    def step(name: str, *args: str) -> None:
        print(f"{url.split(':')[0]}: {name} ...", flush=True)
        run = common.run_measured(common.tracker_cli(*args), env, WORK / name.replace(" ", "-"), timeout=BUILD_TIMEOUT)
        if not run.ok:
            raise SystemExit(f"{name} failed: {(run.stderr or run.stdout)[-2000:]}")
        done[name] = round(run.seconds, 1)

    step("db upgrade", "db", "upgrade")
    if common.count_rows(url, "commitments") == 0:
        step("import commitments", "import", "commitments", str(commitments))
        step("import deliveries", "import", "deliveries", str(deliveries))
    return done


def signed_in(engine: Engine) -> accounts.SignedIn:
    """The benchmark's user (added the first time), signed in."""
    with contextlib.suppress(ValidationFailed):  # there from an earlier run
        accounts.add_user(USER, ["viewer"], engine=engine, password=PASSWORD, actor=BENCH)
    return accounts.sign_in(USER, PASSWORD, engine=engine)


def sizes(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            "commitments": session.scalar(select(func.count()).select_from(Commitment)) or 0,
            "audit_events": session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        }


def measure(url: str, repeat: int) -> dict:
    """Each check ``repeat`` times on ``url``, with a user and a live session made here."""
    engine = make_engine(url)
    user = signed_in(engine)
    started = sessions.start(user.user_id, engine=engine, client="203.0.113.7")
    now = datetime.now(UTC)
    checks: dict[str, Callable[[], object]] = {
        "check_schema": lambda: store.check_schema(engine),
        "touch (read)": lambda: sessions.touch(started.session_id, engine=engine, now=now),
        "accounts.current": lambda: accounts.current(user.user_id, engine=engine),
        "data_version": lambda: data_version(engine),
    }
    results = {name: timed(call, repeat) for name, call in checks.items()}
    results["all four (a page run)"] = timed(lambda: [call() for call in checks.values()], repeat)
    # The write a session makes once a minute: each call a minute after the last, never idle.
    minutes = iter(now + timedelta(minutes=i) for i in range(1, WARM_UP + repeat + 1))
    os.environ[sessions.IDLE_MINUTES_ENV] = "5"
    results["touch, write (once a minute)"] = timed(
        lambda: sessions.touch(started.session_id, engine=engine, now=next(minutes)), repeat
    )
    os.environ.pop(sessions.IDLE_MINUTES_ENV)
    found = sizes(engine)
    engine.dispose()
    return {
        "sizes": found,
        "checks": {
            name: {
                "p50_ms": round(common.percentile(times, 0.5), 3),
                "p95_ms": round(common.percentile(times, 0.95), 3),
                "max_ms": round(max(times), 3),
            }
            for name, times in results.items()
        },
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments (100,000)")
    parser.add_argument("--deliveries-per-commitment", type=int, default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=2000, help="calls of each check (2000)")
    parser.add_argument("--postgres", help="also this PostgreSQL database (postgresql+psycopg://...)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    db, _ = pages.build_database(args.n, args.deliveries_per_commitment, args.seed, rebuild=False)
    copy = common.copy_sqlite(db, WORK / "checks.db")
    stem = f"as-said-{args.n}-seed{args.seed}"
    commitments = pages.WORK / f"commitments-{stem}.csv"
    deliveries = pages.WORK / f"deliveries-{args.deliveries_per_commitment}x-{stem}.csv"
    urls = {"sqlite": common.sqlite_url(copy)}
    if args.postgres:
        urls["postgresql"] = args.postgres
    report = {"context": common.run_context(), "repeat": args.repeat, "databases": {}}
    for backend, url in urls.items():
        built = filled(url, commitments, deliveries)
        measured = measure(url, args.repeat)
        report["databases"][backend] = {"built": built, **measured}
    common.write_json(args.results, report)
    rows = []
    for backend, found in report["databases"].items():
        for name, figures in found["checks"].items():
            rows.append([f"{backend}: {name}", figures["p50_ms"], figures["p95_ms"], figures["max_ms"]])
    common.print_table(["check", "p50 ms", "p95 ms", "max ms"], rows)
    for backend, found in report["databases"].items():
        print(
            f"{backend}: {found['sizes']['commitments']:,} commitments, {found['sizes']['audit_events']:,} audit events"
        )
    print(f"results: {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
