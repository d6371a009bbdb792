"""Milestone lateness around the due date: the day before, the day of, the day
after; achieved on time against achieved late (tracker.figures.delivery.milestone_states)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tracker.figures.delivery import milestone_states

DUE = date(2020, 4, 1)
COMMITMENTS = pd.DataFrame({"commitment_id": [1], "ref": ["W1"], "purpose": ["Chief Digital Officer post"]})


def _state(today: date, achieved: date | None = None) -> tuple[str, int, str]:
    milestones = pd.DataFrame(
        {
            "milestone_id": [1],
            "ref": ["M1"],
            "commitment_id": [1],
            "title": ["CDO in post"],
            "due_on": [DUE],
            "achieved_on": [achieved],
            "achieved_note": [None],
            "source_url": [None],
        }
    )
    row = milestone_states(milestones, COMMITMENTS, today).iloc[0]
    return row["state"], int(row["days_late"]), row["lateness"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 3, 31), ("due", 0, "")),  # the day before
        (date(2020, 4, 1), ("due", 0, "")),  # the day itself: still in time
        (date(2020, 4, 2), ("overdue", 1, "1 day late")),  # the day after
        (date(2020, 4, 15), ("overdue", 14, "14 days late")),
        (date(2020, 11, 30), ("overdue", 243, "about 8 months late")),
    ],
)
def test_an_unachieved_milestone_is_overdue_from_the_day_after_it_was_due(today, expected) -> None:
    assert _state(today) == expected


@pytest.mark.parametrize(
    ("achieved", "expected"),
    [
        (date(2020, 3, 31), ("achieved", 0, "")),  # early
        (date(2020, 4, 1), ("achieved", 0, "")),  # on the day: on time
        (date(2020, 4, 2), ("achieved late", 1, "1 day late")),
        # The real Chief Digital Officer took up post in late November 2020.
        (date(2020, 11, 30), ("achieved late", 243, "about 8 months late")),
    ],
)
def test_an_achieved_milestone_says_whether_it_was_on_time(achieved, expected) -> None:
    assert _state(date(2026, 11, 27), achieved) == expected
