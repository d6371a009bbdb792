"""The tracker's own XLSX reader reads the same values as openpyxl.

``tracker.files.xlsx`` reads cells itself (so that a workbook cannot exhaust
memory); what it reads must still be what openpyxl reads with
``data_only=True``, turned into text by ``xlsx.cell_text``. Each workbook here
is written by openpyxl and read both ways.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from tracker.files import xlsx

VALUES = [
    ["text", "number", "when", "flag"],
    ["Welsh councils", 1_000_000, date(2019, 10, 31), True],
    ["£1m", 1234.56, datetime(2020, 4, 1, 0, 0), False],
    ["", -250, datetime(2021, 3, 31, 14, 30, 5), None],
    ["", 0.1, date(1900, 3, 1), True],
    [" padded ", 1e20, date(2999, 12, 31), None],
    ["Cymraeg: ŵ ŷ", 7, time(12, 30), False],
]


def written(*, epoch_1904: bool = False, rich: bool = False) -> bytes:
    book = Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Commitments"
    for row in VALUES:
        sheet.append(row)
    if rich:
        sheet["A8"] = CellRichText([TextBlock(InlineFont(b=True), "Bold "), "and plain"])
    sheet["E1"] = "total"
    sheet["E2"] = "=B2*2"  # openpyxl saves no result for a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_openpyxl(data: bytes) -> list[list[str]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [[xlsx.cell_text(value) for value in row] for row in book.active.iter_rows(values_only=True)]
    book.close()
    return rows


def by_the_tracker(data: bytes) -> tuple[list[list[str]], dict[int, dict[int, str] | None]]:
    with xlsx.open_sheet(data, "Commitments") as sheet:
        assert sheet is not None
        found = list(sheet.records)
    return [cells for _, cells, _ in found], {line: formulas for line, _, formulas in found}


def padded(rows: list[list[str]], width: int) -> list[list[str]]:
    return [row + [""] * (width - len(row)) for row in rows]


@pytest.mark.parametrize("epoch_1904", [False, True], ids=["1900 dates", "1904 dates"])
@pytest.mark.parametrize("rich", [False, True], ids=["plain", "rich text"])
def test_every_cell_reads_as_openpyxl_reads_it(epoch_1904: bool, rich: bool) -> None:
    data = written(epoch_1904=epoch_1904, rich=rich)
    expected = by_openpyxl(data)
    width = max(len(row) for row in expected)

    ours, _ = by_the_tracker(data)

    assert padded(ours, width) == padded(expected, width)
    assert ours[1][:4] == ["Welsh councils", "1000000", "2019-10-31", "yes"]
    assert ours[2][1:3] == ["1234.56", "2020-04-01"]


def test_a_formula_with_no_saved_result_is_flagged_not_guessed() -> None:
    _, formulas = by_the_tracker(written())

    assert formulas[2] == {4: "=B2*2"}  # column E of row 2, by index from 0
    assert formulas[1] is None and formulas[3] is None
