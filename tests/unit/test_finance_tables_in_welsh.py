"""The finance tables, their downloads and the Finance workbook in Welsh.

A table is made in the language in use (title, headings, notes, the tracker's
own words in its cells), the workbook is written in it (sheet names, Contents,
About, header and footer) with the same figures and formulas as in English,
and still imports again; every CSV is the same in both languages, so a file
re-imports whichever language wrote it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dashboard import downloads
from tests.unit.finance_tables_data import FY, tracker_data
from tests.unit.test_finance_tables import DELIVERIES
from tests.unit.test_finance_workbook import RECORDS, finance_data
from tracker import i18n
from tracker.core.fiscal import UNPHASED, fy_label
from tracker.figures import areas, delivery
from tracker.figures import finance_tables as tables
from tracker.figures.table_cells import UNPHASED_WORD
from tracker.files import headings
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes
from tracker.files.tabular import normalise_header, read_xlsx_bytes
from tracker.records import commitment_rows, delivery_rows

WELSH_SHEETS = [
    "Cynnwys",
    "Ymrwymiadau",
    "Amserlen",
    "Ymrwymwyd a chyflawnwyd",
    "Cofnodion cyflawni",
    "Ymrwymwyd fesul ymrwymiad",
    "Ymrwymwyd fesul derbynnydd",
    "Ymrwymwyd fesul rhaglen",
    "Ymrwymwyd fesul cyllidwr",
    "Ymrwymwyd fesul ardal",
    "Ynghylch",
]


def _workbook(language: str) -> bytes:
    data = finance_data()
    with i18n.speaking(language):
        about = tables.export_about(data, source="test", exported_on=date(2026, 12, 6))
        return tables.workbook_bytes(data, about)


@pytest.fixture(scope="module")
def english() -> bytes:
    return _workbook("en")


@pytest.fixture(scope="module")
def welsh() -> bytes:
    return _workbook("cy")


def _cells(book) -> dict[tuple[int, str], object]:
    """Every cell's value by (sheet's place, coordinate)."""
    return {
        (n, cell.coordinate): cell.value
        for n, sheet in enumerate(book.worksheets)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


# --- the workbook ------------------------------------------------------------------


def test_the_welsh_workbook_names_its_sheets_and_its_contents_in_welsh(welsh: bytes) -> None:
    book = load_workbook(io.BytesIO(welsh))
    assert book.sheetnames == WELSH_SHEETS
    assert book.properties.title == "Tablau cyllid"
    contents = book["Cynnwys"]
    assert [c.value for c in contents[1]] == ["Dalen", "Beth sydd ynddi", "Rhesi"]
    rows = list(contents.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == WELSH_SHEETS[1:]
    assert [row[0].hyperlink.location for row in rows] == [f"'{name}'!A1" for name in WELSH_SHEETS[1:]]
    assert rows[0][1].value == "Un rhes i bob ymrwymiad, yng ngholofnau'r ffeil ymrwymiadau (gellir ei mewnforio eto)"
    assert rows[-1][1].value.startswith("Dyddiad y ffigurau, hidlwyr")


def test_the_welsh_about_sheet_says_what_export_about_says_in_welsh(welsh: bytes) -> None:
    about = load_workbook(io.BytesIO(welsh))["Ynghylch"]
    said = {row[0].value: row[1].value for row in about.iter_rows()}
    assert said["Yn gywir ar"] == "yr holl ddata (dim dyddiad ffigurau)"
    assert said["Allforiwyd ar"] == "2026-12-06"
    assert said["Hidlyddion"] == "dim" and said["Ffynhonnell"] == "test"
    assert said["Arian"].startswith("Punnoedd sterling, yn union i'r geiniog. Mae'r swm a ymrwymwyd yn cyfrif pob punt")
    assert said["Blynyddoedd ariannol"].startswith("Blynyddoedd ariannol y DU, 1 Ebrill i 31 Mawrth")
    assert said["Enghreifftiol"] == (
        "Mae ffigurau cyflawni'r demo yn enghreifftiol: ni chyhoeddwyd unrhyw ffigurau taliadau. "
        "(1 o 3 cofnod cyflawni)"
    )


def test_the_welsh_tables_have_welsh_headings_words_and_print_layout(welsh: bytes) -> None:
    book = load_workbook(io.BytesIO(welsh))
    yearly = book["Ymrwymwyd a chyflawnwyd"]
    assert [c.value for c in yearly[1]] == [
        "Blwyddyn ariannol",
        "Ymrwymwyd",
        "Arian newydd",
        "Amcangyfrif",
        "Cyflawnwyd",
        "Amrywiant",
        "% wedi'i gyflawni",
        "Ymrwymwyd hyd yma",
        "Cyflawnwyd hyd yma",
    ]
    years = [row[0] for row in yearly.iter_rows(min_row=2, values_only=True)]
    assert years[-1] == "Cyfanswm" and "2020-21" in years  # a financial year reads the same
    pivot = book["Ymrwymwyd fesul derbynnydd"]
    assert pivot["A1"].value == "Derbynnydd"
    assert [c.value for c in pivot[1]][-1] == "Cyfanswm"
    assert pivot.cell(row=pivot.max_row, column=1).value == "Cyfanswm"
    assert "&P" in yearly.oddFooter.center.text and "Tudalen" in yearly.oddFooter.center.text
    assert "Traciwr cyllid" in yearly.oddHeader.right.text


def test_the_welsh_workbook_holds_the_same_figures_and_formulas_as_the_english(english: bytes, welsh: bytes) -> None:
    """Only words differ: every number and every formula (none names a sheet) is where it was."""
    ours, theirs = _cells(load_workbook(io.BytesIO(english))), _cells(load_workbook(io.BytesIO(welsh)))
    assert ours.keys() == theirs.keys()
    figures = [place for place, value in ours.items() if not isinstance(value, str) or value.startswith("=")]
    assert sum(isinstance(ours[place], str) for place in figures) > 50  # the totals' formulas
    assert all(ours[place] == theirs[place] for place in figures)
    assert not any("!" in value for place, value in theirs.items() if place in figures and isinstance(value, str))
    saved_en = _cells(load_workbook(io.BytesIO(english), data_only=True))
    saved_cy = _cells(load_workbook(io.BytesIO(welsh), data_only=True))
    assert all(saved_en[place] == saved_cy[place] for place in figures)


def test_the_workbook_speaks_as_its_about_sheet_when_written_on_another_thread() -> None:
    """A download button runs the writer on a thread of its own, speaking the default language."""
    data = finance_data()
    with i18n.speaking("cy"):
        about = tables.export_about(data, source="test")
    assert i18n.current() == "en"
    book = load_workbook(io.BytesIO(tables.workbook_bytes(data, about)))
    assert book.sheetnames == WELSH_SHEETS
    english = load_workbook(io.BytesIO(tables.workbook_bytes(data, tables.export_about(data, source="test"))))
    assert english.sheetnames[0] == "Contents" and english.sheetnames[-1] == "About"


def test_the_welsh_workbooks_commitments_and_deliveries_import_again(english: bytes, welsh: bytes) -> None:
    for wanted, aliases in (
        ("Commitments", commitment_rows.HEADER_ALIASES),
        ("Deliveries", delivery_rows.HEADER_ALIASES),
    ):
        read_en = read_xlsx_bytes(english, aliases, sheet=wanted)
        read_cy = read_xlsx_bytes(welsh, aliases, sheet=wanted)
        assert read_cy.sheet == headings.sheet_names(wanted)[1] != wanted
        assert read_cy.problems == [] and read_cy.header == read_en.header
        assert [row.cells for row in read_cy.rows] == [row.cells for row in read_en.rows]
    assert read_xlsx_bytes(welsh, sheet="Commitments").rows[5].cells["purpose"] == RECORDS[5].purpose


def test_each_heading_read_back_means_one_column_in_every_language() -> None:
    for titles, aliases in (
        (headings.COMMITMENT_TITLES, commitment_rows.HEADER_ALIASES),
        (headings.DELIVERY_TITLES, delivery_rows.HEADER_ALIASES),
    ):
        with i18n.speaking("cy"):
            welsh = {column: i18n._(title) for column, title in titles.items()}
        assert len({" ".join(w.split()).casefold() for w in welsh.values()}) == len(set(titles.values()))
        for column, title in titles.items():
            assert welsh[column] != title
            assert normalise_header(welsh[column], aliases) == normalise_header(title, aliases)
        if titles is headings.COMMITMENT_TITLES:  # the contract's own names, as the English headings give them
            assert {normalise_header(t, aliases) for t in titles.values()} == set(titles)


def test_a_workbook_without_the_sheet_asked_for_is_refused_in_welsh() -> None:
    def two_sheets() -> bytes:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["a"])
        book.create_sheet("Arall").append(["b"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    with i18n.speaking("cy"):
        read = read_xlsx_bytes(two_sheets(), sheet="Commitments")
    assert read.problems[0].expected == (
        "mae gan y llyfr gwaith 2 ddalen sy'n dal data ('Sheet', 'Arall') a does dim un o'r enw 'Ymrwymiadau': "
        "rhowch yr enw 'Ymrwymiadau' i'r ddalen i'w mewnforio, neu tynnwch y dalennau eraill"
    )


# --- the tables ------------------------------------------------------------------------


def test_a_table_is_kept_per_language_and_its_frame_is_the_same_in_both() -> None:
    data = finance_data()
    english = tables.kept(data, "yearly")
    with i18n.speaking("cy"):
        welsh = tables.kept(data, "yearly")
        assert tables.kept(data, "yearly") is welsh  # kept, not made again
    assert tables.kept(data, "yearly") is english
    assert english.title == "Committed and delivered" and welsh.title == "Ymrwymwyd a chyflawnwyd"
    assert welsh.titles["pct_delivered"] == "% wedi'i gyflawni"
    assert welsh.notes[0].startswith("Mae'r swm a ymrwymwyd yn cyfrif pob punt unwaith")
    assert welsh.frame.equals(english.frame)
    assert list(welsh.frame["financial_year"])[-1] == "Total"  # the CSV's
    assert list(welsh.shown()["financial_year"])[-1] == "Cyfanswm"  # the screen's and the XLSX's
    assert english.shown() is english.frame  # English says the frame's words as they are


def test_unphased_and_the_lines_with_no_group_are_said_in_welsh() -> None:
    undated = [*DELIVERIES, ("D4", "C1", None, 700, "disbursement", None, False)]  # no date: unphased
    data = tracker_data(RECORDS, undated)
    with i18n.speaking("cy"):
        pivot = tables.build("pivot-programme", data)
        yearly = tables.build("yearly", data)
        deliveries = tables.build("deliveries", data)
    assert pivot.titles["Total"] == "Cyfanswm" and pivot.titles["2020-21"] == "2020-21"
    assert "(dim)" in list(pivot.shown()["programme"]) and "(none)" in list(pivot.frame["programme"])
    assert list(yearly.shown()["financial_year"])[-2:] == ["heb ei gyfnodoli", "Cyfanswm"]
    assert list(yearly.frame["financial_year"])[-2:] == ["unphased", "Total"]
    assert "heb ei gyfnodoli" in list(deliveries.shown()["financial_year"])
    assert any(note.startswith("Heb ei gyfnodoli yw arian") for note in yearly.notes)


def test_the_words_a_pivot_writes_for_no_area_and_shared_money_are_said_in_welsh() -> None:
    assert fy_label(UNPHASED) == UNPHASED_WORD
    with i18n.speaking("cy"):
        assert i18n._(areas.NOT_STATED) == "ardal heb ei nodi"
        assert i18n._(areas.SHARED_NOTE).startswith("Caiff arian sy'n enwi sawl ardal")


def test_every_csv_is_the_same_in_both_languages() -> None:
    data = finance_data()
    for name in tables.TABLE_NAMES:
        english = to_csv_bytes(tables.build(name, data))
        with i18n.speaking("cy"):
            assert to_csv_bytes(tables.build(name, data)) == english, name
    today = date(2026, 12, 6)

    def delivery_csvs() -> list[bytes]:
        figures = delivery.progress(data.schedule, data.deliveries, data.commitments, today)
        year = delivery.deliveries_in_year(data.deliveries_in_full, data.commitments, FY(2020).start_year)
        return [
            downloads.by_year_csv(figures.by_year),
            downloads.by_commitment_csv(figures.by_commitment),
            downloads.deliveries_csv(year),
        ]

    english = [csv.split(b"\n", 1)[0] for csv in delivery_csvs()]
    with i18n.speaking("cy"):
        welsh = [csv.split(b"\n", 1)[0] for csv in delivery_csvs()]
    assert welsh == english and english[0].startswith(b"financial_year,committed,")


def test_a_single_table_xlsx_speaks_welsh_and_its_csv_does_not() -> None:
    data = finance_data()
    with i18n.speaking("cy"):
        table = tables.build("yearly", data)
        book = load_workbook(io.BytesIO(to_xlsx_bytes([table], {"Ffynhonnell": "test"})))
    assert book.sheetnames == ["Ymrwymwyd a chyflawnwyd", "Ynghylch"]
    sheet = book["Ymrwymwyd a chyflawnwyd"]
    assert sheet["A1"].value == "Blwyddyn ariannol" and sheet.cell(row=sheet.max_row, column=1).value == "Cyfanswm"
    assert to_csv_bytes(table).startswith(b"financial_year,committed,new_money,")
