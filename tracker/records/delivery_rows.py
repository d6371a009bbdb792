"""The deliveries file (CSV or XLSX): what actually happened to the money.

Columns: ``ref, commitment_ref, amount, kind``; optional ``paid_on`` (blank:
the date is not known, and the money is unphased), ``note``,
``illustrative`` (yes/no: figures made up for a demo, never published) and
``evidence_url``. ``kind`` is ``disbursement`` (wave 1's ``payment``),
``expenditure`` (``spend``) or ``refund``; a refund is stored negative
whichever sign it is written with, and a negative disbursement or
expenditure is a correction. Matched by ``ref`` on
re-import. Text columns are checked against ``tracker.core.limits`` and the
kind against ``tracker.core.vocabulary``, for a file and a form alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.core import limits
from tracker.core.fiscal import FiscalError
from tracker.core.money import MoneyError, parse_pence
from tracker.core.vocabulary import DELIVERY_KIND_ALIASES, DELIVERY_KINDS
from tracker.files.tabular import Problem, Row, missing_columns, parse_file_date, read_table
from tracker.i18n import _
from tracker.records.problems import MUST_NOT_BE_BLANK

REQUIRED = ("ref", "commitment_ref", "amount", "kind")
OPTIONAL = ("paid_on", "note", "illustrative", "evidence_url")
# The columns kept as text: each is checked by tracker.core.limits.check_field.
TEXT_COLUMNS = ("ref", "commitment_ref", "note", "evidence_url")

# Keys are normalised header names (tracker.files.tabular.normalise_header).
HEADER_ALIASES = {
    "reference": "ref",
    "ref_no": "ref",
    "delivery_ref": "ref",
    "payment_ref": "ref",
    "payment_reference": "ref",
    "commitment": "commitment_ref",
    "commitment_reference": "commitment_ref",
    "date": "paid_on",
    "date_paid": "paid_on",
    "paid": "paid_on",
    "payment_date": "paid_on",
    "date_of_payment": "paid_on",
    "amount_gbp": "amount",
    "amount_paid": "amount",
    "type": "kind",
    "notes": "note",
    "description": "note",
    "comments": "note",
    "evidence": "evidence_url",
    "evidence_link": "evidence_url",
}
# As for commitments: far beyond any real payment, and sums stay in 64 bits.
MAX_PENCE = 100_000_000_000_000
_YES_NO = {
    "": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
}


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    line: int
    ref: str
    commitment_ref: str
    paid_on: date | None
    amount_pence: int
    kind: str
    note: str | None = None
    illustrative: bool = False
    evidence_url: str | None = None


def parse_delivery_row(row: Row, problems: list[Problem]) -> DeliveryRecord | None:
    before = len(problems)

    def fail(column: str, expected: str) -> None:
        problems.append(Problem(row.line, column, limits.shown(row.get(column)), expected))

    for column in TEXT_COLUMNS:
        problem = limits.check_field(column, row.get(column))
        if problem is not None:
            fail(column, problem)
    for column in ("ref", "commitment_ref"):
        if not row.get(column):
            fail(column, MUST_NOT_BE_BLANK)
    paid_on = None
    if row.get("paid_on"):
        try:
            paid_on = parse_file_date(row.get("paid_on"))
        except FiscalError as err:
            fail("paid_on", err.expected)
    amount = None
    try:
        amount = parse_pence(row.get("amount"), allow_negative=True)
    except MoneyError as err:
        fail("amount", err.expected)
    else:
        if amount == 0:
            fail("amount", _("expected a non-zero amount (negative for a correction)"))
        elif abs(amount) > MAX_PENCE:
            fail("amount", _("expected an amount below £1 trillion"))
    kind = row.get("kind").lower()
    kind = DELIVERY_KIND_ALIASES.get(kind, kind)
    if kind not in DELIVERY_KINDS:
        fail(
            "kind",
            _(
                "expected {choices} or {last} (payment and spend are read too)",
                choices=", ".join(DELIVERY_KINDS[:-1]),
                last=DELIVERY_KINDS[-1],
            ),
        )
    elif kind == "refund" and amount is not None:
        amount = -abs(amount)  # money returned counts against what was delivered
    illustrative = _YES_NO.get(row.get("illustrative").lower())
    if illustrative is None:
        fail("illustrative", _("expected yes or no"))
    if len(problems) > before:
        return None
    # No problem: each value left None above was reported, so none is.
    assert amount is not None and illustrative is not None
    return DeliveryRecord(
        line=row.line,
        ref=row.get("ref"),
        commitment_ref=row.get("commitment_ref"),
        paid_on=paid_on,
        amount_pence=amount,
        kind=kind,
        note=row.get("note") or None,
        illustrative=illustrative,
        evidence_url=row.get("evidence_url") or None,
    )


def parse_deliveries(header: list[str], rows: list[Row]) -> tuple[list[DeliveryRecord], list[Problem]]:
    problems = missing_columns(header, REQUIRED)
    if problems:
        return [], problems
    parsed = [rec for row in rows if (rec := parse_delivery_row(row, problems)) is not None]
    return check_deliveries(parsed, problems, any_rows=bool(rows))


def check_deliveries(
    parsed: list[DeliveryRecord], problems: list[Problem], *, any_rows: bool
) -> tuple[list[DeliveryRecord], list[Problem]]:
    """Once every row is parsed (``parse_delivery_row``, its problems in
    ``problems``): refs used twice, and the problems in file order."""
    records: list[DeliveryRecord] = []
    first_line: dict[str, int] = {}
    for rec in parsed:
        if rec.ref in first_line:
            problems.append(
                Problem(
                    rec.line, "ref", rec.ref, _("duplicate ref: already used on line {line}", line=first_line[rec.ref])
                )
            )
            continue
        first_line[rec.ref] = rec.line
        records.append(rec)
    problems.sort(key=lambda p: p.line or 0)
    if not any_rows and not problems:
        problems.append(Problem(None, None, None, _("the file has a header but no deliveries")))
    return records, problems


def read_deliveries(path: str | Path) -> tuple[list[DeliveryRecord], list[Problem]]:
    header, rows, problems = read_table(path, HEADER_ALIASES, sheet="Deliveries")
    if problems:
        return [], problems
    return parse_deliveries(header, rows)
