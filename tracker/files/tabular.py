"""Reading the CSV and XLSX files people actually have.

Real files carry a byte-order mark, Windows-1252 pound signs from Excel,
header names in any case, blank trailing rows and cells an earlier export
protected with a leading apostrophe. This module turns a file into
``(header, rows)`` where each row knows the line a person would look at:
the file's own line number for CSV (header = line 1) and the sheet row for
XLSX. Parsers then report problems as ``line 4: amount '£1.2.3m': expected ...``
and keep going, so one report lists every bad row (beancount's style).

``read_table_bytes`` reads an upload (the dashboard's import) the same way
``read_table`` reads a file, deciding CSV or XLSX by the bytes themselves
(an XLSX is a zip) before the name. What it refuses rather than guesses: a
file separated by semicolons or tabs (the amounts in such files often use
decimal commas), binary data, an old ``.xls`` workbook, a formula whose
result Excel never saved, dates with a two-digit year, and bytes that are
neither UTF-8 nor Windows-1252 (never replaced with a stand-in character).

Files are streamed, and a file past a limit of ``tracker.files.limits`` (rows,
columns, characters in a cell, what a workbook unpacks to) is refused with
one problem naming the limit, as soon as the reader meets it. A workbook is
read by ``tracker.files.xlsx``; ``sheet=`` names the sheet wanted (e.g.
"Commitments"), and the ``Table`` returned says which sheet was read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, TextIO

from tracker.core.fiscal import FiscalError, parse_date
from tracker.files import limits
from tracker.files.headings import in_english
from tracker.i18n import N_, _

# Cells an export neutralised with a leading apostrophe (OWASP CSV injection
# guidance) get it removed again on import.
_PROTECTED = re.compile(r"^'(?=['=+\-@\t\r\n])")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, said as a person would look for it."""

    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        """``line 4: amount '£1.2.3m': expected ...``, in the language in use (the CLI's: English)."""
        expected = _(self.expected) if self.expected else ""  # a catalogued constant said here; a built one is
        if self.line is None:
            if self.column is None:
                return _("file: {expected}", expected=expected)
            if self.value is None:
                return _("file: {column}: {expected}", column=self.column, expected=expected)
            return _(
                "file: {column} {value}: {expected}", column=self.column, value=repr(self.value), expected=expected
            )
        if self.column is None:
            return _("line {line}: {expected}", line=self.line, expected=expected)
        if self.value is None:
            return _("line {line}: {column}: {expected}", line=self.line, column=self.column, expected=expected)
        return _(
            "line {line}: {column} {value}: {expected}",
            line=self.line,
            column=self.column,
            value=repr(self.value),
            expected=expected,
        )


class DataError(Exception):
    """Input with problems; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Row:
    """One row of data: its line in the file and its cells by column, as
    written; ``get`` reads a cell without the spaces around it (the cells
    stripped once, at the first read, not at each of a parser's reads)."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)
    _stripped: dict[str, str] | None = field(default=None, repr=False, compare=False)

    def get(self, column: str) -> str:
        if self._stripped is None:
            self._stripped = {name: value.strip() for name, value in self.cells.items()}
        return self._stripped.get(column, "")


# Given the header, what to make of each row as it is read (None: keep the
# ``Row``); whatever it returns is kept instead of the row (None: nothing), so
# a large file is never held as rows (a parser keeps only its records).
RowTaker = Callable[[list[str]], Callable[[Row], object] | None]


def normalise_header(name: str, aliases: dict[str, str] | None = None) -> str:
    """``"Amount (£)"`` -> ``amount``, ``"No. of years"`` -> ``no_of_years``, then the aliases.

    Case, spaces, punctuation and the pound sign are dropped: every run of
    characters other than letters and digits becomes one ``_``. A heading the
    tracker writes in Welsh is read as its English first (``"Swm (£)"`` ->
    ``amount``: ``tracker.files.headings``), so a workbook written in Welsh
    imports again.
    """
    key = in_english(name.replace("\ufeff", "").strip()).lower()
    key = key.replace("£", " ")
    key = re.sub(r"[\W_]+", "_", key).strip("_")
    return (aliases or {}).get(key, key)


class Table(tuple):
    """``(header, rows, problems)``, as the readers have always returned, and
    ``sheet``: the name of the sheet read from a workbook (None for CSV)."""

    sheet: str | None

    def __new__(cls, header: list[str], rows: list[Row], problems: list[Problem], sheet: str | None = None):
        table = super().__new__(cls, (header, rows, problems))
        table.sheet = sheet
        return table

    header = property(lambda self: self[0])
    rows = property(lambda self: self[1])
    problems = property(lambda self: self[2])


class _Refused(Exception):
    """Reading stopped: the one problem to report instead of the file's rows."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _refused(problem: Problem) -> Table:
    return Table([], [], [problem])


def _clean_cell(value: str) -> str:
    return _PROTECTED.sub("", value) if value.startswith("'") else value


def _rows_from_records(
    records: Iterable[tuple[int, list[str], dict[int, str] | None]],
    aliases: dict[str, str] | None,
    *,
    sheet: str | None = None,
    take: RowTaker | None = None,
) -> Table:
    """Rows from a stream of ``(line, values, unsaved formulas)``, held as ``Row``s only
    (or as what ``take`` makes of each, once the header is known).

    The first record holding a value is the header. A CSV row with a value
    beyond the header is set aside with a problem; a sheet's cells under no
    heading are ignored (as they always were). Raises ``_Refused`` past
    ``limits.MAX_ROWS`` rows of data."""
    problems: list[Problem] = []
    unsaved: list[Problem] = []
    header: list[str] | None = None
    rows: list = []
    convert: Callable[[Row], object] | None = None
    named: list[tuple[int, str]] = []  # (position, name) of each column with a name
    every_column_named = False
    first_line, data_rows, is_csv = None, 0, sheet is None
    for line, values, formulas in records:
        if formulas:
            for column, text in sorted(formulas.items()):
                name = header[column] if header and column < len(header) and header[column] else _column_letter(column)
                unsaved.append(
                    Problem(
                        line,
                        name,
                        text,
                        _(
                            "is a formula whose result was never saved in the file: "
                            "open the file in Excel and save it again, or paste the values"
                        ),
                    )
                )
        first_line = line if first_line is None else first_line
        joined = "".join(values)
        if not joined.strip():
            continue  # blank rows (above the header, or Excel's at the end) mean nothing
        if header is None:
            if is_csv and (separated := _other_separator(values)):
                raise _Refused(Problem(first_line, None, None, separated))
            header = [normalise_header(h, aliases) for h in values]
            seen: set[str] = set()
            for name in header:
                if name and name in seen:
                    problems.append(Problem(line, name, None, _("this column appears twice in the header")))
                seen.add(name)
            convert = take(header) if take is not None else None
            named = [(i, name) for i, name in enumerate(header) if name]
            every_column_named = len(named) == len(header)
            continue
        data_rows += 1
        if data_rows > limits.MAX_ROWS:
            raise _Refused(
                Problem(
                    line,
                    None,
                    None,
                    _(
                        "the file has more than {most} rows of data: at most {most} rows can be imported from one "
                        "file (split it)",
                        most=format(limits.MAX_ROWS, ","),
                    ),
                )
            )
        if is_csv and len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.append(
                Problem(
                    line,
                    None,
                    None,
                    _("has {cells} cells but the header has {columns} columns", cells=len(values), columns=len(header)),
                )
            )
            continue
        if formulas:
            continue
        if "'" in joined:  # a cell may start with the apostrophe that keeps text as text
            cells = {name: _clean_cell(values[i]) if i < len(values) else "" for i, name in named}
        elif every_column_named and len(values) >= len(header):  # the usual row, in one step
            cells = dict(zip(header, values))
        else:
            cells = {name: values[i] if i < len(values) else "" for i, name in named}
        if convert is None:
            rows.append(Row(line, cells))
        elif (kept := convert(Row(line, cells))) is not None:
            rows.append(kept)
    if header is None:
        return Table([], [], [Problem(None, None, None, _(EMPTY_FILE)), *unsaved], sheet)
    return Table(header, rows, problems + sorted(unsaved, key=lambda p: p.line or 0), sheet)


def _other_separator(header: list[str]) -> str | None:
    """Semicolons or tabs in a header that has no commas: a CSV from a
    continental Excel (where ``1.000,50`` may mean a thousand pounds) or a
    tab-separated export. Refused rather than guessed: what to say, or None."""
    if len(header) != 1:
        return None
    if ";" in header[0]:
        return _(
            "the columns are separated by semicolons, not commas: save the file as "
            "'CSV UTF-8 (comma delimited)' and upload it again"
        )
    if "\t" in header[0]:
        return _(
            "the columns are separated by tabs, not commas: save the file as "
            "'CSV UTF-8 (comma delimited)' and upload it again"
        )
    return None


# --- CSV ---------------------------------------------------------------------------


def read_csv_text(text: str, aliases: dict[str, str] | None = None) -> Table:
    return _read_csv_stream(io.StringIO(text, newline=""), aliases)


def _read_csv_stream(stream: TextIO, aliases: dict[str, str] | None, take: RowTaker | None = None) -> Table:
    try:
        return _rows_from_records(_csv_records(stream), aliases, take=take)
    except _Refused as refused:
        return _refused(refused.problem)


def _csv_problem(line: int, reason: str) -> _Refused:
    return _Refused(Problem(line, None, None, _("is not valid CSV ({reason})", reason=reason)))


def _csv_records(stream: TextIO) -> Iterator[tuple[int, list[str], None]]:
    """The file's records with the line each starts on, checked against the limits
    as they are read: no line, cell or row is held past its limit."""
    longest, lines_read = limits.MAX_CSV_LINE_CHARS, [0]

    def lines() -> Iterator[str]:
        while line := stream.readline(longest + 1):
            lines_read[0] += 1
            if len(line) > longest and line[-1] not in "\r\n":
                raise _csv_problem(
                    lines_read[0],
                    _(
                        "the line is longer than {longest} characters: at most {cells} cells of {most} characters",
                        longest=format(longest, ","),
                        cells=limits.MAX_COLUMNS,
                        most=format(limits.MAX_FIELD_CHARS, ","),
                    ),
                )
            yield line

    reader = csv.reader(lines())
    next_line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            reason = str(err)
            if "field larger than field limit" in reason:
                reason = _field_too_long()
            raise _csv_problem(next_line, reason) from None
        if values and max(map(len, values)) > limits.MAX_FIELD_CHARS:
            raise _csv_problem(next_line, _field_too_long())
        if len(values) > limits.MAX_COLUMNS and any(v.strip() for v in values[limits.MAX_COLUMNS :]):
            used = max(i for i, v in enumerate(values) if v.strip()) + 1
            raise _Refused(
                Problem(
                    next_line,
                    None,
                    None,
                    _("has {cells} cells: at most {most} columns can be imported", cells=used, most=limits.MAX_COLUMNS),
                )
            )
        yield next_line, values, None
        next_line = reader.line_num + 1


EMPTY_FILE = N_("the file is empty: expected a header row")


def _field_too_long() -> str:
    return _(
        "a cell is longer than {most} characters, the most one cell may hold, or a quote is not closed",
        most=format(limits.MAX_FIELD_CHARS, ","),
    )


def _scan(open_bytes: Callable[[], BinaryIO], encoding: str) -> tuple[int | None, int] | None:
    """One pass over the bytes: the ``(line, byte)`` of the first byte
    ``encoding`` cannot read (None if all can). A NUL is a character like any
    other here: the row parsers refuse it in a value, naming its row and column."""
    decoder = codecs.getincrementaldecoder(encoding)()
    wide = encoding == "utf-16"  # lines are counted in bytes for the others
    line = 1
    with open_bytes() as stream:
        while True:
            chunk = stream.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                # err.object is this chunk, after any bytes of a character the last one began
                return (None if wide else line + err.object[: err.start].count(b"\n"), err.object[err.start])
            line += chunk.count(b"\n")
            if not chunk:
                return None


def _csv_encoding(open_bytes: Callable[[], BinaryIO], start: bytes) -> tuple[str, Problem | None]:
    """How CSV bytes are read: UTF-8 (with or without a BOM), else Windows-1252
    as Excel writes it, or UTF-16 with its BOM (Excel's "Unicode text"); or the
    problem that stops them being read as text."""
    if start.startswith(b"\xef\xbb\xbf"):
        encoding, what = (
            "utf-8-sig",
            N_("byte 0x{byte} is not UTF-8, though the file starts with the UTF-8 byte-order mark"),
        )
    elif start.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, what = (
            "utf-16",
            N_("byte 0x{byte} is not UTF-16, though the file starts with the UTF-16 byte-order mark"),
        )
    else:
        encoding, what = "utf-8", N_("byte 0x{byte} is not a character in UTF-8 or Windows-1252")
    with open_bytes() as stream:  # binary junk first: its bytes would also fail as text
        if encoding != "utf-16" and _looks_binary(stream.read(8192).decode("latin-1")):
            return encoding, _binary()
    bad = _scan(open_bytes, encoding)
    if bad and encoding == "utf-8":
        encoding = "cp1252"
        bad = _scan(open_bytes, encoding)
    if bad:
        return encoding, Problem(bad[0], None, None, _(what, byte=format(bad[1], "02X")))
    with io.TextIOWrapper(open_bytes(), encoding=encoding, newline="") as text:
        if _looks_binary(text.read(8192)):
            return encoding, _binary()
    return encoding, None


def _read_csv_bytes(
    open_bytes: Callable[[], BinaryIO], start: bytes, aliases: dict[str, str] | None, take: RowTaker | None = None
) -> Table:
    """CSV text (``_csv_encoding``), streamed."""
    encoding, problem = _csv_encoding(open_bytes, start)
    if problem is not None:
        return _refused(problem)
    with io.TextIOWrapper(open_bytes(), encoding=encoding, newline="") as text:
        return _read_csv_stream(text, aliases, take)


def csv_text(data: bytes) -> str:
    """CSV bytes as text, read as every CSV reader here reads them (a small
    file, held whole); ``DataError`` says why they cannot be."""
    encoding, problem = _csv_encoding(lambda: io.BytesIO(data), data[:8])
    if not data or problem is not None:
        raise DataError([problem or Problem(None, None, None, _(EMPTY_FILE))])
    return data.decode(encoding)


def _binary() -> Problem:
    return Problem(None, None, None, _("is not a CSV text file (it contains binary data): expected CSV or XLSX"))


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(sample: str) -> bool:
    """Many control characters, or a tenth of a short file: not text. A stray one
    (a NUL pasted into a cell) is left for the row parsers to name by row and column."""
    found = len(_CONTROL.findall(sample))
    return found > max(8, len(sample) // 100) or found * 10 > len(sample)


# --- XLSX --------------------------------------------------------------------------


def _read_xlsx(
    source: bytes | Path, aliases: dict[str, str] | None, sheet: str | None, take: RowTaker | None = None
) -> Table:
    """A workbook's sheet as a ``Table``. A formula cell is read as the result
    Excel saved with it; a formula with no saved result (a file a program
    wrote, never opened and saved in Excel) is a problem: its value is not in
    the file. Never raises for bad data."""
    from tracker.files import xlsx, xlsx_parts

    try:
        with xlsx.open_sheet(source, sheet) as found:
            if found is None:
                return _refused(Problem(None, None, None, _("the workbook has no sheets")))
            return _rows_from_records(found.records, aliases, sheet=found.name, take=take)
    except _Refused as refused:
        return _refused(refused.problem)
    except xlsx.XlsxError as err:
        return _refused(Problem(err.line, None, None, err.expected))
    except Exception as err:  # zipfile, zlib and expat raise many kinds for a damaged file
        return _refused(
            Problem(
                None, None, None, _("could not be read as an XLSX workbook ({reason})", reason=xlsx_parts.damage(err))
            )
        )


def read_xlsx_bytes(data: bytes, aliases: dict[str, str] | None = None, *, sheet: str | None = None) -> Table:
    """The sheet ``sheet`` (else the first) of an XLSX workbook as ``(header, rows, problems)``."""
    return _read_xlsx(data, aliases, sheet)


def read_xlsx(path: Path, aliases: dict[str, str] | None = None, *, sheet: str | None = None) -> Table:
    return _read_xlsx(Path(path), aliases, sheet)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return _("column {letter}", letter=get_column_letter(index + 1))


# --- either --------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx


def _read_any(
    source: bytes | Path,
    filename: str,
    aliases: dict[str, str] | None,
    sheet: str | None,
    take: RowTaker | None = None,
) -> Table:
    def open_bytes() -> BinaryIO:
        return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")

    with open_bytes() as stream:
        start = stream.read(len(_OLE2))
    suffix = Path(filename).suffix.lower()
    if not start:
        return _refused(Problem(None, None, None, _(EMPTY_FILE)))
    if start.startswith(_ZIP):
        return _read_xlsx(source, aliases, sheet, take)
    if start.startswith(_OLE2):
        return _refused(
            Problem(
                None,
                None,
                None,
                _(
                    "is an old Excel .xls workbook or a password-protected one: "
                    "save it as .xlsx or CSV (without a password) and upload it again"
                ),
            )
        )
    if suffix in (".xlsx", ".xlsm"):
        return _refused(
            Problem(
                None,
                None,
                None,
                _(
                    "is named {suffix} but is not an Excel workbook: "
                    "save it from Excel as .xlsx or CSV and upload it again",
                    suffix=suffix,
                ),
            )
        )
    return _read_csv_bytes(open_bytes, start, aliases, take)


def read_table_bytes(
    data: bytes,
    filename: str = "",
    aliases: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
    take: RowTaker | None = None,
) -> Table:
    """Read an uploaded CSV or XLSX file into ``(header, rows, problems)``.

    The bytes decide: a zip is an XLSX workbook, anything else must be CSV
    text. ``sheet`` names the workbook's sheet to read (e.g. "Commitments").
    Never raises for bad data. ``take``: see ``RowTaker``.
    """
    return _read_any(data, filename, aliases, sheet, take)


def read_table(
    path: str | Path, aliases: dict[str, str] | None = None, *, sheet: str | None = None, take: RowTaker | None = None
) -> Table:
    """Read a CSV or XLSX file into ``(header, rows, problems)``, streaming it from disk."""
    path = Path(path)
    return _read_any(path, path.name, aliases, sheet, take)


# --- dates as files write them ----------------------------------------------------

_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(?::00(?:\.0+)?)?$")
EARLIEST_DATE = date(1900, 4, 1)  # the first day of the first financial year we hold
LATEST_DATE = date(2999, 12, 31)


def parse_file_date(text: str) -> date:
    """``read_file_date``, remembered for the texts seen last: a file of a
    million rows holds a few thousand different dates."""
    return _read_file_date(text) if isinstance(text, str) else read_file_date(text)


@lru_cache(maxsize=8192)
def _read_file_date(text: str) -> date:
    return read_file_date(text)


def read_file_date(text: str) -> date:
    """``parse_date`` for a file's cell, with the messages a file needs.

    ``10/09/19`` is refused (which century?), ``2019-10-31 00:00:00`` (a date
    a program wrote with its midnight) is read as the date, and a date must
    fall in a financial year the tracker can hold (from 1 April 1900, before 3000).
    """
    cleaned = str(text).strip()
    if _TWO_DIGIT_YEAR.match(cleaned):
        raise FiscalError(cleaned, _("a two-digit year is ambiguous: write the year in full, e.g. 10/09/2019"))
    midnight = _MIDNIGHT.match(cleaned)
    day = parse_date(midnight[1] if midnight else cleaned)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise FiscalError(cleaned, _("expected a date between 1 April 1900 and 31 December 2999"))
    return day


def missing_columns(header: list[str], required: tuple[str, ...], line: int = 1) -> list[Problem]:
    return [
        Problem(line, name, None, _("required column is missing from the header"))
        for name in required
        if name not in header
    ]
