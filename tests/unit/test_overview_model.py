"""The Overview's read model: breakdown and milestone summary."""

from __future__ import annotations

from datetime import date

from tests.unit.test_filters import _data
from tracker.figures.data import breakdown, overview


def test_breakdown_by_recipient_sums_new_money_and_delivery_over_all_years():
    split = breakdown(_data(), "recipient")
    assert list(split["recipient"]) == ["WLGA", "Cardiff Council"]
    # WLGA: C1 £500k x 3; C3 re-announces C2 (Cardiff), so it adds nothing to WLGA.
    assert list(split["committed"]) == [150_000_000, 100_000_000]
    assert list(split["delivered"]) == [165_000_000, 0]
    assert list(split["variance"]) == [15_000_000, -100_000_000]


def test_an_unachieved_milestone_past_its_due_date_is_overdue_in_the_summary():
    view = overview(_data(), today=date(2020, 12, 1))
    assert list(view.overdue["title"]) == ["CDO in post"]
    assert view.milestone_summary() == (
        "1 milestone overdue (longest: CDO in post, about 8 months late); none is waiting to be achieved."
    )


def test_a_milestone_not_yet_due_is_named_as_next():
    view = overview(_data(), today=date(2020, 3, 1))
    assert view.overdue.empty
    assert view.milestone_summary() == "No milestone is overdue; next due: CDO in post on 1 April 2020."
