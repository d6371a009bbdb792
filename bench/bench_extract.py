"""Score ``funding-tracker extract`` against hand-labelled press releases.

    .venv/bin/python bench/bench_extract.py [DIR] [--runs 5] [--json]

DIR (default ``tests/fixtures/press``) holds the statements' text files and
``labels.json`` (per file: ``published`` or null, and each money statement's
``amount_pence`` as stated, ``qualifier``, ``kind``, ``years``,
``first_year``, ``reannounces_earlier``), and may hold ``evidence.tsv`` (the
sentence each amount comes from). A kept-back set in the same layout is
scored the same way.

What is measured, over all files together:

- amounts: a draft matches a label when its amount (pence) and qualifier are
  both right, one draft to one label. Recall = matched / labels; precision =
  matched / drafts proposed.
- kind, first year (blank counts as "not stated", and is right only when the
  label is null), ``earlier`` (labels with null are not scored): right /
  matched pairs scored, and right / all labels (a missed amount counts wrong).
- quotes verbatim: drafts whose quote is exactly ``text[quote_start:quote_end]``
  of the text read; and matched drafts whose quote holds the labelled evidence.
- time per release: reading the file and extracting, median and slowest of
  ``--runs`` runs per file (the first import of the modules is not counted).

Required of a kept-back set: recall >= 90% and precision >= 85% on amounts
with the right qualifier, and 100% of quotes verbatim.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.extract.drafts import extract  # noqa: E402
from tracker.extract.rows import Naming, draft_rows  # noqa: E402
from tracker.extract.source import read_source  # noqa: E402

KINDS = {"multi-year total": "multi-year", "multi-year": "multi-year", "one-off": "one-off", "recurring": "recurring"}


def _ratio(right: int, of: int) -> float | None:
    return right / of if of else None


def _match(drafts: list[dict], labels: list[dict]) -> list[tuple[dict, dict]]:
    """One draft to one label, by amount and qualifier, in the order written."""
    pairs, used = [], set()
    for label in labels:
        for number, draft in enumerate(drafts):
            if number in used:
                continue
            if draft["amount_pence"] == label["amount_pence"] and draft["qualifier"] == label["qualifier"]:
                used.add(number)
                pairs.append((draft, label))
                break
    return pairs


def score(folder: Path, runs: int) -> dict:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    evidence: dict[str, list[str]] = {}
    if (folder / "evidence.tsv").is_file():
        with (folder / "evidence.tsv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                evidence.setdefault(row["file"], []).append(row["evidence_quote"])
    totals = dict.fromkeys(
        (
            "labels",
            "drafts",
            "matched",
            "kind",
            "year",
            "year_scored",
            "earlier",
            "earlier_scored",
            "earlier_labels",
            "verbatim",
            "evidence",
            "evidence_scored",
        ),
        0,
    )
    times: list[float] = []
    per_file = []
    for entry in labels:
        path = folder / entry["file"]
        published = date.fromisoformat(entry["published"]) if entry.get("published") else None
        data = path.read_bytes()
        spent = []
        for _run in range(max(1, runs)):
            began = time.perf_counter()
            source = read_source(data, path.name)
            extraction = extract(source.text, published=published)
            spent.append(time.perf_counter() - began)
        times.extend(spent)
        rows = draft_rows(extraction, Naming("B"))
        drafts = [{**row, "amount_pence": d.pence} for row, d in zip(rows, extraction.drafts)]
        wanted = entry["commitments"]
        pairs = _match(drafts, wanted)
        totals["labels"] += len(wanted)
        totals["drafts"] += len(drafts)
        totals["matched"] += len(pairs)
        totals["earlier_labels"] += sum(1 for w in wanted if w.get("reannounces_earlier") is not None)
        for draft, label in pairs:
            totals["kind"] += draft["kind"] == KINDS[label["kind"]]
            totals["year"] += (draft["first_year"] or None) == label["first_year"]
            totals["year_scored"] += 1
            if label.get("reannounces_earlier") is not None:
                totals["earlier_scored"] += 1
                totals["earlier"] += (draft["reannounces"] == "earlier") == bool(label["reannounces_earlier"])
            said = evidence.get(entry["file"], [])
            if said:
                totals["evidence_scored"] += 1
                totals["evidence"] += any(e in draft["quote"] for e in said)
        for draft in drafts:
            start, end = int(draft["quote_start"]), int(draft["quote_end"])
            totals["verbatim"] += source.text[start:end] == draft["quote"] and draft["quote"] != ""
        per_file.append(
            {
                "file": entry["file"],
                "labels": len(wanted),
                "drafts": len(drafts),
                "matched": len(pairs),
                "median_ms": round(statistics.median(spent) * 1000, 1),
            }
        )
    return {
        "files": len(labels),
        "amounts_recall": _ratio(totals["matched"], totals["labels"]),
        "amounts_precision": _ratio(totals["matched"], totals["drafts"]),
        "kind_of_matched": _ratio(totals["kind"], totals["matched"]),
        "kind_of_labels": _ratio(totals["kind"], totals["labels"]),
        "first_year_of_matched": _ratio(totals["year"], totals["year_scored"]),
        "first_year_of_labels": _ratio(totals["year"], totals["labels"]),
        "earlier_of_matched": _ratio(totals["earlier"], totals["earlier_scored"]),
        "earlier_of_labels": _ratio(totals["earlier"], totals["earlier_labels"]),
        "quotes_verbatim": _ratio(totals["verbatim"], totals["drafts"]),
        "quotes_holding_the_evidence": _ratio(totals["evidence"], totals["evidence_scored"]),
        "median_ms_per_release": round(statistics.median(times) * 1000, 1) if times else None,
        "slowest_ms_per_release": round(max(times) * 1000, 1) if times else None,
        "counts": totals,
        "per_file": per_file,
    }


def _shown(key: str, value: object) -> str:
    if key.endswith("_ms_per_release"):
        return f"{value} ms"
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "tests" / "fixtures" / "press"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    read_source(b"warm up", "warm.txt")
    extract("Warm up: £1m for councils.")
    result = score(Path(args.folder), args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for key, value in result.items():
        if key not in ("counts", "per_file"):
            print(f"{key:32} {_shown(key, value)}")
    print("counts", result["counts"])
    for row in result["per_file"]:
        print("  ", row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
