"""The drafts an officer accepted, saved as one announcement through the one import pipeline.

The Record page's "From a press release" tab shows each draft of an
``Extraction`` as a row a person edits (``review_rows``: the commitments CSV
contract's values as text, an ``accept`` box ticked, a ref suggested for each
draft and each ``part_of`` pointing at its pot's ref). ``save_drafts`` turns the
accepted rows into the bytes of a commitments CSV (``accepted_csv``: the
announcement's ref, funder, title and date on every row; a ``part_of`` naming a
rejected draft cleared, one naming a draft whose ref was changed following it)
and saves them with ``plan_import`` and ``apply_plan``: all or nothing, audited,
recorded as an import that can be undone. Nothing else writes.

A refusal is a ``DataError`` whose problems name the draft (its number in the
review table, from 1; ``None`` for the announcement as a whole) and the
column: nothing is saved. The save makes a new announcement and new
commitments only: an announcement ref, or a commitment ref, already recorded
is refused rather than changing what is stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from db.models import Announcement
from db.session import read_session
from tracker.core.limits import LIMITS
from tracker.core.money import format_pounds
from tracker.extract.drafts import Extraction
from tracker.extract.rows import COLUMNS, Naming, draft_row
from tracker.files.tabular import DataError, Problem
from tracker.i18n import N_
from tracker.imports.apply import ImportOutcome, apply_plan
from tracker.imports.plan import plan_import
from tracker.records.permissions import Actor
from tracker.records.problems import MUST_NOT_BE_BLANK

FILE_NAME = "press-release.csv"  # the name the import is recorded under
ACCEPT = "accept"
# What a person may change in a draft's row (the rest is the evidence: the quote, its offsets, the note).
EDITABLE = (
    "ref",
    "amount",
    "qualifier",
    "kind",
    "years",
    "first_year",
    "purpose",
    "recipient",
    "capital_or_revenue",
    "reannounces",
    "part_of",
)
NO_DRAFT_ACCEPTED = N_("no draft is accepted: tick at least one to save")
ANNOUNCEMENT_TAKEN = N_("an announcement with this ref is already recorded: give the new one its own ref")
COMMITMENT_TAKEN = N_("a commitment with this ref is already recorded: give the draft a new ref")
SAME_REF_TWICE = N_("two accepted drafts have this ref: give each its own")


@dataclass(frozen=True)
class Heading:
    """What names the announcement the drafts make (typed by the officer)."""

    announcement_ref: str
    funder: str
    title: str
    announced_on: date | None = None
    headline: str = ""  # the headline claim, as stated (tracker.figures.headline_claims)


def review_rows(extraction: Extraction, refs: Sequence[str]) -> list[dict[str, Any]]:
    """Each draft as the review table starts it: accepted, its ref from ``refs``
    (one per draft, in order), its amount as people write it, ``part_of`` its
    pot's ref; ``quote`` verbatim and ``note`` (English, a ``clues`` message)
    alongside."""
    if len(refs) < len(extraction.drafts):
        raise ValueError(f"{len(extraction.drafts)} drafts need as many refs, not {len(refs)}")
    rows: list[dict[str, Any]] = []
    for index, draft in enumerate(extraction.drafts):
        row = draft_row(extraction, index, Naming())
        rows.append(
            {
                ACCEPT: True,
                **{name: row[name] for name in EDITABLE},
                "ref": refs[index],
                "amount": format_pounds(draft.pence),
                "part_of": refs[draft.part_of] if draft.part_of is not None else "",
                "note": row["note"],
                "quote": row["quote"],
                "quote_start": row["quote_start"],
                "quote_end": row["quote_end"],
            }
        )
    return rows


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # a cell emptied: None, or NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def accepted(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    """The accepted rows, each with its number in the review table (from 1)."""
    return [(number, row) for number, row in enumerate(rows, start=1) if row.get(ACCEPT)]


def accepted_csv(rows: Sequence[Mapping[str, Any]], heading: Heading, original_refs: Sequence[str] = ()) -> bytes:
    """The accepted rows as a commitments CSV (UTF-8), in the contract's columns.

    ``original_refs``: each row's ref as suggested (``review_rows``), so that a
    ``part_of`` still naming a suggested ref follows the draft when its ref was
    changed; a ``part_of`` naming a rejected draft is cleared (that pot is not saved)."""
    renamed = {old: _text(row.get("ref")) for old, row in zip(original_refs, rows) if old}
    rejected = {_text(row.get("ref")) for row in rows if not row.get(ACCEPT)}
    rejected |= {old for old, row in zip(original_refs, rows) if old and not row.get(ACCEPT)}
    rejected -= {_text(row.get("ref")) for _number, row in accepted(rows)}  # a ref an accepted draft holds names it
    quote = announcement_quote(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "headline"], lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for _number, row in accepted(rows):
        values = {name: _text(row.get(name)) for name in COLUMNS}
        part_of = values["part_of"]
        values["part_of"] = "" if part_of in rejected else renamed.get(part_of, part_of)
        values.update(
            announcement_ref=heading.announcement_ref.strip(),
            funder=heading.funder.strip(),
            title=heading.title.strip(),
            headline=heading.headline.strip(),
            announced_on=heading.announced_on.isoformat() if heading.announced_on else "",
            quote=quote,
        )
        writer.writerow(values)
    return out.getvalue().encode("utf-8")


def announcement_quote(rows: Sequence[Mapping[str, Any]]) -> str:
    """The words the announcement keeps as its evidence: the sentence of each accepted draft,
    verbatim, in the order of the text, each once (an announcement holds one quote; whole
    sentences up to ``LIMITS["quote"]`` characters)."""
    sentences: list[str] = []
    for _number, row in sorted(accepted(rows), key=lambda found: int(_text(found[1].get("quote_start")) or 0)):
        said = _text(row.get("quote"))
        if said and said not in sentences and len(" ".join([*sentences, said])) <= LIMITS["quote"]:
            sentences.append(said)
    return " ".join(sentences)


def _heading_problems(rows: Sequence[Mapping[str, Any]], heading: Heading, engine: Engine) -> list[Problem]:
    problems = [
        Problem(None, name, None, MUST_NOT_BE_BLANK)
        for name, value in (
            ("announcement_ref", heading.announcement_ref),
            ("title", heading.title),
            ("funder", heading.funder),
        )
        if not value.strip()
    ]
    if heading.announcement_ref.strip():
        with read_session(engine) as session:
            taken = session.scalar(select(Announcement.id).where(Announcement.ref == heading.announcement_ref.strip()))
        if taken is not None:
            problems.append(Problem(None, "announcement_ref", heading.announcement_ref.strip(), ANNOUNCEMENT_TAKEN))
    if not accepted(rows):
        problems.append(Problem(None, ACCEPT, None, NO_DRAFT_ACCEPTED))
    refs = [_text(row.get("ref")) for _number, row in accepted(rows)]
    problems += [
        Problem(number, "ref", ref, SAME_REF_TWICE)
        for (number, _row), ref in zip(accepted(rows), refs)
        if ref and refs.count(ref) > 1
    ]
    return problems


def save_drafts(
    rows: Sequence[Mapping[str, Any]],
    heading: Heading,
    *,
    engine: Engine,
    actor: Actor,
    original_refs: Sequence[str] = (),
) -> ImportOutcome:
    """Save the accepted ``rows`` as one new announcement (``heading``), all or none.

    Raises ``DataError`` (each problem's line the draft's number in ``rows``,
    from 1, or ``None`` for the announcement) or ``PermissionDenied``; then
    nothing is saved."""
    problems = _heading_problems(rows, heading, engine)
    if problems:
        raise DataError(problems)
    data = accepted_csv(rows, heading, original_refs)
    plan = plan_import("commitments", data, FILE_NAME, engine=engine)
    numbers = {line: number for line, (number, _row) in enumerate(accepted(rows), start=2)}  # line 1: the header
    stored = {
        int(line): str(ref)
        for line, ref, action in plan.rows[["line", "ref", "action"]].itertuples(index=False, name=None)
        if action != "create"
    }
    # A draft whose ref is recorded already is said so (what else the plan says of it compares it with that record).
    problems = [Problem(numbers.get(line), "ref", ref, COMMITMENT_TAKEN) for line, ref in stored.items()]
    problems += [
        replace(problem, line=numbers.get(problem.line)) if problem.line else problem
        for problem in plan.problems
        if problem.line not in stored
    ]
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line or 0))
    return apply_plan(plan, data, engine=engine, actor=actor)
