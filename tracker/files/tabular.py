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
result Excel never saved, and dates with a two-digit year.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tracker.core.fiscal import FiscalError, parse_date

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
        place = f"line {self.line}" if self.line is not None else "file"
        if self.column is None:
            return f"{place}: {self.expected}"
        if self.value is None:
            return f"{place}: {self.column}: {self.expected}"
        return f"{place}: {self.column} {self.value!r}: {self.expected}"


class DataError(Exception):
    """Input with problems; nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Row:
    line: int
    cells: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def normalise_header(name: str, aliases: dict[str, str] | None = None) -> str:
    """``"Amount (£)"`` -> ``amount``, ``"No. of years"`` -> ``no_of_years``, then the aliases.

    Case, spaces, punctuation and the pound sign are dropped: every run of
    characters other than letters and digits becomes one ``_``.
    """
    key = name.replace("\ufeff", "").strip().lower()
    key = key.replace("£", " ")
    key = re.sub(r"[\W_]+", "_", key).strip("_")
    return (aliases or {}).get(key, key)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 as Excel writes it.

    UTF-16 with its BOM (Excel's "Unicode text") is read too.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _clean_cell(value: str) -> str:
    return _PROTECTED.sub("", value)


def _rows_from_records(
    records: list[tuple[int, list[str]]], aliases: dict[str, str] | None
) -> tuple[list[str], list[Row], list[Problem]]:
    problems: list[Problem] = []
    # Blank rows above the header (a sheet that starts lower down) are skipped.
    while records and not any(v.strip() for v in records[0][1]):
        records = records[1:]
    if not records:
        return [], [], [Problem(None, None, None, "the file is empty: expected a header row")]
    header_line, raw_header = records[0]
    header = [normalise_header(h, aliases) for h in raw_header]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(header_line, name, None, "this column appears twice in the header"))
        seen.add(name)
    rows: list[Row] = []
    for line, values in records[1:]:
        if not any(v.strip() for v in values):
            continue  # blank rows (Excel leaves them at the end) mean nothing
        if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
            problems.append(
                Problem(line, None, None, f"has {len(values)} cells but the header has {len(header)} columns")
            )
            continue
        cells = {name: _clean_cell(values[i]) if i < len(values) else "" for i, name in enumerate(header) if name}
        rows.append(Row(line, cells))
    return header, rows, problems


def read_csv_text(text: str, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    next_line = 1
    try:
        for values in reader:
            records.append((next_line, values))
            next_line = reader.line_num + 1
    except csv.Error as err:
        return [], [], [Problem(next_line, None, None, f"is not valid CSV ({err})")]
    separator = _other_separator(records)
    if separator:
        return [], [], [Problem(records[0][0], None, None,
                                f"the columns are separated by {separator}, not commas: save the file as "
                                "'CSV UTF-8 (comma delimited)' and upload it again")]
    return _rows_from_records(records, aliases)


def _other_separator(records: list[tuple[int, list[str]]]) -> str | None:
    """Semicolons or tabs in a header that has no commas: a CSV from a
    continental Excel (where ``1.000,50`` may mean a thousand pounds) or a
    tab-separated export. Refused rather than guessed."""
    header = next((values for _, values in records if any(v.strip() for v in values)), None)
    if header is None or len(header) != 1:
        return None
    if ";" in header[0]:
        return "semicolons"
    if "\t" in header[0]:
        return "tabs"
    return None


def _xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # The shortest text that reads back as the same float: 1234.56 stays
        # 1234.56, and a whole number loses its ".0".
        text = repr(value)
        return str(int(value)) if value.is_integer() else format(Decimal(text), "f")
    return str(value)


# An XLSX is a zip of XML parts; a small file can unpack to gigabytes.
MAX_XLSX_UNPACKED_BYTES = 500 * 1024 * 1024


def _xlsx_problem(expected: str) -> tuple[list[str], list[Row], list[Problem]]:
    return [], [], [Problem(None, None, None, expected)]


def read_xlsx_bytes(data: bytes, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    """The first sheet of an XLSX workbook as ``(header, rows, problems)``.

    A formula cell is read as the result Excel saved with it. A formula
    with no saved result (a file written by a program, never opened and saved
    in Excel) is refused: its value is not in the file.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [info for info in archive.infolist()
                      if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")]
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                return _xlsx_problem("could not be read as an XLSX workbook: it unpacks to more than 500 MB")
            # Only a workbook with formulas needs the second, slower read.
            has_formulas = any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(info)) for info in sheets)
    except Exception as err:  # zipfile raises several kinds for a damaged file
        return _xlsx_problem(f"could not be read as an XLSX workbook ({_reason(err)})")
    try:
        records = _xlsx_records(data, data_only=True)
        formulas = _xlsx_formulas(data) if has_formulas else {}
    except Exception as err:  # openpyxl raises many kinds for a bad file
        return _xlsx_problem(f"could not be read as an XLSX workbook ({_reason(err)})")
    if records is None:
        return _xlsx_problem("the workbook has no sheets")
    header, rows, problems = _rows_from_records(records, aliases)
    unsaved = {
        (line, column): text
        for (line, column), text in formulas.items()
        if line - 1 < len(records) and column < len(records[line - 1][1]) and records[line - 1][1][column] == ""
    }
    if unsaved:
        for (line, column), text in sorted(unsaved.items()):
            name = header[column] if column < len(header) and header[column] else _column_letter(column)
            problems.append(Problem(line, name, text, "is a formula whose result was never saved in the file: "
                                    "open the file in Excel and save it again, or paste the values"))
        bad_lines = {line for line, _ in unsaved}
        rows = [row for row in rows if row.line not in bad_lines]
    return header, rows, problems


def _reason(err: Exception) -> str:
    return str(err) or type(err).__name__


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"column {get_column_letter(index + 1)}"


def _xlsx_records(data: bytes, *, data_only: bool) -> list[tuple[int, list[str]]] | None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            return None
        sheet = workbook.worksheets[0]
        return [
            (row_number, [_xlsx_cell_text(v) for v in values])
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _xlsx_formulas(data: bytes) -> dict[tuple[int, int], str]:
    """``(sheet row, column index) -> formula`` for the first sheet's formula cells."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = {}
        for row_number, cells in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    found[(row_number, index)] = str(cell.value)
        return found
    finally:
        workbook.close()


def read_xlsx(path: Path, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    return read_xlsx_bytes(Path(path).read_bytes(), aliases)


_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx


def read_table_bytes(
    data: bytes, filename: str = "", aliases: dict[str, str] | None = None
) -> tuple[list[str], list[Row], list[Problem]]:
    """Read an uploaded CSV or XLSX file into ``(header, rows, problems)``.

    The bytes decide: a zip is an XLSX workbook, anything else must be CSV
    text. Never raises for bad data.
    """
    suffix = Path(filename).suffix.lower()
    if not data:
        return [], [], [Problem(None, None, None, "the file is empty: expected a header row")]
    if data.startswith(_ZIP):
        return read_xlsx_bytes(data, aliases)
    if data.startswith(_OLE2):
        return [], [], [Problem(None, None, None, "is an old Excel .xls workbook or a password-protected one: "
                                "save it as .xlsx or CSV (without a password) and upload it again")]
    if suffix in (".xlsx", ".xlsm"):
        return [], [], [Problem(None, None, None, f"is named {suffix} but is not an Excel workbook: "
                                "save it from Excel as .xlsx or CSV and upload it again")]
    text = decode_text(data)
    if _looks_binary(text):
        return [], [], [Problem(None, None, None, "is not a CSV text file (it contains binary data): "
                                "expected CSV or XLSX")]
    return read_csv_text(text, aliases)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:8192]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def read_table(path: str | Path, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    """Read a CSV or XLSX file into ``(header, rows, problems)``."""
    path = Path(path)
    return read_table_bytes(path.read_bytes(), path.name, aliases)


# --- dates as files write them ----------------------------------------------------

_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(?::00(?:\.0+)?)?$")
EARLIEST_DATE = date(1900, 4, 1)  # the first day of the first financial year we hold
LATEST_DATE = date(2999, 12, 31)


def parse_file_date(text: str) -> date:
    """``parse_date`` for a file's cell, with the messages a file needs.

    ``10/09/19`` is refused (which century?), ``2019-10-31 00:00:00`` (a date
    a program wrote with its midnight) is read as the date, and a date must
    fall in a financial year the tracker can hold (from 1 April 1900, before 3000).
    """
    cleaned = str(text).strip()
    if _TWO_DIGIT_YEAR.match(cleaned):
        raise FiscalError(cleaned, "a two-digit year is ambiguous: write the year in full, e.g. 10/09/2019")
    midnight = _MIDNIGHT.match(cleaned)
    day = parse_date(midnight[1] if midnight else cleaned)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise FiscalError(cleaned, "expected a date between 1 April 1900 and 31 December 2999")
    return day


def missing_columns(header: list[str], required: tuple[str, ...], line: int = 1) -> list[Problem]:
    return [
        Problem(line, name, None, "required column is missing from the header")
        for name in required
        if name not in header
    ]
