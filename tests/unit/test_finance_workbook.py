"""The Finance page's workbook: a Contents sheet of links, totals kept as formulas
saved with the figures worked out in pence, frozen headings and a print layout.
(That a spreadsheet recalculates the formulas to the same figures:
tests/integration/test_workbook_recalculates.py.)"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.unit.finance_tables_data import FY, PIVOT_RECORDS, record, tracker_data
from tests.unit.test_finance_tables import DELIVERIES
from tracker.figures import finance_tables as tables
from tracker.files.exports import MONEY_FORMAT
from tracker.files.table import Table
from tracker.files.tabular import read_xlsx_bytes
from tracker.files.workbook import workbook_bytes as write_workbook

INJECTED = '=HYPERLINK("http://x","y")'
RECORDS = [
    *PIVOT_RECORDS,
    record("C6", purpose=INJECTED, amount_pence=123_456_789, first_year=FY(2023)),
    # Written from a float, £79,039,761.76 would be saved as 79039761.76000001.
    record("C7", recipient="Council C", amount_pence=7_903_976_176, first_year=FY(2022)),
]


def finance_data():
    return tracker_data(RECORDS, DELIVERIES)


@pytest.fixture(scope="module")
def written() -> bytes:
    data = finance_data()
    return tables.workbook_bytes(data, tables.export_about(data, source="test", exported_on=date(2026, 12, 6)))


@pytest.fixture(scope="module")
def book(written: bytes):
    return load_workbook(io.BytesIO(written))


@pytest.fixture(scope="module")
def saved(written: bytes):
    """The values saved with each formula, as a reader that does not calculate sees them."""
    return load_workbook(io.BytesIO(written), data_only=True)


def pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


def table_sheets(book) -> list[tuple[str, Table]]:
    names = book.sheetnames[1:-1]
    return list(zip(names, (tables.kept(finance_data(), name) for name in tables.TABLE_NAMES)))


def test_the_workbook_opens_with_contents_linking_to_every_sheet_and_ends_with_about(book) -> None:
    titles = [tables.kept(finance_data(), name).title for name in tables.TABLE_NAMES]
    assert book.sheetnames == ["Contents", *titles, "About"]
    contents = book["Contents"]
    assert [c.value for c in contents[1]] == ["Sheet", "What it holds", "Rows"]
    rows = list(contents.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == [*titles, "About"]
    assert [row[0].hyperlink.location for row in rows] == [f"'{name}'!A1" for name in [*titles, "About"]]
    assert all(row[0].hyperlink.target is None for row in rows)  # a place in the workbook, not a web address
    descriptions = [row[1].value for row in rows]
    assert descriptions[:-1] == [tables.DESCRIPTIONS[name] for name in tables.TABLE_NAMES]
    assert descriptions[-1] and all(descriptions)
    counts = [row[2].value for row in rows[:-1]]
    assert counts == [len(tables.kept(finance_data(), name).body) for name in tables.TABLE_NAMES]


def test_the_about_sheet_says_what_export_about_says(book) -> None:
    data = finance_data()
    about = tables.export_about(data, source="test", exported_on=date(2026, 12, 6))
    assert [[c.value for c in row] for row in book["About"].iter_rows()] == [[k, v] for k, v in about.items()]
    assert all(row[0].font.b for row in book["About"].iter_rows())


def test_every_total_row_sums_its_money_with_formulas_saved_with_the_totals_in_pence(book, saved) -> None:
    checked = 0
    for name, table in table_sheets(book):
        if not table.total_row:
            continue
        sheet, values = book[name], saved[name]
        last = len(table.frame) + 1
        body = table.body
        for j, column in enumerate(table.frame.columns, start=1):
            if column not in table.money_columns or column in table.running_totals:
                continue
            cell = sheet.cell(row=last, column=j)
            letter = cell.column_letter
            total = int(table.frame[column].iloc[-1])
            assert total == int(body[column].sum())  # the rows add up in this data
            if column == table.row_total:
                assert re.fullmatch(rf"=SUM\([A-Z]+{last}:[A-Z]+{last}\)", cell.value), (name, cell.value)
            else:
                assert cell.value == f"=SUM({letter}2:{letter}{last - 1})", (name, column)
            assert Decimal(str(values.cell(row=last, column=j).value)) == pounds(total)
            assert cell.number_format == MONEY_FORMAT and cell.font.b
            checked += 1
    assert checked >= 6 * 5  # every year of five pivots and the yearly table


def test_a_pivots_total_column_sums_each_row_across_the_years(book, saved) -> None:
    table = tables.kept(finance_data(), "pivot-recipient")
    sheet, values = book[table.title], saved[table.title]
    years = [c for c in table.money_columns if c != table.row_total]
    total_at = list(table.frame.columns).index(table.row_total) + 1
    first = sheet.cell(row=1, column=list(table.frame.columns).index(years[0]) + 1).column_letter
    before = sheet.cell(row=1, column=total_at - 1).column_letter
    for i, pence in enumerate(table.frame[table.row_total], start=2):
        assert sheet.cell(row=i, column=total_at).value == f"=SUM({first}{i}:{before}{i})"
        assert Decimal(str(values.cell(row=i, column=total_at).value)) == pounds(int(pence))


def test_the_yearly_sheets_running_totals_and_percent_delivered_are_formulas(book, saved) -> None:
    table = tables.kept(finance_data(), "yearly")
    sheet, values = book[table.title], saved[table.title]
    at = {c: sheet.cell(row=1, column=j).column_letter for j, c in enumerate(table.frame.columns, start=1)}
    committed, delivered, to_date, pct = (
        at["committed"],
        at["delivered"],
        at["cumulative_committed"],
        at["pct_delivered"],
    )
    last = len(table.frame) + 1
    assert sheet[f"{to_date}2"].value == f"={committed}2"
    assert sheet[f"{to_date}3"].value == f"={to_date}2+{committed}3"
    assert sheet[f"{to_date}{last}"].value == f"={committed}{last}"  # the Total row's: the committed total
    for i, (pence, ratio) in enumerate(zip(table.frame["cumulative_committed"], table.frame["pct_delivered"]), 2):
        assert Decimal(str(values[f"{to_date}{i}"].value)) == pounds(int(pence))
        if pd.isna(ratio):  # nothing committed that year: a blank, not a formula
            assert sheet[f"{pct}{i}"].value is None
        else:
            assert sheet[f"{pct}{i}"].value == f'=IF({committed}{i}=0,"",{delivered}{i}/{committed}{i})'
            assert values[f"{pct}{i}"].value == pytest.approx(float(ratio), rel=1e-12)
    total = table.frame.iloc[-1]
    assert values[f"{pct}{last}"].value == pytest.approx(int(total["delivered"]) / int(total["committed"]), rel=1e-12)


def test_a_total_the_rows_do_not_add_up_to_keeps_its_figure_instead_of_a_formula() -> None:
    # e.g. money naming two areas is under each area's row but counted once in the Total row.
    frame = pd.DataFrame(
        {"area": ["A", "B", "Total"], "y1": pd.array([100, 100, 100], "int64"), "Total": pd.array([100, 100, 100])}
    )
    table = Table(
        name="shared",
        title="Shared",
        frame=frame,
        titles={"area": "Area", "y1": "2020-21", "Total": "Total"},
        money_columns=("y1", "Total"),
        total_row=True,
        row_total="Total",
    )
    book = load_workbook(io.BytesIO(write_workbook([table], {}, {})))
    sheet = book["Shared"]
    assert sheet["B4"].value == 1 and sheet["B4"].data_type == "n"  # not =SUM(B2:B3), which gives 2
    assert sheet["C4"].value == "=SUM(B4:B4)"  # across the row it does add up


def test_record_lists_have_no_total_row_so_they_import_again(written: bytes) -> None:
    for name in ("commitments", "schedule", "deliveries"):
        table = tables.kept(finance_data(), name)
        read = read_xlsx_bytes(written, sheet=table.title)
        assert read.problems == [] and len(read.rows) == len(table.frame)
        assert not table.total_row
    commitments = read_xlsx_bytes(written, sheet="Commitments")
    assert commitments.rows[5].cells["purpose"] == INJECTED  # C6's: the apostrophe comes off again


def test_text_that_looks_like_a_formula_is_text_and_the_only_formulas_are_totals(book, written: bytes) -> None:
    cell = next(c for row in book["Commitments"].iter_rows() for c in row if c.value == "'" + INJECTED)
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        commitments = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "<f>" not in commitments


def test_money_is_saved_as_exact_pounds_in_numbers_and_in_formula_results(written: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    cells = re.findall(r"<c [^>]*>(?:<f>([^<]*)</f>)?<v>([^<]*)</v></c>", xml)
    saved = [value for formula, value in cells if not formula.startswith("IF(")]  # all but % delivered
    assert {"1234567.89", "79039761.76", "10.01", "80274760.65"} <= set(saved)  # C6, C7, C5's profile, the Total
    # Money, counts, years and dates: never more than two decimals (no 10.009999999999999).
    assert len(saved) > 100 and all(re.fullmatch(r"-?\d+(\.\d\d?)?", value) for value in saved)


def test_each_table_sheet_freezes_its_headings_and_first_column_and_prints_one_page_wide(book, written) -> None:
    for name, _table in table_sheets(book):
        sheet = book[name]
        assert sheet.freeze_panes == "B2"
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
        assert sheet.page_setup.fitToHeight == 0  # as many pages long as it takes
        assert "&A" in sheet.oddHeader.left.text and "&P" in sheet.oddFooter.center.text
        assert all(c.font.b for c in sheet[1])
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        xml = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
    setup = re.search(r"<pageSetup [^>]*>", xml)
    assert setup and 'fitToHeight="0"' in setup[0] and "fitToWidth" not in setup[0]  # width: the default, 1


def test_columns_fit_their_contents_between_10_and_60_characters(book) -> None:
    sheet = book["Commitments"]
    widths = {c[0].column_letter: sheet.column_dimensions[c[0].column_letter].width for c in sheet.iter_cols()}
    assert all(10 <= w <= 62 for w in widths.values())
    purpose = next(c[0].column_letter for c in sheet.iter_cols() if c[0].value == "Purpose")
    assert widths[purpose] >= len("'" + INJECTED)
    amount = next(c[0].column_letter for c in sheet.iter_cols() if c[0].value == "Amount (£)")
    assert widths[amount] >= len("£79,039,761.76")


def test_a_workbook_of_empty_tables_still_opens_with_its_contents() -> None:
    empty = tracker_data([])
    book = load_workbook(io.BytesIO(tables.workbook_bytes(empty, tables.export_about(empty, source="test"))))
    assert book.sheetnames[0] == "Contents" and book.sheetnames[-1] == "About"
    yearly = book["Committed and delivered"]
    assert [c.value for c in yearly[2]][:2] == ["Total", 0]  # no rows to sum: the figure


def test_text_longer_than_an_excel_cell_holds_is_cut_at_32767_characters() -> None:
    frame = pd.DataFrame({"quote": ["x" * 40_000], "amount": pd.array([1], "int64")})
    table = Table(
        name="q", title="Q", frame=frame, titles={"quote": "Quote", "amount": "Amount"}, money_columns=("amount",)
    )
    sheet = load_workbook(io.BytesIO(write_workbook([table], {}, {})))["Q"]
    assert sheet["A2"].value == "x" * 32_767


def test_a_table_refuses_formulas_over_columns_that_are_not_money() -> None:
    frame = pd.DataFrame({"name": ["a"], "amount": pd.array([1], "int64"), "share": [0.5]})
    base = dict(name="t", title="T", frame=frame, titles={"name": "Name", "amount": "Amount", "share": "Share"})
    with pytest.raises(ValueError, match="'name' is worked out from money"):
        Table(**base, money_columns=("amount",), running_totals={"amount": "name"})
    with pytest.raises(ValueError, match="the ratio 'share' must be a percent column"):
        Table(**base, money_columns=("amount",), ratios={"share": ("amount", "amount")})
