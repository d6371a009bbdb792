"""Pivots of new money by year (by recipient, commitment, programme or funder) from a
hand-made TrackerData."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.finance_tables_data import FY, PIVOT_RECORDS, YEARS, record, rows_of, tracker_data
from tracker.figures.pivots import pivot, pivot_table


def test_pivot_by_recipient_has_a_column_per_year_zero_filled_and_totals_both_ways() -> None:
    frame = pivot(tracker_data(PIVOT_RECORDS), "recipient")

    assert list(frame.columns) == ["recipient", *YEARS, "Total"]
    assert rows_of(frame) == [
        ["Council A", 10_000, 10_000, 10_000, 0, 7_000, 37_000],
        ["Council B", 0, 1_001, 5_099, 0, 0, 6_100],
        ["Total", 10_000, 11_001, 15_099, 0, 7_000, 43_100],
    ]
    assert all(frame[c].dtype == np.int64 for c in [*YEARS, "Total"])


def test_pivot_by_commitment_labels_rows_by_ref_purpose_and_recipient_and_shows_a_reannouncement_as_zeros() -> None:
    frame = pivot(tracker_data(PIVOT_RECORDS), "commitment")

    assert list(frame.columns) == ["ref", "purpose", "recipient", *YEARS, "Total"]
    assert rows_of(frame) == [
        ["C1", "Purpose of C1", "Council A", 10_000, 10_000, 10_000, 0, 0, 30_000],
        ["C2", "Purpose of C2", "Council B", 0, 0, 5_000, 0, 0, 5_000],
        ["C3", "Purpose of C3", "Council A", 0, 0, 0, 0, 7_000, 7_000],
        ["C4", "Purpose of C4", "Council B", 0, 0, 0, 0, 0, 0],
        ["C5", "Purpose of C5", "Council B", 0, 1_001, 99, 0, 0, 1_100],
        ["Total", "", "", 10_000, 11_001, 15_099, 0, 7_000, 43_100],
    ]


def test_pivot_by_programme_puts_commitments_without_one_under_none_last() -> None:
    frame = pivot(tracker_data(PIVOT_RECORDS), "programme")

    assert rows_of(frame) == [
        ["Fund X", 10_000, 11_001, 10_099, 0, 0, 31_100],
        ["Fund Y", 0, 0, 0, 0, 7_000, 7_000],
        ["(none)", 0, 0, 5_000, 0, 0, 5_000],
        ["Total", 10_000, 11_001, 15_099, 0, 7_000, 43_100],
    ]


def test_pivot_by_funder_sorts_funders_by_name() -> None:
    frame = pivot(tracker_data(PIVOT_RECORDS), "funder")

    assert [row[0] for row in rows_of(frame)] == ["UK Government", "Welsh Government", "Total"]
    assert rows_of(frame)[0] == ["UK Government", 0, 0, 0, 0, 7_000, 7_000]


def test_a_reannouncement_adds_nothing_to_any_pivot() -> None:
    without = [r for r in PIVOT_RECORDS if r.ref != "C4"]
    for rows in ("recipient", "programme", "funder"):
        assert pivot(tracker_data(PIVOT_RECORDS), rows).equals(pivot(tracker_data(without), rows)), rows
    with_c4 = pivot(tracker_data(PIVOT_RECORDS), "commitment")
    assert with_c4.loc[with_c4["ref"] != "C4"].reset_index(drop=True).equals(pivot(tracker_data(without), "commitment"))


def test_pivot_years_run_from_the_first_to_the_last_year_with_new_money_only() -> None:
    # C4's headline money is in 2025-26, but it re-announces C2 at the same
    # amount: counted once, at the original: no 2025-26 column.
    records = [
        record("C2", first_year=FY(2022)),
        record("C4", first_year=FY(2025), reannounces="C2"),
    ]
    frame = pivot(tracker_data(records), "recipient")

    assert list(frame.columns) == ["recipient", "2022-23", "Total"]


def test_pivot_of_no_commitments_is_a_zero_total_row() -> None:
    frame = pivot(tracker_data([]), "programme")

    assert list(frame.columns) == ["programme", "Total"]
    assert rows_of(frame) == [["Total", 0]]


def test_pivot_refuses_an_unknown_row_kind() -> None:
    with pytest.raises(ValueError, match="rows must be one of"):
        pivot(tracker_data(PIVOT_RECORDS), "purpose")


def test_pivot_table_marks_years_and_total_as_money_with_titles_and_a_total_row() -> None:
    table = pivot_table(tracker_data(PIVOT_RECORDS), "commitment")

    assert table.name == "pivot-commitment"
    assert table.money_columns == (*YEARS, "Total")
    assert dict(table.titles) == {
        "ref": "Ref",
        "purpose": "Purpose",
        "recipient": "Recipient",
        **{y: y for y in YEARS},
        "Total": "Total",
    }
    assert table.total_row and table.total["ref"] == "Total" and len(table.body) == 5
    assert list(table.titled().columns) == ["Ref", "Purpose", "Recipient", *YEARS, "Total"]
