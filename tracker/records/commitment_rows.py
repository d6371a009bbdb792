"""The commitments file (CSV or XLSX): the contract in DESIGN.md.

One row is one line of money. Required columns: ``ref, announced_on, funder,
recipient, purpose, kind, amount, first_year``; optional: ``years, qualifier,
programme, announcement_ref, title, source_url, quote, status,
capital_or_revenue, uplift_pct, reannounces, profile``.

Every text column is checked against ``tracker.core.limits`` (its length,
hidden control characters, the ref pattern, web addresses) and every choice
against ``tracker.core.vocabulary``, the same checks whichever way a row came
in (a file, the Import page or a form).

``parse_commitments`` returns ``(records, problems)`` and never raises for bad
data: the caller decides (an import refuses the whole file if there is any
problem).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, FiscalError, parse_financial_year
from tracker.core.money import MoneyError, format_pounds, parse_pence
from tracker.core.vocabulary import CAPITAL_OR_REVENUE, COMMITMENT_KINDS, QUALIFIERS, STATUSES
from tracker.files.tabular import Problem, Row, missing_columns, parse_file_date, read_table
from tracker.records.commitment_values import (
    MAX_PENCE,
    choice,
    either,
    parse_profile,
    parse_uplift_bp,
    parse_years,
)

REQUIRED = ("ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year")
OPTIONAL = (
    "years",
    "qualifier",
    "programme",
    "announcement_ref",
    "title",
    "source_url",
    "quote",
    "status",
    "capital_or_revenue",
    "uplift_pct",
    "reannounces",
    "profile",
)
COLUMNS = REQUIRED + OPTIONAL
# The columns kept as text: each is checked by tracker.core.limits.check_field.
TEXT_COLUMNS = (
    "ref",
    "funder",
    "recipient",
    "purpose",
    "programme",
    "announcement_ref",
    "title",
    "source_url",
    "quote",
    "reannounces",
)

# Spellings seen in real spreadsheets, mapped to the contract's names. Keys
# are already normalised (tracker.files.tabular.normalise_header): lower
# case, punctuation and £ gone, so "Amount (£)" and "Ref." need no entry.
HEADER_ALIASES = {
    "reference": "ref",
    "ref_no": "ref",
    "reference_number": "ref",
    "commitment_ref": "ref",
    "commitment_reference": "ref",
    "announcement_date": "announced_on",
    "date_announced": "announced_on",
    "date_of_announcement": "announced_on",
    "announced": "announced_on",
    "funder_name": "funder",
    "funding_organisation": "funder",
    "funding_organization": "funder",
    "funder_organisation": "funder",
    "recipient_organisation": "recipient",
    "recipient_organization": "recipient",
    "recipient_name": "recipient",
    "recipient_org": "recipient",
    "purpose_of_funding": "purpose",
    "program": "programme",
    "programme_name": "programme",
    "fund": "programme",
    "fund_name": "programme",
    "financial_year": "first_year",
    "first_financial_year": "first_year",
    "start_year": "first_year",
    "starting_year": "first_year",
    "fy": "first_year",
    "amount_gbp": "amount",
    "amount_pounds": "amount",
    "value": "amount",
    "number_of_years": "years",
    "no_of_years": "years",
    "num_years": "years",
    "years_of_funding": "years",
    "duration_years": "years",
    "uplift": "uplift_pct",
    "uplift_percent": "uplift_pct",
    "annual_uplift": "uplift_pct",
    "capital_revenue": "capital_or_revenue",
    "capital_or_revenue_": "capital_or_revenue",
    "re_announces": "reannounces",
    "reannounces_ref": "reannounces",
    "announcement": "announcement_ref",
    "announcement_reference": "announcement_ref",
    "announcement_title": "title",
    "source": "source_url",
    "url": "source_url",
    "link": "source_url",
    "quotation": "quote",
}

# Each value of the closed list, plus other spellings of it.
_KIND_SPELLINGS = {
    **{kind: kind for kind in COMMITMENT_KINDS},
    "oneoff": "one-off",
    "one off": "one-off",
    "one_off": "one-off",
    "annual": "recurring",
}
_QUALIFIER_SPELLINGS = {
    **{qualifier: qualifier for qualifier in QUALIFIERS},
    "": "exact",
    "at least": "over",
    "more than": "over",
    "up_to": "up to",
    "upto": "up to",
    "around": "about",
    "approximately": "about",
}


# [0-9], not \d: \d also matches other scripts' digits, which Decimal() would read.
@dataclass(frozen=True, slots=True)
class CommitmentRecord:
    """A validated commitments-file row. Money in pence, years as FinancialYear."""

    line: int
    ref: str
    announced_on: date
    funder: str
    recipient: str
    purpose: str
    kind: str
    amount_pence: int  # one-off: total; recurring: per year; profiled: total
    first_year: FinancialYear
    years: int
    qualifier: str = "exact"
    status: str = "confirmed"
    programme: str | None = None
    announcement_ref: str | None = None
    title: str | None = None
    source_url: str | None = None
    quote: str | None = None
    capital_or_revenue: str | None = None
    uplift_bp: int = 0
    reannounces: str | None = None
    profile: tuple[tuple[FinancialYear, int], ...] = ()

    @property
    def last_year(self) -> FinancialYear:
        return self.first_year + (self.years - 1)


class _RowReader:
    """Collects every problem in one row instead of stopping at the first."""

    def __init__(self, row: Row, problems: list[Problem]):
        self.row = row
        self.problems = problems
        self.ok = True

    def fail(self, column: str, expected: str, value: str | None = None) -> None:
        self.ok = False
        shown = limits.shown(self.row.get(column) if value is None else value)
        self.problems.append(Problem(self.row.line, column, shown, expected))

    def check_limits(self, columns: tuple[str, ...]) -> None:
        """Each text column's length and characters (and refs and web addresses)."""
        for column in columns:
            problem = limits.check_field(column, self.row.get(column))
            if problem is not None:
                self.fail(column, problem)

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.fail(column, "required: must not be blank")
            return None
        return value


def parse_commitment_row(row: Row, problems: list[Problem]) -> CommitmentRecord | None:
    """Validate one row; append a Problem for each bad field."""
    r = _RowReader(row, problems)
    r.check_limits(TEXT_COLUMNS)
    ref = r.text("ref", required=True)
    funder = r.text("funder", required=True)
    recipient = r.text("recipient", required=True)
    purpose = r.text("purpose", required=True)

    announced_on = None
    if r.text("announced_on", required=True):
        try:
            announced_on = parse_file_date(row.get("announced_on"))
        except FiscalError as err:
            r.fail("announced_on", _after_value(err))

    kind = None
    if r.text("kind", required=True):
        kind = choice(row.get("kind"), _KIND_SPELLINGS)
        if kind is None:
            r.fail("kind", f"expected {either(COMMITMENT_KINDS)}")

    first_year = None
    if r.text("first_year", required=True):
        try:
            first_year = parse_financial_year(row.get("first_year"), relative_to=announced_on)
        except FiscalError as err:
            if announced_on is None and "needs the date" in err.expected:
                pass  # the announced_on problem is already reported
            else:
                r.fail("first_year", err.expected)

    qualifier = choice(row.get("qualifier"), _QUALIFIER_SPELLINGS)
    if qualifier is None:
        r.fail("qualifier", f"expected {either(QUALIFIERS)}")
    status = choice(row.get("status") or "confirmed", {s: s for s in STATUSES})
    if status is None:
        r.fail("status", f"expected {either(STATUSES)}")
    capital_or_revenue = None
    if row.get("capital_or_revenue"):
        capital_or_revenue = choice(row.get("capital_or_revenue"), {s: s for s in CAPITAL_OR_REVENUE})
        if capital_or_revenue is None:
            r.fail("capital_or_revenue", f"expected {either(CAPITAL_OR_REVENUE)} (or blank)")

    amount = None
    amount_text = row.get("amount")
    if amount_text or kind != "profiled":
        if not amount_text:
            r.fail("amount", "required: must not be blank")
        else:
            try:
                amount = parse_pence(amount_text)
            except MoneyError as err:
                r.fail("amount", _after_value(err))
            else:
                if amount <= 0:
                    r.fail("amount", "expected an amount greater than zero")
                elif amount > MAX_PENCE:
                    r.fail("amount", "expected an amount below £1 trillion")

    years = 1
    years_text = row.get("years")
    if years_text:
        try:
            years = parse_years(years_text)
        except ValueError as err:
            r.fail("years", str(err))
    elif kind == "recurring":
        r.fail("years", "required for a recurring commitment: a whole number of years from 1")
    if kind == "one-off" and years_text and r.ok and years != 1:
        r.fail("years", "a one-off commitment covers one year: leave years blank or 1")

    uplift_bp = 0
    try:
        uplift_bp = parse_uplift_bp(row.get("uplift_pct"))
    except ValueError as err:
        r.fail("uplift_pct", str(err))
    if uplift_bp and kind in ("one-off", "profiled"):
        r.fail("uplift_pct", "an annual uplift only applies to a recurring commitment")
    elif uplift_bp > 0 and amount is not None and r.ok:
        last = amount * (10000 + uplift_bp) ** (years - 1) // 10000 ** (years - 1)
        if last > MAX_PENCE:
            r.fail("uplift_pct", f"with this uplift year {years} would exceed £1 trillion: check the uplift and years")

    profile: tuple[tuple[FinancialYear, int], ...] = ()
    profile_text = row.get("profile")
    if kind == "profiled":
        if not profile_text:
            r.fail("profile", "required for a profiled commitment: e.g. 2020-21=£1m;2021-22=500000")
        else:
            try:
                profile = parse_profile(profile_text, amount)
            except ValueError as err:
                r.fail("profile", str(err))
            else:
                total = sum(p for _, p in profile)
                if any(p < 0 for _, p in profile) or total <= 0:
                    r.fail("profile", "expected amounts of zero or more adding up to more than zero")
                elif amount is not None and total != amount:
                    r.fail(
                        "profile",
                        f"the years add up to {format_pounds(total)} but amount is {format_pounds(amount)}: "
                        "they must agree",
                    )
                else:
                    amount = total
                    if first_year is not None and profile[0][0] != first_year:
                        r.fail("first_year", f"expected the first year of the profile, {profile[0][0]}")
                    years = profile[-1][0] - profile[0][0] + 1
    elif profile_text and kind is not None:
        r.fail("profile", "a profile is only used with kind profiled")

    reannounces = row.get("reannounces") or None
    if reannounces is not None and reannounces == ref:
        r.fail("reannounces", "a commitment cannot re-announce itself")

    if not r.ok:
        return None
    # r.ok: each value left None above was reported as a problem, so none is.
    assert ref is not None and announced_on is not None and funder is not None and recipient is not None
    assert purpose is not None and kind is not None and amount is not None and first_year is not None
    assert qualifier is not None and status is not None
    return CommitmentRecord(
        line=row.line,
        ref=ref,
        announced_on=announced_on,
        funder=funder,
        recipient=recipient,
        purpose=purpose,
        kind=kind,
        amount_pence=amount,
        first_year=first_year,
        years=years,
        qualifier=qualifier,
        status=status,
        programme=row.get("programme") or None,
        announcement_ref=row.get("announcement_ref") or None,
        title=row.get("title") or None,
        source_url=row.get("source_url") or None,
        quote=row.get("quote") or None,
        capital_or_revenue=capital_or_revenue,
        uplift_bp=uplift_bp,
        reannounces=reannounces,
        profile=profile,
    )


def _after_value(err: Exception) -> str:
    """What was expected; the Problem names the value itself."""
    return getattr(err, "expected", str(err))


def check_across_rows(
    records: list[CommitmentRecord],
    problems: list[Problem],
    known_refs: set[str] | frozenset[str] = frozenset(),
    ref_lines: dict[str, int] | None = None,
) -> None:
    """Rules that need the whole file: unique refs, re-announcement targets,
    and rows of one announcement agreeing on its date and funder."""
    first_line: dict[str, int] = dict(ref_lines or {})
    for rec in records:
        if rec.ref in first_line and first_line[rec.ref] != rec.line:
            problems.append(
                Problem(rec.line, "ref", rec.ref, f"duplicate ref: already used on line {first_line[rec.ref]}")
            )
        else:
            first_line.setdefault(rec.ref, rec.line)
    by_ref = {rec.ref: rec for rec in records}
    for rec in records:
        if rec.reannounces is None:
            continue
        if rec.reannounces not in by_ref and rec.reannounces not in known_refs:
            problems.append(
                Problem(
                    rec.line,
                    "reannounces",
                    rec.reannounces,
                    "expected the ref of an earlier commitment in this file or the database",
                )
            )
            continue
        # Follow the chain within the file; a loop would count money nowhere.
        seen = {rec.ref}
        target = by_ref.get(rec.reannounces)
        while target is not None:
            if target.ref in seen:
                problems.append(Problem(rec.line, "reannounces", rec.reannounces, "re-announcements form a loop"))
                break
            seen.add(target.ref)
            target = by_ref.get(target.reannounces) if target.reannounces else None
    announcements: dict[str, CommitmentRecord] = {}
    for rec in records:
        if rec.announcement_ref is None:
            continue
        first = announcements.setdefault(rec.announcement_ref, rec)
        if first is rec:
            continue
        if rec.announced_on != first.announced_on:
            problems.append(
                Problem(
                    rec.line,
                    "announced_on",
                    rec.announced_on.isoformat(),
                    f"announcement {rec.announcement_ref} is dated {first.announced_on.isoformat()} "
                    f"on line {first.line}",
                )
            )
        if rec.funder != first.funder:
            problems.append(
                Problem(
                    rec.line,
                    "funder",
                    rec.funder,
                    f"announcement {rec.announcement_ref} is by {first.funder!r} on line {first.line}",
                )
            )


def parse_commitments(
    header: list[str], rows: list[Row], known_refs: set[str] | frozenset[str] = frozenset()
) -> tuple[list[CommitmentRecord], list[Problem]]:
    problems = missing_columns(header, REQUIRED)
    if problems:
        return [], problems
    records = []
    for row in rows:
        rec = parse_commitment_row(row, problems)
        if rec is not None:
            records.append(rec)
    check_across_rows(records, problems, known_refs)
    problems.sort(key=lambda p: p.line or 0)
    if not rows and not problems:
        problems.append(Problem(None, None, None, "the file has a header but no commitments"))
    return records, problems


def read_commitments(path: str | Path, known_refs: set[str] | frozenset[str] = frozenset()):
    """Read and validate a commitments CSV/XLSX: ``(records, problems)``."""
    header, rows, problems = read_table(path, HEADER_ALIASES, sheet="Commitments")
    if problems:
        return [], problems
    return parse_commitments(header, rows, known_refs)
