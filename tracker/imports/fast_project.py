"""``funding-tracker project FILE``: yearly committed totals of a commitments file.

Two paths give the same answer:

* the **fast path** reads the CSV with pyarrow's multi-threaded reader and
  validates whole columns at once. Low-cardinality columns (kind, first_year,
  years, announced_on, ...) are read dictionary-encoded, so each distinct value
  is checked once by the same scalar parsers the importer uses. Plain amounts
  (``12345.67``) are converted to pence straight from the column's bytes with
  integer numpy arithmetic. Rows that are not plain (``£1m``, profiled,
  uplifted, re-announcements, "next financial year") go through the scalar row
  parser; they are expected to be few.
* the **general path** (``read_commitments``) parses every row in Python. It
  runs whenever the fast path meets anything it does not handle itself (a
  Windows-1252 file, a quoted newline, an XLSX file) and always when there is a
  problem, so error messages, with their line numbers, come from one place.

Neither path imports SQLAlchemy, Streamlit, Plotly or pandas.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from tracker.core.projection import CommitmentColumns, columns_from_records, yearly_committed
from tracker.core.vocabulary import CAPITAL_OR_REVENUE, STATUSES
from tracker.files.tabular import Problem, Row, normalise_header
from tracker.imports.fast_columns import (
    all_start_with_text,
    has_duplicates,
    index_array,
    lengths,
    plain_pence,
    within_limits,
)
from tracker.records.commitment_checks import check_across_rows
from tracker.records.commitment_rows import (
    _KIND_SPELLINGS,
    _QUALIFIER_SPELLINGS,
    HEADER_ALIASES,
    REQUIRED,
    TEXT_COLUMNS,
    parse_commitment_row,
    read_commitments,
)
from tracker.records.commitment_values import MAX_PENCE, choice, parse_uplift_bp, parse_years

# The fast path vouches for wave 1's files: these columns present (the general
# path reads files without them), and none of the later ones.
_FAST_COLUMNS = (*REQUIRED, "announced_on", "recipient", "first_year")
_SLOW_COLUMNS = (
    "part_of",
    "funder_id",
    "recipient_id",
    "currency",
    "planned_start",
    "planned_end",
    "spread",
    "areas",
)


class _NotFast(Exception):
    """The fast path cannot vouch for this file; use the general path."""


def project_file(path: str | Path) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """``(start_years, committed_pence, problems)`` for a commitments file."""
    path = Path(path)
    if path.suffix.lower() == ".csv" or path.suffix.lower() not in (".xlsx", ".xlsm"):
        try:
            years, totals = _fast(path)
            return years, totals, []
        except (_NotFast, UnicodeDecodeError):  # e.g. Windows-1252 text in a row left aside
            pass
    records, problems = read_commitments(path)
    if problems:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), problems
    years, totals = yearly_committed(columns_from_records(records))
    return years, totals, []


# --- the fast path ------------------------------------------------------------

_PLAIN_AMOUNT_MAX_CHARS = 16


def _fast(path: Path) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as handle:
        first_line = handle.readline()
    try:
        header_text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _NotFast from None
    if '"' in header_text:
        raise _NotFast
    raw_names = [name for name in header_text.rstrip("\r\n").split(",")]
    names = [normalise_header(n, HEADER_ALIASES) for n in raw_names]
    if len(set(names)) != len(names) or any(col not in names for col in _FAST_COLUMNS):
        raise _NotFast
    if any(col in names for col in _SLOW_COLUMNS):
        raise _NotFast  # shares, identifiers, places, spreads, currencies: the general path
    by_name = dict(zip(names, raw_names))

    dictionary = pa.dictionary(pa.int32(), pa.string())
    categorical = (
        "announced_on",
        "kind",
        "first_year",
        "years",
        "qualifier",
        "status",
        "capital_or_revenue",
        "uplift_pct",
    )
    text = ("amount", "profile", *TEXT_COLUMNS)
    wanted = [c for c in categorical + text if c in by_name]
    column_types = {by_name[c]: (dictionary if c in categorical else pa.string()) for c in wanted}
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                include_columns=[by_name[c] for c in wanted],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # Names and refs are only checked for blanks and duplicates;
                # the values that are parsed are checked when decoded below.
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        raise _NotFast from None
    n = table.num_rows
    if n == 0:
        raise _NotFast
    column = {c: table.column(by_name[c]) for c in wanted}
    # Amounts are the biggest job: convert them on the second core while this
    # thread checks the other columns (numpy releases the GIL in both).
    amounts = ThreadPoolExecutor(max_workers=1)
    pence_future = amounts.submit(plain_pence, column["amount"])
    try:
        return _checked_totals(table, by_name, wanted, column, pence_future, n)
    finally:
        amounts.shutdown(wait=True)


def _checked_totals(table, by_name, wanted, column, pence_future, n) -> tuple[np.ndarray, np.ndarray]:
    """Validate every column of the table read by ``_fast``, then project."""

    def values(name: str) -> tuple[list[str], np.ndarray]:
        """Distinct values of a dictionary column and each row's index into them."""
        if name not in column:
            return [""], np.zeros(n, np.int32)
        chunked = column[name]
        unified = chunked.unify_dictionaries() if chunked.num_chunks > 1 else chunked
        chunks = unified.chunks
        # The indices straight from the buffer (to_numpy() would import pandas).
        index = np.concatenate(
            [np.frombuffer(c.buffers()[1], dtype=np.int32)[c.offset : c.offset + len(c)] for c in chunks]
        )
        try:
            return chunks[0].dictionary.to_pylist(), index
        except UnicodeDecodeError:  # not UTF-8: the general path reads Windows-1252
            raise _NotFast from None

    def parsed(name: str, parse, missing: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Each distinct value parsed once to an int: ``(per_distinct, row_index)``.

        ``missing`` marks a value the fast path cannot vouch for. Every
        distinct value occurs in some row (the reader builds dictionaries
        from the data), so checking ``per_distinct`` checks every row.
        """
        distinct, index = values(name)
        results = []
        for value in distinct:
            try:
                results.append(parse(value))
            except ValueError:
                results.append(missing)
        return np.array(results, dtype=np.int64), index

    def all_valid(name: str, parse) -> bool:
        return bool((parsed(name, parse)[0] >= 0).all())

    def per_row(name: str, parse, missing: int = -1) -> np.ndarray:
        table_, index = parsed(name, parse, missing)
        return table_[index]

    # Text that must be present: empty, or starting with a space (which might
    # be all there is), sends us to the general path; so does a ref with a
    # space or apostrophe at either end, which the importer would strip.
    if not all_start_with_text(column["ref"], both_ends=True):
        raise _NotFast
    for name in ("funder", "recipient", "purpose"):
        if not all_start_with_text(column[name]):
            raise _NotFast
    # Text the row parser would refuse (too long, hidden characters, a bad
    # ref or web address) is left to it, so the problem is worded in one place.
    for name in TEXT_COLUMNS:
        if name in column and not within_limits(column[name], name):
            raise _NotFast

    from tracker.core.fiscal import FiscalError, parse_date, parse_financial_year

    def _date(text):
        try:
            return parse_date(text).toordinal()
        except FiscalError:
            raise ValueError from None

    def _fy(text):
        try:
            return parse_financial_year(text).start_year
        except FiscalError:
            raise ValueError from None

    def _in(allowed: dict[str, str], blank_ok: bool):
        """Code of an allowed choice (1, 2, ...); 0 for blank where allowed."""
        codes = {value: i + 1 for i, value in enumerate(dict.fromkeys(allowed.values()))}

        def check(text):
            if not text.strip() and blank_ok:
                return 0
            chosen = choice(text, allowed)
            if chosen is None:
                raise ValueError
            return codes[chosen]

        return check, codes

    if not all_valid("announced_on", _date):
        raise _NotFast
    for name, allowed in (
        ("qualifier", _QUALIFIER_SPELLINGS),
        ("status", {s: s for s in STATUSES}),
        ("capital_or_revenue", {s: s for s in CAPITAL_OR_REVENUE}),
    ):
        if not all_valid(name, _in(allowed, True)[0]):
            raise _NotFast

    kind_check, kind_codes = _in(_KIND_SPELLINGS, False)
    kind = per_row("kind", kind_check)
    if (kind < 0).any():
        raise _NotFast
    years = per_row("years", lambda t: parse_years(t) if t.strip() else 0)
    if (years < 0).any():
        raise _NotFast
    first_year = per_row("first_year", _fy)  # -1: relative or bad -> row parser
    uplift_table, uplift_index = parsed("uplift_pct", parse_uplift_bp, missing=np.iinfo(np.int64).min)
    if (uplift_table == np.iinfo(np.int64).min).any():
        raise _NotFast
    no_uplift = (uplift_table == 0)[uplift_index]

    is_one_off = kind == kind_codes["one-off"]
    is_recurring = kind == kind_codes["recurring"]
    if (is_one_off & (years > 1)).any() or (is_recurring & (years == 0)).any():
        raise _NotFast  # the general path words these problems
    years = np.where(years == 0, 1, years)

    pence, plain_amount = pence_future.result()
    plain = plain_amount & (is_one_off | is_recurring) & (first_year >= 0) & no_uplift
    if "reannounces" in column and (lengths(column["reannounces"]) != 0).any():
        raise _NotFast  # re-announcements at a changed amount move money between rows
    for name in ("profile", "announcement_ref"):
        if name in column:
            plain &= lengths(column[name]) == 0
    if (plain & (pence <= 0)).any() or (plain & (pence > MAX_PENCE)).any():
        raise _NotFast

    if has_duplicates(column["ref"]):
        raise _NotFast

    if plain.all():  # the usual case: no copies
        columns = CommitmentColumns.build(start_year=first_year, years=years, amount=pence)
    else:
        plain_idx = np.flatnonzero(plain)
        columns = CommitmentColumns.build(
            start_year=first_year[plain_idx], years=years[plain_idx], amount=pence[plain_idx]
        )
    other_idx = np.flatnonzero(~plain)
    if len(other_idx):
        columns = _with_other_rows(columns, table, by_name, wanted, other_idx, column)
    return yearly_committed(columns)


def _with_other_rows(columns, table, by_name, wanted, other_idx, column) -> CommitmentColumns:
    """Parse the rows the fast path left aside with the scalar row parser."""

    subset = table.take(index_array(other_idx))
    cells = {c: [("" if v is None else str(v)) for v in subset.column(by_name[c]).to_pylist()] for c in wanted}
    problems: list[Problem] = []
    records = []
    for i, row_index in enumerate(other_idx):
        # Without quoted newlines or blank lines (the reader refused those),
        # data row i is on file line i + 2.
        row = Row(int(row_index) + 2, {c: cells[c][i] for c in wanted})
        rec = parse_commitment_row(row, problems)
        if rec is not None:
            records.append(rec)
    check_across_rows(records, problems)
    if problems:
        raise _NotFast
    extra = columns_from_records(records)  # no row refers to another (see above)
    return CommitmentColumns.build(
        start_year=np.concatenate([columns.start_year, extra.start_year]),
        years=np.concatenate([columns.years, extra.years]),
        amount=np.concatenate([columns.amount, extra.amount]),
        uplift_bp=np.concatenate([columns.uplift_bp, extra.uplift_bp]),
        profiled=np.concatenate([columns.profiled, extra.profiled]),
        profile_row=extra.profile_row + len(columns),
        profile_year=extra.profile_year,
        profile_amount=extra.profile_amount,
        phased=np.concatenate([columns.phased, extra.phased]),
        estimated=np.concatenate([columns.estimated, extra.estimated]),
        earlier=np.concatenate([columns.earlier, extra.earlier]),
    )
