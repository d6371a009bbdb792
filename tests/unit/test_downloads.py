"""The dashboard's CSV downloads: the Delivery page's tables and a revised
commitment's original and revised profiles, from the same hand-made frames as
the delivery and revision tests (plain pounds, neutralised text)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from dashboard import downloads
from tests.unit.test_delivery_tables import TODAY, commitments, deliveries, schedule
from tests.unit.test_revision_view import REPROFILED
from tracker.figures import delivery
from tracker.figures import revisions as revision_view


@pytest.fixture
def by_commitment() -> pd.DataFrame:
    return delivery.by_commitment(schedule(), deliveries(), commitments(), TODAY).set_index("ref")


@pytest.fixture
def by_year() -> pd.DataFrame:
    return delivery.slippage_by_year(schedule(), deliveries(), commitments(), TODAY)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_by_commitment_csv_has_plain_pounds_and_neutralised_text(by_commitment: pd.DataFrame) -> None:
    rows = {row["ref"]: row for row in read_csv(downloads.by_commitment_csv(by_commitment.reset_index()))}

    assert rows["C1"]["variance"] == "-60.00"
    assert rows["C1"]["slippage"] == "60.00"
    assert rows["C1"]["committed"] == "300.00"
    assert rows["C2"]["outstanding"] == "-60.00"
    assert rows["C7"]["purpose"] == '\'=HYPERLINK("x")'
    assert rows["C3"]["restates"] == "C2"


def test_the_by_year_csv_labels_financial_years(by_year: pd.DataFrame) -> None:
    rows = read_csv(downloads.by_year_csv(by_year))

    assert [row["financial_year"] for row in rows] == ["2020-21", "2021-22", "2022-23"]
    assert [row["slippage"] for row in rows] == ["0.00", "10.00", "0.00"]
    assert [row["cumulative_delivered"] for row in rows] == ["680.00", "720.00", "720.00"]


def test_the_deliveries_csv_keeps_the_correction_negative() -> None:
    rows = read_csv(downloads.deliveries_csv(delivery.deliveries_in_year(deliveries(), commitments(), 2021)))

    assert [(row["ref"], row["amount"]) for row in rows] == [("D2", "70.00"), ("D3", "-30.00")]


def test_the_comparison_csv_is_plain_pounds_with_the_total_last() -> None:
    csv_text = downloads.comparison_csv(revision_view.comparison_table(REPROFILED, "W1")).decode("utf-8")

    assert csv_text == (
        "financial_year,original,revised,change\n"
        "2020-21,500000.00,500000.00,0.00\n"
        "2021-22,500000.00,300000.00,-200000.00\n"
        "2022-23,500000.00,700000.50,200000.50\n"
        "Total,1500000.00,1500000.50,0.50\n"
    )
