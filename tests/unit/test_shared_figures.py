"""What is worked out from a loaded TrackerData is kept with it, shared, and
never changed in place (tracker.figures.shared); kept views and searches are
bounded."""

from __future__ import annotations

import pytest

from tests.unit.finance_tables_data import PIVOT_RECORDS, tracker_data
from tracker.figures.filters import KEEP_NARROWED, Filters, narrowed
from tracker.figures.shared import SharedValueChanged, per_data


def test_a_figure_is_worked_out_once_and_the_same_object_is_handed_back() -> None:
    data = tracker_data(PIVOT_RECORDS)
    calls = []

    def work():
        calls.append(1)
        return data.commitments[["ref"]].copy()

    first = data.remember("refs", work)
    assert data.remember("refs", work) is first
    assert len(calls) == 1
    assert data.schedule is data.schedule


def test_a_kept_figure_changed_in_place_is_caught_on_the_next_read() -> None:
    data = tracker_data(PIVOT_RECORDS)
    kept = data.remember("refs", lambda: data.commitments[["ref"]].copy())
    kept.loc[0, "ref"] = "CHANGED"
    with pytest.raises(SharedValueChanged, match="refs"):
        data.remember("refs", lambda: None)


def test_the_frames_a_figure_came_from_changed_in_place_are_caught() -> None:
    data = tracker_data(PIVOT_RECORDS)
    assert not data.schedule.empty
    data.commitments["purpose"] = "changed"
    with pytest.raises(SharedValueChanged, match="frames"):
        data.remember("the next figure", lambda: 1)


def test_per_data_keys_on_the_other_arguments() -> None:
    data = tracker_data(PIVOT_RECORDS)
    calls = []

    @per_data
    def refs_of(d, kind: str) -> list[str]:
        calls.append(kind)
        return list(d.commitments.loc[d.commitments["kind"] == kind, "ref"])

    assert refs_of(data, "one-off") == refs_of(data, "one-off")
    refs_of(data, "recurring")
    assert calls == ["one-off", "recurring"]
    assert tracker_data(PIVOT_RECORDS).remember("x", lambda: 1) == 1  # another load keeps its own


def test_only_the_most_recent_searches_are_kept() -> None:
    data = tracker_data(PIVOT_RECORDS)
    for n in range(20):
        data.remember_recent("searches", n, lambda n=n: [n], most=3)
    calls = []
    data.remember_recent("searches", 19, lambda: calls.append("again") or [19], most=3)
    data.remember_recent("searches", 0, lambda: calls.append("again") or [0], most=3)
    assert calls == ["again"]  # 19 was kept, 0 was not


def test_narrowed_views_are_kept_for_the_most_recent_filter_sets_only() -> None:
    data = tracker_data(PIVOT_RECORDS)
    assert narrowed(data, Filters()) is data
    first = Filters(programmes=("Fund X",))
    view = narrowed(data, first)
    assert narrowed(data, first) is view
    assert list(view.commitments["ref"]) == ["C1", "C5"]
    for n in range(KEEP_NARROWED):
        narrowed(data, Filters(programmes=(f"Fund {n}",)))
    assert narrowed(data, first) is not view  # pushed out by newer ones, worked out again
