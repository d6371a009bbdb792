"""A filtered view takes its schedule from the unfiltered one
(``TrackerData.narrowed_from``): the unfiltered rows of the commitments with
no link (through any chain of links) to one left out, and the rows of those
linked to one left out (``counted_apart``) worked out again; either way its
schedule (and ``schedule_money``) is the one worked out from scratch for the
filtered data.

The data: a pot and a share of it, money announced again by another funder,
and two commitments linked to nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from tracker.core.fiscal import FinancialYear
from tracker.figures import data as data_module
from tracker.figures.data import MONEY_COLUMNS, TrackerData
from tracker.figures.filters import Filters

WG, UK = "Welsh Government", "UK Government"


def _data() -> TrackerData:
    commitments = pd.DataFrame(
        {
            "commitment_id": [1, 2, 3, 4, 5, 6],
            "ref": ["POT", "SHARE", "ORIG", "AGAIN", "ALONE", "OTHER"],
            "funder": [WG, WG, WG, UK, UK, WG],
            "recipient": ["Councils", "Cardiff Council", "WLGA", "WLGA", "Powys Council", "Swansea Council"],
            "purpose": ["Digital fund", "Cardiff's share", "CDO post", "CDO post, again", "Data unit", "Skills"],
            "programme": ["Fund", "Fund", None, None, None, "Skills"],
            "kind": ["one-off", "one-off", "recurring", "one-off", "recurring", "one-off"],
            "amount_pence": [1_000_000_000, 200_000_000, 50_000_000, 50_000_000, 30_000_000, 7_000_000],
            "qualifier": ["exact"] * 6,
            "first_year": pd.array([2024, 2024, 2020, 2021, 2022, 2023], dtype="Int64"),
            "years": pd.array([1, 1, 3, 1, 2, 1], dtype="Int64"),
            "uplift_bp": [0] * 6,
            "reannounces_id": pd.array([pd.NA, pd.NA, pd.NA, 3, pd.NA, pd.NA], dtype="Int64"),
            "reannounces_ref": [None, None, None, "ORIG", None, None],
            "reannounces_earlier": [False] * 6,
            "part_of_id": pd.array([pd.NA, 1, pd.NA, pd.NA, pd.NA, pd.NA], dtype="Int64"),
            "part_of_ref": [None, "POT", None, None, None, None],
            "announced_on": [
                date(2024, 1, 10),
                date(2024, 2, 1),
                date(2020, 1, 15),
                date(2021, 3, 1),
                date(2022, 2, 1),
                date(2023, 2, 1),
            ],
        }
    )
    lines = pd.DataFrame({"commitment_id": [], "financial_year": [], "amount_pence": []}, dtype="int64")
    deliveries = pd.DataFrame(
        {
            "delivery_id": [1],
            "ref": ["D1"],
            "commitment_id": [1],
            "paid_on": [date(2024, 6, 1)],
            "amount_pence": [100_000_000],
            "kind": ["disbursement"],
            "note": [None],
            "illustrative": [False],
        }
    )
    milestones = pd.DataFrame(
        columns=["milestone_id", "ref", "commitment_id", "title", "due_on", "achieved_on", "achieved_note"]
    )
    return TrackerData(commitments, lines, deliveries, milestones, as_at=None)


def _from_scratch(view: TrackerData) -> pd.DataFrame:
    """The view's schedule worked out from its own frames, never from another view's."""
    return replace(view, narrowed_from=None, counted_apart=None).schedule


def _refs(view: TrackerData, ids) -> list[str]:
    commitments = view.commitments
    return list(commitments.loc[commitments["commitment_id"].isin(list(ids)), "ref"])


def _unfiltered_rows(data: TrackerData, view: TrackerData) -> pd.DataFrame:
    schedule = data.schedule
    return schedule.loc[schedule["commitment_id"].isin(view.commitments["commitment_id"])].reset_index(drop=True)


def _money(schedule: pd.DataFrame) -> list[tuple]:
    columns = ["ref", "financial_year", "committed_pence", "new_money_pence"]
    return [tuple(row) for row in schedule[columns].itertuples(index=False)]


NO_LINK_CROSSES = [
    pytest.param(Filters(recipients=("Powys Council", "Swansea Council")), ["ALONE", "OTHER"], id="no links at all"),
    pytest.param(Filters(programmes=("Fund",)), ["POT", "SHARE"], id="a pot and its share, both kept"),
    pytest.param(Filters(recipients=("WLGA",)), ["ORIG", "AGAIN"], id="money and its re-announcement, both kept"),
    pytest.param(
        Filters(first_year=FinancialYear(2021), last_year=FinancialYear(2023), recipients=("WLGA", "Powys Council")),
        ["ORIG", "AGAIN", "ALONE"],
        id="with a range of years",
    ),
]


@pytest.mark.parametrize(("filters", "kept"), NO_LINK_CROSSES)
def test_a_view_with_no_link_to_a_commitment_left_out_reuses_the_unfiltered_schedule(
    filters: Filters, kept: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data()
    _ = data.schedule  # worked out first, unfiltered, as the dashboard does
    view = filters.apply(data)
    assert list(view.commitments["ref"]) == kept
    assert view.narrowed_from is data

    worked_out: list[int] = []
    real = data_module.schedule_frame

    def counted(*args, **kwargs):
        worked_out.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(data_module, "schedule_frame", counted)
    narrowed = view.schedule
    assert worked_out == []  # taken from the unfiltered schedule, not worked out again

    scratch = _from_scratch(view)
    assert worked_out == [1]
    pd.testing.assert_frame_equal(narrowed, scratch)
    pd.testing.assert_frame_equal(view.schedule_money, scratch[MONEY_COLUMNS])
    first = filters.apply(data).schedule_money  # the money alone, asked for first: the same rows
    pd.testing.assert_frame_equal(first, scratch[MONEY_COLUMNS])
    assert set(narrowed["ref"]) <= set(kept)


LINK_CROSSES = [
    pytest.param(
        Filters(funders=(UK,)), ["AGAIN", "ALONE"], ["AGAIN"], "AGAIN", id="a re-announcement kept, its original not"
    ),
    pytest.param(
        Filters(funders=(WG,)),
        ["POT", "SHARE", "ORIG", "OTHER"],
        ["ORIG"],
        "ORIG",
        id="an original kept, its re-announcement not",
    ),
    pytest.param(
        Filters(first_year=FinancialYear(2021), funders=(WG,)),
        ["POT", "SHARE", "ORIG", "OTHER"],
        ["ORIG"],
        "ORIG",
        id="an original kept, its re-announcement not, with a range of years",
    ),
    # A share and its pot count the same either way (the share is still taken
    # out of its pot), but they are worked out again all the same.
    pytest.param(Filters(recipients=("Cardiff Council",)), ["SHARE"], ["SHARE"], None, id="a share kept, its pot not"),
    pytest.param(
        Filters(recipients=("Councils", "Swansea Council")),
        ["POT", "OTHER"],
        ["POT"],
        None,
        id="a pot kept, its share not",
    ),
]


@pytest.mark.parametrize(("filters", "kept", "apart", "counts_differently"), LINK_CROSSES)
def test_a_view_linked_to_a_commitment_left_out_works_out_again_only_the_commitments_linked(
    filters: Filters, kept: list[str], apart: list[str], counts_differently: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data()
    _ = data.schedule  # worked out first, unfiltered, as the dashboard does
    view = filters.apply(data)
    assert list(view.commitments["ref"]) == kept
    assert view.narrowed_from is data
    assert _refs(view, view.counted_apart) == apart

    given: list[list[str]] = []  # the commitments the engine is given
    real = data_module.columns_from_frame

    def counted(commitments, *args, **kwargs):
        given.append(list(commitments["ref"]))
        return real(commitments, *args, **kwargs)

    monkeypatch.setattr(data_module, "columns_from_frame", counted)
    narrowed = view.schedule
    money = view.schedule_money
    shares = [] if view.hidden_shares is None else list(view.hidden_shares[0]["ref"])
    assert given == [apart + shares]  # once, for both; the rest taken from the unfiltered schedule
    monkeypatch.undo()

    pd.testing.assert_frame_equal(narrowed, _from_scratch(view))
    pd.testing.assert_frame_equal(money, narrowed[MONEY_COLUMNS])
    first = filters.apply(data).schedule_money  # the money alone, asked for first: the same rows
    pd.testing.assert_frame_equal(first, narrowed[MONEY_COLUMNS])
    if counts_differently:
        # The unfiltered rows would be wrong here: this commitment counts differently in the view.
        unfiltered = [row for row in _money(_unfiltered_rows(data, view)) if row[0] == counts_differently]
        in_view = [row for row in _money(view.schedule) if row[0] == counts_differently]
        assert unfiltered != in_view


def test_money_announced_again_counts_once_and_in_a_view_without_the_other_counts_in_full() -> None:
    """The figures the cases above compare, stated: an anchor independent of ``_from_scratch``."""
    data = _data()
    assert [row for row in _money(data.schedule) if row[0] in ("ORIG", "AGAIN")] == [
        ("ORIG", 2020, 0, 50_000_000),
        ("ORIG", 2021, 0, 50_000_000),
        ("ORIG", 2022, 0, 50_000_000),
        ("AGAIN", 2021, 50_000_000, -100_000_000),
    ]
    assert [row for row in _money(Filters(funders=(UK,)).apply(data).schedule) if row[0] == "AGAIN"] == [
        ("AGAIN", 2021, 50_000_000, 50_000_000)
    ]
    assert [row for row in _money(Filters(funders=(WG,)).apply(data).schedule) if row[0] == "ORIG"] == [
        ("ORIG", 2020, 50_000_000, 50_000_000),
        ("ORIG", 2021, 50_000_000, 50_000_000),
        ("ORIG", 2022, 50_000_000, 50_000_000),
    ]
