"""Reading the CSV and XLSX files people actually have.

Real files carry a byte-order mark, Windows-1252 pound signs from Excel,
header names in any case, blank trailing rows and cells an earlier export
protected with a leading apostrophe. This module turns a file into
``(header, rows)`` where each row knows the line a person would look at:
the file's own line number for CSV (header = line 1) and the sheet row for
XLSX. Parsers then report problems as ``line 4: amount '£1.2.3m': expected ...``
and keep going, so one report lists every bad row (beancount's style).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

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
    key = name.replace("\ufeff", "").strip().lower()
    key = re.sub(r"[\s\-]+", "_", key)
    key = key.replace("(£)", "").replace("£", "").strip("_")
    return (aliases or {}).get(key, key)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 as Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
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
    return _rows_from_records(records, aliases)


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


def read_xlsx(path: Path, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a bad file
        return [], [], [Problem(None, None, None, f"could not be read as an XLSX workbook ({err})")]
    try:
        sheet = workbook.worksheets[0]
        records = [
            (row_number, [_xlsx_cell_text(v) for v in values])
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return _rows_from_records(records, aliases)


def read_table(path: str | Path, aliases: dict[str, str] | None = None) -> tuple[list[str], list[Row], list[Problem]]:
    """Read a CSV or XLSX file into ``(header, rows, problems)``."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, aliases)
    return read_csv_text(decode_text(path.read_bytes()), aliases)


def missing_columns(header: list[str], required: tuple[str, ...], line: int = 1) -> list[Problem]:
    return [
        Problem(line, name, None, "required column is missing from the header")
        for name in required
        if name not in header
    ]
