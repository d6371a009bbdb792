"""The Finance tables and workbook in real terms (issue 20): cells deflated once, totals summed from the
rounded cells, years with no deflator left out and named (unphased money too: tests/app, tests/integration), record lists in cash, and the
About sheet naming the release and base year."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests.unit.finance_tables_data import FY, PIVOT_RECORDS, tracker_data
from tests.unit.test_finance_tables import DELIVERIES
from tracker.core.deflators import read_release
from tracker.figures import finance_tables as tables
from tracker.figures.real_terms import CASH, Prices

# A release that ends in 2023-24: C3's £70 in 2024-25 has no deflator. Indices chosen to be worked by hand.
RELEASE = read_release(
    "financial_year,index\n2020-21,80\n2021-22,90\n2022-23,100\n2023-24,110\n", "Test deflators, one"
)
PRICES = Prices.real(RELEASE, FY(2022))  # x100/80 in 2020-21, x100/90 in 2021-22, x1 in 2022-23
RECORDS = PIVOT_RECORDS


def _data():
    return tracker_data(RECORDS, DELIVERIES)


def test_the_recipient_pivot_in_real_terms_by_hand():
    table = tables.build("pivot-recipient", _data(), PRICES)
    frame = table.frame.set_index("recipient")

    assert [c for c in frame.columns if c[:2] == "20"] == ["2020-21", "2021-22", "2022-23", "2023-24"]
    # Council A: C1's £100 a year; Council B: C5's £10.01 in 2021-22 and £0.99 + C2's £50 in 2022-23.
    assert frame.loc["Council A", "2020-21"] == 12_500  # 10,000 x 100/80
    assert frame.loc["Council A", "2021-22"] == 11_111  # 10,000 x 100/90 = 11,111.1
    assert frame.loc["Council B", "2021-22"] == 1_112  # 1,001 x 100/90 = 1,112.2
    assert frame.loc["Council A", "Total"] == 12_500 + 11_111 + 10_000
    assert frame.loc["Total", "2021-22"] == 11_111 + 1_112  # the rounded cells, not 11,001 x 100/90 (12,223.3)
    assert "unphased" not in frame.columns and "2024-25" not in frame.columns
    notes = " ".join(table.notes)
    assert "2024-25 (no deflator)" in notes
    assert "real terms, 2022-23 prices (Test deflators, one)" in notes


def test_the_yearly_table_in_real_terms_adds_up_and_leaves_out_what_it_cannot_deflate():
    table = tables.build("yearly", _data(), PRICES)
    frame = table.frame

    years = list(frame["financial_year"])
    assert years == ["2020-21", "2021-22", "2022-23", "2023-24", "Total"]
    body, total = frame.iloc[:-1], frame.iloc[-1]
    for column in ("committed", "delivered", "variance", "new_money"):
        assert total[column] == body[column].sum()
    assert list(body["variance"]) == list(body["delivered"] - body["committed"])
    assert list(body["cumulative_committed"]) == list(body["committed"].cumsum())
    assert body["delivered"].iloc[0] == 7_500  # D1's £60 paid in 2020-21, x100/80


def test_record_lists_stay_in_cash():
    data = _data()
    for name in ("commitments", "schedule", "deliveries"):
        assert tables.build(name, data, PRICES).frame.equals(tables.build(name, data, CASH).frame), name


def test_the_workbook_about_sheet_names_the_release_and_base_year():
    data = _data()
    about = tables.export_about(data, source="test", exported_on=date(2026, 12, 6), prices=PRICES)
    book = load_workbook(io.BytesIO(tables.workbook_bytes(data, about, prices=PRICES)))

    said = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert said["Deflator release"] == "Test deflators, one"
    assert said["Base year"] == "2022-23"
    assert "real terms, 2022-23 prices (Test deflators, one)" in said["Prices"]
    cash = tables.export_about(data, source="test", exported_on=date(2026, 12, 6))
    assert "Deflator release" not in cash and cash["Prices"].startswith("Cash")


def test_a_downloaded_table_in_real_terms_names_its_prices_on_every_row():
    from tracker.figures.real_tables import labelled

    table = labelled(tables.build("yearly", _data(), PRICES), PRICES)
    frame = table.frame

    assert list(frame.columns[-3:]) == ["prices", "base_year", "deflator_release"]
    assert set(frame["deflator_release"]) == {"Test deflators, one"} and set(frame["base_year"]) == {"2022-23"}
    assert labelled(tables.build("yearly", _data()), CASH).frame.columns[-1] == "cumulative_delivered"
