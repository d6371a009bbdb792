"""A hostile workbook is refused quickly and in little memory; a large honest one still imports.

    .venv/bin/python bench/bench_hostile_files.py [--rows 200000] [--regenerate]

Files (in ``bench/out/hostile/``, git-ignored):

- ``far-cell.xlsx``: about 5 KB, one sheet "Commitments" with one cell at
  XFD1048576, so it declares 16,384 columns x 1,048,576 rows;
- ``far-cell-no-dimension.xlsx``: the same with its ``<dimension>`` removed, so
  the reader must find the far cell while streaming;
- ``commitments-N.xlsx``: N valid commitments (default 200,000, about 10 MB),
  written with openpyxl's write-only mode from ``bench/generate.py``'s rows, in
  the columns ref, announced_on (a date), funder, recipient, purpose, kind,
  amount (a number), first_year, years.

Each file is taken three ways, each against a fresh SQLite database
(``TRACKER_DATABASE_URL``, made by ``python -m tracker.cli db upgrade``):
``read``, the reader alone (``tracker.files.tabular.read_table``); ``cli``,
``python -m tracker.cli import commitments FILE``; ``page``, as the Import page
previews an upload (``tracker.imports.plan.plan_commitments`` on its bytes). Each
measurement runs in a fresh measuring process that starts the command, waits
for it and reports its wall time and ``getrusage(RUSAGE_CHILDREN).ru_maxrss``,
so no earlier command's size carries over.

Pass (exit 0): every hostile file is refused (the CLI exits non-zero, the reader
and the page give one problem) in under 20 s and 500 MB peak RSS, and the honest workbook
imports every row. A summary goes to ``bench/out/hostile/bench_hostile_files.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "hostile"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

MAX_SECONDS = 20.0
MAX_RSS_BYTES = 500 * 1024**2
COLUMNS = ("ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year", "years")

# Run in a fresh interpreter for each measurement: start the command, wait, report.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - start, "rc": done.returncode,
                  "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
                  "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}))
"""

# The Import page's way in, as a command: preview the upload's bytes.
PAGE = """
import sys
from pathlib import Path
from db.session import make_engine
from tracker.imports.plan import plan_commitments
path = Path(sys.argv[1])
plan = plan_commitments(path.read_bytes(), path.name, engine=make_engine())
print(f"{plan.counts.get('create', 0)} to create, {len(plan.problems)} problems")
for problem in plan.problems[:3]:
    print(problem)
"""


# The reader alone (no database), to tell its cost from the import's.
READ = """
import sys
from tracker.files.tabular import read_table
table = read_table(sys.argv[1], sheet="Commitments")
print(f"{len(table.rows)} rows read from sheet {table.sheet!r}, {len(table.problems)} problems")
for problem in table.problems[:3]:
    print(problem)
"""
WAYS = {
    "read": [sys.executable, "-c", READ],
    "cli": [sys.executable, "-m", "tracker.cli", "import", "commitments"],
    "page": [sys.executable, "-c", PAGE],
}
# What each way prints for the honest workbook; a hostile file must give "0 ... 1 problems" or exit non-zero.
EXPECTED = {"read": "{rows} rows read", "cli": "created {rows:,} commitments", "page": "{rows} to create, 0 problems"}
REFUSED = {
    "read": re.compile(r"^0 rows read from sheet .*, 1 problems$", re.M),
    "page": re.compile(r"^0 to create, 1 problems$", re.M),
}


def far_cell(path: Path, *, dimension: bool) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Commitments"
    book.active["XFD1048576"] = "x"
    book.save(path)
    if not dimension:
        with zipfile.ZipFile(path) as source:
            parts = {info.filename: source.read(info) for info in source.infolist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = re.sub(rb"<dimension [^>]*/>", b"", parts[sheet])
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, content in parts.items():
                target.writestr(name, content)


def honest_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    table = generate.generate_table(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Commitments")
    sheet.append(list(COLUMNS))
    for batch in table.select(list(COLUMNS)).to_batches(50_000):
        for row in batch.to_pylist():
            years = int(row["years"]) if row["kind"] == "recurring" else None
            sheet.append(
                [
                    row["ref"],
                    date.fromisoformat(row["announced_on"]),
                    row["funder"],
                    row["recipient"],
                    row["purpose"],
                    row["kind"],
                    float(row["amount"]),
                    row["first_year"],
                    years,
                ]
            )
    book.save(path)


def measure(command: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return json.loads(done.stdout)


def fresh_database(folder: Path) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.db'}"}
    env.pop("TRACKER_REQUIRE_SERVICES", None)
    subprocess.run(
        [sys.executable, "-m", "tracker.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="commitments in the honest workbook")
    parser.add_argument("--regenerate", action="store_true", help="write the files again even if present")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "far-cell.xlsx": ("hostile", lambda p: far_cell(p, dimension=True)),
        "far-cell-no-dimension.xlsx": ("hostile", lambda p: far_cell(p, dimension=False)),
        f"commitments-{args.rows}.xlsx": ("honest", lambda p: honest_workbook(p, args.rows)),
    }
    for name, (_, make) in files.items():
        if args.regenerate or not (OUT / name).exists():
            make(OUT / name)

    results, failures = [], []
    for name, (kind, _) in files.items():
        path = OUT / name
        for way, command in WAYS.items():
            with tempfile.TemporaryDirectory(prefix="bench-hostile-") as folder:
                run = measure([*command, str(path)], fresh_database(Path(folder)))
            output = (run["stdout"] + run["stderr"]).strip()
            result = {
                "file": name,
                "bytes": path.stat().st_size,
                "way": way,
                "kind": kind,
                **run,
                "said": output.splitlines()[0] if output else "",
            }
            results.append(result)
            if kind == "hostile":
                refused = run["rc"] != 0 if way == "cli" else bool(REFUSED[way].search(run["stdout"]))
                if not refused or run["seconds"] >= MAX_SECONDS or run["rss"] >= MAX_RSS_BYTES:
                    failures.append(f"{name} via {way}: not refused within {MAX_SECONDS:.0f} s and 500 MB")
            elif run["rc"] != 0 or EXPECTED[way].format(rows=args.rows) not in run["stdout"]:
                failures.append(f"{name} via {way}: did not read every row ({output[:300]})")

    print(f"{'file':<30} {'size':>9} {'way':<5} {'exit':>4} {'wall s':>7} {'peak RSS':>9}  said")
    for r in results:
        print(
            f"{r['file']:<30} {r['bytes'] / 1024:>7,.0f} K {r['way']:<5} {r['rc']:>4} {r['seconds']:>7.2f} "
            f"{r['rss'] / 1024**2:>6,.0f} MB  {r['said'][:110]}"
        )
    (OUT / "bench_hostile_files.json").write_text(json.dumps(results, indent=2))
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
