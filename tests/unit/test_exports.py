"""CSV and XLSX exports: exact bytes, exact pounds, and text that cannot run
as a formula in a spreadsheet (OWASP CSV injection guidance)."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pandas as pd
import pytest
from openpyxl import load_workbook

from tracker.files.exports import MONEY_FORMAT, sheet_title, to_csv_bytes, to_xlsx_bytes
from tracker.files.table import Table
from tracker.files.tabular import read_csv_text, read_xlsx

INJECTIONS = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(1)",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HARMLESS = ["Grant", "1-2", "a=b", "£1m +", "Council's fund", " =1+1 with a space first", ""]
EXCEL_DEFAULT_WIDTH = 8.43
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def text_table(texts: list[str], amounts: list[int] | None = None) -> Table:
    amounts = amounts if amounts is not None else [100] * len(texts)
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object), "amount": pd.array(amounts, dtype="int64")})
    return Table(
        name="texts", title="Texts", frame=frame, titles={"text": "Text", "amount": "Amount"}, money_columns=("amount",)
    )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_values(data: bytes, sheet_index: int = 0) -> dict[str, str]:
    """Cell reference -> the raw ``<v>`` text in the sheet's XML (numbers as written)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet_index + 1}.xml"))
    return {c.get("r"): c.findtext(f"{MAIN}v") for c in root.iter(f"{MAIN}c") if c.find(f"{MAIN}v") is not None}


def sheet_xml(data: bytes, sheet_index: int = 0) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{sheet_index + 1}.xml").decode("utf-8")


def mixed_table() -> Table:
    frame = pd.DataFrame(
        {
            "name": ["Council, A", "Café £", "Total"],
            "paid_on": pd.Series([date(2020, 4, 1), date(2021, 3, 31), None], dtype=object),
            "years": pd.array([3, 1, 4], dtype="int64"),
            "amount": pd.array([150_000_000, -25_000, 149_975_000], dtype="int64"),
            "pct": [0.5, math.nan, 0.25],
            "note": ['He said "hi"', "", "A longer note that makes this column wider"],
        }
    )
    return Table(
        name="mixed",
        title="Mixed",
        frame=frame,
        titles={
            "name": "Name",
            "paid_on": "Paid on",
            "years": "Years",
            "amount": "Amount",
            "pct": "% paid",
            "note": "Note",
        },
        money_columns=("amount",),
        percent_columns=("pct",),
        total_row=True,
    )


# --- CSV ------------------------------------------------------------------


def test_csv_is_utf8_without_bom_with_lf_lines_a_header_and_plain_pounds() -> None:
    expected = (
        "name,paid_on,years,amount,pct,note\n"
        '"Council, A",2020-04-01,3,1500000.00,50.0,"He said ""hi"""\n'
        "Café £,2021-03-31,1,-250.00,,\n"
        "Total,,4,1499750.00,25.0,A longer note that makes this column wider\n"
    )
    assert to_csv_bytes(mixed_table()) == expected.encode("utf-8")


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_neutralises_text_that_a_spreadsheet_would_run_as_a_formula(text: str) -> None:
    data = to_csv_bytes(text_table([text]))

    assert csv_rows(data)[1] == ["'" + text, "1.00"]
    # The importer removes the apostrophe again: the text comes back as it was.
    _, rows, problems = read_csv_text(data.decode("utf-8"))
    assert problems == [] and rows[0].cells["text"] == text


def test_csv_quotes_a_field_holding_a_carriage_return_so_the_row_stays_one_row() -> None:
    data = to_csv_bytes(text_table(["\r=1+1", "next"]))

    assert data == b'text,amount\n"\'\r=1+1",1.00\nnext,1.00\n'
    assert len(csv_rows(data)) == 3


@pytest.mark.parametrize("text", HARMLESS)
def test_csv_leaves_ordinary_text_alone(text: str) -> None:
    assert csv_rows(to_csv_bytes(text_table([text])))[1][0] == text


def test_negative_money_in_csv_is_a_plain_number_without_an_apostrophe() -> None:
    data = to_csv_bytes(text_table(["Correction"], [-25_000]))

    assert data.endswith(b"\nCorrection,-250.00\n")


@pytest.mark.parametrize(
    ("pence", "pounds"),
    [(1, "0.01"), (10, "0.10"), (99, "0.99"), (100_000_000_001, "1000000000.01"), (-1, "-0.01"), (0, "0.00")],
)
def test_csv_money_is_exact_pounds_for_awkward_pence(pence: int, pounds: str) -> None:
    assert csv_rows(to_csv_bytes(text_table(["x"], [pence])))[1][1] == pounds


def test_missing_money_is_an_empty_cell_in_both_formats() -> None:
    frame = pd.DataFrame({"text": ["a", "b"], "amount": pd.array([None, 5], dtype="Int64")})
    table = Table(
        name="t", title="T", frame=frame, titles={"text": "Text", "amount": "Amount"}, money_columns=("amount",)
    )

    assert to_csv_bytes(table) == b"text,amount\na,\nb,0.05\n"
    sheet = workbook(to_xlsx_bytes([table], {}))["T"]
    assert sheet["B2"].value is None and sheet["B3"].value == 0.05


# --- XLSX -------------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_xlsx_writes_formula_like_text_as_literal_text_with_a_leading_apostrophe(text: str) -> None:
    data = to_xlsx_bytes([text_table([text])], {})
    cell = workbook(data)["Texts"]["A2"]

    assert cell.data_type == "s"
    # XML reads a carriage return as a line feed, so the writer makes it one.
    assert cell.value == "'" + text.replace("\r", "\n")
    assert "<f>" not in sheet_xml(data) and "\r" not in sheet_xml(data)


@pytest.mark.parametrize("text", [t for t in INJECTIONS if not t.startswith("\r")])
def test_the_importer_reads_neutralised_xlsx_text_back_as_it_was(text: str, tmp_path) -> None:
    # (A leading CR is written as LF, and the importer keeps an apostrophe before LF.)
    path = tmp_path / "texts.xlsx"
    path.write_bytes(to_xlsx_bytes([text_table([text])], {}))

    _, rows, problems = read_xlsx(path)

    assert problems == [] and rows[0].cells["text"] == text


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "#REF!"])
def test_xlsx_keeps_text_that_looks_like_an_excel_error_as_text(text: str) -> None:
    cell = workbook(to_xlsx_bytes([text_table([text])], {}))["Texts"]["A2"]

    assert (cell.data_type, cell.value) == ("s", text)


def test_xlsx_drops_control_characters_that_xml_cannot_hold_instead_of_failing() -> None:
    cell = workbook(to_xlsx_bytes([text_table(["a\x01b\x1fc"])], {}))["Texts"]["A2"]

    assert cell.value == "abc"


@pytest.mark.parametrize("text", HARMLESS[:-1])
def test_xlsx_leaves_ordinary_text_alone(text: str) -> None:
    assert workbook(to_xlsx_bytes([text_table([text])], {}))["Texts"]["A2"].value == text


def test_negative_money_in_xlsx_is_a_number_cell_with_the_pound_format() -> None:
    data = to_xlsx_bytes([text_table(["Correction"], [-25_000])], {})
    cell = workbook(data)["Texts"]["B2"]

    assert cell.data_type == "n"
    assert cell.value == -250 and isinstance(cell.value, int)
    assert cell.number_format == MONEY_FORMAT == "£#,##0.00;[Red]-£#,##0.00"


@pytest.mark.parametrize(
    ("pence", "written"),
    [
        (1, "0.01"),
        (10, "0.1"),
        (99, "0.99"),
        (100_000_000_001, "1000000000.01"),
        (-1, "-0.01"),
        (-25_000, "-250"),
        (99_999_999_999_999, "999999999999.99"),
    ],
)
def test_xlsx_money_cells_hold_exact_pounds_for_awkward_pence(pence: int, written: str) -> None:
    data = to_xlsx_bytes([text_table(["x"], [pence])], {})

    assert sheet_values(data)["B2"] == written  # the number as stored in the file
    value = workbook(data)["Texts"]["B2"].value
    assert Decimal(str(value)) == Decimal(pence) / 100


def test_xlsx_has_a_bold_frozen_header_of_titles_and_number_formats_per_kind() -> None:
    sheet = workbook(to_xlsx_bytes([mixed_table()], {}))["Mixed"]

    assert [c.value for c in sheet[1]] == ["Name", "Paid on", "Years", "Amount", "% paid", "Note"]
    assert all(c.font.b for c in sheet[1])
    assert not any(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].is_date and sheet["B2"].value.date() == date(2020, 4, 1)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert (sheet["C2"].data_type, sheet["C2"].value) == ("n", 3)
    assert (sheet["D2"].value, sheet["D2"].number_format) == (1_500_000, MONEY_FORMAT)
    assert (sheet["E2"].data_type, sheet["E2"].value, sheet["E2"].number_format) == ("n", 0.5, "0.0%")
    assert sheet["E3"].value is None  # nothing to divide by
    assert sheet.auto_filter.ref == "A1:F3"  # the total row stays out of sorting and filtering


def test_xlsx_total_row_is_bold_and_holds_numbers_not_formulas() -> None:
    data = to_xlsx_bytes([mixed_table()], {})
    sheet = workbook(data)["Mixed"]

    total = sheet[4]
    assert all(c.font.b for c in total)
    assert [c.value for c in total][:4] == ["Total", None, 4, Decimal("1499750")]
    assert (total[3].data_type, total[3].number_format) == ("n", MONEY_FORMAT)
    assert "<f>" not in sheet_xml(data)
    assert sheet_values(data)["D4"] == "1499750"


def test_xlsx_columns_are_wider_than_the_default_and_fit_their_contents() -> None:
    sheet = workbook(to_xlsx_bytes([mixed_table()], {}))["Mixed"]

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert all(width > EXCEL_DEFAULT_WIDTH for width in widths.values())
    assert widths["F"] >= len("A longer note that makes this column wider")
    assert widths["D"] >= len("£1,500,000.00")
    assert widths["F"] > widths["C"]


def test_xlsx_column_widths_stop_at_60_for_very_long_text() -> None:
    sheet = workbook(to_xlsx_bytes([text_table(["x" * 500])], {}))["Texts"]

    assert sheet.column_dimensions["A"].width == 60


def test_xlsx_ends_with_an_about_sheet_listing_what_it_was_given() -> None:
    about = {
        "As at": "2023-03-31",
        "Filters": "recipient: =Council A",
        "Source": "sqlite:///data/tracker.db",
        "Illustrative": "Demo delivery figures are illustrative",
    }
    book = workbook(to_xlsx_bytes([mixed_table(), text_table(["x"])], about))

    assert book.sheetnames == ["Mixed", "Texts", "About"]
    sheet = book["About"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["As at", "2023-03-31"],
        ["Filters", "recipient: =Council A"],
        ["Source", "sqlite:///data/tracker.db"],
        ["Illustrative", "Demo delivery figures are illustrative"],
    ]
    assert all(row[0].font.b for row in sheet.iter_rows())
    assert sheet.column_dimensions["B"].width > len("Demo delivery figures are illustrative")


def test_about_values_that_start_like_a_formula_are_neutralised() -> None:
    sheet = workbook(to_xlsx_bytes([text_table(["x"])], {"Filters": "=1+1"}))["About"]

    assert (sheet["B1"].data_type, sheet["B1"].value) == ("s", "'=1+1")


def test_sheet_names_are_valid_unique_and_at_most_31_characters() -> None:
    long_title = "Committed: by [programme] / year? * and much more besides"
    names = []
    for title in (long_title, long_title, "History", "'quoted'", "About"):
        names.append(sheet_title(title, names))

    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[0] == "Committed  by  programme    yea"
    assert names[1].endswith(" (2)")
    assert names[2] != "History" and not names[3].startswith("'")


def test_a_workbook_names_its_sheets_after_the_table_titles_in_order() -> None:
    book = workbook(to_xlsx_bytes([text_table(["a"]), text_table(["b"])], {"As at": "today"}))

    assert book.sheetnames == ["Texts", "Texts (2)", "About"]
    assert book["Texts (2)"]["A2"].value == "b"


@pytest.mark.parametrize("text", ["'=x", "''", "'+1", "'\t=1"])
def test_text_that_already_starts_with_an_apostrophe_survives_a_csv_round_trip(text: str) -> None:
    data = to_csv_bytes(text_table([text]))
    _, rows, problems = read_csv_text(data.decode("utf-8"))
    assert problems == [] and rows[0].cells["text"] == text


@pytest.mark.parametrize("text", ["'=x", "'@SUM(1)"])
def test_text_that_already_starts_with_an_apostrophe_survives_an_xlsx_round_trip(text: str, tmp_path) -> None:
    path = tmp_path / "texts.xlsx"
    path.write_bytes(to_xlsx_bytes([text_table([text])], {}))
    _, rows, problems = read_xlsx(path)
    assert problems == [] and rows[0].cells["text"] == text
