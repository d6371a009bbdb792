"""Finance tables from a hand-made TrackerData: pivots, the commitments table
that re-imports to the same records, schedule, yearly and deliveries."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tracker.core.fiscal import FinancialYear
from tracker.figures.data import COMMITMENT_COLUMNS, TrackerData
from tracker.figures.finance_tables import (
    TABLE_NAMES,
    build,
    commitments_table,
    deliveries_table,
    export_about,
    pivot,
    pivot_table,
    schedule_table,
    yearly_table,
)
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes
from tracker.files.table import Table
from tracker.records.commitment_rows import CommitmentRecord, read_commitments
from tracker.records.delivery_rows import read_deliveries

FY = FinancialYear
DELIVERY_COLUMNS = ["delivery_id", "ref", "commitment_id", "paid_on", "amount_pence", "kind", "note", "illustrative"]
MILESTONE_COLUMNS = [
    "milestone_id",
    "ref",
    "commitment_id",
    "title",
    "due_on",
    "achieved_on",
    "achieved_note",
    "source_url",
]


def record(ref: str, **fields) -> CommitmentRecord:
    base = dict(
        line=0,
        ref=ref,
        announced_on=date(2019, 10, 25),
        funder="Welsh Government",
        recipient="Council A",
        purpose=f"Purpose of {ref}",
        kind="one-off",
        amount_pence=10_000,
        first_year=FY(2020),
        years=1,
        announcement_ref=f"A-{ref}",
        title=f"Announcement of {ref}",
    )
    return CommitmentRecord(**(base | fields))


def tracker_data(records: list[CommitmentRecord], deliveries=(), as_at: date | None = None) -> TrackerData:
    """Frames shaped as ``tracker.queries.load`` returns them (ids from 1, in record order)."""
    ids = {rec.ref: i for i, rec in enumerate(records, start=1)}
    rows = [
        (
            ids[r.ref],
            r.ref,
            r.announcement_ref,
            r.announced_on,
            r.title,
            r.source_url,
            r.funder,
            r.recipient,
            r.purpose,
            r.programme,
            r.kind,
            r.amount_pence,
            r.qualifier,
            r.status,
            r.capital_or_revenue,
            r.first_year.start_year,
            r.years,
            r.uplift_bp,
            ids.get(r.reannounces),
            r.reannounces,
        )
        for r in records
    ]
    commitments = pd.DataFrame(rows, columns=COMMITMENT_COLUMNS).astype(
        {
            "commitment_id": "int64",
            "amount_pence": "int64",
            "first_year": "int64",
            "years": "int64",
            "uplift_bp": "int64",
            "reannounces_id": "Int64",
        }
    )
    lines = pd.DataFrame(
        [(ids[r.ref], fy.start_year, pence) for r in records for fy, pence in r.profile],
        columns=["commitment_id", "financial_year", "amount_pence"],
    ).astype("int64")
    delivery_frame = pd.DataFrame(
        [
            (i, ref, ids[commitment], paid_on, pence, kind, note, illustrative)
            for i, (ref, commitment, paid_on, pence, kind, note, illustrative) in enumerate(deliveries, start=1)
        ],
        columns=DELIVERY_COLUMNS,
    ).astype({"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"})
    milestones = pd.DataFrame([], columns=MILESTONE_COLUMNS)
    return TrackerData(commitments, lines, delivery_frame, milestones, as_at)


# C1 £100 a year 2020-21..2022-23; C2 £50 in 2022-23; C3 £70 in 2024-25 (nothing
# in 2023-24); C4 re-announces C2; C5 profiled £10.01 in 2021-22 and £0.99 in 2022-23.
PIVOT_RECORDS = [
    record("C1", kind="recurring", amount_pence=10_000, years=3, programme="Fund X"),
    record("C2", recipient="Council B", amount_pence=5_000, first_year=FY(2022)),
    record("C3", funder="UK Government", amount_pence=7_000, first_year=FY(2024), programme="Fund Y"),
    record(
        "C4",
        recipient="Council B",
        amount_pence=5_000,
        first_year=FY(2022),
        reannounces="C2",
        announced_on=date(2020, 6, 26),
    ),
    record(
        "C5",
        recipient="Council B",
        kind="profiled",
        amount_pence=1_100,
        first_year=FY(2021),
        years=2,
        programme="Fund X",
        profile=((FY(2021), 1_001), (FY(2022), 99)),
    ),
]
YEARS = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25"]


def rows_of(frame: pd.DataFrame) -> list[list]:
    return [[v if isinstance(v, str) else int(v) for v in row] for row in frame.itertuples(index=False, name=None)]


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
    # C4's headline money is in 2025-26, but it re-announces C2: no 2025-26 column.
    records = [
        record("C2", first_year=FY(2022)),
        record("C4", kind="recurring", years=4, first_year=FY(2022), reannounces="C2"),
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


# --- the commitments table re-imports to the same records -------------------

ROUND_TRIP = [
    record(
        "R1",
        kind="recurring",
        amount_pence=50_000_000,
        years=3,
        uplift_bp=250,
        capital_or_revenue="revenue",
        source_url="https://gov.wales/statement",
        announcement_ref="A1",
        title="Chief Digital Officer",
    ),
    record(
        "R2",
        amount_pence=100_000_001,
        qualifier="over",
        programme="Fund",
        announcement_ref="A1",
        title="Chief Digital Officer",
        purpose='=HYPERLINK("http://x","y")',
    ),
    record(
        "R3",
        kind="profiled",
        amount_pence=12_445,
        first_year=FY(2021),
        years=3,
        status="indicative",
        capital_or_revenue="capital",
        profile=((FY(2021), 12_345), (FY(2022), 1), (FY(2023), 99)),
        announced_on=date(2021, 1, 12),
    ),
    record(
        "R4",
        reannounces="R2",
        qualifier="up to",
        amount_pence=1,
        purpose="-1+1 is not a sum",
        recipient="@council",
        programme="+plus",
        title="It's '=' in quotes",
        announced_on=date(2020, 6, 26),
    ),
    record(
        "R5",
        kind="recurring",
        amount_pence=99,
        years=50,
        first_year=FY(2030),
        uplift_bp=-50,
        qualifier="about",
        title='He said "£1m, then more"\nand left',
        purpose="@SUM(1)",
        announced_on=date(2022, 8, 17),
    ),
    record(
        "R6",
        kind="recurring",
        amount_pence=1_000,
        years=2,
        uplift_bp=125,
        purpose="cmd|' /C calc'!A0",
        announced_on=date(2022, 8, 18),
    ),
    record("R7", kind="recurring", amount_pence=1_000, years=2, uplift_bp=300, announced_on=date(2022, 8, 19)),
]


def reread(path) -> list[CommitmentRecord]:
    records, problems = read_commitments(path)
    assert [str(p) for p in problems] == []
    return [dataclasses.replace(r, line=0) for r in records]


def test_commitments_table_has_exactly_the_contract_columns_in_order() -> None:
    table = commitments_table(tracker_data(ROUND_TRIP))

    assert list(table.frame.columns) == [
        "ref",
        "announced_on",
        "funder",
        "recipient",
        "purpose",
        "kind",
        "amount",
        "first_year",
        "years",
        "qualifier",
        "programme",
        "announcement_ref",
        "title",
        "source_url",
        "status",
        "capital_or_revenue",
        "uplift_pct",
        "reannounces",
        "profile",
        "quote",
    ]
    assert table.money_columns == ("amount",)
    row = table.frame.set_index("ref")
    uplift = {ref: row.loc[ref, "uplift_pct"] for ref in ("R1", "R5", "R6", "R7", "R2")}
    assert uplift == {
        "R1": Decimal("2.5"),
        "R5": Decimal("-0.5"),
        "R6": Decimal("1.25"),
        "R7": Decimal("3"),
        "R2": None,
    }
    assert [str(uplift[r]) for r in ("R1", "R5", "R6", "R7")] == ["2.5", "-0.5", "1.25", "3"]
    assert row.loc["R3", "profile"] == "2021-22=123.45;2022-23=0.01;2023-24=0.99"
    assert row.loc["R3", "first_year"] == "2021-22"
    assert row.loc["R4", "reannounces"] == "R2"
    assert row.loc["R2", "amount"] == 100_000_001


def test_commitments_exported_as_csv_read_back_as_the_same_records(tmp_path) -> None:
    path = tmp_path / "commitments.csv"
    path.write_bytes(to_csv_bytes(commitments_table(tracker_data(ROUND_TRIP))))

    assert reread(path) == ROUND_TRIP
    raw = {row["ref"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))}
    assert raw["R2"]["purpose"] == """'=HYPERLINK("http://x","y")"""  # neutralised in the file itself
    r4 = raw["R4"]
    assert (r4["purpose"], r4["recipient"], r4["programme"]) == ("'-1+1 is not a sum", "'@council", "'+plus")
    assert (raw["R5"]["uplift_pct"], raw["R1"]["uplift_pct"], raw["R2"]["uplift_pct"]) == ("-0.5", "2.5", "")  # numbers


def test_commitments_exported_as_xlsx_read_back_as_the_same_records(tmp_path) -> None:
    path = tmp_path / "commitments.xlsx"
    path.write_bytes(to_xlsx_bytes([commitments_table(tracker_data(ROUND_TRIP))], {"As at": "all data"}))

    assert reread(path) == ROUND_TRIP


def test_a_reannouncement_whose_original_is_not_visible_exports_without_reannounces() -> None:
    data = tracker_data(ROUND_TRIP)
    # What tracker.queries.load does when the original is hidden (e.g. by as_at).
    commitments = data.commitments.copy()
    commitments.loc[commitments["ref"] == "R4", ["reannounces_id", "reannounces_ref"]] = None
    hidden = dataclasses.replace(data, commitments=commitments)

    assert commitments_table(hidden).frame.set_index("ref").loc["R4", "reannounces"] == ""


# --- schedule, yearly, deliveries ---------------------------------------------

DELIVERIES = [
    ("D1", "C1", date(2020, 6, 1), 6_000, "payment", "First payment", True),
    ("D2", "C1", date(2021, 4, 1), -250, "payment", "Correction", False),
    ("D3", "C2", date(2023, 1, 15), 5_000, "spend", None, False),
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
        "new_money",
    ]
    assert table.money_columns == ("headline", "new_money")
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
        ["D1", "C1", "2020-21", 6_000, "payment", "First payment", "yes"],
        ["D2", "C1", "2021-22", -250, "payment", "Correction", "no"],
        ["D3", "C2", "2022-23", 5_000, "spend", "", "no"],
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
