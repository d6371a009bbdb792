"""The Finance workbook: every finance table in one XLSX that a finance team keeps.

Written with XlsxWriter, which saves a formula together with its result (openpyxl
cannot), so a total can be a formula that every reader shows and that stays right
when a figure is edited. ``tracker.files.exports`` still writes the single-table
XLSX of ``funding-tracker export`` with plain numbers, and every CSV.

Sheets, in order:

* ``Contents``: each sheet's name, linked to the sheet, what it holds and its rows.
* One sheet per table, as ``tracker.files.exports`` lays it out (bold headings,
  money in exact pounds formatted ``£#,##0.00``, text neutralised so it never
  runs as a formula, an auto-filter over the rows above any Total row), and:

  - a Total row's money cells are ``=SUM()`` of the rows above, saved with the
    total worked out in integer pence; a column whose rows do not add up to its
    total (money shared by several areas counts once in the Total row) keeps the
    figure, as does a total with no rows above it;
  - ``Table.row_total`` (a pivot's Total column) is ``=SUM()`` across the row,
    ``Table.running_totals`` (committed to date) are ``=`` the row above plus
    this row's figure (in a Total row: the column's total), ``Table.ratios``
    (% delivered) ``=IF(committed=0,"",delivered/committed)``. Each formula is
    written only where it gives the figure the tracker worked out (checked in
    pence), so a recalculation never changes a number;
  - the heading row and the first column (the row's name) frozen, columns as
    wide as their contents (10 to 60 characters), and for printing: landscape
    A4, one page wide, the heading row on every page, the sheet's name in the
    header and "Page n of m" in the footer.

* ``About``: what ``about`` says (as-at date, filters, source, what the money means).

The workbook is written in the language in use: its sheets' names, the
Contents and About sheets, the print header and footer, each table's headings
(``Table.titles``) and the tracker's own words in its cells (``Table.words``:
``Total``, ``unphased``). Formulas name no sheet, so they work in any language;
the Contents sheet links to each sheet by the name it was given.

Sheets are written row by row (XlsxWriter's ``constant_memory``), so a sheet of
100,000 rows is never held in memory; text is saved in the cells themselves
rather than in a shared table.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from tracker.core.money import format_pounds, to_decimal
from tracker.files.exports import (
    DATE_FORMAT,
    MAX_WIDTH,
    MIN_WIDTH,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    display_width,
    is_blank,
    sheet_title,
    xlsx_text,
)
from tracker.files.table import Table
from tracker.i18n import N_, _

CONTENTS = N_("Contents")
ABOUT = N_("About")
ABOUT_DESCRIPTION = N_("As-at date, filters, source and what the figures mean")


def _header() -> str:
    """The sheet's name on the left, the tracker's on the right (``&`` doubled: a code in a header)."""
    return '&L&"-,Bold"&A&R' + _("Funding tracker").replace("&", "&&")


def _footer() -> str:
    """``Page 2 of 5`` in the middle."""
    return "&C" + _("Page {page} of {pages}", page="&P", pages="&N")


def _cell(row: int, col: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col)


def _link_target(name: str) -> str:
    return "internal:'" + name.replace("'", "''") + "'!A1"


class _Formats:
    """The workbook's cell formats, made once: by kind, plain or bold (a Total row)."""

    def __init__(self, book) -> None:
        self.book = book
        self._made: dict[tuple[str, bool], object] = {}
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.key = book.add_format({"bold": True, "valign": "top"})

    def get(self, kind: str, bold: bool = False):
        made = self._made.get((kind, bold))
        if made is None:
            spec: dict[str, object] = {"bold": True} if bold else {}
            number = {"money": MONEY_FORMAT, "percent": PERCENT_FORMAT, "date": DATE_FORMAT}.get(kind)
            if kind == "datetime":
                number = "yyyy-mm-dd hh:mm"
            if number:
                spec["num_format"] = number
            made = self._made[(kind, bold)] = self.book.add_format(spec) if spec else None
        return made


def _money_width(values: pd.Series) -> int:
    """The widest money cell: the largest or the most negative amount, formatted."""
    present = values.dropna()
    if present.empty:
        return 0
    return max(len(format_pounds(int(v), always_pence=True)) + 1 for v in (present.max(), present.min()))


def _plain_width(values: pd.Series) -> int:
    """The widest cell of a column that is neither money nor percentages, measured
    once per different value and no further than the widest a column is made."""
    widest = 0
    for value in values.unique():
        if not is_blank(value):
            widest = max(widest, display_width(value, "plain"))
            if widest >= MAX_WIDTH:
                break
    return widest


def _plain(sheet, row: int, col: int, value: object, formats: _Formats, bold: bool) -> None:
    """A cell that is neither money nor a percentage: text (neutralised), a date, a number."""
    if isinstance(value, str):
        if value:
            sheet.write_string(row, col, xlsx_text(value), formats.get("text", bold))
    elif is_blank(value):
        return
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        sheet.write_string(row, col, "yes" if value else "no", formats.get("text", bold))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, formats.get("datetime", bold))
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.get("date", bold))
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, value, formats.get("number", bold))  # written as its exact digits
    else:
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if isinstance(value, (int, float)):
            sheet.write_number(row, col, value, formats.get("number", bold))
        else:
            sheet.write_string(row, col, xlsx_text(str(value)), formats.get("text", bold))


def _pence(value: object) -> int | None:
    return None if value is None or value is pd.NA else int(value)  # type: ignore[call-overload]


class _Sheet:
    """One table's sheet: which cells are formulas, worked out before a row is written."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = list(table.frame.columns)
        self.at = {c: j for j, c in enumerate(self.columns)}
        money, percent = set(table.money_columns), set(table.percent_columns)
        self.kinds = ["money" if c in money else "percent" if c in percent else "plain" for c in self.columns]
        self.pence = {c: [_pence(v) for v in table.frame[c]] for c in table.money_columns}
        rows = len(table.frame)
        self.body_rows = rows - 1 if table.total_row else rows
        self.total_index = rows - 1 if table.total_row else None
        # Which derived columns hold, in pence, exactly what their formula gives.
        self.summed = {c for c in self.pence if self._adds_up(c)}
        self.running = {c: s for c, s in table.running_totals.items() if self._runs(c, s)}
        self.row_parts: list[int] = []
        if table.row_total is not None:
            end = self.at[table.row_total]
            self.row_parts = [j for j in range(end) if self.kinds[j] == "money"]

    def _adds_up(self, column: str) -> bool:
        if self.total_index is None or self.body_rows == 0:
            return False
        body = self.pence[column][: self.body_rows]
        return None not in body and sum(body) == self.pence[column][self.total_index]  # type: ignore[arg-type]

    def _runs(self, column: str, source: str) -> bool:
        running, figures, so_far = self.pence[column], self.pence[source], 0
        for i in range(self.body_rows):
            if figures[i] is None:
                return False
            so_far += figures[i]  # type: ignore[operator]
            if running[i] != so_far:
                return False
        return self.total_index is None or running[self.total_index] == figures[self.total_index]

    def money_formula(self, i: int, j: int) -> str | None:
        """The formula for the money cell in frame row ``i``, column ``j`` (sheet row ``i + 1``), if any."""
        column, row = self.columns[j], i + 1
        pence = self.pence[column]
        if column == self.table.row_total and self.row_parts:
            parts = [self.pence[self.columns[k]][i] for k in self.row_parts]
            if None not in parts and sum(parts) == pence[i]:  # type: ignore[arg-type]
                first, last = self.row_parts[0], self.row_parts[-1]
                if self.row_parts == list(range(first, last + 1)):
                    return f"SUM({_cell(row, first)}:{_cell(row, last)})"
                return "SUM(" + ",".join(_cell(row, k) for k in self.row_parts) + ")"
        if column in self.running:
            source = self.at[self.running[column]]
            if i == self.total_index or i == 0:
                return _cell(row, source)
            return f"{_cell(row - 1, j)}+{_cell(row, source)}"
        if i == self.total_index and column in self.summed:
            return f"SUM({_cell(1, j)}:{_cell(self.body_rows, j)})"
        return None

    def ratio(self, i: int, column: str) -> tuple[str, float] | None:
        """A percent cell's formula and the result a spreadsheet gives for it (None: a blank cell)."""
        numerator, denominator = self.table.ratios[column]
        top, bottom = self.pence[numerator][i], self.pence[denominator][i]
        if top is None or not bottom:
            return None
        row = i + 1
        over, under = _cell(row, self.at[numerator]), _cell(row, self.at[denominator])
        # The pounds a spreadsheet holds, divided as it divides them.
        return f'IF({under}=0,"",{over}/{under})', float(to_decimal(top)) / float(to_decimal(bottom))


def _write_table(sheet, table: Table, formats: _Formats) -> None:
    shape = _Sheet(table)
    columns, kinds = shape.columns, shape.kinds
    widths = [len(str(table.titles[c])) for c in columns]
    # The tracker's own words in cells ("Total", "unphased"), as this language says them.
    words = {shape.at[c]: said for c, said in table.words.items() if any(w != s for w, s in said.items())}
    for j, column in enumerate(columns):
        sheet.write_string(0, j, xlsx_text(str(table.titles[column])), formats.header)
        if kinds[j] == "money":
            widths[j] = max(widths[j], _money_width(table.frame[column]))
        elif kinds[j] == "percent":
            widths[j] = max(widths[j], display_width(0.5, "percent"))
        else:
            widths[j] = max(widths[j], _plain_width(table.frame[column]))
            if j in words:
                widths[j] = max([widths[j], *(len(said) for said in words[j].values())])
    ratios = {shape.at[c]: c for c in table.ratios}

    for i, row in enumerate(table.frame.itertuples(index=False, name=None)):
        bold = i == shape.total_index
        for j, (value, kind) in enumerate(zip(row, kinds)):
            if kind == "money":
                if value is pd.NA or value is None:
                    continue
                exact = to_decimal(value)  # exact pounds; refuses floats
                formula = shape.money_formula(i, j)
                if formula is None:
                    sheet.write_number(i + 1, j, exact, formats.get("money", bold))
                else:
                    sheet.write_formula(i + 1, j, "=" + formula, formats.get("money", bold), exact)
            elif kind == "percent":
                worked = shape.ratio(i, ratios[j]) if j in ratios else None
                if worked is not None and not is_blank(value):
                    sheet.write_formula(i + 1, j, "=" + worked[0], formats.get("percent", bold), worked[1])
                elif not is_blank(value):
                    sheet.write_number(i + 1, j, float(value), formats.get("percent", bold))  # a ratio, not money
            else:
                if j in words and isinstance(value, str):
                    value = words[j].get(value, value)
                _plain(sheet, i + 1, j, value, formats, bold)

    for j, width in enumerate(widths):
        sheet.set_column(j, j, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    if columns and shape.body_rows:
        sheet.autofilter(0, 0, shape.body_rows, len(columns) - 1)
    sheet.freeze_panes(1, 1 if len(columns) > 1 else 0)
    _print_setup(sheet)
    sheet.repeat_rows(0)


def _print_setup(sheet) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages long as it takes
    sheet.set_header(_header())
    sheet.set_footer(_footer())


def _write_contents(sheet, rows: Sequence[tuple[str, str, int | None]], formats: _Formats) -> None:
    headings = (_("Sheet"), _("What it holds"), _("Rows"))
    for j, heading in enumerate(headings):
        sheet.write_string(0, j, heading, formats.header)
    for i, (name, description, count) in enumerate(rows, start=1):
        sheet.write_url(i, 0, _link_target(name), formats.link, string=xlsx_text(name))
        sheet.write_string(i, 1, xlsx_text(description), formats.wrap)
        if count is not None:
            sheet.write_number(i, 2, count)
    sheet.set_column(0, 0, min(max([len(r[0]) for r in rows] + [MIN_WIDTH]) + 2, MAX_WIDTH))
    sheet.set_column(1, 1, min(max([len(r[1]) for r in rows] + [MIN_WIDTH]) + 2, 100))
    sheet.set_column(2, 2, MIN_WIDTH)
    sheet.freeze_panes(1, 0)
    _print_setup(sheet)
    sheet.repeat_rows(0)


def _write_about(sheet, about: Mapping[str, str], formats: _Formats) -> None:
    sheet.set_column(0, 0, max([len(str(k)) + 2 for k in about] + [MIN_WIDTH + 6]))
    sheet.set_column(1, 1, min(max([len(str(v)) + 2 for v in about.values()] + [MIN_WIDTH]), 100))
    for i, (key, value) in enumerate(about.items()):
        sheet.write_string(i, 0, xlsx_text(str(key)), formats.key)
        sheet.write_string(i, 1, xlsx_text(str(value)), formats.wrap)
    _print_setup(sheet)


def workbook_bytes(tables: Sequence[Table], about: Mapping[str, str], descriptions: Mapping[str, str]) -> bytes:
    """Contents, one sheet per table (in order), then About, as XLSX bytes,
    in the language in use (the tables, ``about`` and ``descriptions`` are
    given in it).

    ``descriptions`` says in a line what each table holds, by ``Table.name``
    (the table's title when it has none).
    """
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    book.set_properties({"author": "funding-tracker", "title": _("Finance tables")})
    formats = _Formats(book)
    contents_name = sheet_title(_(CONTENTS))
    taken = [contents_name]
    names = []
    for table in tables:
        names.append(sheet_title(table.title, taken))
        taken.append(names[-1])
    about_name = sheet_title(_(ABOUT), taken)
    contents = [
        (name, descriptions.get(table.name, table.title), len(table.body)) for name, table in zip(names, tables)
    ]
    _write_contents(book.add_worksheet(contents_name), [*contents, (about_name, _(ABOUT_DESCRIPTION), None)], formats)
    for name, table in zip(names, tables):
        _write_table(book.add_worksheet(name), table, formats)
    _write_about(book.add_worksheet(about_name), about, formats)
    book.close()
    return out.getvalue()
