"""``funding-tracker import 360giving`` (and ``import iati``) on 100,000 generated grants: a second, peak memory.

    .venv/bin/python bench/grants.py [--n 100000] [--forms csv json iati] [--seed S] [--check-targets]

1. The files (``bench/out/grants/``): N grants in the 360Giving standard, the same bytes
   every run for the same N and seed, written as the flattened CSV (the standard's column
   titles) and as a JSON data package holding the same grants; and the same grants as IATI
   2.03 activities (``iati``: the award a commitment transaction, half of it disbursed 30
   days later, a budget over the planned dates), so each activity also brings a delivery
   and a budget. Identifiers
   ``360G-bench-0000001``...; five funders and 2,000 recipients, each with an org-id
   identifier; amounts £500 to £500,000 in pence (about a third whole thousands); award
   dates from April 2015 to March 2025, written three ways in turn (``2019-06-03``,
   ``03/06/2019``, ``2019-06-03T00:00:00+01:00``); planned dates for half; one to three
   Welsh council GSS codes for a third; a programme for each.
2. For each form: a fresh SQLite database (``funding-tracker db upgrade``), then
   ``funding-tracker import 360giving FILE`` (``import iati`` for the XML) measured from outside (wall time of the whole
   process; peak RSS of its tree polled from ``/proc``), then the commitments stored
   counted.

Targets (the issue's): at least 1,000 grants a second (aim 10,000), peak RSS under 1 GB.
Results: a table, and ``bench/out/grants.json``. Exit 1 if an import failed or stored a
different number of grants (with ``--check-targets``, also when a target is missed).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import bench_common as common
from imports import Database, fresh_database

WORK = common.OUT / "grants"
RESULTS = common.OUT / "grants.json"
TARGET_GRANTS_PER_SECOND = 1_000
TARGET_PEAK_RSS = common.GIB
FORMS = ("csv", "json", "iati")  # 360Giving flattened, a 360Giving JSON package, the same grants as IATI activities
EXTENSIONS = {"csv": "csv", "json": "json", "iati": "xml"}
FUNDERS = [
    ("GB-CHC-1000001", "Wales Community Trust"),
    ("GB-CHC-1000002", "Cymru Heritage Fund"),
    ("GB-COH-01000003", "Valleys Foundation"),
    ("GB-GOR-PB1", "Welsh Government"),
    ("GB-CHC-1000005", "Coastal Communities Fund"),
]
PROGRAMMES = ["Digital inclusion", "Community buildings", "Skills", "Heritage", "Climate action", "Youth"]
AREAS = [f"W060000{n:02d}" for n in range(1, 25)]
COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Beneficiary Location:Geographic Code",
    "Grant Programme:Title",
]


def grants(n: int, seed: int) -> list[dict]:
    """N grants as 360Giving JSON objects (the same for the same N and seed)."""
    rng = random.Random(seed)
    first = date(2015, 4, 1)
    made = []
    for i in range(1, n + 1):
        funder_id, funder = FUNDERS[rng.randrange(len(FUNDERS))]
        recipient = rng.randrange(1, 2001)
        pounds = rng.randrange(500, 500_001)
        pence = 0 if rng.random() < 0.33 else rng.randrange(100)
        if pence == 0:
            pounds = max(1, pounds // 1000) * 1000
        awarded = first + timedelta(days=rng.randrange(3653))
        written = (
            awarded.isoformat(),
            awarded.strftime("%d/%m/%Y"),
            f"{awarded.isoformat()}T00:00:00+01:00",
        )[i % 3]
        grant: dict = {
            "id": f"360G-bench-{i:07d}",
            "title": f"{PROGRAMMES[i % len(PROGRAMMES)]} grant {i}",
            "description": f"Generated grant {i} for the benchmark",
            "currency": "GBP",
            "amountAwarded": float(f"{pounds}.{pence:02d}") if pence else pounds,
            "awardDate": written,
            "recipientOrganization": [{"id": f"GB-CHC-{2_000_000 + recipient}", "name": f"Recipient {recipient}"}],
            "fundingOrganization": [{"id": funder_id, "name": funder}],
            "grantProgramme": [{"title": PROGRAMMES[rng.randrange(len(PROGRAMMES))]}],
        }
        if rng.random() < 0.5:
            start = awarded + timedelta(days=rng.randrange(1, 90))
            end = start + timedelta(days=rng.randrange(90, 1100))
            grant["plannedDates"] = [{"startDate": start.isoformat(), "endDate": end.isoformat()}]
        if rng.random() < 0.33:
            grant["beneficiaryLocation"] = [{"geoCode": code} for code in rng.sample(AREAS, rng.randrange(1, 4))]
        made.append(grant)
    return made


def flattened(grant: dict) -> list[str]:
    """A grant as a row of the flattened form (``COLUMNS``)."""
    planned = grant.get("plannedDates", [{}])[0]
    return [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        str(grant["amountAwarded"]),
        grant["awardDate"],
        grant["recipientOrganization"][0]["id"],
        grant["recipientOrganization"][0]["name"],
        grant["fundingOrganization"][0]["id"],
        grant["fundingOrganization"][0]["name"],
        planned.get("startDate", ""),
        planned.get("endDate", ""),
        ";".join(location["geoCode"] for location in grant.get("beneficiaryLocation", [])),
        grant["grantProgramme"][0]["title"],
    ]


def activity(grant: dict) -> str:
    """A grant as an IATI 2.03 activity: its award a commitment transaction on the award date, half
    of it disbursed 30 days later, a budget over its planned dates (or the award's year)."""
    awarded = _iso(grant["awardDate"])
    amount = grant["amountAwarded"]
    half = f"{Decimal(str(amount)) / 2:.2f}"
    planned = grant.get("plannedDates", [{}])[0]
    start, end = planned.get("startDate", awarded.isoformat()), planned.get("endDate", "")
    funder, recipient = grant["fundingOrganization"][0], grant["recipientOrganization"][0]
    return (
        f'<iati-activity default-currency="GBP"><iati-identifier>{funder["id"]}-{grant["id"]}</iati-identifier>'
        f'<reporting-org ref="{funder["id"]}" type="80"><narrative>{escape(funder["name"])}</narrative></reporting-org>'
        f"<title><narrative>{escape(grant['title'])}</narrative></title>"
        f"<description><narrative>{escape(grant['description'])}</narrative></description>"
        f'<participating-org ref="{recipient["id"]}" role="4"><narrative>{escape(recipient["name"])}</narrative>'
        "</participating-org>"
        f'<transaction><transaction-type code="2"/><transaction-date iso-date="{awarded.isoformat()}"/>'
        f"<value>{amount}</value></transaction>"
        f'<transaction><transaction-type code="3"/><transaction-date iso-date="{awarded + timedelta(days=30)}"/>'
        f"<value>{half}</value></transaction>"
        f'<budget type="1"><period-start iso-date="{start}"/>'
        + (f'<period-end iso-date="{end}"/>' if end else "")
        + f"<value>{amount}</value></budget></iati-activity>"
    )


def _iso(written: str) -> date:
    """An award date as the generator wrote it (ISO, day-first or a date-time) -> the date."""
    if "/" in written:
        day, month, year = written.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(written[:10])


def grant_files(n: int, seed: int) -> dict[str, Path]:
    """The CSV, JSON and IATI XML files of ``n`` grants, written if missing or older than this script."""
    WORK.mkdir(parents=True, exist_ok=True)
    paths = {form: WORK / f"grants-{n}-seed{seed}.{EXTENSIONS[form]}" for form in FORMS}
    if all(path.exists() and path.stat().st_mtime >= Path(__file__).stat().st_mtime for path in paths.values()):
        return paths
    print(f"generating {n:,} grants ...", flush=True)
    made = grants(n, seed)
    with paths["csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(flattened(grant) for grant in made)
    paths["json"].write_text(json.dumps({"grants": made}), encoding="utf-8")
    with paths["iati"].open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        out.writelines(activity(grant) + "\n" for grant in made)
        out.write("</iati-activities>\n")
    return paths


def import_grants(form: str, path: Path, n: int, args: argparse.Namespace) -> dict:
    database = Database("sqlite", common.sqlite_url(WORK / f"grants-{form}.db"), WORK / f"grants-{form}.db")
    stem = f"grants-{n}-{form}"
    fresh_database(database, stem, WORK)
    kind = "iati" if form == "iati" else "360giving"
    print(f"import {kind} {path.name} ({n:,} {'activities' if kind == 'iati' else 'grants'}) ...", flush=True)
    run = common.run_measured(
        common.tracker_cli("import", kind, str(path), console_script=True),
        common.tracker_env(database.url),
        WORK / f"{stem}-import",
        timeout=args.timeout,
        rss_limit=int(4 * common.GIB),
    )
    stored = common.count_rows(database.url, "commitments") if run.rc == 0 else None
    status = "ok" if run.rc == 0 and stored == n else ("failed" if run.rc != 0 else "wrong rows")
    per_second = n / run.seconds if status == "ok" and run.seconds else None
    met = status == "ok" and per_second is not None and per_second >= TARGET_GRANTS_PER_SECOND
    met = met and run.peak < TARGET_PEAK_RSS
    print(f"  {status}: {run.seconds:.1f} s, peak {common.mib(run.peak)}; {run.said(200)}", flush=True)
    common.remove_sqlite(WORK / f"grants-{form}.db")
    return {
        "form": form,
        "file": str(path.relative_to(common.ROOT)),
        "file_bytes": path.stat().st_size,
        "grants": n,
        "status": status,
        "stored": stored,
        "seconds": run.seconds,
        "grants_per_second": per_second,
        "peak_rss": run.peak,
        "target_met": met,
        "run": run.as_json(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="grants (default 100,000)")
    parser.add_argument("--forms", nargs="+", choices=FORMS, default=list(FORMS))
    parser.add_argument("--seed", type=int, default=20191031)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    context = common.run_context()
    paths = grant_files(args.n, args.seed)
    results = [import_grants(form, paths[form], args.n, args) for form in args.forms]
    rows = [
        [
            r["form"],
            f"{r['grants']:,}",
            common.mib(r["file_bytes"]),
            r["status"],
            common.seconds(r["seconds"]),
            "-" if r["grants_per_second"] is None else f"{r['grants_per_second']:,.0f}",
            common.mib(r["peak_rss"]),
            ">= 1,000/s, < 1 GiB",
            "met" if r["target_met"] else "NOT met",
        ]
        for r in results
    ]
    print()
    common.print_table(["form", "grants", "file", "result", "wall", "grants/s", "peak RSS", "target", "target?"], rows)
    common.write_json(RESULTS, {"context": context, "args": vars(args), "results": results})
    print(f"results: {RESULTS.relative_to(common.ROOT)}")
    failed = [r for r in results if r["status"] != "ok"]
    missed = [r for r in results if not r["target_met"]]
    return 1 if failed or (args.check_targets and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
