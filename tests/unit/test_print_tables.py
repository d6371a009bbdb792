"""The print copy of a table (dashboard/tables.py): the same rows, columns,
headings and number formats as the dataframe on screen, every value escaped."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pandas as pd
import streamlit as st

from dashboard.components import money_column, percent_column
from dashboard.tables import PRINT_ROWS_AT_MOST, _pinned, _shown_columns, cell, print_table


class _Cells(HTMLParser):
    """The text of each row of an HTML table: the heading row first."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data


def cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_the_print_copy_holds_every_row_with_the_headings_and_formats_shown():
    frame = pd.DataFrame(
        {
            "ref": ["W1", "W2"],
            "committed": [Decimal("1500000.00"), None],
            "variance": [Decimal("-330000.00"), Decimal("0")],
            "share": [0.5, 0.25],
            "paid_on": [date(2023, 3, 15), None],
        }
    )
    config = {
        "ref": "Ref",
        "committed": money_column("Committed"),
        "variance": money_column("Variance"),
        "share": percent_column("Share"),
        "paid_on": st.column_config.DateColumn("Paid on", format="D MMM YYYY"),
    }
    table = cells(print_table(frame, list(frame.columns), config))
    assert table.rows == [
        ["Ref", "Committed", "Variance", "Share", "Paid on"],
        ["W1", "£1,500,000.00", "-£330,000.00", "50.0%", "15 Mar 2023"],
        ["W2", "—", "£0.00", "25.0%", "—"],
    ]


def test_every_value_and_heading_is_escaped():
    frame = pd.DataFrame({"title": ['<script>alert("x")</script>', "A & B"]})
    said = print_table(frame, ["title"], {"title": "<b>Title</b>"})
    assert "<script>" not in said and "<b>" not in said
    assert cells(said).rows == [["<b>Title</b>"], ['<script>alert("x")</script>'], ["A & B"]]
    assert "script" not in cells(said).tags and "b" not in cells(said).tags


def test_hidden_columns_and_column_order_are_kept():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3]})
    assert _shown_columns(frame, {"b": None}, None) == ["a", "c"]
    assert _shown_columns(frame, {}, ["c", "a"]) == ["c", "a"]


def test_times_and_whole_numbers_as_the_dataframe_writes_them():
    when = datetime(2026, 11, 27, 9, 5, 7)
    assert cell(when, {"type": "datetime", "format": "D MMM YYYY, HH:mm:ss"}) == "27 Nov 2026, 09:05:07"
    assert cell(12.0, {"type": "number", "format": "%d"}) == "12"
    assert cell(["admin", "viewer"], {}) == "admin, viewer"
    assert cell(True, {"type": "checkbox"}) == "Yes"


def test_a_very_long_table_prints_its_first_rows_and_says_so():
    frame = pd.DataFrame({"n": range(PRINT_ROWS_AT_MOST + 5)})
    said = print_table(frame, ["n"], {})
    assert len(cells(said).rows) == PRINT_ROWS_AT_MOST + 1
    assert f"Printed: the first {PRINT_ROWS_AT_MOST:,} of {PRINT_ROWS_AT_MOST + 5:,} rows." in said


def test_the_first_column_is_pinned_keeping_its_heading_and_format():
    assert _pinned("Ref") == st.column_config.Column("Ref", pinned=True)
    money = _pinned(money_column("Committed"))
    assert money["pinned"] is True and money["label"] == "Committed"
    assert money["type_config"]["format"] == "£%,.2f"
    assert _pinned(None)["pinned"] is True
