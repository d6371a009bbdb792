"""The sidebar's filters narrow the data every page reads."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tracker.core.fiscal import FinancialYear
from tracker.figures.data import TrackerData
from tracker.figures.filters import NO_PROGRAMME, Filters, choices
from tracker.figures.totals import committed_vs_delivered


def _data() -> TrackerData:
    commitments = pd.DataFrame(
        {
            "commitment_id": [1, 2, 3],
            "ref": ["C1", "C2", "C3"],
            "funder": ["Welsh Government", "Welsh Government", "UK Government"],
            "recipient": ["WLGA", "Cardiff Council", "WLGA"],
            "purpose": ["CDO post", "Digital fund", "Digital fund, again"],
            "programme": [None, "Transformation Fund", "Transformation Fund"],
            "kind": ["recurring", "one-off", "one-off"],
            "amount_pence": [50_000_000, 100_000_000, 100_000_000],
            "qualifier": ["exact", "over", "exact"],
            "first_year": [2020, 2020, 2020],
            "years": [3, 1, 1],
            "uplift_bp": [0, 0, 0],
            "reannounces_id": pd.array([pd.NA, pd.NA, 2], dtype="Int64"),
            "reannounces_ref": [None, None, "C2"],
        }
    )
    deliveries = pd.DataFrame(
        {
            "delivery_id": [1, 2, 3],
            "ref": ["D1", "D2", "D3"],
            "commitment_id": [1, 1, 3],
            "paid_on": [date(2021, 3, 31), date(2022, 4, 1), date(2020, 9, 1)],
            "amount_pence": [50_000_000, 25_000_000, 90_000_000],
            "kind": ["disbursement"] * 3,
            "note": [None] * 3,
            "illustrative": [False] * 3,
        }
    )
    empty_lines = pd.DataFrame({"commitment_id": [], "financial_year": [], "amount_pence": []}, dtype="int64")
    milestones = pd.DataFrame(
        {
            "milestone_id": [1],
            "ref": ["M1"],
            "commitment_id": [1],
            "title": ["CDO in post"],
            "due_on": [date(2020, 4, 1)],
            "achieved_on": [None],
            "achieved_note": [None],
            "source_url": [None],
        }
    )
    return TrackerData(commitments, empty_lines, deliveries, milestones, as_at=None)


def _totals(data: TrackerData) -> dict[str, tuple[int, int]]:
    frame = committed_vs_delivered(data.schedule, data.deliveries, data.commitments)
    return {
        FinancialYear(int(y)).label: (int(c), int(d))
        for y, c, d in frame[["financial_year", "committed", "delivered"]].itertuples(index=False)
    }


def test_no_filters_keep_everything_and_count_reannounced_money_once():
    data = Filters().apply(_data())
    assert _totals(data) == {
        "2020-21": (150_000_000, 140_000_000),
        "2021-22": (50_000_000, 0),
        "2022-23": (50_000_000, 25_000_000),
    }


def test_a_recipient_filter_keeps_that_recipients_commitments_deliveries_and_milestones():
    data = Filters(recipients=("Cardiff Council",)).apply(_data())
    assert list(data.commitments["ref"]) == ["C2"]
    assert data.deliveries.empty and data.milestones.empty
    assert _totals(data) == {"2020-21": (100_000_000, 0)}


def test_a_reannouncement_whose_original_is_filtered_away_counts_as_new_money_in_that_view():
    data = Filters(funders=("UK Government",)).apply(_data())
    assert list(data.commitments["ref"]) == ["C3"]
    assert _totals(data) == {"2020-21": (100_000_000, 90_000_000)}


def test_the_year_range_limits_schedule_and_deliveries_by_financial_year():
    data = Filters(first_year=FinancialYear(2021), last_year=FinancialYear(2022)).apply(_data())
    assert _totals(data) == {"2021-22": (50_000_000, 0), "2022-23": (50_000_000, 25_000_000)}
    assert len(data.commitments) == 3  # commitments stay; their money outside the years does not


def test_no_programme_is_a_choice_of_its_own():
    assert choices(_data())["programmes"] == [NO_PROGRAMME, "Transformation Fund"]
    data = Filters(programmes=(NO_PROGRAMME,)).apply(_data())
    assert list(data.commitments["ref"]) == ["C1"]


def test_choices_offer_every_year_with_money_or_payments():
    assert [fy.label for fy in choices(_data())["years"]] == ["2020-21", "2021-22", "2022-23"]


def test_filters_describe_themselves_in_words():
    assert Filters().describe() == "none (everything)"
    assert Filters(first_year=FinancialYear(2021), recipients=("WLGA", "Cardiff Council")).describe() == (
        "financial years 2021-22 to the last year; recipient WLGA or Cardiff Council"
    )
