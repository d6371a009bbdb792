"""How long ``funding-tracker import`` takes, and how much memory, on 100,000 and 1,000,000 commitments.

    .venv/bin/python bench/imports.py [--sizes 100000 1000000] [--as-said] [--timeout 900]
                                      [--deliveries-per-commitment 3] [--postgres URL] [--check-targets]

For each size N (and each database: SQLite, and PostgreSQL with ``--postgres``):

1. ``bench/generate.py N`` commitments (``--as-said``: money recorded as announced) in
   ``bench/out/imports/``, made again only when missing or older than ``generate.py``;
   deliveries for them (``generate.py --deliveries``, K per commitment) when N x K is
   within the importer's row limit (``tracker.files.limits.MAX_ROWS``: 300,000 for
   100,000 commitments; none for 1,000,000);
2. a fresh database: the SQLite file deleted (PostgreSQL: its ``public`` schema dropped
   and created again), then ``funding-tracker db upgrade``;
3. ``funding-tracker import commitments FILE``, then ``import deliveries FILE``, each a
   child process timed around its whole life (interpreter start and imports included),
   its memory read from outside every 50 ms (``/proc/PID/status``: the largest ``VmRSS``
   seen, and ``VmHWM``, the peak, as last read before it ended). A child is killed (with
   its process group) after ``--timeout`` seconds or once past ``--rss-limit-gb``, and
   reported so;
4. the rows counted in the database: an import counts as done only if it exited 0 and
   the database holds exactly the rows of the file.

Targets (printed; they fail the run only with ``--check-targets``): commitments at
10,000 rows a second or better (100,000 in under 10 s, 1,000,000 in under 100 s) and
under 1 GiB peak RSS, for files of 100,000 rows or more. Deliveries are measured, with
no target. Results go to
``bench/out/imports.json``. Exit 1 if an import failed, timed out, was killed for its
memory or saved the wrong number of rows (or, with ``--check-targets``, missed a target).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import bench_common as common
import generate

WORK = common.OUT / "imports"
RESULTS = common.OUT / "imports.json"
DEFAULT_SIZES = (100_000, 1_000_000)
DEFAULT_TIMEOUT = 900.0
DEFAULT_RSS_LIMIT_GB = 8.0
TARGET_ROWS_PER_SECOND = 10_000  # 100,000 in 10 s, 1,000,000 in 100 s
TARGET_FROM_ROWS = 100_000  # smaller files (a quick check) have no target: starting Python alone takes ~1 s
TARGET_PEAK_RSS = common.GIB


@dataclass(frozen=True)
class Database:
    """Where an import goes: a SQLite file under ``bench/out/imports/``, or a PostgreSQL URL."""

    backend: str  # "sqlite" or "postgresql"
    url: str
    path: Path | None = None  # the SQLite file

    def empty(self) -> None:
        """Remove every table: delete the SQLite file, or drop and create PostgreSQL's ``public`` schema."""
        if self.path is not None:
            common.remove_sqlite(self.path)
            return
        from sqlalchemy import create_engine

        from db.session import normalise_url

        engine = create_engine(normalise_url(self.url))
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        finally:
            engine.dispose()

    def size(self) -> int | None:
        return self.path.stat().st_size if self.path is not None and self.path.exists() else None


# --- the files --------------------------------------------------------------------------------


def _stale(path: Path) -> bool:
    """Missing, or older than the generator that writes it."""
    return not path.exists() or path.stat().st_mtime < Path(generate.__file__).stat().st_mtime


def commitments_file(n: int, seed: int, as_said: bool) -> tuple[Path, float]:
    """The commitments CSV for ``n`` (made if stale) and the seconds spent making it."""
    path = WORK / f"commitments{'-as-said' if as_said else ''}-{n}-seed{seed}.csv"
    start = time.perf_counter()
    if _stale(path):
        print(f"generating {path.relative_to(common.ROOT)} ...", flush=True)
        generate.generate(n, path, seed, as_said=as_said)
    return path, time.perf_counter() - start


def deliveries_file(commitments_csv: Path, per_commitment: int, seed: int) -> tuple[Path, float]:
    """The deliveries CSV for ``commitments_csv`` (made if stale or older than it) and the seconds spent."""
    name = commitments_csv.name.removeprefix("commitments-")
    path = commitments_csv.with_name(f"deliveries-{per_commitment}x-{name}")
    start = time.perf_counter()
    if _stale(path) or path.stat().st_mtime < commitments_csv.stat().st_mtime:
        print(f"generating {path.relative_to(common.ROOT)} ...", flush=True)
        generate.generate_deliveries(commitments_csv, path, per_commitment, seed + 1)
    return path, time.perf_counter() - start


def max_rows() -> int:
    from tracker.files.limits import MAX_ROWS

    return MAX_ROWS


# --- one import -------------------------------------------------------------------------------


def commitments_target(rows: int) -> dict | None:
    """The issue's targets for a commitments file of ``rows`` (none below ``TARGET_FROM_ROWS``)."""
    if rows < TARGET_FROM_ROWS:
        return None
    return {"seconds": rows / TARGET_ROWS_PER_SECOND, "peak_rss": TARGET_PEAK_RSS}


def import_file(what: str, csv: Path, rows: int, database: Database, args: argparse.Namespace, stem: str) -> dict:
    """``funding-tracker import WHAT CSV`` into ``database``, measured, then its rows counted."""
    print(f"{database.backend}: import {what} ({rows:,} rows) ...", flush=True)
    run = common.run_measured(
        common.tracker_cli("import", what, str(csv), console_script=True),
        common.tracker_env(database.url),
        WORK / f"{stem}-import-{what}",
        timeout=args.timeout,
        rss_limit=int(args.rss_limit_gb * common.GIB),
    )
    stored = None
    if run.rc == 0:
        stored = common.count_rows(database.url, what)
    if run.timed_out:
        status = "timeout"
    elif run.over_memory:
        status = "killed: memory"
    elif run.rc != 0:
        status = "failed"
    elif stored != rows:
        status = "wrong rows"
    else:
        status = "ok"
    result = {
        "backend": database.backend,
        "what": what,
        "rows": rows,
        "file": str(csv.relative_to(common.ROOT)),
        "file_bytes": csv.stat().st_size,
        "status": status,
        "rows_stored": stored,
        "seconds": run.seconds,
        "rows_per_second": rows / run.seconds if status == "ok" and run.seconds else None,
        "peak_rss": run.peak,
        "run": run.as_json(),
    }
    target = commitments_target(rows) if what == "commitments" else None
    if target:
        result["target"] = target
        result["target_met"] = status == "ok" and _meets(result)
    print(
        f"  {status}: {run.seconds:.1f} s, peak {common.mib(run.peak)}"
        f"{'' if stored is None else f', {stored:,} rows in the database'}; {run.said(200)}",
        flush=True,
    )
    return result


def _meets(result: dict) -> bool:
    target = result["target"]
    return result["seconds"] < target["seconds"] and result["peak_rss"] < target["peak_rss"]


def fresh_database(database: Database, stem: str, work: Path = WORK) -> dict:
    """Empty ``database`` and run ``funding-tracker db upgrade`` on it (measured; its log in ``work``)."""
    database.empty()
    run = common.run_measured(
        common.tracker_cli("db", "upgrade", console_script=True),
        common.tracker_env(database.url),
        work / f"{stem}-db-upgrade",
        timeout=300,
    )
    if not run.ok:
        raise SystemExit(f"{database.backend}: db upgrade failed: {run.stderr[-2000:] or run.stdout[-2000:]}")
    return {"seconds": run.seconds, "peak_rss": run.peak}


def run_size(n: int, database: Database, args: argparse.Namespace) -> dict:
    """Both imports of size ``n`` into a fresh ``database``."""
    stem = f"{database.backend}-{n}"
    commitments_csv, made = commitments_file(n, args.seed, args.as_said)
    size: dict = {
        "n": n,
        "backend": database.backend,
        "as_said": args.as_said,
        "generate_seconds": made,
        "db_upgrade": fresh_database(database, stem),
        "imports": [],
    }
    done = import_file("commitments", commitments_csv, n, database, args, stem)
    size["imports"].append(done)
    k = args.deliveries_per_commitment
    if k and n * k > max_rows():
        size["deliveries_skipped"] = f"{n * k:,} deliveries would be over the {max_rows():,}-row file limit"
    elif k and done["status"] != "ok":
        size["deliveries_skipped"] = "the commitments were not imported"
    elif k:
        deliveries_csv, made = deliveries_file(commitments_csv, k, args.seed)
        size["generate_seconds"] += made
        size["imports"].append(import_file("deliveries", deliveries_csv, n * k, database, args, stem))
    if "deliveries_skipped" in size:
        print(f"{database.backend}: deliveries not imported: {size['deliveries_skipped']}", flush=True)
    size["database_bytes"] = database.size()
    if database.path is not None and not args.keep:
        common.remove_sqlite(database.path)
    return size


# --- the report -------------------------------------------------------------------------------


def print_report(sizes: list[dict]) -> None:
    rows = []
    for size in sizes:
        for r in size["imports"]:
            target = r.get("target")
            rows.append(
                [
                    f"{r['backend']} {r['what']}",
                    f"{r['rows']:,}",
                    r["status"],
                    common.seconds(r["seconds"]),
                    "-" if r["rows_per_second"] is None else f"{r['rows_per_second']:,.0f}",
                    common.mib(r["peak_rss"]),
                    "-" if not target else f"< {target['seconds']:g} s, < {target['peak_rss'] / common.GIB:g} GiB",
                    "-" if not target else ("met" if r["target_met"] else "MISSED"),
                ]
            )
    print()
    common.print_table(["import", "rows", "result", "wall", "rows/s", "peak RSS", "target", "target?"], rows)
    for size in sizes:
        if "deliveries_skipped" in size:
            print(f"{size['backend']} {size['n']:,}: deliveries not imported: {size['deliveries_skipped']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="commitments per run (default 100000 1000000)"
    )
    parser.add_argument(
        "--as-said", action="store_true", help="generate money recorded as announced (generate.py --as-said)"
    )
    parser.add_argument(
        "--deliveries-per-commitment",
        type=int,
        default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT,
        metavar="K",
        help="deliveries imported after the commitments, K per commitment, where N x K is within the "
        "importer's row limit (default 3; 0 for none)",
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds before an import is killed (default 900)"
    )
    parser.add_argument(
        "--rss-limit-gb",
        type=float,
        default=DEFAULT_RSS_LIMIT_GB,
        help="kill an import whose resident memory passes this many GiB, to spare a shared machine (default 8)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also import into this PostgreSQL database (postgresql+psycopg://...); its public schema is "
        "DROPPED and made again before each size: give it a database of its own",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite databases in bench/out/imports/")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if any(n <= 0 for n in args.sizes):
        parser.error("--sizes must be positive")
    if args.deliveries_per_commitment < 0:
        parser.error("--deliveries-per-commitment must be zero or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    context = common.run_context()
    sizes: list[dict] = []
    for n in args.sizes:
        databases = [Database("sqlite", common.sqlite_url(WORK / f"tracker-{n}.db"), WORK / f"tracker-{n}.db")]
        if args.postgres:
            databases.append(Database("postgresql", args.postgres))
        for database in databases:
            sizes.append(run_size(n, database, args))
            common.write_json(RESULTS, {"context": context, "args": vars(args), "sizes": sizes})
    print_report(sizes)
    imports = [r for size in sizes for r in size["imports"]]
    failed = [r for r in imports if r["status"] != "ok"]
    missed = [r for r in imports if r.get("target") and not r["target_met"]]
    summary = {"failed": len(failed), "targets_missed": len(missed)}
    common.write_json(RESULTS, {"context": context, "args": vars(args), "sizes": sizes, "summary": summary})
    print(f"\nresults: {RESULTS.relative_to(common.ROOT)}; {len(failed)} failed, {len(missed)} target(s) missed")
    if failed or (args.check_targets and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
