"""``funding-tracker project FILE``: yearly committed totals of a commitments file.

Two paths give the same answer:

* the **fast path** reads the CSV with pyarrow's streaming reader, one piece
  of the file per core (the file is memory-mapped, so nothing is copied
  before it is parsed), and validates each batch of rows with whole-column
  numpy and pyarrow operations as it comes: memory stays small whatever the
  file's size. Dates written ``YYYY-MM-DD`` are read as dates by the reader
  itself; other low-cardinality columns (kind, first_year, years, status,
  ...) are read dictionary-encoded, so each distinct value is checked once by
  the same scalar parsers the importer uses. Plain amounts
  (``12345.67``) are converted to pence straight from the column's bytes with
  integer numpy arithmetic. Plain rows are summed per (first year, years) as
  they are read: the engine's input is one row per combination, not one per
  commitment. Rows that are not plain (``£1m``, profiled, uplifted,
  "next financial year") go through the scalar row parser; they are expected
  to be few.
* the **general path** (``read_commitments``) parses every row in Python. It
  runs whenever the fast path meets anything it does not handle itself (a
  Windows-1252 file, a quoted newline, an XLSX file) and always when there is a
  problem, so error messages, with their line numbers, come from one place.

Neither path imports SQLAlchemy, Streamlit, Plotly or pandas.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from tracker.core.projection import CommitmentColumns, columns_from_records, yearly_committed
from tracker.core.vocabulary import CAPITAL_OR_REVENUE, STATUSES
from tracker.files.tabular import Problem, Row, normalise_header
from tracker.imports.fast_columns import (
    all_empty,
    exact_sums,
    has_duplicates,
    index_array,
    join_keys,
    keys_ascend,
    keys_repeat,
    lengths,
    plain_pence,
    ref_keys,
    text_ok,
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
from tracker.records.commitment_values import MAX_PENCE, MAX_YEARS, choice, parse_uplift_bp, parse_years

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

# The streaming reader's unit of work: a batch of rows is checked with a few
# dozen numpy calls, so batches of some thousands of rows keep Python's share
# small, and one batch's columns stay in the processor's caches.
_BLOCK_SIZE = 2 << 20
# A file is read in one piece per core (at most this many), each piece at
# least this big.
_MOST_PIECES = 8
_SMALLEST_PIECE = 4 << 20

# Read dictionary-encoded: each distinct value is parsed once (dates too,
# when the reader cannot read them all as dates).
_CATEGORICAL = (
    "announced_on",
    "kind",
    "first_year",
    "years",
    "qualifier",
    "status",
    "capital_or_revenue",
    "uplift_pct",
)
# Text that must be present: empty, or starting with a space (which might
# be all there is), sends us to the general path; so does a ref with a
# space or apostrophe at either end, which the importer would strip.
_REQUIRED_TEXT = ("ref", "funder", "recipient", "purpose")
# Checked once, when the whole file has been read: only whether every value
# is valid matters, not which rows hold which.
_CHECKED_AT_END = ("announced_on", "qualifier", "status", "capital_or_revenue")

# Plain rows' money, summed per (first year, years): cell
# (start year - 1900) * 51 + years, for the years FinancialYear allows.
_FIRST_START, _LAST_START = 1900, 2999
_YEAR_SPAN = MAX_YEARS + 1
_CELLS = (_LAST_START - _FIRST_START + 1) * _YEAR_SPAN
# A batch's (first year, years, kind) combinations are numbered from the
# distinct spellings it holds; past this many, from the distinct values.
_MOST_CELLS = 1 << 20

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MISSING = np.iinfo(np.int64).min


def _date(text: str) -> int:
    from tracker.core.fiscal import FiscalError, parse_date

    if _ISO_DAY.fullmatch(text):  # the usual spelling: no need for the general parser
        return date.fromisoformat(text).toordinal()  # ValueError for no such day, as parse_date
    try:
        return parse_date(text).toordinal()
    except FiscalError:
        raise ValueError from None


def _start_year(text: str) -> int:
    from tracker.core.fiscal import FiscalError, parse_financial_year

    try:
        return parse_financial_year(text).start_year
    except FiscalError:
        raise ValueError from None


def _choice_codes(allowed: dict[str, str], blank_ok: bool) -> tuple[Callable[[str], int], dict[str, int]]:
    """A parser giving the code of an allowed choice (1, 2, ...; 0 for blank
    where allowed), and the codes."""
    codes = {value: i + 1 for i, value in enumerate(dict.fromkeys(allowed.values()))}

    def check(text: str) -> int:
        if not text.strip() and blank_ok:
            return 0
        chosen = choice(text, allowed)
        if chosen is None:
            raise ValueError
        return codes[chosen]

    return check, codes


_KIND, _KIND_CODES = _choice_codes(_KIND_SPELLINGS, False)
_ONE_OFF, _RECURRING = _KIND_CODES["one-off"], _KIND_CODES["recurring"]
_AT_END_PARSERS: dict[str, Callable[[str], int]] = {
    "announced_on": _date,
    "qualifier": _choice_codes(_QUALIFIER_SPELLINGS, True)[0],
    "status": _choice_codes({s: s for s in STATUSES}, True)[0],
    "capital_or_revenue": _choice_codes({s: s for s in CAPITAL_OR_REVENUE}, True)[0],
}


def _years(text: str) -> int:
    return parse_years(text) if text.strip() else 0


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
    text = ("amount", "profile", *TEXT_COLUMNS)
    wanted = [c for c in _CATEGORICAL + text if c in by_name]
    # Dates are first read as dates by the reader itself, which takes only
    # real days written YYYY-MM-DD (as the importer does, spaces aside); any
    # other spelling fails the read, which is then made again with the dates
    # as text, each distinct one parsed as the importer parses it.
    for dates_as_days in (True, False) if "announced_on" in by_name else (False,):
        types = {by_name[c]: (dictionary if c in _CATEGORICAL else pa.string()) for c in wanted}
        if dates_as_days:
            types[by_name["announced_on"]] = pa.date32()
        options = {
            "memory_pool": _memory_pool(),
            "read_options": pacsv.ReadOptions(use_threads=False, block_size=_BLOCK_SIZE, column_names=raw_names),
            "parse_options": pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            "convert_options": pacsv.ConvertOptions(
                column_types=types,
                include_columns=[by_name[c] for c in wanted],
                null_values=[""],  # a blank date is null (and sends the file to the general path)
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # Names and refs are only checked for blanks and duplicates;
                # the values that are parsed are checked when decoded below.
                check_utf8=False,
            ),
        }
        pieces = _read(path, len(first_line), by_name, wanted, options)
        errors = [piece.error for piece in pieces if piece.error is not None]
        if not errors:
            return _totals(pieces, by_name, wanted)
        if not all(isinstance(error, _Unreadable) for error in errors):
            raise next(error for error in errors if not isinstance(error, _Unreadable))
    raise _NotFast


class _Unreadable(_NotFast):
    """The reader refused the file as it was asked to read it."""


def _read(path: Path, header_length: int, by_name: dict[str, str], wanted: list[str], options: dict) -> list[_Piece]:
    """Every piece of the file read and checked, each on a thread of its own."""
    import pyarrow as pa

    source = pa.memory_map(str(path))
    try:
        body = source.read_buffer().slice(header_length)
        stop = threading.Event()
        pieces = [_Piece(part, by_name, wanted, options, stop) for part in _split(body)]
        threads = [threading.Thread(target=piece.run, daemon=True) for piece in pieces[1:]]
        for thread in threads:
            thread.start()
        pieces[0].run()
        for thread in threads:
            thread.join()
    finally:
        source.close()
    return pieces


def _memory_pool():
    """jemalloc where pyarrow has it: it keeps the memory of batches already
    checked for the next ones, where the default pool (mimalloc) may hand it
    back to the system and fault it in again (much of this path's system
    time, and most of its variation from run to run)."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _split(body) -> list:
    """The file's rows in one piece per core, each ending at a line end."""
    if len(body) < 2 * _SMALLEST_PIECE:
        return [body]
    count = min(_cores(), _MOST_PIECES, len(body) // _SMALLEST_PIECE)
    text = np.frombuffer(body, dtype=np.uint8)
    cuts = [0]
    for k in range(1, count):
        start = max(len(text) * k // count, cuts[-1])
        ends = np.flatnonzero(text[start : start + (1 << 20)] == ord("\n"))
        if not len(ends):
            break  # a line of a megabyte: leave the rest in one piece
        cuts.append(start + int(ends[0]) + 1)
    cuts.append(len(text))
    return [body.slice(a, b - a) for a, b in itertools.pairwise(cuts) if b > a]


class _Piece:
    """One piece of the file, read and checked batch by batch (``run``, on a
    thread of its own but the first): what each plain row adds to each
    (first year, years) cell, the refs, the columns checked at the end and
    the rows left to the row parser."""

    def __init__(self, data, by_name: dict[str, str], wanted: list[str], options: dict, stop: threading.Event):
        self.data, self.by_name, self.wanted, self.options, self.stop = data, by_name, wanted, options, stop
        self.rows = 0
        self.counts = np.zeros(_CELLS, np.int64)
        self.sums = np.zeros(_CELLS, np.int64)
        self.refs: list = []
        self.ref_keys: list[tuple[np.ndarray, np.ndarray | None]] = []
        self.long_refs = False
        self.refs_ascend = True  # within each batch
        self.at_end: dict[str, list] = {name: [] for name in _CHECKED_AT_END if name in by_name}
        self.left_aside: list[tuple[int, dict[str, str]]] = []  # (row in this piece, cells)
        self.parsed: dict[str, dict[str, int]] = {name: {} for name in ("kind", "years", "first_year", "uplift_pct")}
        self.position: dict[str, int] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        try:
            reader = pacsv.open_csv(pa.BufferReader(self.data), **self.options)
            while not self.stop.is_set():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                self._add(batch)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            self.error = _Unreadable()
            self.stop.set()
        except (UnicodeDecodeError, _NotFast):
            self.error = _NotFast()
            self.stop.set()
        except BaseException as err:  # handed to the caller
            self.error = err
            self.stop.set()

    def _values(self, batch_column, name: str, parse, missing: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Each distinct value of a batch's dictionary column parsed to an int
        (``missing`` where it cannot be), and each row's index into them."""
        if batch_column is None:
            return np.array([parse("")], np.int64), np.zeros((), np.int32)
        memo = self.parsed[name]
        try:
            distinct = batch_column.dictionary.to_pylist()
        except UnicodeDecodeError:  # not UTF-8: the general path reads Windows-1252
            raise _NotFast from None
        table = np.empty(len(distinct), np.int64)
        for i, value in enumerate(distinct):
            code = memo.get(value)
            if code is None:
                try:
                    code = parse(value)
                except ValueError:
                    code = missing
                memo[value] = code
            table[i] = code
        indices = batch_column.indices
        index = np.frombuffer(indices.buffers()[1], np.int32)[indices.offset : indices.offset + len(indices)]
        return table, index

    def _add(self, batch) -> None:
        n = batch.num_rows
        if n == 0:
            return
        if not self.position:
            self.position = {c: batch.schema.get_field_index(self.by_name[c]) for c in self.wanted}
        column = {c: batch.column(i) for c, i in self.position.items()}

        # Text the row parser would refuse (too long, hidden characters, a bad
        # ref or web address) is left to it, so the problem is worded in one place.
        for name in dict.fromkeys((*_REQUIRED_TEXT, *TEXT_COLUMNS)):
            if name in column and not text_ok(
                column[name], name, required=name in _REQUIRED_TEXT, both_ends=name == "ref"
            ):
                raise _NotFast
        if "reannounces" in column and not all_empty(column["reannounces"]):
            raise _NotFast  # re-announcements at a changed amount move money between rows
        if "announced_on" in column and column["announced_on"].null_count:
            raise _NotFast  # a blank date
        for name, arrays in self.at_end.items():
            if name != "announced_on" or not _is_date(column[name]):
                arrays.append(column[name])
        keys = ref_keys(column["ref"])
        if keys is None:  # long refs: hashed when the whole file has been read
            self.long_refs = True
        else:
            self.ref_keys.append(keys)
            self.refs_ascend = self.refs_ascend and keys_ascend(*keys)
        self.refs.append(column["ref"])

        kind_table, kind_index = self._values(column["kind"], "kind", _KIND)
        years_table, years_index = self._values(column.get("years"), "years", _years)
        start_table, start_index = self._values(column["first_year"], "first_year", _start_year)  # -1: relative or bad
        uplift_table, uplift_index = self._values(column.get("uplift_pct"), "uplift_pct", parse_uplift_bp, _MISSING)
        if (kind_table < 0).any() or (years_table < 0).any() or (uplift_table == _MISSING).any():
            raise _NotFast

        # Each row's (first year, years, kind) as one small number, a cell of
        # this batch: the checks and sums below work on the cells that occur.
        parts = [(start_table, start_index), (years_table, years_index), (kind_table, kind_index)]
        if len(start_table) * len(years_table) * len(kind_table) > _MOST_CELLS:  # many spellings
            parts = [_by_value(table, index) for table, index in parts]
        (start_table, start_index), (years_table, years_index), (kind_table, kind_index) = parts
        per_start = len(years_table) * len(kind_table)
        cells = len(start_table) * per_start
        cell = start_index.astype(np.intp)  # bincount's index type: no conversion in the two calls below
        cell *= per_start
        cell += years_index * len(kind_table)
        cell += kind_index
        count = np.bincount(cell, minlength=cells)
        occurs = np.flatnonzero(count)
        start = start_table[occurs // per_start]
        years = years_table[occurs // len(kind_table) % len(years_table)]
        kind = kind_table[occurs % len(kind_table)]
        is_one_off, is_recurring = kind == _ONE_OFF, kind == _RECURRING
        if (is_one_off & (years > 1)).any() or (is_recurring & (years == 0)).any():
            raise _NotFast  # the general path words these problems
        plain_cell = (is_one_off | is_recurring) & (start >= 0)

        pence, plain_amount = plain_pence(column["amount"])
        without = [column[name] for name in ("profile", "announcement_ref") if name in column]
        if plain_cell.all() and (uplift_table == 0).all() and plain_amount.all() and all(map(all_empty, without)):
            plain_rows = None  # the usual case: every row, no copies
        else:
            plain_by_cell = np.zeros(cells, bool)
            plain_by_cell[occurs] = plain_cell
            plain_rows = plain_amount & plain_by_cell[cell] & (uplift_table == 0)[uplift_index]
            for other_column in without:
                plain_rows &= lengths(other_column) == 0
            self._leave_aside(batch, np.flatnonzero(~plain_rows))
            cell, pence = cell[plain_rows], pence[plain_rows]
            count = np.bincount(cell, minlength=cells)
            occurs = np.flatnonzero(count)
        most = int(pence.max()) if len(pence) else 0
        if len(pence) and (pence.min() <= 0 or most > MAX_PENCE):
            raise _NotFast

        # Add this batch's money to the (first year, years) cells.
        into = (start_table[occurs // per_start] - _FIRST_START) * _YEAR_SPAN
        into += years_table[occurs // len(kind_table) % len(years_table)]
        np.add.at(self.counts, into, count[occurs])
        np.add.at(self.sums, into, exact_sums(cell, pence, cells, most)[occurs])
        self.rows += n

    def _leave_aside(self, batch, rows: np.ndarray) -> None:
        """Keep the cells of rows the row parser is to read."""
        if not len(rows):
            return
        subset = batch.take(index_array(rows))
        cells = {
            c: [("" if v is None else str(v)) for v in subset.column(i).to_pylist()] for c, i in self.position.items()
        }
        for i, row in enumerate(rows):
            self.left_aside.append((self.rows + int(row), {c: cells[c][i] for c in self.wanted}))


def _totals(pieces: list[_Piece], by_name: dict[str, str], wanted: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The checks that need the whole file, then the engine's yearly totals."""
    import pyarrow as pa

    if not sum(piece.rows for piece in pieces):
        raise _NotFast
    for name, parse in _AT_END_PARSERS.items():
        arrays = [a for piece in pieces for a in piece.at_end.get(name, ())]
        if not arrays:  # not in the file, or read as dates
            continue
        chunked = pa.chunked_array(arrays)
        unified = chunked.unify_dictionaries() if chunked.num_chunks > 1 else chunked
        try:
            distinct = unified.chunks[0].dictionary.to_pylist()
        except UnicodeDecodeError:  # not UTF-8: the general path reads Windows-1252
            raise _NotFast from None
        for value in distinct:
            try:
                if parse(value) < 0:
                    raise _NotFast
            except ValueError:
                raise _NotFast from None
    if any(piece.long_refs for piece in pieces):
        repeated = has_duplicates(pa.chunked_array([a for piece in pieces for a in piece.refs]))
    else:
        batches = [keys for piece in pieces for keys in piece.ref_keys]
        # Refs ascending within each batch and from each batch to the next
        # (as files are usually written) repeat none; otherwise look at all.
        ends = [
            (int(f[0]), int(s[0]) if s is not None else 0, int(f[-1]), int(s[-1]) if s is not None else 0)
            for f, s in batches
            if len(f)
        ]
        ascending = all(piece.refs_ascend for piece in pieces) and all(
            (a[2], a[3]) < (b[0], b[1]) for a, b in itertools.pairwise(ends)
        )
        repeated = not ascending and keys_repeat(*join_keys(batches))
    if repeated:
        raise _NotFast

    counts = np.sum([piece.counts for piece in pieces], axis=0)
    sums = np.sum([piece.sums for piece in pieces], axis=0)
    kept = np.flatnonzero(counts)
    columns = CommitmentColumns.build(
        start_year=kept // _YEAR_SPAN + _FIRST_START,
        years=np.maximum(kept % _YEAR_SPAN, 1),
        amount=sums[kept],
    )
    rows: list[Row] = []
    before = 0
    for piece in pieces:
        # Without quoted newlines or blank lines (the reader refused those),
        # data row i is on file line i + 2.
        rows += [Row(before + row + 2, cells) for row, cells in piece.left_aside]
        before += piece.rows
    if rows:
        columns = _with_other_rows(columns, rows)
    return yearly_committed(columns)


def _is_date(array) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_date32(array.type))


def _by_value(table: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same column with one code per parsed value rather than per spelling."""
    distinct_values, code = np.unique(table, return_inverse=True)
    return distinct_values, code.reshape(-1)[index]


def _with_other_rows(columns: CommitmentColumns, rows: list[Row]) -> CommitmentColumns:
    """Parse the rows the fast path left aside with the scalar row parser."""
    problems: list[Problem] = []
    records = []
    for row in rows:
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
