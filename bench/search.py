"""Search across everything on 100,000 commitments: building the index, and searches.

    .venv/bin/python bench/search.py [--n 100000] [--repeat 20]

The database: ``bench/pages.py``'s SQLite file of ``--n`` as-said commitments with 3
deliveries each (built by its ``build_database`` when missing), a copy brought to the
newest migration with ``funding-tracker db upgrade``. Timed in-process, as the Search
page does it (dashboard/app_pages/search.py):

1. reading what is searched (the figures' load, the announcements with their quoted
   words, the organisations) and ``search.build``: once per change of the data;
2. ``search.search`` for a few kinds of search (a common word, two words, a ref, a rare
   word, a place's Welsh name, a word found nowhere), ``--repeat`` times each: p50, p95
   and max in milliseconds, and how many records each found.

Results: a table, and ``RESULTS``.
"""

from __future__ import annotations

import argparse
import time

import bench_common as common
import generate
import pages

from db.session import make_engine
from tracker.figures import search
from tracker.figures.data import load
from tracker.figures.register import read_announcements
from tracker.records import listings

WORK = common.OUT / "search"
RESULTS = common.OUT / "search.json"
SEARCHES = ("digital", "digital services", "C000123", "ynys mon", "caerdydd", "zebra")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments (100,000)")
    parser.add_argument("--deliveries-per-commitment", type=int, default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each search (20)")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    db, _ = pages.build_database(args.n, args.deliveries_per_commitment, args.seed, rebuild=False)
    copy = common.copy_sqlite(db, WORK / "search.db")
    url = common.sqlite_url(copy)
    common.run_measured(common.tracker_cli("db", "upgrade"), common.tracker_env(url), WORK / "db-upgrade", timeout=600)
    engine = make_engine(url)
    try:
        start = time.perf_counter()
        data = load(engine)
        announcements = read_announcements(engine)
        organisations = listings.organisations(engine)
        read = time.perf_counter() - start
        start = time.perf_counter()
        index = search.build(data, announcements, organisations)
        built = time.perf_counter() - start
    finally:
        engine.dispose()
    records = {kind: len(index.kinds[kind].text) for kind in search.KINDS}
    report: dict = {
        "context": common.run_context(),
        "records": records,
        "read_s": round(read, 2),
        "build_s": round(built, 2),
        "searches": {},
    }
    rows = []
    for text in SEARCHES:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = search.search(index, text)
            times.append((time.perf_counter() - start) * 1000)
        hits = {group.kind: group.total for group in found}
        figures = {
            "p50_ms": round(common.percentile(times, 0.5), 1),
            "p95_ms": round(common.percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "found": hits,
        }
        report["searches"][text] = figures
        rows.append([text, figures["p50_ms"], figures["p95_ms"], figures["max_ms"], sum(hits.values())])
    common.write_json(RESULTS, report)
    print(f"records: {records}; reading {read:.2f} s, building the index {built:.2f} s")
    common.print_table(["search", "p50 ms", "p95 ms", "max ms", "found"], rows)
    print(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
