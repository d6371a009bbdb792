"""The commitments table from a hand-made TrackerData: exactly the contract's columns,
and exported as CSV or xlsx it re-imports to the same records."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from decimal import Decimal

from tests.unit.finance_tables_data import FY, record, tracker_data
from tracker.figures.finance_tables import commitments_table
from tracker.files.exports import to_csv_bytes, to_xlsx_bytes
from tracker.records.commitment_rows import CommitmentRecord, read_commitments

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
        "part_of",
        "funder_id",
        "recipient_id",
        "spread",
        "planned_start",
        "planned_end",
        "areas",
        "title_cy",
        "quote_cy",
        "headline",
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
    # What tracker.figures.data.load does when the original is hidden (e.g. by as_at).
    commitments = data.commitments.copy()
    commitments.loc[commitments["ref"] == "R4", ["reannounces_id", "reannounces_ref"]] = None
    hidden = dataclasses.replace(data, commitments=commitments)

    assert commitments_table(hidden).frame.set_index("ref").loc["R4", "reannounces"] == ""
