"""The first data load at 100,000 commitments, and ``funding-tracker totals`` at 1,000,000.

1. **First load.** On the pages database (``bench/pages.py``'s: 100,000 as-said
   commitments, 300,000 deliveries; built with its ``build_database`` when
   missing), a fresh process per run reads the figures as the dashboard does
   on its first view (its memory settings, ``tracker.allocation``, then
   ``tracker.figures.data.load``), then works out the
   schedule (the projection every page's figures start from). Timed inside
   the child, around those two steps only (the interpreter's start and imports
   are not the load); peak RSS from ``/proc`` for the whole child.
2. **Totals at 1M.** ``generate.py 1000000`` (the default columns) imported
   into ``bench/out/loads/tracker-1000000.db`` with ``funding-tracker import
   commitments`` (reused while the file is the same bytes), then ``funding-tracker
   totals`` with each grouping, ``--runs`` times each: wall time of the whole
   command (start and imports included) and peak RSS.

Targets (from the issue): the first load under 2 s; ``totals`` under 5 s. Exit
1 if a command failed (with ``--check-targets``, also when a target is missed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

import bench_common as common
import imports
import pages

WORK = common.OUT / "loads"
RESULTS = common.OUT / "loads.json"
LOAD_TARGET = 2.0
TOTALS_TARGET = 5.0
GROUPINGS = [[], ["--by", "funder"], ["--by", "recipient"], ["--by", "programme"], ["--format", "csv"]]

# What the child runs: the load and the schedule, timed; one JSON line out.
LOAD_CHILD = """
import json, time
from tracker.allocation import prefer_quick_allocation
prefer_quick_allocation()  # as the dashboard does first
from db.session import make_engine
from tracker.figures import data as queries
engine = make_engine()
start = time.perf_counter()
data = queries.load(engine)
loaded = time.perf_counter()
rows = len(data.schedule)
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "schedule": done - loaded, "commitments": len(data.commitments),
                  "deliveries": len(data.deliveries), "schedule_rows": rows}))
"""


def first_load(n: int, runs: int, seed: int) -> dict:
    db, marker = pages.build_database(n, 3, seed, rebuild=False)
    url = common.sqlite_url(db)
    found = []
    for run in range(runs):
        measured = common.run_measured([sys.executable, "-c", LOAD_CHILD], common.tracker_env(url), WORK / "load")
        if not measured.ok:
            raise SystemExit(f"the load failed: {measured.stderr[-2000:]}")
        said = json.loads(measured.stdout.strip().splitlines()[-1])
        found.append({**said, "process_seconds": measured.seconds, "peak_rss": measured.peak})
        print(
            f"  load {run + 1}: {said['load']:.2f} s, schedule {said['schedule']:.2f} s, "
            f"peak {common.mib(measured.peak)}",
            flush=True,
        )
    load = statistics.median(r["load"] for r in found)
    both = statistics.median(r["load"] + r["schedule"] for r in found)
    return {
        "database": str(db.relative_to(common.ROOT)),
        "marker": marker,
        "runs": found,
        "median_load": load,
        "median_load_and_schedule": both,
        "target": LOAD_TARGET,
        "target_met": load < LOAD_TARGET,  # the read; the schedule is the projection (reported beside)
    }


def million_database(n: int, seed: int) -> tuple[str, dict]:
    """The SQLite database of ``n`` generated commitments: made, or reused while the file is the same bytes."""
    WORK.mkdir(parents=True, exist_ok=True)
    imports.WORK.mkdir(parents=True, exist_ok=True)
    csv, _ = imports.commitments_file(n, seed, as_said=False)  # (made only when missing or stale)
    db = WORK / f"tracker-{n}.db"
    marker_path = db.with_suffix(".json")
    digest = common.sha256(csv)
    if db.exists() and marker_path.exists() and json.loads(marker_path.read_text()).get("file") == digest:
        return common.sqlite_url(db), json.loads(marker_path.read_text())
    common.remove_sqlite(db)
    url = common.sqlite_url(db)
    env = common.tracker_env(url)
    for step, argv in (
        ("db-upgrade", common.tracker_cli("db", "upgrade")),
        ("import", common.tracker_cli("import", "commitments", str(csv))),
    ):
        print(f"  building {db.name}: {step} ...", flush=True)
        measured = common.run_measured(argv, env, WORK / f"build-{step}")
        if not measured.ok:
            raise SystemExit(f"building the database failed at {step}: {measured.stderr[-2000:]}")
    marker = {"file": digest, "rows": n}
    common.write_json(marker_path, marker)
    return url, marker


def totals(n: int, runs: int, seed: int) -> dict:
    url, marker = million_database(n, seed)
    found = []
    for grouping in GROUPINGS:
        times, peaks = [], []
        for _ in range(runs):
            measured = common.run_measured(
                common.tracker_cli("totals", *grouping, console_script=True),
                common.tracker_env(url),
                WORK / "totals",
            )
            if not measured.ok:
                raise SystemExit(f"totals {' '.join(grouping)} failed: {measured.stderr[-2000:]}")
            times.append(measured.seconds)
            peaks.append(measured.peak)
        median = statistics.median(times)
        found.append(
            {
                "options": " ".join(grouping) or "(none)",
                "seconds": times,
                "median": median,
                "peak_rss": max(peaks),
                "target_met": median < TOTALS_TARGET,
            }
        )
        print(f"  totals {' '.join(grouping) or '(no options)'}: median {median:.2f} s, peak {common.mib(max(peaks))}")
    return {"n": n, "marker": marker, "commands": found, "target": TOTALS_TARGET}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="commitments in the pages database (100,000)")
    parser.add_argument("--totals-n", type=int, default=1_000_000, help="commitments for totals (1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (5)")
    parser.add_argument("--seed", type=int, default=20191031)
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"first load, {args.n:,} commitments:", flush=True)
    load = first_load(args.n, args.runs, args.seed)
    print(f"totals, {args.totals_n:,} commitments:", flush=True)
    cli = totals(args.totals_n, args.runs, args.seed)
    common.write_json(RESULTS, {"context": common.run_context(), "first_load": load, "totals": cli})
    rows = [
        [
            f"first load ({args.n:,})",
            common.seconds(load["median_load"]),
            common.seconds(load["median_load_and_schedule"]),
            "< 2 s",
            "met" if load["target_met"] else "MISSED",
        ]
    ]
    for c in cli["commands"]:
        met = "met" if c["target_met"] else "MISSED"
        rows.append([f"totals {c['options']} ({args.totals_n:,})", common.seconds(c["median"]), "", "< 5 s", met])
    common.print_table(["measure", "median", "with schedule", "target", "target?"], rows)
    missed = not load["target_met"] or not all(c["target_met"] for c in cli["commands"])
    print(f"results: {RESULTS.relative_to(common.ROOT)}")
    return 1 if missed and args.check_targets else 0


if __name__ == "__main__":
    sys.exit(main())
