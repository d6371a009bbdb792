"""The Finance page's Excel workbook on 100,000 commitments: writing it, and its size.

    .venv/bin/python bench/workbook.py [--n 100000]

The database: ``bench/pages.py``'s SQLite file of ``--n`` as-said commitments with 3
deliveries each (built by its ``build_database`` when missing), a copy brought to the
newest migration with ``funding-tracker db upgrade``. Timed in-process, as the Finance
page does it when the download is asked for (dashboard/app_pages/finance.py, no
filters): the figures' load, then ``finance_tables.workbook_bytes`` (every table, a
Contents sheet, totals as formulas with their figures, print layout). Reported: the
seconds of each step (wall and CPU), the process's peak memory, the file's size, its
sheets and how many formulas it holds.

Results: a table, and ``RESULTS``.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
import zipfile

import bench_common as common
import generate
import pages

from db.session import make_engine
from tracker.figures import finance_tables
from tracker.figures.data import load

WORK = common.OUT / "workbook"
RESULTS = common.OUT / "workbook.json"


def _formulas(book: bytes) -> tuple[int, int]:
    """Sheets and formula cells of an XLSX, read from its XML (``<f>`` elements)."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        return len(sheets), sum(archive.read(name).count(b"<f>") for name in sheets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments (100,000)")
    parser.add_argument("--deliveries-per-commitment", type=int, default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    db, _ = pages.build_database(args.n, args.deliveries_per_commitment, args.seed, rebuild=False)
    copy = common.copy_sqlite(db, WORK / "workbook.db")
    url = common.sqlite_url(copy)
    common.run_measured(common.tracker_cli("db", "upgrade"), common.tracker_env(url), WORK / "db-upgrade", timeout=600)
    engine = make_engine(url)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        data = load(engine)
        read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        engine.dispose()
    about = finance_tables.export_about(data, source="bench", filters=None)
    wall, cpu = time.perf_counter(), time.process_time()
    book = finance_tables.workbook_bytes(data, about)
    write_wall, write_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sheets, formulas = _formulas(book)
    report = {
        "context": common.run_context(),
        "commitments": len(data.commitments),
        "read_s": round(read_wall, 1),
        "read_cpu_s": round(read_cpu, 1),
        "write_s": round(write_wall, 1),
        "write_cpu_s": round(write_cpu, 1),
        "peak_mb": round(peak_mb),
        "file_mb": round(len(book) / 1e6, 1),
        "sheets": sheets,
        "formulas": formulas,
    }
    common.write_json(RESULTS, report)
    common.print_table(
        ["commitments", "read s (cpu)", "write s (cpu)", "peak MB", "file MB", "sheets", "formulas"],
        [
            [
                report["commitments"],
                f"{report['read_s']} ({report['read_cpu_s']})",
                f"{report['write_s']} ({report['write_cpu_s']})",
                report["peak_mb"],
                report["file_mb"],
                sheets,
                formulas,
            ]
        ],
    )
    print(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
