"""Hostile files for the commitments file's as-said columns (issue 13): refused, both ways in, quickly, nothing stored.

    .venv/bin/python bench/bench_hostile_as_said.py [--cases NAME ...] [--skip-large-valid]

Each case is a small CSV (in ``bench/out/hostile-as-said/``, git-ignored):
valid rows around one hostile thing in the new columns (``areas``,
``currency``, ``part_of``, ``reannounces``, ``funder_id``/``recipient_id``,
``spread``, ``planned_start``/``planned_end``, ``first_year``, ``amount``),
and two deliveries files (kind ``grant``; ``paid_on`` ``yesterday``). Every
case runs against its own copy of a SQLite database holding three valid
commitments (``BASE1`` a one-off pot of £1,000 in 2024-25, ``BASE2``,
``BASE3``), taken two ways, each in a fresh measuring process (wall time and
the child's peak RSS from ``os.wait4``):

- ``page``: the Import page's preview, ``tracker.imports.plan.plan_commitments``
  (or ``plan_deliveries``) on the file's bytes;
- ``cli``: ``python -m tracker.cli import commitments FILE`` (or ``deliveries``).

After each way the database's commitments and deliveries are counted. A
hostile case passes when the page gives problems and nothing to apply, the
CLI exits 1 with one line per problem (``line N: column 'value': expected``
or ``file: ...``) naming the case's column and wording, no traceback, nothing
is stored, and each way takes under 20 s and 500 MB (issue 12's bar for a
file over a limit). The two files of 200,000 rows are within every file
limit, so their memory is recorded, not judged (issue 12's honest 200,000-row
workbook took 520-614 MB); the one with a bad last row must still be refused
within 20 s. Two cases are valid on purpose and must be accepted: a profiled
row with a blank ``first_year`` (the profile states the years; the stored
first year is checked) and 200,000 rows all ``earlier`` (time and memory
recorded only; left out with ``--skip-large-valid``: the CLI import takes
over two minutes).

Results: ``bench/out/hostile-as-said/bench_hostile_as_said.json`` and a table.
Exit 1 if any case fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "hostile-as-said"
MAX_SECONDS = 20.0
MAX_RSS_BYTES = 500 * 1024**2
TODAY = "2026-12-05"

HEADER = [
    *("ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year", "years"),
    *("funder_id", "recipient_id", "part_of", "reannounces", "spread", "planned_start", "planned_end"),
    *("areas", "currency", "profile"),
    "title_cy",
    "quote_cy",
]
DELIVERY_HEADER = ["ref", "commitment_ref", "paid_on", "amount", "kind", "note"]
BASE_ROWS = [
    {"ref": "BASE1", "amount": "1000", "purpose": "A pot of money"},
    {"ref": "BASE2", "kind": "recurring", "amount": "250000", "years": "3", "areas": "W06000015"},
    {"ref": "BASE3", "kind": "multi-year", "amount": "£2m", "years": "2", "spread": "even", "currency": "GBP"},
]
BASE_COMMITMENTS = len(BASE_ROWS)

# Run in a fresh interpreter for each measurement: start the command, wait, report.
MEASURE = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = proc.communicate()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rc": proc.returncode,
                  "rss": __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN).ru_maxrss * 1024,
                  "stdout": out.decode("utf-8", "replace")[-20000:], "stderr": err.decode("utf-8", "replace")[-20000:],
                  "stderr_lines": err.count(b"\\n")}))
"""

# The Import page's way in, as a command: preview the upload's bytes.
PAGE = """
import json, sys
from pathlib import Path
from db.session import make_engine
from tracker.imports.plan import plan_commitments, plan_deliveries
kind, path = sys.argv[1], Path(sys.argv[2])
preview = plan_commitments if kind == "commitments" else plan_deliveries
plan = preview(path.read_bytes(), path.name, engine=make_engine())
print(json.dumps({"counts": plan.counts, "can_apply": plan.can_apply, "problems": len(plan.problems),
                  "first": [[p.line, p.column, p.value, p.expected] for p in plan.problems[:5]]}))
"""


def row(**values: str) -> dict[str, str]:
    """A valid one-off commitment, with ``values`` changed."""
    base = {
        "ref": "R1",
        "announced_on": "2024-01-10",
        "funder": "Welsh Government",
        "recipient": "Cardiff Council",
        "purpose": "Digital services",
        "kind": "one-off",
        "amount": "1000",
        "first_year": "2024-25",
    }
    return {**base, **values}


@dataclass
class Case:
    name: str
    what: str  # the hostile thing, for the table
    rows: list[dict[str, str]] | None = None  # commitments rows (or write it with ``make``)
    column: str | None = None  # the column a problem must name (None: the file)
    words: str = ""  # a regular expression the CLI's message must contain
    kind: str = "commitments"
    expect: str = "refuse"  # or "accept"
    make: object = None  # a function writing the file itself (large files)
    stored: int = 0  # rows an accepted file stores
    check: tuple[str, tuple] | None = None  # an accepted file: (SQL, the row it must give) after the CLI
    max_seconds: float | None = MAX_SECONDS  # None: recorded, not judged
    max_rss: int | None = MAX_RSS_BYTES
    notes: list[str] = field(default_factory=list)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k, "") for k in header})
    path.write_text(buffer.getvalue(), encoding="utf-8")


def many_earlier(path: Path, rows: int, bad_last: bool) -> None:
    """``rows`` commitments all ``reannounces`` = ``earlier``; with ``bad_last`` the last re-announces a ref
    that exists nowhere."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,reannounces\n")
        for i in range(1, rows + 1):
            target = "NOWHERE1" if bad_last and i == rows else "earlier"
            year = 2015 + i % 10
            handle.write(
                f"E{i:07d},{year}-03-01,Welsh Government,Cardiff Council,Money announced before,"
                f"one-off,{1000 + i % 5000}.00,{year}-{(year + 1) % 100:02d},1,{target}\n"
            )


def cases() -> list[Case]:
    ok = [row(ref="OK1"), row(ref="OK2", kind="recurring", amount="5000", years="2")]
    codes_100k = ";".join(f"W{k:08d}" for k in range(100_000))
    codes_111 = ";".join(f"W06{k:06d}" for k in range(111))
    return [
        Case("areas-100000-codes", "areas: 100,000 well-formed codes (about 1 MB in one cell)",
             [*ok, row(ref="H1", areas=codes_100k)], None, r"100,000 characters"),
        Case("areas-111-codes", "areas: 111 well-formed codes (1,109 characters; the limit is 1,000)",
             [*ok, row(ref="H1", areas=codes_111)], "areas", r"1,000"),
        Case("areas-malformed", "areas: W06000015;W6000015 (8 characters)",
             [*ok, row(ref="H1", areas="W06000015;W6000015")], "areas", r"GSS"),
        Case("areas-commas", "areas: W06000015,W06000022 (commas, not ;)",
             [*ok, row(ref="H1", areas="W06000015,W06000022")], "areas", r"GSS"),
        Case("areas-1mb", "areas: 1,000,000 characters of text",
             [*ok, row(ref="H1", areas="Cardiff " * 125_000)], None, r"100,000 characters"),
        Case("currency-usd", "currency USD", [*ok, row(ref="H1", currency="USD")], "currency", r"GBP"),
        Case("part-of-itself", "part_of names its own ref", [*ok, row(ref="H1", part_of="H1")], "part_of",
             r"itself"),
        Case("part-of-loop", "part_of loop: H1 share of H2, H2 share of H1",
             [*ok, row(ref="H1", part_of="H2"), row(ref="H2", part_of="H1")], "part_of", r"loop"),
        Case("shares-exceed-pot", "two shares of £600 of a £1,000 pot in the file",
             [*ok, row(ref="POT"), row(ref="S1", amount="600", part_of="POT"),
              row(ref="S2", amount="600", part_of="POT")], "part_of", r"fit|more than"),
        Case("shares-exceed-stored-pot", "a £1,200 share of the stored £1,000 pot BASE1",
             [*ok, row(ref="S1", amount="1200", part_of="BASE1")], "part_of", r"fit|more than"),
        Case("share-other-year", "a share in 2025-26 of a pot whose money is all in 2024-25",
             [*ok, row(ref="POT"), row(ref="S1", amount="100", first_year="2025-26", part_of="POT")], "part_of",
             r"fit"),
        Case("part-of-unknown", "part_of names a ref in neither the file nor the database",
             [*ok, row(ref="H1", part_of="NOWHERE1")], "part_of", r"pot"),
        Case("part-of-and-reannounces", "a share that also re-announces a ref",
             [*ok, row(ref="H1", part_of="BASE1", reannounces="OK1")], "part_of", r"re-announce"),
        Case("reannounces-itself", "reannounces names its own ref", [*ok, row(ref="H1", reannounces="H1")],
             "reannounces", r"itself"),
        Case("reannounces-loop", "reannounces loop: H1 -> H2 -> H1",
             [*ok, row(ref="H1", reannounces="H2"), row(ref="H2", reannounces="H1")], "reannounces", r"loop"),
        Case("recipient-id-space", "recipient_id 'GB-CHC 1234567' (a space)",
             [*ok, row(ref="H1", recipient_id="GB-CHC 1234567")], "recipient_id", r"without spaces|org-id"),
        Case("identifier-5000", "recipient_id of 5,000 characters (GB-CHC-111...)",
             [*ok, row(ref="H1", recipient_id="GB-CHC-" + "1" * 4993)], "recipient_id", r"100"),
        Case("funder-id-control", "funder_id with a control character (GB-CHC-12\\x0734)",
             [*ok, row(ref="H1", funder_id="GB-CHC-12\x0734")], "funder_id", r"control|character"),
        Case("same-name-bare", "a bare recipient name that two organisations in the file have (two identifiers)",
             [*ok, row(ref="H1", recipient="Community Trust", recipient_id="GB-CHC-1000001"),
              row(ref="H2", recipient="Community Trust", recipient_id="GB-CHC-1000002"),
              row(ref="H3", recipient="Community Trust")], "recipient", r"GB-CHC-1000001"),
        Case("spread-on-one-off", "spread even on a one-off", [*ok, row(ref="H1", spread="even")], "spread",
             r"multi-year"),
        Case("spread-even-no-years", "multi-year spread even with years blank",
             [*ok, row(ref="H1", kind="multi-year", spread="even")], "spread", r"number of years"),
        Case("planned-end-before-start", "multi-year planned-dates, planned_end 2024-03-01, planned_start 2025-03-01",
             [*ok, row(ref="H1", kind="multi-year", spread="planned-dates", planned_start="2025-03-01",
                       planned_end="2024-03-01")], "planned_end", r"on or after"),
        Case("planned-dates-without-dates", "multi-year spread planned-dates, no planned dates",
             [*ok, row(ref="H1", kind="multi-year", spread="planned-dates")], "spread", r"planned_start"),
        Case("spread-unknown", "spread 'evenly'", [*ok, row(ref="H1", kind="multi-year", years="2",
             spread="evenly")], "spread", r"even"),
        Case("earlier-200000-bad-last", "200,000 rows all reannounces earlier; the last names a ref nowhere",
             None, "reannounces", r"earlier commitment",
             make=lambda p: many_earlier(p, 200_000, bad_last=True), max_rss=None),
        Case("earlier-200000-valid", "200,000 rows all reannounces earlier (valid)", None, expect="accept",
             make=lambda p: many_earlier(p, 200_000, bad_last=False), stored=200_000, max_seconds=None,
             max_rss=None),
        Case("profiled-blank-first-year", "profiled, first_year blank, profile 2024-25=600;2025-26=400 (valid)",
             [*ok, row(ref="H1", kind="profiled", amount="", first_year="", profile="2024-25=600;2025-26=400")],
             expect="accept", stored=3,
             check=("select first_year, years from commitments where ref = 'H1'", (2024, 2))),
        Case("profiled-blank-first-year-no-profile", "profiled, first_year and profile blank",
             [*ok, row(ref="H1", kind="profiled", amount="", first_year="")], "profile", r"required"),
        Case("amount-minus-1", "amount -1", [*ok, row(ref="H1", amount="-1")], "amount", r"zero or more"),
        Case("title-cy-301", "title_cy of 301 characters (the Welsh title; the limit is 300)",
             [*ok, row(ref="H1", title_cy="T" * 301)], "title_cy", r"300"),
        Case("quote-cy-nul", "quote_cy with a NUL (the Welsh quote)",
             [*ok, row(ref="H1", quote_cy="dros\x00£1m")], "quote_cy", r"control|character"),
        Case("quote-cy-6000", "quote_cy of 6,000 characters (the limit is 5,000)",
             [*ok, row(ref="H1", quote_cy="q" * 6_000)], "quote_cy", r"5,?000"),
        Case("deliveries-kind-grant", "deliveries: kind grant", [
            {"ref": "D1", "commitment_ref": "BASE2", "paid_on": "2024-05-01", "amount": "100", "kind": "payment"},
            {"ref": "D2", "commitment_ref": "BASE2", "paid_on": "2024-06-01", "amount": "100", "kind": "grant"},
        ], "kind", r"disbursement", kind="deliveries"),
        Case("deliveries-paid-on-yesterday", "deliveries: paid_on yesterday", [
            {"ref": "D1", "commitment_ref": "BASE2", "paid_on": "", "amount": "100", "kind": "refund"},
            {"ref": "D2", "commitment_ref": "BASE2", "paid_on": "yesterday", "amount": "100", "kind": "spend"},
        ], "paid_on", r"date", kind="deliveries"),
    ]  # fmt: skip


def measure(command: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return json.loads(done.stdout)


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as connection:
        commitments = connection.execute("select count(*) from commitments").fetchone()[0]
        deliveries = connection.execute("select count(*) from deliveries").fetchone()[0]
    return commitments, deliveries


def template(folder: Path) -> Path:
    """A database with BASE_ROWS (checkpointed into one file, to copy)."""
    db = folder / "template.db"
    env = environment(db)
    subprocess.run([sys.executable, "-m", "tracker.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    base = folder / "base.csv"
    write_rows(base, HEADER, [row(**r) for r in BASE_ROWS])
    subprocess.run([sys.executable, "-m", "tracker.cli", "import", "commitments", str(base)], env=env, cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    with sqlite3.connect(db) as connection:
        connection.execute("pragma wal_checkpoint(truncate)")
    assert counts(db) == (BASE_COMMITMENTS, 0), counts(db)
    return db


def environment(db: Path) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{db}", "TRACKER_TODAY": TODAY, "TRACKER_ACTOR": "bench"}
    env.pop("TRACKER_REQUIRE_SERVICES", None)
    return env


CLI_LINE = re.compile(r"^(line \d+|file): ")


def judge(case: Case, way: str, run: dict, after: tuple[int, int], db: Path) -> list[str]:
    """What is wrong with one way's outcome (empty: as expected)."""
    wrong = []
    said = run["stdout"] + run["stderr"]
    if "Traceback" in said:
        wrong.append("a traceback instead of a message")
    if case.max_seconds is not None and run["seconds"] >= case.max_seconds:
        wrong.append(f"took {run['seconds']:.1f} s (limit {case.max_seconds:.0f} s)")
    if case.max_rss is not None and run["rss"] >= case.max_rss:
        wrong.append(f"peak RSS {run['rss'] / 1024**2:.0f} MB (limit {case.max_rss / 1024**2:.0f} MB)")
    stored_commitments = after[0] - BASE_COMMITMENTS
    if case.expect == "accept":
        if way == "cli" and (run["rc"] != 0 or (after[0] - BASE_COMMITMENTS) != case.stored):
            wrong.append(f"not accepted (exit {run['rc']}, {stored_commitments} stored)")
        if way == "page" and (run.get("plan") or {}).get("problems", 1) != 0:
            wrong.append("the preview found problems in a valid file")
        if way == "cli" and case.check is not None:
            with sqlite3.connect(db) as connection:
                got = connection.execute(case.check[0]).fetchone()
            if got != case.check[1]:
                wrong.append(f"stored {got}, expected {case.check[1]} ({case.check[0]})")
        return wrong
    if stored_commitments or after[1]:
        wrong.append(f"stored {stored_commitments} commitments and {after[1]} deliveries")
    if way == "page":
        plan = run.get("plan")
        if plan is None:
            wrong.append(f"the preview failed (exit {run['rc']})")
        elif plan["problems"] == 0 or plan["can_apply"]:
            wrong.append("the preview found no problem")
        elif case.column and not any(p[1] == case.column for p in plan["first"]):
            wrong.append(f"no problem names the column {case.column}")
    else:
        lines = [line for line in run["stderr"].splitlines() if line.strip()]
        if run["rc"] != 1:
            wrong.append(f"exit {run['rc']}, not 1")
        problems = [line for line in lines if CLI_LINE.match(line)]
        if not problems:
            wrong.append("no 'line N: ...' or 'file: ...' message")
        else:
            if case.column and not any(f": {case.column} " in p or f": {case.column}:" in p for p in problems):
                wrong.append(f"no message names the column {case.column}")
            if case.words and not any(re.search(case.words, p) for p in problems):
                wrong.append(f"no message says /{case.words}/")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", help="only these cases (names)")
    parser.add_argument("--skip-large-valid", action="store_true", help="leave out earlier-200000-valid")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = [c for c in cases() if not args.cases or c.name in args.cases]
    if args.skip_large_valid:
        chosen = [c for c in chosen if c.name != "earlier-200000-valid"]

    results, failures = [], []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-as-said-") as tmp:
        folder = Path(tmp)
        base_db = template(folder)
        for case in chosen:
            path = OUT / f"{case.name}.csv"
            if case.make is not None:
                case.make(path)
            else:
                write_rows(path, HEADER if case.kind == "commitments" else DELIVERY_HEADER, case.rows or [])
            db = folder / f"{case.name}.db"
            shutil.copy(base_db, db)
            env = environment(db)
            for way in ("page", "cli"):
                if way == "page":
                    run = measure([sys.executable, "-c", PAGE, case.kind, str(path)], env)
                    try:
                        run["plan"] = json.loads(run["stdout"].strip().splitlines()[-1])
                    except (ValueError, IndexError):
                        run["plan"] = None
                    plan = run["plan"]
                    said = (
                        f"{plan['problems']} problem(s), {plan['counts'].get('create', 0)} to create: "
                        + (str(plan["first"][0]) if plan["first"] else "")
                        if plan
                        else (run["stderr"].strip().splitlines() or [""])[-1]
                    )
                else:
                    run = measure([sys.executable, "-m", "tracker.cli", "import", case.kind, str(path)], env)
                    said = ((run["stderr"] or run["stdout"]).strip().splitlines() or [""])[0]
                after = counts(db)
                wrong = judge(case, way, run, after, db)
                result = {
                    "case": case.name,
                    "what": case.what,
                    "bytes": path.stat().st_size,
                    "way": way,
                    "expect": case.expect,
                    "rc": run["rc"],
                    "seconds": run["seconds"],
                    "rss": run["rss"],
                    "said": said,
                    "stderr_lines": run["stderr_lines"],
                    "after": {"commitments": after[0], "deliveries": after[1]},
                    "wrong": wrong,
                    "stdout": run["stdout"][-3000:],
                    "stderr": run["stderr"][-3000:],
                }
                results.append(result)
                failures.extend(f"{case.name} via {way}: {w}" for w in wrong)
                mark = "ok" if not wrong else "FAIL"
                print(
                    f"{case.name:<38} {way:<4} {mark:<4} exit {run['rc']:>2} {run['seconds']:>6.2f} s "
                    f"{run['rss'] / 1024**2:>5.0f} MB  {said[:150]}",
                    flush=True,
                )
            (OUT / "bench_hostile_as_said.json").write_text(json.dumps(results, indent=2))

    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
