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

from tracker.records.commitment_rows import (
    HEADER_ALIASES,
    MAX_PENCE,
    REQUIRED,
    _KIND_SPELLINGS,
    _QUALIFIER_SPELLINGS,
    TEXT_COLUMNS,
    _choice,
    check_across_rows,
    parse_commitment_row,
    parse_uplift_bp,
    parse_years,
    read_commitments,
)
from tracker.core import limits
from tracker.core.vocabulary import CAPITAL_OR_REVENUE, STATUSES
from tracker.files.tabular import Problem, Row, normalise_header
from tracker.core.projection import CommitmentColumns, columns_from_records, yearly_new_money


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
    years, totals = yearly_new_money(columns_from_records(records))
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
    if len(set(names)) != len(names) or any(col not in names for col in REQUIRED):
        raise _NotFast
    by_name = dict(zip(names, raw_names))

    dictionary = pa.dictionary(pa.int32(), pa.string())
    categorical = ("announced_on", "kind", "first_year", "years", "qualifier", "status",
                   "capital_or_revenue", "uplift_pct")
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
    pence_future = amounts.submit(_plain_pence, column["amount"])
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
    if not _all_start_with_text(column["ref"], both_ends=True):
        raise _NotFast
    for name in ("funder", "recipient", "purpose"):
        if not _all_start_with_text(column[name]):
            raise _NotFast
    # Text the row parser would refuse (too long, hidden characters, a bad
    # ref or web address) is left to it, so the problem is worded in one place.
    for name in TEXT_COLUMNS:
        if name in column and not _within_limits(column[name], name):
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
        codes = {choice: i + 1 for i, choice in enumerate(dict.fromkeys(allowed.values()))}

        def check(text):
            if not text.strip() and blank_ok:
                return 0
            choice = _choice(text, allowed)
            if choice is None:
                raise ValueError
            return codes[choice]
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
    plain = (
        plain_amount
        & (is_one_off | is_recurring)
        & (first_year >= 0)
        & no_uplift
    )
    for name in ("reannounces", "profile", "announcement_ref"):
        if name in column:
            plain &= _lengths(column[name]) == 0
    if (plain & (pence <= 0)).any() or (plain & (pence > MAX_PENCE)).any():
        raise _NotFast

    if _has_duplicates(column["ref"]):
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
    return yearly_new_money(columns)


def _with_other_rows(columns, table, by_name, wanted, other_idx, column) -> CommitmentColumns:
    """Parse the rows the fast path left aside with the scalar row parser."""
    import pyarrow.compute as pc

    subset = table.take(_index_array(other_idx))
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
    targets = {r.reannounces for r in records if r.reannounces}
    known = set()
    if targets:
        found = pc.is_in(column["ref"], value_set=_string_array(sorted(targets)))
        known = set(pc.filter(column["ref"], found).to_pylist())
    check_across_rows(records, problems, known_refs=known)
    if problems:
        raise _NotFast
    # A re-announcement's target must not be in a loop with it; targets that
    # are plain rows cannot re-announce anything, so the check above suffices.
    extra = columns_from_records(records)
    return CommitmentColumns.build(
        start_year=np.concatenate([columns.start_year, extra.start_year]),
        years=np.concatenate([columns.years, extra.years]),
        amount=np.concatenate([columns.amount, extra.amount]),
        uplift_bp=np.concatenate([columns.uplift_bp, extra.uplift_bp]),
        is_new=np.concatenate([columns.is_new, extra.is_new]),
        profiled=np.concatenate([columns.profiled, extra.profiled]),
        profile_row=extra.profile_row + len(columns),
        profile_year=extra.profile_year,
        profile_amount=extra.profile_amount,
    )


# pyarrow's pa.array() looks for pandas on first use, and importing pandas
# costs more than the whole projection: build small arrays from buffers.


def _index_array(index: np.ndarray):
    import pyarrow as pa

    index = np.ascontiguousarray(index, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(index), [None, pa.py_buffer(index.tobytes())])


def _string_array(texts: list[str]):
    import pyarrow as pa

    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(encoded))]
    )


def _string_buffers(chunked):
    """(offsets, data) numpy views of each chunk of a pyarrow string column."""
    for chunk in chunked.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
        data_buffer = chunk.buffers()[2]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
        yield offsets, data


# Bytes that may begin a space (ASCII, or the lead byte of a Unicode space)
# or an export's protective apostrophe: the general path strips those, so a
# string starting or ending with one is left to it.
_EDGE = np.zeros(256, bool)
_EDGE[[9, 10, 11, 12, 13, 32, 0x27, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_TRAILING = np.zeros(256, bool)
_TRAILING[[9, 10, 11, 12, 13, 32, 0x80, 0x81, 0x85, 0x80 | 0x28, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F, 0x8B]] = True


def _all_start_with_text(chunked, both_ends: bool = False) -> bool:
    """Every string is non-empty and starts (and with ``both_ends`` ends)
    with neither a space nor an apostrophe."""
    for offsets, data in _string_buffers(chunked):
        if len(offsets) < 2:
            continue
        if (offsets[1:] == offsets[:-1]).any() or _EDGE[data[offsets[:-1]]].any():
            return False
        if both_ends and _TRAILING[data[offsets[1:] - 1]].any():
            return False
    return True


# Control bytes in ASCII and Windows-1252 alike (tab, LF, CR allowed); bytes a ref may hold.
_CONTROL_BYTE = np.isin(np.arange(256), [*range(0, 9), 11, 12, *range(14, 32), 127])
_REF_FIRST_BYTE = np.isin(np.arange(256), list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
_REF_BYTE = _REF_FIRST_BYTE | np.isin(np.arange(256), list(b"-_./:"))


def _within_limits(chunked, name: str) -> bool:
    """Whether every value of text column ``name`` surely passes ``limits.check_field``.

    Over-cautious: bytes are counted as characters, and any UTF-8 that might be
    a C1 control (U+0080-U+009F), a direction control (U+202A-U+202E,
    U+2066-U+2069) or a surrogate (any 0xED byte) counts. A false alarm only
    sends the file to the general path, which decides exactly."""
    for offsets, data in _string_buffers(chunked):
        lengths = np.diff(offsets)
        text = data[offsets[0] : offsets[-1]] if len(lengths) else data[:0]
        first, second, third = text[:-2], text[1:-1], text[2:]
        if ((lengths > limits.LIMITS[name]).any() or _CONTROL_BYTE[text].any() or (text == 0xED).any()
                or ((text[:-1] == 0xC2) & (text[1:] >= 0x80) & (text[1:] <= 0x9F)).any()
                or ((first == 0xE2) & (((second == 0x80) & (third >= 0xAA) & (third <= 0xAE))
                                       | ((second == 0x81) & (third >= 0xA6) & (third <= 0xA9)))).any()):
            return False
        if name in limits.REF_FIELDS and not (
                _REF_BYTE[text].all() and _REF_FIRST_BYTE[data[offsets[:-1][lengths > 0]]].all()):
            return False
    if name in limits.WEB_ADDRESS_FIELDS:
        import pyarrow.compute as pc

        try:
            addresses = pc.unique(chunked).to_pylist()
        except UnicodeDecodeError:
            return False
        return not any(limits.check_web_address(name, a.strip()) for a in addresses if a.strip())
    return True


def _lengths(chunked) -> np.ndarray:
    return np.concatenate([np.diff(offsets) for offsets, _ in _string_buffers(chunked)])


_POWERS_OF_TEN = 10 ** np.arange(19, dtype=np.int64)


def _plain_pence(chunked) -> tuple[np.ndarray, np.ndarray]:
    """Pence of amounts written plainly (``^\\d+(\\.\\d{1,2})?$``) and which rows were.

    Works on the column's bytes, one pass per step over the whole buffer: each
    digit is worth ``digit * 10 ** (digits after it in its string)``; summing
    those per string gives the number without its point, and the count of
    digits after the point says whether to multiply by 1, 10 or 100.
    """
    pence_parts, ok_parts = [], []
    for offsets, data in _string_buffers(chunked):
        offsets = offsets.astype(np.int64)
        lengths = np.diff(offsets)
        pence = np.zeros(len(lengths), np.int64)
        ok = np.zeros(len(lengths), bool)
        filled = np.flatnonzero(lengths > 0)
        if len(filled):
            # Empty strings take no bytes, so the others still tile the buffer.
            starts = offsets[filled] - offsets[0]
            ends = starts + lengths[filled]
            text = data[offsets[0] : offsets[-1]]
            code = text - np.uint8(48)  # digits become 0-9; everything else wraps above 9
            is_digit = code < 10
            is_dot = text == 46
            seen = np.cumsum(is_digit, dtype=np.int32)
            after = np.repeat(seen[ends - 1], lengths[filled]) - seen  # digits after each byte
            worth = code.astype(np.int64) * _POWERS_OF_TEN[np.minimum(after, 18)]
            worth[~is_digit] = 0
            value = np.add.reduceat(worth, starts)
            # One more pass counts digits, dots and the digits after a dot,
            # packed into bit fields of one int64 (each count is below 256).
            packed = is_digit.astype(np.int64)
            packed[is_dot] = (1 << 8) | (after[is_dot].astype(np.int64) << 16)
            counts = np.add.reduceat(packed, starts)
            digits, dots, decimals = counts & 0xFF, (counts >> 8) & 0xFF, counts >> 16
            good = (
                (digits + dots == lengths[filled])
                & (dots <= 1)
                & (code[starts] < 10)  # starts with a digit
                & ((dots == 0) | ((decimals >= 1) & (decimals <= 2)))
                & (digits <= 15)
            )
            scale = np.where(dots == 0, 100, np.where(decimals == 1, 10, 1))
            pence[filled] = np.where(good, value * scale, 0)
            ok[filled] = good
        pence_parts.append(pence)
        ok_parts.append(ok)
    return np.concatenate(pence_parts), np.concatenate(ok_parts)


_FNV_PRIME = np.uint64(1099511628211)


def _short_keys(chunked) -> np.ndarray | None:
    """Refs of one length up to 8 bytes, each packed into a uint64 (exact, no
    hashing), or None when refs are longer or vary in length."""
    parts = []
    width = None
    for offsets, data in _string_buffers(chunked):
        lengths = np.diff(offsets)
        if len(lengths) == 0:
            continue
        if width is None:
            width = int(lengths[0])
        if width < 1 or width > 8 or (lengths != width).any():
            return None
        block = data[offsets[0] : offsets[-1]].reshape(-1, width)
        padded = np.zeros((len(block), 8), np.uint8)
        padded[:, :width] = block
        parts.append(padded.view(np.uint64).ravel())
    return np.concatenate(parts) if parts else None


def _has_duplicates(chunked) -> bool:
    """Whether any ref appears twice: a 64-bit hash of each padded string,
    sorted; equal hashes are confirmed by comparing the strings themselves."""
    exact = _short_keys(chunked)
    if exact is not None:
        keys = np.sort(exact)
        return bool((keys[1:] == keys[:-1]).any())
    hashes = []
    for offsets, data in _string_buffers(chunked):
        starts = offsets[:-1].astype(np.int64)
        lengths = offsets[1:] - offsets[:-1]
        padded = np.concatenate([data, np.zeros(1, np.uint8)])
        h = np.full(len(starts), np.uint64(14695981039346656037), np.uint64) ^ lengths.astype(np.uint64)
        width = int(lengths.max()) if len(lengths) else 0
        for j in range(width):
            inside = j < lengths
            byte = padded[np.where(inside, starts + j, len(data))].astype(np.uint64)
            h = (h ^ byte) * _FNV_PRIME
        hashes.append(h)
    all_hashes = np.concatenate(hashes)
    sorted_hashes = np.sort(all_hashes)
    if not (sorted_hashes[1:] == sorted_hashes[:-1]).any():
        return False
    order = np.argsort(all_hashes, kind="stable")
    sorted_hashes = all_hashes[order]
    same = np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1])
    suspects = np.unique(np.concatenate([order[same], order[same + 1]]))
    texts = chunked.take(_index_array(suspects)).to_pylist()
    # Distinct strings that merely share a hash are not duplicates.
    return len(set(texts)) != len(texts)
