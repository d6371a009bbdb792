"""Drafts as rows of the commitments CSV contract, and as CSV, JSON or a plain table.

The columns are the commitments file's (so ``import commitments`` takes the
CSV unchanged once ``funder`` is filled) followed by ``quote_start``,
``quote_end`` and ``note``, which the importer ignores. A quote is evidence:
it is written verbatim, never neutralised (that is for files meant for Excel).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.core.limits import LIMITS, REF_PATTERN
from tracker.core.money import format_pounds, plain_pounds
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.extract.drafts import Draft, Extraction

COLUMNS = (
    "ref",
    "announcement_ref",
    "announced_on",
    "title",
    "funder",
    "recipient",
    "purpose",
    "kind",
    "amount",
    "qualifier",
    "first_year",
    "years",
    "reannounces",
    "part_of",
    "capital_or_revenue",
    "quote",
    "quote_start",
    "quote_end",
    "note",
)
LEFT_OUT_COLUMNS = ("amount", "qualifier", "reason", "quote", "quote_start", "quote_end")


@dataclass(frozen=True)
class Naming:
    """What the words do not say and a person supplies: the refs, the funder."""

    announcement_ref: str = "DRAFT"
    funder: str = ""
    title: str | None = None  # None: the text's first line


def announcement_ref_from(name: str) -> str:
    """A ref from a file's name: "press-release 07.html" -> "press-release-07"."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.rsplit("/", 1)[-1])
    ref = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:60]
    return ref if ref and REF_PATTERN.fullmatch(ref) else "DRAFT"


def draft_ref(naming: Naming, number: int) -> str:
    return f"{naming.announcement_ref}-{number}"


def draft_row(extraction: Extraction, index: int, naming: Naming, more: str = "") -> dict[str, str]:
    """One draft as a row of the contract (every value text, as a CSV holds it); ``more`` is added to its note
    (a likely re-announcement: ``tracker.extract.suggestions``)."""
    draft: Draft = extraction.drafts[index]
    quote = extraction.text[draft.quote_start : draft.quote_end]
    return {
        "ref": draft_ref(naming, index + 1),
        "announcement_ref": naming.announcement_ref,
        "announced_on": extraction.published.isoformat() if extraction.published else "",
        "title": (naming.title if naming.title is not None else extraction.title)[: LIMITS["title"]],
        "funder": naming.funder,
        "recipient": draft.recipient,
        "purpose": draft.purpose[: LIMITS["purpose"]],
        "kind": draft.kind,
        "amount": plain_pounds(draft.pence),
        "qualifier": draft.qualifier,
        "first_year": draft.first_year.label if draft.first_year else "",
        "years": str(draft.years) if draft.years else "",
        "reannounces": ANNOUNCED_EARLIER if draft.earlier else "",
        "part_of": draft_ref(naming, draft.part_of + 1) if draft.part_of is not None else "",
        "capital_or_revenue": draft.capital_or_revenue or "",
        "quote": quote[: LIMITS["quote"]],
        "quote_start": str(draft.quote_start),
        "quote_end": str(draft.quote_start + len(quote[: LIMITS["quote"]])),
        "note": "; ".join(note for note in (draft.note or "", more) if note),
    }


def draft_rows(extraction: Extraction, naming: Naming, notes: Mapping[int, str] | None = None) -> list[dict[str, str]]:
    notes = notes or {}
    return [draft_row(extraction, index, naming, notes.get(index, "")) for index in range(len(extraction.drafts))]


def left_out_rows(extraction: Extraction) -> list[dict[str, str]]:
    return [
        {
            "amount": plain_pounds(item.pence),
            "qualifier": item.qualifier,
            "reason": item.reason,
            "quote": extraction.text[item.quote_start : item.quote_end],
            "quote_start": str(item.quote_start),
            "quote_end": str(item.quote_end),
        }
        for item in extraction.left_out
    ]


def as_csv(rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def as_json(extraction: Extraction, naming: Naming, notes: Mapping[int, str] | None = None) -> str:
    document = {
        "title": extraction.title,
        "published": extraction.published.isoformat() if extraction.published else None,
        "welsh_only": extraction.welsh_only,
        "headline": [extraction.text[m.start : m.end] for m in extraction.headline],
        "drafts": [
            {**row, "amount_pence": draft.pence, "highlight": [draft.start, draft.end]}
            for row, draft in zip(draft_rows(extraction, naming, notes), extraction.drafts)
        ],
        "left_out": [
            {**row, "amount_pence": item.pence, "highlight": [item.start, item.end]}
            for row, item in zip(left_out_rows(extraction), extraction.left_out)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_table(
    extraction: Extraction, naming: Naming, notes: Mapping[int, str] | None = None, *, why: bool = False
) -> str:
    """For a person at a terminal: each draft in a few lines, with its sentence."""
    lines: list[str] = []
    rows = draft_rows(extraction, naming, notes)
    for row, draft in zip(rows, extraction.drafts):
        amount = format_pounds(draft.pence)
        lines.append(
            f"{row['ref']}  {row['qualifier'] if row['qualifier'] != 'exact' else ''} {amount}  {row['kind']}"
            + (f", {row['years']} years" if row["years"] else "")
            + (f", from {row['first_year']}" if row["first_year"] else ", first year not stated")
            + (", announced before" if draft.earlier else "")
            + (f", part of {row['part_of']}" if row["part_of"] else "")
            + (f"  [{row['note']}]" if row["note"] else "")
        )
        lines.append(f"    for: {row['purpose']}")
        if row["recipient"]:
            lines.append(f"    recipient: {row['recipient']}")
        lines.append(f'    said: "{row["quote"]}" (characters {row["quote_start"]}-{row["quote_end"]})')
    if not extraction.drafts:
        lines.append("No statement of money was found in the text.")
    if extraction.left_out:
        if why:
            lines.append("Left out (not commitments):")
            for item in left_out_rows(extraction):
                lines.append(f'    {item["amount"]}: {item["reason"]}: "{item["quote"]}"')
        else:
            lines.append(f"{len(extraction.left_out)} amounts left out as not commitments (--why shows them).")
    return "\n".join(lines) + "\n"
