"""The Record page's preview: money by year, unphased money last, and the totals
(tracker.records.announcements.preview_schedule and with_totals; no database)."""

from __future__ import annotations

from tracker.records.announcements import ALL_COMMITMENTS, preview_schedule, with_totals
from tracker.records.inputs import AnnouncementInput, CommitmentInput

MULTI_YEAR = CommitmentInput("W8", "Data unit", "", "multi-year", "£2m", "2022-23", years="2")  # no split: unphased
ONE_OFF = CommitmentInput("W9", "Training", "", "one-off", "£1m", "2024-25")
RECURRING = CommitmentInput("W10", "Squads", "", "recurring", "£500k", "2023-24", years="3")


def _preview(*commitments: CommitmentInput):
    schedule, problems = preview_schedule(AnnouncementInput("A7", "2022-02-01", "Data", "WG", commitments=commitments))
    assert problems == []
    return schedule


def test_unphased_money_is_one_column_after_the_years():
    schedule = _preview(MULTI_YEAR, ONE_OFF)
    assert list(schedule.columns) == ["2024-25", "unphased"]
    assert schedule.to_dict("index") == {
        "W8": {"2024-25": 0, "unphased": 200_000_000},
        "W9": {"2024-25": 100_000_000, "unphased": 0},
    }


def test_each_commitment_has_its_total_and_several_have_a_row_of_totals():
    totalled = with_totals(_preview(MULTI_YEAR, ONE_OFF, RECURRING))
    assert list(totalled.columns) == ["2023-24", "2024-25", "2025-26", "unphased", "total"]
    assert totalled["total"].to_dict() == {
        "W8": 200_000_000,
        "W9": 100_000_000,
        "W10": 150_000_000,
        ALL_COMMITMENTS: 450_000_000,
    }
    assert totalled.loc[ALL_COMMITMENTS].tolist() == [50_000_000, 150_000_000, 50_000_000, 200_000_000, 450_000_000]
    assert (totalled.dtypes == "int64").all()


def test_one_commitment_has_no_row_of_totals():
    totalled = with_totals(_preview(RECURRING))
    assert list(totalled.index) == ["W10"]
    assert totalled.loc["W10", "total"] == 150_000_000
