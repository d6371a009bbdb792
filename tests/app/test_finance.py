"""The Finance tables page on the demo data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tracker.figures.finance_tables import TAB_LABELS

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _finance(tab: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception
    if tab is not None:
        _open_tab(at, tab)
    return at


def _open_tab(at: AppTest, label: str) -> None:
    """Choose a tab as a click would (the page draws only the open tab's table)."""
    at.session_state["finance_tab"] = label
    at.run()
    assert not at.exception


def _table(at: AppTest, first_column: str):
    return next(df.value for df in at.dataframe if df.value.columns[0] == first_column)


def test_the_recipient_pivot_has_row_and_column_totals_in_pounds():
    at = _finance("Recipient × year")
    pivot = _table(at, "recipient").set_index("recipient")
    assert list(pivot.columns) == ["recipient_id", "2020-21", "2021-22", "2022-23", "Total"]
    assert set(pivot["recipient_id"]) == {""}  # the demo's organisations have no identifiers
    assert pivot.loc["Centre for Digital Public Services", "Total"] == Decimal("9800000.00")
    assert pivot.loc["Welsh Local Government Association", "2021-22"] == Decimal("500000.00")
    assert list(pivot.loc["Total"].drop("recipient_id")) == [
        Decimal("1500000.00"),
        Decimal("5400000.00"),
        Decimal("6400000.00"),
        Decimal("13300000.00"),
    ]


def test_the_commitment_pivot_shows_the_reannouncement_as_adding_nothing():
    at = _finance()
    pivot = _table(at, "ref").set_index("ref")
    assert pivot.loc["W3", "Total"] == Decimal("0.00")
    assert pivot.loc["W2", "2020-21"] == Decimal("1000000.00")


def test_a_sidebar_filter_changes_the_finance_tables():
    at = _finance("Recipient × year")
    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    assert not at.exception
    pivot = _table(at, "recipient").set_index("recipient")
    assert list(pivot.index) == ["Welsh councils", "Total"]
    assert pivot.loc["Total", "Total"] == Decimal("2000000.00")


def test_every_table_offers_a_csv_download_and_the_page_a_workbook():
    at = _finance()
    assert [t.label for t in at.tabs] == list(TAB_LABELS.values())
    workbook = "Download every table as an Excel workbook (XLSX)"
    csv_buttons = set()
    for label in TAB_LABELS.values():
        _open_tab(at, label)
        labels = [button.proto.label for button in at.get("download_button")]
        assert workbook in labels
        csv_buttons |= {label for label in labels if label.endswith("as CSV")}
        assert len(at.dataframe) == 1  # only the open tab's table is drawn
    assert len(csv_buttons) == 8
