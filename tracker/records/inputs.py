"""Form inputs as typed, and the checks that need no database.

An input is a frozen dataclass of text exactly as typed (a page passes its
widgets' values straight in). It is validated with the importers' own row
parsers (tracker.records.commitment_rows, delivery_rows), so the rules are
identical: a value a file may hold a form may hold too. Problems are
collected, never raised one at a time: each names a form field
("announced_on", "commitments[0].amount"), and the use-case raises them all
together as ``ValidationFailed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, FiscalError, parse_date
from tracker.files.tabular import Problem, Row
from tracker.i18n import _
from tracker.records.commitment_rows import CommitmentRecord, parse_commitment_row
from tracker.records.delivery_rows import DeliveryRecord, parse_delivery_row
from tracker.records.problems import MUST_NOT_BE_BLANK, FieldProblem


def as_text(value: object) -> str:
    """A form value as text. Dates (``st.date_input``) and ints are fine; floats
    never are (``st.number_input`` returns float: convert to text at once)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        raise TypeError(f"form values are text, never float (got {value!r}): money must not pass through float")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class CommitmentInput:
    """One line of money as typed into a form (the commitments-file columns)."""

    ref: str
    purpose: str
    recipient: str
    kind: str
    amount: str
    first_year: str
    years: str = ""
    qualifier: str = "exact"
    status: str = "confirmed"
    capital_or_revenue: str = ""
    programme: str = ""
    uplift_pct: str = ""
    profile: str = ""
    reannounces: str = ""
    part_of: str = ""
    spread: str = ""
    planned_start: str = ""
    planned_end: str = ""
    areas: str = ""
    recipient_id: str = ""

    def cells(self, announced_on: str, funder: str) -> dict[str, str]:
        values = {name: as_text(getattr(self, name)) for name in self.__dataclass_fields__}
        return {**values, "announced_on": announced_on, "funder": funder}


@dataclass(frozen=True)
class AnnouncementInput:
    """An announcement and (when creating it) the commitments it carries."""

    ref: str
    announced_on: str
    title: str
    funder: str
    made_by: str = ""
    source_url: str = ""
    quote: str = ""
    notes: str = ""
    commitments: tuple[CommitmentInput, ...] = ()
    title_cy: str = ""  # the title and quoted words in Welsh, when the funder gave them
    quote_cy: str = ""
    headline: str = ""  # the headline claim as stated ("over £1bn for digital")

    def __post_init__(self) -> None:
        object.__setattr__(self, "commitments", tuple(self.commitments))  # a list is fine too


@dataclass(frozen=True)
class DeliveryInput:
    """A disbursement, expenditure or refund as typed (a negative disbursement or expenditure is a correction)."""

    ref: str
    commitment_ref: str
    paid_on: str
    amount: str
    kind: str = "disbursement"
    note: str = ""
    evidence_url: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class MilestoneInput:
    ref: str
    commitment_ref: str
    title: str
    due_on: str = ""
    achieved_on: str = ""
    achieved_note: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Editable:
    """A stored record as form input, with the version to hand back on save."""

    value: AnnouncementInput | CommitmentInput | DeliveryInput | MilestoneInput
    version: int


# --- field checks --------------------------------------------------------------


class Checks:
    """Collects FieldProblems; field names get a prefix ("commitments[0].")."""

    def __init__(self, problems: list[FieldProblem], prefix: str = ""):
        self.problems = problems
        self.prefix = prefix

    def fail(self, field_name: str, value: str | None, expected: str) -> None:
        self.problems.append(FieldProblem(self.prefix + field_name, value, expected))

    def text(self, field_name: str, value: object, *, required: bool = False) -> str | None:
        """The text typed, checked against the one limits table (``tracker.core.limits``):
        its length, characters that cannot be shown safely, a ref's pattern and a
        web address's scheme (a page shows addresses as links, and a
        ``javascript:`` or ``data:`` "link" would run in the reader's browser)."""
        text = as_text(value).strip()
        if not text:
            if required:
                self.fail(field_name, text, MUST_NOT_BE_BLANK)
            return None
        if field_name in limits.LIMITS:
            problem = limits.check_field(field_name, text)
            if problem is not None:
                self.fail(field_name, limits.shown(text), problem)
        return text

    def date(self, field_name: str, value: object, *, required: bool = False) -> date | None:
        text = self.text(field_name, value, required=required)
        if text is None:
            return None
        try:
            return parse_date(text)
        except FiscalError as err:
            self.fail(field_name, text, err.expected)
            return None

    def parsed(self, problems: list[Problem], skip: tuple[str, ...] = ()) -> None:
        """Problems from a file-row parser, renamed to form fields."""
        for problem in problems:
            if problem.column not in skip:
                self.fail(problem.column or "", problem.value, problem.expected)


# --- each input's own checks ------------------------------------------------------


def commitment_record(inp: CommitmentInput, announced_on: str, funder: str, checks: Checks) -> CommitmentRecord | None:
    """Validate a commitment with the importer's own row parser.

    ``announced_on`` and ``funder`` are the announcement's: problems with them
    are reported on the announcement, not on each commitment.
    """
    found: list[Problem] = []
    record = parse_commitment_row(Row(line=0, cells=inp.cells(announced_on, funder)), found)
    before = len(checks.problems)
    checks.parsed(found, skip=("announced_on", "funder"))
    return record if len(checks.problems) == before else None


def announcement_fields(inp: AnnouncementInput, checks: Checks) -> dict:
    return {
        "ref": checks.text("ref", inp.ref, required=True),
        "announced_on": checks.date("announced_on", inp.announced_on),
        "title": checks.text("title", inp.title, required=True),
        "funder": checks.text("funder", inp.funder, required=True),
        "made_by": checks.text("made_by", inp.made_by),
        "source_url": checks.text("source_url", inp.source_url),
        "quote": checks.text("quote", inp.quote),
        "notes": checks.text("notes", inp.notes),
        "title_cy": checks.text("title_cy", inp.title_cy),
        "quote_cy": checks.text("quote_cy", inp.quote_cy),
        "headline": checks.text("headline", inp.headline),
    }


def validate_announcement(
    inp: AnnouncementInput,
) -> tuple[dict, list[tuple[int, CommitmentRecord]], list[FieldProblem]]:
    """The checks that need no database: every field, and refs within the input."""
    problems: list[FieldProblem] = []
    fields = announcement_fields(inp, Checks(problems))
    announced_on = as_text(inp.announced_on)
    funder = as_text(inp.funder)
    records: list[tuple[int, CommitmentRecord]] = []
    first_use: dict[str, int] = {}
    for i, commitment in enumerate(inp.commitments):
        checks = Checks(problems, f"commitments[{i}].")
        record = commitment_record(commitment, announced_on, funder, checks)
        ref = as_text(commitment.ref).strip()
        if ref and ref in first_use:
            checks.fail("ref", ref, _("duplicate ref: already used by commitments[{index}]", index=first_use[ref]))
            record = None
        first_use.setdefault(ref, i)
        if record is not None:
            records.append((i, record))
    # Re-announcements within the input must not go round in a loop.
    by_ref = {rec.ref: rec for _i, rec in records}
    for i, rec in records:
        seen = {rec.ref}
        target = by_ref.get(rec.reannounces) if rec.reannounces else None
        while target is not None:
            if target.ref in seen:
                problems.append(
                    FieldProblem(f"commitments[{i}].reannounces", rec.reannounces, _("re-announcements form a loop"))
                )
                break
            seen.add(target.ref)
            target = by_ref.get(target.reannounces) if target.reannounces else None
    # Shares of pots in this same announcement must fit them.
    if any(rec.part_of in by_ref for _i, rec in records):
        from tracker.core.projection import columns_from_records, problems_of

        for problem in problems_of(columns_from_records([rec for _i, rec in records])):
            i, rec = records[problem.row]
            problems.append(FieldProblem(f"commitments[{i}].part_of", rec.part_of, problem.expected))
    return fields, records, problems


def delivery_record(inp: DeliveryInput, checks: Checks) -> DeliveryRecord | None:
    cells = {name: as_text(getattr(inp, name)) for name in DeliveryInput.__dataclass_fields__}
    cells["illustrative"] = "yes" if inp.illustrative else "no"
    found: list[Problem] = []
    record = parse_delivery_row(Row(line=0, cells=cells), found)
    before = len(checks.problems)
    checks.parsed(found)
    return record if len(checks.problems) == before else None


def milestone_fields(inp: MilestoneInput, checks: Checks) -> dict:
    return {
        "ref": checks.text("ref", inp.ref, required=True),
        "commitment_ref": checks.text("commitment_ref", inp.commitment_ref, required=True),
        "title": checks.text("title", inp.title, required=True),
        "due_on": checks.date("due_on", inp.due_on),
        "achieved_on": checks.date("achieved_on", inp.achieved_on),
        "achieved_note": checks.text("achieved_note", inp.achieved_note),
        "source_url": checks.text("source_url", inp.source_url),
    }
