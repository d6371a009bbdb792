"""Delivery against the committed profile, to the penny, on small hand-made frames.

The frames have the columns and dtypes of ``tracker.figures.data.load``. "Today"
is 1 June 2021, in 2021-22: 2020-21 and 2021-22 have started (their money
is due), 2022-23 has not.

    C1  recurring £100 a year, 2020-21 to 2022-23; paid £100, £70, then a £30 correction
    C2  one-off £500 in 2020-21
    C3  re-announces C2 (no new money); a £300 payment is recorded against it
    C5  re-announces C3 (a chain back to C2); a £10 payment is recorded against it
    C4  one-off £250 in 2022-23: not yet due
    C6  one-off £10 in 2021-22: nothing paid
    C7  one-off £20 in 2020-21: paid exactly (its purpose looks like a formula)
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tracker.core.projection import schedule_frame
from tracker.figures import delivery

TODAY = date(2021, 6, 1)

COMMITMENT_ROWS = [
    # id, ref, purpose, recipient, kind, amount_pence, first_year, years, reannounces_id, qualifier
    (1, "C1", "Chief Digital Officer", "WLGA", "recurring", 10_000, 2020, 3, None, "exact"),
    (2, "C2", "Transformation fund", "Councils", "one-off", 50_000, 2020, 1, None, "over"),
    (3, "C3", "Transformation fund (again)", "Councils", "one-off", 50_000, 2020, 1, 2, "exact"),
    (5, "C5", "Transformation fund (third time)", "Councils", "one-off", 50_000, 2020, 1, 3, "exact"),
    (4, "C4", "Future work", "WLGA", "one-off", 25_000, 2022, 1, None, "exact"),
    (6, "C6", "Training", "WLGA", "one-off", 1_000, 2021, 1, None, "exact"),
    (7, "C7", '=HYPERLINK("x")', "Councils", "one-off", 2_000, 2020, 1, None, "exact"),
]

DELIVERY_ROWS = [
    # id, ref, commitment_id, paid_on, amount_pence
    (1, "D1", 1, date(2020, 5, 1), 10_000),
    (2, "D2", 1, date(2021, 5, 1), 7_000),
    (3, "D3", 1, date(2021, 5, 20), -3_000),  # a correction
    (4, "D4", 3, date(2020, 9, 1), 30_000),  # against the re-announcement
    (5, "D5", 2, date(2021, 1, 10), 25_000),
    (6, "D6", 5, date(2021, 2, 1), 1_000),  # against the re-announcement of the re-announcement
    (7, "D7", 7, date(2020, 6, 1), 2_000),
]


def commitments() -> pd.DataFrame:
    frame = pd.DataFrame(
        COMMITMENT_ROWS,
        columns=[
            "commitment_id",
            "ref",
            "purpose",
            "recipient",
            "kind",
            "amount_pence",
            "first_year",
            "years",
            "reannounces_id",
            "qualifier",
        ],
    )
    frame["programme"] = None
    frame["uplift_bp"] = 0
    refs = dict(zip(frame["commitment_id"], frame["ref"]))
    frame["reannounces_ref"] = [refs.get(r) for r in frame["reannounces_id"]]
    return frame.astype(
        {
            "commitment_id": "int64",
            "amount_pence": "int64",
            "first_year": "int64",
            "years": "int64",
            "uplift_bp": "int64",
            "reannounces_id": "Int64",
        }
    )


def deliveries() -> pd.DataFrame:
    frame = pd.DataFrame(DELIVERY_ROWS, columns=["delivery_id", "ref", "commitment_id", "paid_on", "amount_pence"])
    frame["kind"] = "disbursement"
    frame["note"] = None
    frame["illustrative"] = False
    return frame.astype({"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"})


def schedule() -> pd.DataFrame:
    return schedule_frame(commitments(), pd.DataFrame(columns=["commitment_id", "financial_year", "amount_pence"]))


@pytest.fixture
def by_commitment() -> pd.DataFrame:
    return delivery.by_commitment(schedule(), deliveries(), commitments(), TODAY).set_index("ref")


@pytest.fixture
def by_year() -> pd.DataFrame:
    return delivery.slippage_by_year(schedule(), deliveries(), commitments(), TODAY)


def test_each_commitment_gets_one_row_in_the_order_given(by_commitment: pd.DataFrame) -> None:
    assert list(by_commitment.index) == ["C1", "C2", "C3", "C5", "C4", "C6", "C7"]


def test_money_columns_stay_int64_pence(by_commitment: pd.DataFrame, by_year: pd.DataFrame) -> None:
    for column in ("committed", "due_to_date", "delivered", "variance", "outstanding", "slippage"):
        assert by_commitment[column].dtype == np.int64, column
    for column in ("committed", "delivered", "variance", "cumulative_committed", "cumulative_delivered", "slippage"):
        assert by_year[column].dtype == np.int64, column


def test_a_recurring_commitment_is_due_for_the_years_started_and_a_correction_reduces_delivery(
    by_commitment: pd.DataFrame,
) -> None:
    c1 = by_commitment.loc["C1"]

    assert c1["committed"] == 30_000
    assert c1["due_to_date"] == 20_000  # 2020-21 and 2021-22; 2022-23 has not started
    assert c1["delivered"] == 14_000  # 10,000 + 7,000 - 3,000
    assert c1["variance"] == -6_000
    assert c1["outstanding"] == 16_000
    assert c1["slippage"] == 6_000
    assert c1["pct_of_due_delivered"] == pytest.approx(0.7)
    assert c1["status"] == "behind by £60"


def test_payments_against_re_announcements_count_toward_the_original(by_commitment: pd.DataFrame) -> None:
    c2 = by_commitment.loc["C2"]

    assert c2["committed"] == 50_000
    assert c2["due_to_date"] == 50_000
    assert c2["delivered"] == 56_000  # 25,000 on C2 + 30,000 on C3 + 1,000 on C5
    assert c2["variance"] == 6_000
    assert c2["outstanding"] == -6_000
    assert c2["slippage"] == 0
    assert c2["status"] == "ahead by £60"


def test_a_re_announcement_adds_no_money_and_points_to_the_original(by_commitment: pd.DataFrame) -> None:
    for ref in ("C3", "C5"):
        row = by_commitment.loc[ref]
        assert (row["committed"], row["due_to_date"], row["delivered"], row["slippage"]) == (0, 0, 0, 0)
        assert row["restates"] == "C2"
        assert row["status"] == "restates C2: counted there"
        assert np.isnan(row["pct_of_due_delivered"])
    assert by_commitment.loc["C1", "restates"] is None


def test_money_is_counted_once_on_both_sides(by_commitment: pd.DataFrame) -> None:
    assert by_commitment["committed"].sum() == 30_000 + 50_000 + 25_000 + 1_000 + 2_000
    assert by_commitment["delivered"].sum() == sum(row[4] for row in DELIVERY_ROWS)


def test_not_yet_due_nothing_paid_and_on_profile(by_commitment: pd.DataFrame) -> None:
    c4, c6, c7 = by_commitment.loc["C4"], by_commitment.loc["C6"], by_commitment.loc["C7"]

    assert (c4["committed"], c4["due_to_date"], c4["slippage"], c4["outstanding"]) == (25_000, 0, 0, 25_000)
    assert c4["status"] == "not yet due"
    assert (c6["due_to_date"], c6["delivered"], c6["slippage"]) == (1_000, 0, 1_000)
    assert c6["pct_of_due_delivered"] == 0.0
    assert c6["status"] == "behind by £10"
    assert (c7["variance"], c7["slippage"], c7["pct_of_due_delivered"]) == (0, 0, 1.0)
    assert c7["status"] == "on profile"


def test_the_commitments_sentence_counts_those_behind_and_adds_up_their_slippage(by_commitment: pd.DataFrame) -> None:
    assert delivery.commitments_sentence(by_commitment) == "2 of 7 commitments are behind their profile by £70 in all."


def test_by_year_is_cumulative_with_slippage_only_for_years_started(by_year: pd.DataFrame) -> None:
    assert list(by_year["label"]) == ["2020-21", "2021-22", "2022-23"]
    assert list(by_year["committed"]) == [62_000, 11_000, 35_000]
    assert list(by_year["delivered"]) == [68_000, 4_000, 0]  # the correction falls in 2021-22
    assert list(by_year["cumulative_committed"]) == [62_000, 73_000, 108_000]
    assert list(by_year["cumulative_delivered"]) == [68_000, 72_000, 72_000]
    assert list(by_year["started"]) == [True, True, False]
    assert list(by_year["slippage"]) == [0, 1_000, 0]
    assert list(by_year["status"]) == ["ahead by £60", "behind by £10", "not yet started"]
    assert list(by_year["qualifier"]) == ["at least", "exact", "exact"]


def test_the_cumulative_sentence_speaks_of_the_last_year_started(by_year: pd.DataFrame) -> None:
    assert delivery.cumulative_sentence(by_year) == (
        "By the end of 2021-22, at least £730 had been committed and £720 delivered (98.6%): "
        "£10 behind the committed profile."
    )


def test_before_any_year_starts_nothing_is_due_or_slipping() -> None:
    early = date(2019, 10, 31)
    table = delivery.by_commitment(schedule(), deliveries().iloc[0:0], commitments(), early)
    yearly = delivery.slippage_by_year(schedule(), deliveries().iloc[0:0], commitments(), early)

    assert table["due_to_date"].sum() == 0 and table["slippage"].sum() == 0
    assert set(table.loc[table["restates"].isna(), "status"]) == {"not yet due"}
    assert list(yearly["slippage"]) == [0, 0, 0]
    assert delivery.cumulative_sentence(yearly).startswith("None of this money is due yet")


def test_a_re_announcement_whose_original_is_not_in_view_is_new_money_with_its_own_payments() -> None:
    visible = commitments()
    visible = visible.loc[visible["ref"] == "C3"].assign(reannounces_id=pd.array([pd.NA], dtype="Int64"))
    sched = schedule_frame(visible)
    paid = deliveries().loc[lambda d: d["commitment_id"] == 3]

    row = delivery.by_commitment(sched, paid, visible, TODAY).iloc[0]

    assert (row["committed"], row["delivered"], row["slippage"]) == (50_000, 30_000, 20_000)
    assert row["status"] == "behind by £200"


def test_the_deliveries_of_a_year_say_what_they_count_toward() -> None:
    records = delivery.deliveries_in_year(deliveries(), commitments(), 2020)

    assert list(records["ref"]) == ["D1", "D7", "D4", "D5", "D6"]
    assert list(records["commitment_ref"]) == ["C1", "C7", "C3", "C2", "C5"]
    assert list(records["counted_toward"]) == ["C1", "C7", "C2", "C2", "C2"]
    assert list(records["amount_pence"]) == [10_000, 2_000, 30_000, 25_000, 1_000]
    assert delivery.deliveries_in_year(deliveries(), commitments(), 2023).empty
