"""Finance exports: a ``tracker.files.table.Table`` as CSV or XLSX, safe to open in Excel.

CSV: UTF-8 without a BOM, LF line endings, a header row of the table's
column names (as in every CSV this project reads or writes), money as plain
pounds with two decimals (``1500000.00``, ``-250.00``), percentages as a
percentage with one decimal (``92.5``), dates ISO. A field is quoted only
when it holds a comma, a double quote, CR or LF.

XLSX: one sheet per table, then an About sheet. Headings are the table's
titles in bold, frozen; money cells are numbers holding the exact pounds
(``Decimal`` from ``tracker.core.money.to_decimal``) formatted
``£#,##0.00;[Red]-£#,##0.00``; percentages ``0.0%``; dates ``yyyy-mm-dd``;
a total row is bold and written as numbers (openpyxl stores no cached value
for a formula, so ``=SUM()`` would show as blank in many readers; the Finance
page's workbook, ``tracker.files.workbook``, is written with XlsxWriter, which
saves a formula's result, and keeps its totals as formulas). Excel keeps 15
significant digits, so amounts are exact up to £9,999,999,999,999.99.

Injection (OWASP "CSV Injection"): a TEXT cell that starts with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading ``'``, so a spreadsheet
shows it as text instead of running it. Numbers are never text, so a money
cell's ``-250.00`` is left alone. The commitments and deliveries importers
remove that ``'`` again (``tracker.files.tabular``), so an exported file
imports to the same text; text that itself begins with ``'`` and one of those
characters (``'=x``) gets a second ``'`` for the importer to remove.

An XLSX is written in the language in use: its About sheet's name, and each
table's headings and the tracker's words in its cells (``Table.titles`` and
``Table.words``, made in that language). A CSV is the same in every language:
its header is the column names and its cells the frame's, so it re-imports
whichever language wrote it.

In XLSX a carriage return becomes a line feed (XML reads both as a line
break; Excel shows them alike), and the control characters that XML cannot
hold at all (below U+0020 other than tab, LF and CR) are dropped.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

import pandas as pd

from tracker.core.money import format_pounds, plain_pounds, to_decimal
from tracker.files.table import Table
from tracker.i18n import _

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "£#,##0.00;[Red]-£#,##0.00"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
_NEEDS_QUOTES = re.compile(r'[",\r\n]')
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_INVALID = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 10, 60


def neutralise(text: str) -> str:
    """``'`` before text a spreadsheet would run as a formula: ``=1+1`` -> ``'=1+1``.

    Text that already begins with ``'`` and one of those characters (or a
    second ``'``) gets one too, so the importer, which removes exactly one,
    gives back what was written.
    """
    if text.startswith(TRIGGERS) or (text.startswith("'") and text[1:2] in (*TRIGGERS, "'", "\n")):
        return "'" + text
    return text


def is_blank(value: object) -> bool:
    """None, NaN, pd.NA and NaT: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)  # numpy float64 is a float


def _percent_text(ratio: float) -> str:
    """A ratio as a percentage with one decimal, rounded half-up: 0.9256 -> ``92.6``."""
    return str((Decimal(ratio) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _plain_value(value: object) -> str:
    """A non-money, non-percent cell as CSV text (text is neutralised)."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return neutralise(str(value))


def _csv_field(text: str) -> str:
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _columns(table: Table) -> tuple[list[str], set[str], set[str]]:
    return list(table.frame.columns), set(table.money_columns), set(table.percent_columns)


def to_csv_bytes(table: Table) -> bytes:
    """The table as CSV bytes (see the module docstring for the format)."""
    columns, money, percent = _columns(table)
    lines = [",".join(_csv_field(neutralise(c)) for c in columns)]
    for row in table.frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(columns, row):
            if column in money:
                cells.append("" if value is pd.NA or value is None else plain_pounds(value))  # refuses floats
            elif column in percent:
                cells.append("" if is_blank(value) else _percent_text(float(value)))
            else:
                cells.append(_csv_field(_plain_value(value)))
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- XLSX --------------------------------------------------------------------


def xlsx_text(text: str) -> str:
    text = neutralise(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def sheet_title(title: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\``,
    no apostrophe at either end, not Excel's reserved ``History``."""
    name = _SHEET_INVALID.sub(" ", title).strip().strip("'").strip() or "Sheet"
    if name.casefold() == "history":
        name = "History table"
    name = name[:31].rstrip()
    taken_folded = {t.casefold() for t in taken}
    candidate, n = name, 2
    while candidate.casefold() in taken_folded:
        suffix = f" ({n})"
        candidate = name[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    return candidate


def display_width(value: object, kind: str) -> int:
    if kind == "money":  # a money column holds integer pence (Table checks it)
        return len(format_pounds(int(cast(int, value)), always_pence=True)) + 1
    if kind == "percent":
        return 7
    if isinstance(value, (date, datetime)):
        return 10
    text = "" if is_blank(value) else str(value)
    return max((len(line) for line in text.split("\n")), default=0)


def _write_table(sheet, table: Table) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    columns, money, percent = _columns(table)
    kinds = ["money" if c in money else "percent" if c in percent else "plain" for c in columns]
    widths = [len(str(table.titles[c])) for c in columns]
    words = [table.words.get(c) for c in columns]  # the tracker's own words in cells, as people read them

    for j, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=j)
        _set_text(cell, str(table.titles[column]))
        cell.font = bold

    last = len(table.frame) + 1
    for i, row in enumerate(table.frame.itertuples(index=False, name=None), start=2):
        is_total = table.total_row and i == last
        for j, (value, kind) in enumerate(zip(row, kinds), start=1):
            cell = sheet.cell(row=i, column=j)
            if kind == "money":
                if not (value is pd.NA or value is None):
                    cell.value = to_decimal(value)  # exact pounds; refuses floats
                    cell.number_format = MONEY_FORMAT
            elif kind == "percent":
                if not is_blank(value):
                    cell.value = float(value)  # a ratio for display, not money
                    cell.number_format = PERCENT_FORMAT
            else:
                said = words[j - 1]
                if said and isinstance(value, str):
                    value = said.get(value, value)
                _set_plain(cell, value)
            if is_total:
                cell.font = bold
            if not is_blank(value):
                widths[j - 1] = max(widths[j - 1], display_width(value, kind))

    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    body_end = last - 1 if table.total_row else last
    if columns and body_end >= 2:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{body_end}"


def _set_text(cell, text: str) -> None:
    cell.value = xlsx_text(text)
    # openpyxl makes "=..." a formula and "#N/A" an error; neutralised text
    # never starts with "=", and anything else not plain text is forced to be.
    if cell.data_type != "s":
        cell.data_type = "s"


def _set_plain(cell, value: object) -> None:
    if is_blank(value):
        return
    if isinstance(value, str):
        _set_text(cell, value)
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        _set_text(cell, "yes" if value else "no")
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value = value
    else:
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
            cell.value = value
        else:
            _set_text(cell, str(value))


def _write_about(sheet, about: Mapping[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    sheet.column_dimensions["A"].width = max([len(str(k)) + 2 for k in about] + [MIN_WIDTH + 6])
    sheet.column_dimensions["B"].width = min(max([len(str(v)) + 2 for v in about.values()] + [MIN_WIDTH]), 100)
    for i, (key, value) in enumerate(about.items(), start=1):
        key_cell = sheet.cell(row=i, column=1)
        _set_text(key_cell, str(key))
        key_cell.font = bold
        value_cell = sheet.cell(row=i, column=2)
        _set_text(value_cell, str(value))
        value_cell.alignment = Alignment(wrap_text=True, vertical="top")
        key_cell.alignment = Alignment(vertical="top")


def to_xlsx_bytes(tables: list[Table], about: Mapping[str, str]) -> bytes:
    """A workbook: one sheet per table (in order), then ``About`` listing ``about``,
    in the language in use.

    The first sheet is the first table, so a commitments export is read back
    by ``read_commitments`` (which reads the first sheet).
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: list[str] = []
    for table in tables:
        title = sheet_title(table.title, taken)
        taken.append(title)
        _write_table(workbook.create_sheet(title), table)
    about_sheet = workbook.create_sheet(sheet_title(_("About"), taken))
    _write_about(about_sheet, about)
    workbook.properties.creator = "funding-tracker"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
