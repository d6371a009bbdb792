"""Finance tables from a hand-made TrackerData: schedule, yearly and deliveries;
building a table by name; the Table's own checks; and what an export says about itself."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.unit.finance_tables_data import PIVOT_RECORDS, rows_of, tracker_data
from tracker.figures.finance_tables import (
    TABLE_NAMES,
    build,
    deliveries_table,
    export_about,
    schedule_table,
    yearly_table,
)
from tracker.files.exports import to_csv_bytes
from tracker.files.table import Table
from tracker.records.delivery_rows import read_deliveries

# --- schedule, yearly, deliveries ---------------------------------------------

DELIVERIES = [
    ("D1", "C1", date(2020, 6, 1), 6_000, "disbursement", "First payment", True),
    ("D2", "C1", date(2021, 4, 1), -250, "disbursement", "Correction", False),
    ("D3", "C2", date(2023, 1, 15), 5_000, "expenditure", None, False),
]


def test_schedule_table_lists_each_commitment_year_with_headline_and_new_money() -> None:
    table = schedule_table(tracker_data(PIVOT_RECORDS))

    assert list(table.frame.columns) == [
        "ref",
        "purpose",
        "recipient",
        "programme",
        "financial_year",
        "headline",
        "committed",
        "new_money",
        "estimated",
    ]
    assert table.money_columns == ("headline", "committed", "new_money")
    assert set(table.frame["estimated"]) == {""}  # no chosen spread in these records
    frame = table.frame
    assert [
        (r, fy, h, n)
        for r, fy, h, n in zip(frame["ref"], frame["financial_year"], frame["headline"], frame["new_money"])
    ] == [
        ("C1", "2020-21", 10_000, 10_000),
        ("C1", "2021-22", 10_000, 10_000),
        ("C1", "2022-23", 10_000, 10_000),
        ("C2", "2022-23", 5_000, 5_000),
        ("C3", "2024-25", 7_000, 7_000),
        ("C4", "2022-23", 5_000, 0),
        ("C5", "2021-22", 1_001, 1_001),
        ("C5", "2022-23", 99, 99),
    ]
    assert frame.loc[frame["ref"] == "C2", "programme"].tolist() == [""]


def test_yearly_table_gives_committed_delivered_variance_progress_and_a_total_row() -> None:
    table = yearly_table(tracker_data(PIVOT_RECORDS, DELIVERIES))

    frame = table.frame
    assert list(frame.columns) == [
        "financial_year",
        "committed",
        "new_money",
        "estimated",
        "delivered",
        "variance",
        "pct_delivered",
        "cumulative_committed",
        "cumulative_delivered",
    ]
    money = ["financial_year", "committed", "delivered", "variance", "cumulative_committed", "cumulative_delivered"]
    assert rows_of(frame[money]) == [
        ["2020-21", 10_000, 6_000, -4_000, 10_000, 6_000],
        ["2021-22", 11_001, -250, -11_251, 21_001, 5_750],
        ["2022-23", 15_099, 5_000, -10_099, 36_100, 10_750],
        ["2023-24", 0, 0, 0, 36_100, 10_750],
        ["2024-25", 7_000, 0, -7_000, 43_100, 10_750],
        ["Total", 43_100, 10_750, -32_350, 43_100, 10_750],
    ]
    pct = frame["pct_delivered"].tolist()
    assert pct[0] == 0.6 and np.isnan(pct[3]) and pct[5] == 10_750 / 43_100
    assert table.total_row and table.percent_columns == ("pct_delivered",)
    assert all(frame[c].dtype == np.int64 for c in money[1:])
    assert any("illustrative" in note for note in table.notes)


def test_deliveries_table_has_commitment_ref_financial_year_and_yes_no_illustrative() -> None:
    table = deliveries_table(tracker_data(PIVOT_RECORDS, DELIVERIES))

    assert rows_of(table.frame.drop(columns="paid_on")) == [
        ["D1", "C1", "2020-21", 6_000, "disbursement", "First payment", "yes"],
        ["D2", "C1", "2021-22", -250, "disbursement", "Correction", "no"],
        ["D3", "C2", "2022-23", 5_000, "expenditure", "", "no"],
    ]
    assert table.frame["paid_on"].tolist() == [date(2020, 6, 1), date(2021, 4, 1), date(2023, 1, 15)]
    assert table.money_columns == ("amount",)


def test_deliveries_exported_as_csv_read_back_as_the_same_deliveries(tmp_path) -> None:
    path = tmp_path / "deliveries.csv"
    path.write_bytes(to_csv_bytes(deliveries_table(tracker_data(PIVOT_RECORDS, DELIVERIES))))

    records, problems = read_deliveries(path)

    assert problems == []
    assert [(r.ref, r.commitment_ref, r.paid_on, r.amount_pence, r.kind, r.note, r.illustrative) for r in records] == [
        (ref, commitment, paid_on, pence, kind, note, illustrative)
        for ref, commitment, paid_on, pence, kind, note, illustrative in DELIVERIES
    ]


def test_every_table_can_be_built_by_name_from_empty_data() -> None:
    empty = tracker_data([])
    for name in TABLE_NAMES:
        table = build(name, empty)
        assert table.name == name
        assert list(table.titles) == list(table.frame.columns)
        assert len(table.body) == 0
    assert rows_of(build("yearly", empty).frame[["financial_year", "committed"]]) == [["Total", 0]]


def test_build_refuses_an_unknown_table_name() -> None:
    with pytest.raises(ValueError, match="no table called 'totals'"):
        build("totals", tracker_data([]))


def test_a_table_refuses_float_money() -> None:
    frame = pd.DataFrame({"financial_year": ["2020-21"], "committed": [1.5]})
    with pytest.raises(TypeError, match="integer pence"):
        Table(
            name="t",
            title="T",
            frame=frame,
            titles={"financial_year": "Year", "committed": "Committed"},
            money_columns=("committed",),
        )


def test_a_table_needs_a_title_for_every_column_in_order() -> None:
    frame = pd.DataFrame({"a": ["x"], "b": ["y"]})
    with pytest.raises(ValueError, match="titles must name every column"):
        Table(name="t", title="T", frame=frame, titles={"b": "B", "a": "A"})


def test_export_about_names_the_as_at_date_filters_source_and_illustrative_deliveries() -> None:
    about = export_about(
        tracker_data(PIVOT_RECORDS, DELIVERIES, as_at=date(2023, 3, 31)),
        source="sqlite:///x.db",
        filters="recipient: Council A",
        exported_on=date(2026, 11, 27),
    )

    assert about["As at"] == "2023-03-31"
    assert about["Exported on"] == "2026-11-27"
    assert about["Filters"] == "recipient: Council A"
    assert about["Source"] == "sqlite:///x.db"
    assert about["Illustrative"].startswith("Demo delivery figures are illustrative")
    assert "1 of 3 deliveries" in about["Illustrative"]
    plain = export_about(tracker_data(PIVOT_RECORDS), source="s")
    assert plain["As at"] == "all data (no as-at date)" and plain["Filters"] == "none"
    assert "Illustrative" not in plain
