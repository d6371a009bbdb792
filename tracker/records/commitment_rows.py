"""The commitments file (CSV or XLSX): the contract in DESIGN.md.

One row is one line of money. Required columns: ``ref, funder, purpose, kind,
amount``; optional: ``announced_on, recipient, first_year, years, qualifier,
programme, announcement_ref, title, source_url, quote, status,
capital_or_revenue, uplift_pct, reannounces, profile, part_of, funder_id,
recipient_id, currency, planned_start, planned_end, spread, areas, title_cy,
quote_cy, headline``. (Files of wave 1 named ``announced_on, recipient,
first_year`` among the required columns: they stay valid, and their values
may now be blank.)

Every text column is checked against ``tracker.core.limits`` (its length,
hidden control characters, the ref pattern, web addresses) and every choice
against ``tracker.core.vocabulary``, the same checks whichever way a row came
in (a file, the Import page or a form).

``parse_commitments`` returns ``(records, problems)`` and never raises for bad
data: the caller decides (an import refuses the whole file if there is any
problem).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, FiscalError, parse_financial_year
from tracker.core.identifiers import check_identifier
from tracker.core.money import MoneyError, format_pounds, parse_pence
from tracker.core.places import parse_areas
from tracker.core.spread import SpreadError
from tracker.core.spread import spread as spread_money
from tracker.core.vocabulary import (
    ANNOUNCED_EARLIER,
    CAPITAL_OR_REVENUE,
    COMMITMENT_KINDS,
    CURRENCIES,
    QUALIFIERS,
    SPREADS,
    STATUSES,
)
from tracker.files.tabular import Problem, Row, missing_columns, parse_file_date, read_table
from tracker.i18n import _
from tracker.records.commitment_checks import check_across_rows
from tracker.records.commitment_values import MAX_PENCE, choice, either, parse_profile, parse_uplift_bp, parse_years
from tracker.records.problems import MUST_NOT_BE_BLANK

REQUIRED = ("ref", "funder", "purpose", "kind", "amount")
OPTIONAL = (
    "announced_on",
    "recipient",
    "first_year",
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
    "part_of",
    "funder_id",
    "recipient_id",
    "currency",
    "planned_start",
    "planned_end",
    "spread",
    "areas",
    "title_cy",
    "quote_cy",
    "headline",
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
    "part_of",
    "funder_id",
    "recipient_id",
    "areas",
    "title_cy",
    "quote_cy",
    "headline",
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
    "welsh_title": "title_cy",
    "title_welsh": "title_cy",
    "title_in_welsh": "title_cy",
    "teitl": "title_cy",
    "welsh_quote": "quote_cy",
    "quote_welsh": "quote_cy",
    "quote_in_welsh": "quote_cy",
    "dyfyniad": "quote_cy",
    "headline_claim": "headline",
    "headline_as_stated": "headline",
    "share_of": "part_of",
    "part_of_ref": "part_of",
    "funder_identifier": "funder_id",
    "funder_org_id": "funder_id",
    "recipient_identifier": "recipient_id",
    "recipient_org_id": "recipient_id",
    "currency_code": "currency",
    "planned_start_date": "planned_start",
    "planned_end_date": "planned_end",
    "area": "areas",
    "area_codes": "areas",
    "gss_codes": "areas",
}

# Each value of the closed list, plus other spellings of it.
_KIND_SPELLINGS = {
    **{kind: kind for kind in COMMITMENT_KINDS},
    "oneoff": "one-off",
    "one off": "one-off",
    "one_off": "one-off",
    "annual": "recurring",
    "multiyear": "multi-year",
    "multi year": "multi-year",
    "multi_year": "multi-year",
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
_STATUS_SPELLINGS = {status: status for status in STATUSES}
_CAPITAL_OR_REVENUE_SPELLINGS = {value: value for value in CAPITAL_OR_REVENUE}
_SPREAD_SPELLINGS = {spread: spread for spread in SPREADS}


@dataclass(frozen=True, slots=True)
class CommitmentRecord:
    """A validated commitments-file row. Money in pence, years as FinancialYear.

    ``first_year`` is None when not stated (the money is then unphased);
    ``years`` is None for "£X a year" with no end (a recurring floor of one
    year) and for a multi-year total over an unstated period. ``reannounces``
    is a ref or the word ``earlier``. ``spread_lines`` are the estimated years
    of a multi-year total spread on purpose.
    """

    line: int
    ref: str
    announced_on: date | None
    funder: str
    recipient: str | None
    purpose: str
    kind: str
    amount_pence: int  # one-off, multi-year, profiled: total; recurring: per year
    first_year: FinancialYear | None
    years: int | None
    qualifier: str = "exact"
    status: str = "confirmed"
    programme: str | None = None
    announcement_ref: str | None = None
    title: str | None = None
    source_url: str | None = None
    quote: str | None = None
    title_cy: str | None = None  # the announcement's title and quoted words in Welsh, when given
    quote_cy: str | None = None
    headline: str | None = None  # the announcement's headline claim, as stated
    capital_or_revenue: str | None = None
    uplift_bp: int = 0
    reannounces: str | None = None
    profile: tuple[tuple[FinancialYear, int], ...] = ()
    part_of: str | None = None
    funder_id: str | None = None
    recipient_id: str | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    spread: str = "none"
    areas: tuple[str, ...] = ()
    spread_lines: tuple[tuple[FinancialYear, int], ...] = ()

    @property
    def last_year(self) -> FinancialYear | None:
        if self.first_year is None:
            return None
        return self.first_year + ((self.years or 1) - 1)

    @property
    def estimated(self) -> bool:
        """Placed in years by a chosen spread, not as announced."""
        return bool(self.spread_lines)

    @property
    def total_pence(self) -> int:
        """All the money announced (a recurring amount times its years; one year when open-ended)."""
        if self.kind == "recurring":
            if self.uplift_bp:
                n = self.years or 1
                return sum(
                    (2 * self.amount_pence * (10000 + self.uplift_bp) ** k + 10000**k) // (2 * 10000**k)
                    for k in range(n)
                )
            return self.amount_pence * (self.years or 1)
        return self.amount_pence


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
            value = self.row.get(column)
            problem = limits.check_field(column, value) if value else None  # (a blank cell passes every check)
            if problem is not None:
                self.fail(column, problem)

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.fail(column, MUST_NOT_BE_BLANK)
            return None
        return value

    def day(self, column: str) -> date | None:
        if not self.row.get(column):
            return None
        try:
            return parse_file_date(self.row.get(column))
        except FiscalError as err:
            self.fail(column, _after_value(err))
            return None

    def identifier(self, column: str) -> str | None:
        value = self.row.get(column) or None
        if value is not None and self.ok_so_far(column):
            problem = check_identifier(value)
            if problem:
                self.fail(column, problem)
                return None
        return value

    def ok_so_far(self, column: str) -> bool:
        return not any(p.line == self.row.line and p.column == column for p in self.problems)


def parse_commitment_row(row: Row, problems: list[Problem]) -> CommitmentRecord | None:
    """Validate one row; append a Problem for each bad field."""
    r = _RowReader(row, problems)
    r.check_limits(TEXT_COLUMNS)
    ref = r.text("ref", required=True)
    funder = r.text("funder", required=True)
    recipient = r.text("recipient")
    purpose = r.text("purpose", required=True)
    funder_id = r.identifier("funder_id")
    recipient_id = r.identifier("recipient_id")
    if recipient_id and not recipient:
        r.fail("recipient", _("required with recipient_id {identifier}: the recipient's name", identifier=recipient_id))

    announced_on = r.day("announced_on")

    kind = None
    if r.text("kind", required=True):
        kind = choice(row.get("kind"), _KIND_SPELLINGS)
        if kind is None:
            r.fail("kind", _("expected {choices}", choices=either(COMMITMENT_KINDS)))

    first_year = None
    if row.get("first_year"):
        try:
            first_year = parse_financial_year(row.get("first_year"), relative_to=announced_on)
        except FiscalError as err:
            if row.get("announced_on") and announced_on is None and "needs the date" in err.expected:
                pass  # the announced_on problem is already reported
            elif "needs the date" in err.expected:
                r.fail(
                    "first_year",
                    _(
                        "a year relative to the announcement needs its date, and announced_on is blank: "
                        "give the year (e.g. 2020-21) or the announcement's date"
                    ),
                )
            else:
                r.fail("first_year", err.expected)

    qualifier = choice(row.get("qualifier"), _QUALIFIER_SPELLINGS)
    if qualifier is None:
        r.fail("qualifier", _("expected {choices}", choices=either(QUALIFIERS)))
    status = choice(row.get("status") or "confirmed", _STATUS_SPELLINGS)
    if status is None:
        r.fail("status", _("expected {choices}", choices=either(STATUSES)))
    capital_or_revenue = None
    if row.get("capital_or_revenue"):
        capital_or_revenue = choice(row.get("capital_or_revenue"), _CAPITAL_OR_REVENUE_SPELLINGS)
        if capital_or_revenue is None:
            r.fail("capital_or_revenue", _("expected {choices} (or blank)", choices=either(CAPITAL_OR_REVENUE)))
    currency = (row.get("currency") or "GBP").strip().upper()
    if currency not in CURRENCIES:
        r.fail(
            "currency",
            _(
                "expected GBP (or blank): the tracker holds pounds sterling; convert the amount to pounds "
                "and record the original currency in the quote or notes"
            ),
        )

    amount = None
    amount_text = row.get("amount")
    if amount_text or kind != "profiled":
        if not amount_text:
            r.fail("amount", MUST_NOT_BE_BLANK)
        else:
            try:
                amount = parse_pence(amount_text)
            except MoneyError as err:
                r.fail("amount", _after_value(err))
            else:
                if amount < 0:
                    r.fail("amount", _("expected an amount of zero or more"))
                elif amount > MAX_PENCE:
                    r.fail("amount", _("expected an amount below £1 trillion"))

    years: int | None = 1 if kind == "one-off" else None
    years_text = row.get("years")
    if years_text:
        try:
            years = parse_years(years_text)
        except ValueError as err:
            r.fail("years", str(err))
    if kind == "one-off" and years_text and r.ok and years != 1:
        r.fail("years", _("a one-off commitment covers one year: leave years blank or 1"))

    uplift_bp = 0
    try:
        uplift_bp = parse_uplift_bp(row.get("uplift_pct"))
    except ValueError as err:
        r.fail("uplift_pct", str(err))
    if uplift_bp and kind in ("one-off", "profiled", "multi-year"):
        r.fail("uplift_pct", _("an annual uplift only applies to a recurring commitment"))
    elif uplift_bp and kind == "recurring" and years is None and not years_text:
        r.fail("uplift_pct", _("an annual uplift needs the number of years (years is blank: end not stated)"))
    elif uplift_bp > 0 and amount is not None and years and r.ok:
        last = amount * (10000 + uplift_bp) ** (years - 1) // 10000 ** (years - 1)
        if last > MAX_PENCE:
            r.fail(
                "uplift_pct",
                _("with this uplift year {year} would exceed £1 trillion: check the uplift and years", year=years),
            )

    profile: tuple[tuple[FinancialYear, int], ...] = ()
    profile_text = row.get("profile")
    if kind == "profiled":
        if not profile_text:
            r.fail("profile", _("required for a profiled commitment: e.g. 2020-21=£1m;2021-22=500000"))
        else:
            try:
                profile = parse_profile(profile_text, amount)
            except ValueError as err:
                r.fail("profile", str(err))
            else:
                total = sum(p for _year, p in profile)
                if any(p < 0 for _year, p in profile):
                    r.fail("profile", _("expected amounts of zero or more"))
                elif amount is not None and total != amount:
                    r.fail(
                        "profile",
                        _(
                            "the years add up to {total} but amount is {amount}: they must agree",
                            total=format_pounds(total),
                            amount=format_pounds(amount),
                        ),
                    )
                else:
                    amount = total
                    if first_year is not None and profile[0][0] != first_year:
                        r.fail("first_year", _("expected the first year of the profile, {year}", year=profile[0][0]))
                    first_year = profile[0][0]
                    years = profile[-1][0] - profile[0][0] + 1
    elif profile_text and kind is not None:
        r.fail("profile", _("a profile is only used with kind profiled"))

    planned_start = r.day("planned_start")
    planned_end = r.day("planned_end")
    if planned_start and planned_end and planned_end < planned_start:
        r.fail("planned_end", _("expected a date on or after planned_start ({day})", day=planned_start.isoformat()))

    spread = choice(row.get("spread") or "none", _SPREAD_SPELLINGS)
    spread_lines: tuple[tuple[FinancialYear, int], ...] = ()
    if spread is None:
        r.fail("spread", _("expected {choices} (or blank: none)", choices=either(SPREADS)))
    elif spread != "none" and kind is not None and kind != "multi-year":
        r.fail("spread", _("only a multi-year total is spread: leave spread blank for other kinds"))
    elif spread != "none" and amount is not None and r.ok:
        try:
            spread_lines = tuple(
                spread_money(
                    spread,
                    amount,
                    first_year=first_year,
                    years=years,
                    planned_start=planned_start,
                    planned_end=planned_end,
                )
            )
        except SpreadError as err:
            r.fail("spread", str(err))

    areas: tuple[str, ...] = ()
    if row.get("areas") and r.ok_so_far("areas"):
        try:
            areas = parse_areas(row.get("areas"))
        except ValueError as err:
            r.fail("areas", str(err))

    reannounces = row.get("reannounces") or None
    if reannounces is not None and reannounces.strip().lower() == ANNOUNCED_EARLIER:
        reannounces = ANNOUNCED_EARLIER
    if reannounces is not None and reannounces == ref:
        r.fail("reannounces", _("a commitment cannot re-announce itself"))
    part_of = row.get("part_of") or None
    if part_of is not None and part_of == ref:
        r.fail("part_of", _("a commitment cannot be a share of itself"))
    elif part_of is not None and reannounces not in (None, ANNOUNCED_EARLIER):
        r.fail(
            "part_of",
            _(
                "a share cannot also re-announce {ref}: a re-announcement is counted at its original "
                "(write earlier in reannounces if the pot was announced before)",
                ref=reannounces,
            ),
        )

    if not r.ok:
        return None
    # r.ok: each value left None above was reported as a problem, so none is.
    assert ref is not None and funder is not None
    assert purpose is not None and kind is not None and amount is not None
    assert qualifier is not None and status is not None and spread is not None
    return CommitmentRecord(
        line=row.line,
        ref=ref,
        announced_on=announced_on,
        funder=sys.intern(funder),
        recipient=_shared(recipient),
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
        title_cy=row.get("title_cy") or None,
        quote_cy=row.get("quote_cy") or None,
        headline=row.get("headline") or None,
        capital_or_revenue=capital_or_revenue,
        uplift_bp=uplift_bp,
        reannounces=reannounces,
        profile=profile,
        part_of=part_of,
        funder_id=_shared(funder_id),
        recipient_id=_shared(recipient_id),
        planned_start=planned_start,
        planned_end=planned_end,
        spread=spread,
        areas=areas,
        spread_lines=spread_lines,
    )


def _shared(text: str | None) -> str | None:
    """One copy of a name many rows repeat (a million rows of one funder are
    held as one string, not a million)."""
    return None if text is None else sys.intern(text)


def _after_value(err: Exception) -> str:
    """What was expected; the Problem names the value itself."""
    return getattr(err, "expected", str(err))


def parse_commitments(
    header: list[str], rows: list[Row], known_refs: set[str] | frozenset[str] = frozenset()
) -> tuple[list[CommitmentRecord], list[Problem]]:
    problems = missing_columns(header, REQUIRED)
    if problems:
        return [], problems
    records = [rec for row in rows if (rec := parse_commitment_row(row, problems)) is not None]
    return check_commitments(records, problems, known_refs, any_rows=bool(rows))


def check_commitments(
    records: list[CommitmentRecord],
    problems: list[Problem],
    known_refs: set[str] | frozenset[str] = frozenset(),
    *,
    any_rows: bool,
) -> tuple[list[CommitmentRecord], list[Problem]]:
    """Once every row is parsed (``parse_commitment_row``, its problems in
    ``problems``): the rules across rows, and the problems in file order."""
    check_across_rows(records, problems, known_refs)
    problems.sort(key=lambda p: p.line or 0)
    if not any_rows and not problems:
        problems.append(Problem(None, None, None, _("the file has a header but no commitments")))
    return records, problems


def read_commitments(path: str | Path, known_refs: set[str] | frozenset[str] = frozenset()):
    """Read and validate a commitments CSV/XLSX: ``(records, problems)``."""
    header, rows, problems = read_table(path, HEADER_ALIASES, sheet="Commitments")
    if problems:
        return [], problems
    return parse_commitments(header, rows, known_refs)
