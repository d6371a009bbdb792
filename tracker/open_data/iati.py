"""IATI activities in: each activity becomes one announcement with one
commitment, read by the same parser, checks and saving as a commitments file
(one import pipeline), with its deliveries, budgets and links beside it.

An activity (``tracker.open_data.iati_xml`` reads the XML, versions 1.0x and
2.0x alike) is:

- an announcement: its identifier is the ref, its title the purpose (and the
  announcement's title), its description the quote, its reporting
  organisation the funder, the participating organisation with the
  implementing role the recipient; dated by its first commitment transaction
  (else its start date);
- one commitment: its commitment transactions summed by the financial year
  of their ``transaction-date`` (a one-off when they fall in one year, a
  profile over several; an activity with none is a £0 commitment);
- a delivery for each disbursement and expenditure transaction (negative
  ones are corrections, and kept);
- its budgets (original and revised, negatives included), by the financial
  year of their ``period-start``: kept beside the commitment as its planned
  profile, never counted as committed;
- its links to other activities (``related-activity``: parent, child...).
  Each activity counts only its own transactions, so a parent's money is
  never added on top of its children's.

Other transaction types (incoming funds, loans, ...) are left aside and
counted in a note. Money used must be in GBP: another currency refuses the
file, naming the activity. An organisation's ``ref`` that is not an
identifier in the org-id shape (a bare type code such as ``52000``) is left
out with a note, and the organisation matched by its name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker.core.fiscal import FinancialYear
from tracker.core.identifiers import check_identifier
from tracker.core.limits import LIMITS
from tracker.core.vocabulary import ACTIVITY_RELATIONS, BUDGET_STATUSES
from tracker.files.tabular import Problem, Row, RowTaker, Table
from tracker.i18n import N_, _, ngettext
from tracker.open_data.iati_xml import Activity, IatiRefused, Organisation, Transaction, read_activities
from tracker.records import commitment_rows, delivery_rows
from tracker.records.activity_rows import ActivityExtras, BudgetLine
from tracker.records.bundles import Bundle
from tracker.records.delivery_rows import DeliveryRecord

CURRENCY = "GBP"
COMMITTED = "commitment"
DELIVERED = {"disbursement": "disbursement", "expenditure": "expenditure"}  # transaction type -> delivery kind
# Where a commitments column comes from in an activity, for messages.
ELEMENTS = {
    "ref": "iati-identifier",
    "purpose": "title",
    "title": "title",
    "quote": "description",
    "funder": "reporting-org",
    "funder_id": "reporting-org/@ref",
    "recipient": "participating-org",
    "recipient_id": "participating-org/@ref",
    "amount": "transaction/value",
    "profile": "transaction/value",
    "announced_on": "transaction-date",
}
# A problem or note about one activity (``tracker.imports.reading.notes_said`` groups the notes by it).
ABOUT_ACTIVITY = N_("activity {ref}: {text}")
HEADER = ["ref"]  # what the import's header check sees: an activity always has its identifier read


@dataclass(slots=True)
class ActivityRow(Row):
    """An activity as the import pipeline's row: its line in the file and the activity read."""

    activity: Activity | None = None


def read_file(source: bytes | Path, take: RowTaker) -> Table:
    """An IATI file's activities as rows, each handed to ``take``'s parser as
    it is read. A row's line is the activity's number in the file (as a JSON
    package's grant is numbered): unique, where a file's own lines need not be
    (a whole file may be one line)."""
    parse: Callable[[Row], object] | None = take(HEADER)
    rows: list[Any] = []
    try:
        for activity in read_activities(source):
            row = ActivityRow(activity.number, {"ref": activity.identifier}, activity=activity)
            kept = parse(row) if parse is not None else row
            if kept is not None:
                rows.append(kept)
    except IatiRefused as refused:
        return Table([], [], list(refused.problems))
    return Table(HEADER, rows, [])


def parse_activity_row(row: Row, problems: list[Problem]) -> Bundle | None:
    """One activity -> its commitment with its deliveries, budgets and links,
    or None with its problems (each naming the activity and the element)."""
    assert isinstance(row, ActivityRow) and row.activity is not None
    act = row.activity
    said = _Said(row.line, act.identifier or _("number {number} (no iati-identifier)", number=act.number))
    committed = _committed(act, said)
    cells = _commitment_cells(act, committed, said)
    found: list[Problem] = []
    record = commitment_rows.parse_commitment_row(Row(row.line, cells), found)
    for problem in found:
        said.fail(ELEMENTS.get(problem.column or "", problem.column or ""), problem.value, problem.expected)
    deliveries = _deliveries(act, said)
    budgets = _budgets(act, said)
    links = _links(act, said)
    problems.extend(said.problems)
    if record is None or said.problems:
        return None
    extras = ActivityExtras(row.line, record.ref, budgets, links)
    return Bundle(record, deliveries, tuple(said.notes), extras)


class _Said:
    """What is said about one activity: problems and notes, each naming it."""

    def __init__(self, line: int, activity: str):
        self.line, self.activity = line, activity
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []

    def fail(self, element: str, value: str | None, expected: str) -> None:
        self.problems.append(
            Problem(
                self.line, element, value, _(ABOUT_ACTIVITY, ref=self.activity, text=_(expected) if expected else "")
            )
        )

    def note(self, element: str, value: str | None, text: str) -> None:
        self.notes.append(Problem(self.line, element, value, _(ABOUT_ACTIVITY, ref=self.activity, text=text)))


def _pence(value: Decimal | None, text: str, element: str, said: _Said) -> int | None:
    """A value in whole pence, or None with a problem."""
    if value is None:
        said.fail(element, text, _("expected an amount written as a number, e.g. 228296 or 1000.50"))
        return None
    pence = value * 100
    if pence != pence.to_integral_value():
        said.fail(element, text, _("expected an amount in pounds and pence (at most two decimal places)"))
        return None
    return int(pence)


def _in_gbp(currency: str, element: str, said: _Said) -> bool:
    if currency == CURRENCY:
        return True
    said.fail(
        element, currency or None, _("expected money in {currency} (the tracker holds pounds only)", currency=CURRENCY)
    )
    return False


def _committed(act: Activity, said: _Said) -> dict[FinancialYear, int]:
    """The activity's commitment transactions summed by financial year."""
    by_year: dict[FinancialYear, int] = {}
    for t in act.transactions:
        if t.type != COMMITTED:
            continue
        pence = _transaction_pence(t, said)
        if pence is None or t.date is None:
            continue
        year = FinancialYear.from_date(t.date)
        by_year[year] = by_year.get(year, 0) + pence
    return by_year


def _transaction_pence(t: Transaction, said: _Said) -> int | None:
    element = f"transaction {t.number}"
    if not _in_gbp(t.currency, f"{element}/value/@currency", said):
        return None
    if t.date is None:
        said.fail(f"{element}/transaction-date", t.date_text or None, _("expected a date such as 2012-01-31"))
    return _pence(t.value, t.value_text, f"{element}/value", said)


def _commitment_cells(act: Activity, by_year: dict[FinancialYear, int], said: _Said) -> dict[str, str]:
    """The activity as a row of the commitments file."""
    cells = {column: "" for column in commitment_rows.COLUMNS}
    committed_on = [t.date for t in act.transactions if t.type == COMMITTED and t.date is not None]
    announced = min(committed_on) if committed_on else act.start
    funder, funder_id = _organisation(act.reporting, "reporting-org", said)
    recipient = next((org for org in act.participating if org.role == "implementing"), None)
    cells.update(
        ref=act.identifier,
        funder=funder,
        funder_id=funder_id,
        purpose=_fitted(act.title, "purpose", "title", said),
        title=_fitted(act.title, "title", "title", said),
        quote=_fitted(act.description, "quote", "description", said),
        announced_on=announced.isoformat() if announced else "",
        currency=CURRENCY,
    )
    if recipient is not None:
        cells["recipient"], cells["recipient_id"] = _organisation(recipient, "participating-org", said)
    years = sorted(by_year)
    if len(years) > 1:
        cells.update(
            kind="profiled",
            amount=_pounds(sum(by_year.values())),
            profile=";".join(f"{year.label}={_pounds(by_year[year])}" for year in years),
        )
    else:
        first = years[0] if years else (FinancialYear.from_date(act.start) if act.start else None)
        cells.update(kind="one-off", amount=_pounds(by_year.get(first, 0) if first else 0))
        cells["first_year"] = first.label if first else ""
    return cells


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"


def _fitted(text: str, field: str, element: str, said: _Said) -> str:
    """``text`` cut to the field's limit (with a note), the file's own words kept up to it."""
    limit = LIMITS[field]
    if len(text) <= limit:
        return text
    said.note(
        element,
        None,
        _(
            "its {element} has {length} characters: the first {kept} are kept",
            element=element,
            length=format(len(text), ","),
            kept=format(limit - 1, ","),
        ),
    )
    return text[: limit - 1] + "…"


def _organisation(org: Organisation, element: str, said: _Said) -> tuple[str, str]:
    """(name, identifier) of an organisation; a ref not in the org-id shape is left out with a note."""
    name = org.name or org.ref
    if not org.ref or check_identifier(org.ref) is None:
        return name, org.ref
    said.note(
        f"{element}/@ref",
        org.ref,
        _(
            "{ref} is not an organisation identifier in the org-id shape: {name} is matched by name",
            ref=repr(org.ref),
            name=repr(name),
        ),
    )
    return name, ""


def _deliveries(act: Activity, said: _Said) -> tuple[DeliveryRecord, ...]:
    """A delivery for each disbursement and expenditure transaction; other types counted in a note."""
    records: list[DeliveryRecord] = []
    skipped: Counter[str] = Counter()
    for t in act.transactions:
        if t.type == COMMITTED:
            continue
        kind = DELIVERED.get(t.type)
        if kind is None:
            skipped[t.type or f"code {t.code}"] += 1
            continue
        pence = _transaction_pence(t, said)
        if pence is None or pence == 0 or t.date is None:
            continue
        cells = {
            "ref": f"{act.identifier}/t{t.number}",
            "commitment_ref": act.identifier,
            "amount": _pounds(pence),
            "kind": kind,
            "paid_on": t.date.isoformat(),
            "note": t.description[: LIMITS["note"]],
        }
        found: list[Problem] = []
        record = delivery_rows.parse_delivery_row(Row(said.line, cells), found)
        for problem in found:
            said.fail(f"transaction {t.number}", problem.value, problem.expected)
        if record is not None:
            records.append(record)
    if skipped:
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        said.note(
            "transaction-type",
            None,
            ngettext(
                "left aside {counted} transaction (only commitments, disbursements and expenditure are read)",
                "left aside {counted} transactions (only commitments, disbursements and expenditure are read)",
                sum(skipped.values()),
                counted=counted,
            ),
        )
    return tuple(records)


def _budgets(act: Activity, said: _Said) -> tuple[BudgetLine, ...]:
    lines = []
    for b in act.budgets:
        element = f"budget {b.number}"
        if b.status not in BUDGET_STATUSES:
            said.fail(f"{element}/@type", b.status, _("expected 1 (original) or 2 (revised)"))
            continue
        if not _in_gbp(b.currency, f"{element}/value/@currency", said):
            continue
        pence = _pence(b.value, b.value_text, f"{element}/value", said)
        if pence is not None:
            lines.append(BudgetLine(b.status, b.period_start, b.period_end, pence))
    return tuple(lines)


def _links(act: Activity, said: _Said) -> tuple[tuple[str, str], ...]:
    links: list[tuple[str, str]] = []
    for relation, ref in act.related:
        ref = ref.strip()
        if relation not in ACTIVITY_RELATIONS or not ref:
            said.note(
                "related-activity",
                ref or None,
                _("a related activity of type {relation} is left aside", relation=repr(relation)),
            )
        elif len(ref) > LIMITS["activity_ref"]:
            said.note("related-activity", ref[:50], _("a related activity's identifier this long is left aside"))
        elif (relation, ref) not in links:
            links.append((relation, ref))
    return tuple(links)
