"""New versus recycled (issue 20): each category worked by hand, the parts adding up to the
headline on every row, and new money agreeing with the engine's, on generated sets too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.core.fiscal import UNPHASED
from tracker.figures.data import TrackerData
from tracker.figures.headlines import announcement_money
from tracker.figures.new_and_recycled import (
    COLUMNS,
    PARTS,
    Breakdown,
    announcement_rows,
    by_announcement,
    by_funder,
    by_year,
    of_announcement,
    set_rows,
    total,
    totals_columns,
)
from tracker.figures.totals import committed_vs_delivered
from tracker.i18n import speaking

M = 100_000_000  # £1m in pence


def _data(*rows: dict) -> TrackerData:
    """Commitments from ``rows`` (id, announcement, amount, year; the rest as given)."""
    frame = pd.DataFrame(
        [
            {
                "commitment_id": r["id"],
                "ref": f"C{r['id']}",
                "announcement_ref": r.get("ann", f"A{r['id']}"),
                "announced_on": pd.Timestamp(r.get("on", f"2020-05-{r['id']:02d}")).date(),
                "funder": r.get("funder", "Welsh Government"),
                "recipient": "WLGA",
                "purpose": "Digital",
                "programme": None,
                "kind": r.get("kind", "one-off"),
                "amount_pence": r["amount"],
                "qualifier": "exact",
                "first_year": r.get("year", 2020),
                "years": r.get("years", 1),
                "uplift_bp": 0,
                "reannounces_id": r.get("reannounces"),
                "reannounces_ref": None,
                "reannounces_earlier": r.get("earlier", False),
                "part_of_id": r.get("pot"),
                "part_of_ref": None,
                "spread": "none",
            }
            for r in rows
        ]
    ).astype({"reannounces_id": "Int64", "part_of_id": "Int64", "first_year": "Int64", "years": "Int64"})
    lines = pd.DataFrame({"commitment_id": [], "financial_year": [], "amount_pence": []}, dtype="int64")
    deliveries = pd.DataFrame(
        {"delivery_id": [], "ref": [], "commitment_id": [], "paid_on": [], "amount_pence": [], "kind": []}
    ).astype({"commitment_id": "int64", "amount_pence": "int64"})
    milestones = pd.DataFrame({"milestone_id": [], "ref": [], "commitment_id": [], "due_on": [], "achieved_on": []})
    return TrackerData(frame, lines, deliveries, milestones, as_at=None)


def _set(*rows: dict) -> Breakdown:
    return total(set_rows(_data(*rows)))


def _parts(b: Breakdown) -> tuple[int, ...]:
    return (b.headline, b.new, b.restated, b.earlier, b.pot_share, b.rise_or_cut)


def test_a_plain_commitment_is_all_new_money() -> None:
    found = _set({"id": 1, "amount": 5 * M})
    assert _parts(found) == (5 * M, 5 * M, 0, 0, 0, 0)
    assert found.new_money == 5 * M


@pytest.mark.parametrize(
    ("again", "restated", "rise_or_cut", "new_money"),
    [
        (4 * M, 4 * M, 0, 4 * M),  # the same amount: restates it all, adds nothing
        (5 * M, 4 * M, 1 * M, 5 * M),  # up: the rise is new money
        (3 * M, 4 * M, -1 * M, 3 * M),  # down: the cut takes new money away
    ],
)
def test_a_re_announcement_restates_the_original_and_its_rise_or_cut_is_signed(
    again: int, restated: int, rise_or_cut: int, new_money: int
) -> None:
    found = _set({"id": 1, "amount": 4 * M}, {"id": 2, "amount": again, "reannounces": 1})
    assert _parts(found) == (4 * M + again, 4 * M, restated, 0, 0, rise_or_cut)
    assert found.new_money == new_money  # new money counted once: the original's, then the change


def test_money_marked_earlier_is_announced_before_and_not_new() -> None:
    found = _set({"id": 1, "amount": 2 * M, "earlier": True}, {"id": 2, "amount": 1 * M})
    assert _parts(found) == (3 * M, 1 * M, 0, 2 * M, 0, 0)


def test_a_share_of_a_pot_is_counted_once_the_rest_of_the_headline_is_the_share() -> None:
    found = _set({"id": 1, "amount": 10 * M}, {"id": 2, "amount": 2 * M, "pot": 1})
    assert _parts(found) == (12 * M, 10 * M, 0, 0, 2 * M, 0)


def test_a_share_of_an_earlier_pot_is_neither_new_nor_counted_twice() -> None:
    found = _set({"id": 1, "amount": 10 * M, "earlier": True}, {"id": 2, "amount": 2 * M, "pot": 1})
    assert _parts(found) == (12 * M, 0, 0, 10 * M, 2 * M, 0)


def test_unphased_money_is_its_own_row_never_a_year() -> None:
    rows = set_rows(_data({"id": 1, "amount": 6 * M, "kind": "multi-year", "years": 3}, {"id": 2, "amount": 1 * M}))
    years = by_year(rows)
    assert years[["financial_year", "label", "headline", "new"]].values.tolist() == [
        [2020, "2020-21", 1 * M, 1 * M],
        [UNPHASED, "unphased", 6 * M, 6 * M],
    ]


def test_a_rise_falls_in_the_re_announcements_first_year_as_the_engine_places_it() -> None:
    data = _data(
        {"id": 1, "amount": 10 * M},
        {"id": 2, "amount": 6 * M, "kind": "recurring", "years": 2, "reannounces": 1},
    )
    years = by_year(set_rows(data)).set_index("financial_year")
    assert years.loc[2020, ["headline", "new", "restated", "rise_or_cut"]].tolist() == [16 * M, 10 * M, 4 * M, 2 * M]
    assert years.loc[2021, ["headline", "restated", "rise_or_cut"]].tolist() == [6 * M, 6 * M, 0]


def test_an_announcement_counted_on_its_own_sees_a_share_of_a_pot_elsewhere_as_recycled() -> None:
    # A1 is a £10m pot; A2 allocates £1m of it: in the set the share is new where it falls,
    # but A2 on its own announces no new money (as its headline's verdict says).
    data = _data({"id": 1, "amount": 10 * M}, {"id": 2, "amount": 1 * M, "pot": 1})
    assert _parts(of_announcement(data, "A2")) == (1 * M, 0, 0, 0, 1 * M, 0)
    assert _parts(of_announcement(data, "A1")) == (10 * M, 10 * M, 0, 0, 0, 0)
    money = announcement_money(data)
    each = by_announcement(data).set_index("announcement_ref")
    assert (each["new"] + each["rise_or_cut"]).to_dict() == money["new_money_pence"].to_dict()


def test_the_sentence_says_how_much_is_new_in_english_and_welsh() -> None:
    found = _set({"id": 1, "amount": 4 * M}, {"id": 2, "amount": 5 * M, "reannounces": 1})
    assert found.sentence() == "Of £9,000,000 announced, £5,000,000 is new money (55%)."
    with speaking("cy"):
        assert "£5,000,000" in found.sentence() and "55%" in found.sentence()
        assert found.sentence() != "Of £9,000,000 announced, £5,000,000 is new money (55%)."


def test_totals_columns_give_the_totals_new_money_per_year() -> None:
    data = _data(
        {"id": 1, "amount": 4 * M},
        {"id": 2, "amount": 5 * M, "reannounces": 1, "year": 2021},
        {"id": 3, "amount": 3 * M, "kind": "multi-year", "years": 2},
        {"id": 4, "amount": 1 * M, "pot": 3, "year": 2022},
    )
    columns = totals_columns(data)
    totals = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, unphased=True)
    joined = totals.merge(columns, on="financial_year", how="left").fillna(0)
    assert (joined["new"] + joined["rise_or_cut"]).astype("int64").tolist() == totals["new_money"].tolist()
    assert columns["headline"].sum() == 4 * M + 5 * M + 3 * M + 1 * M
    assert list(columns.columns) == [
        "financial_year",
        "headline",
        "new",
        "restated",
        "earlier",
        "pot_share",
        "rise_or_cut",
    ]


# --- generated sets --------------------------------------------------------------------------------

_commitment = st.fixed_dictionaries(
    {
        "amount": st.integers(min_value=0, max_value=50 * M),
        "kind": st.sampled_from(["one-off", "recurring", "multi-year"]),
        "year": st.integers(min_value=2019, max_value=2023),
        "years": st.integers(min_value=1, max_value=3),
        "earlier": st.booleans(),
        "link": st.sampled_from(["none", "reannounces", "pot"]),
        "to": st.integers(min_value=0, max_value=20),
        "ann": st.integers(min_value=1, max_value=4),
        "funder": st.sampled_from(["Welsh Government", "UK Government"]),
    }
)


def _generated(drawn: list[dict]) -> TrackerData:
    rows = []
    for i, d in enumerate(drawn, start=1):
        row = {**d, "id": i, "ann": f"A{d['ann']}", "on": f"2020-0{d['ann']}-01"}
        if i > 1 and d["link"] == "reannounces":
            row["reannounces"] = 1 + d["to"] % (i - 1)
        if i > 1 and d["link"] == "pot":
            row["pot"] = 1 + d["to"] % (i - 1)
        rows.append(row)
    return _data(*rows)


def _adds_up(frame: pd.DataFrame) -> None:
    assert (frame[list(PARTS)].sum(axis=1) == frame["headline"]).all()
    assert (frame["new"] + frame["rise_or_cut"] == frame["new_money"]).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_commitment, min_size=1, max_size=10))
def test_the_parts_add_up_to_the_headline_and_new_money_is_the_engines(drawn: list[dict]) -> None:
    data = _generated(drawn)
    rows = set_rows(data)
    _adds_up(rows)
    schedule = data.schedule
    assert rows["headline"].tolist() == schedule["headline_pence"].tolist()
    assert rows["new_money"].tolist() == schedule["new_money_pence"].tolist()
    for grouped in (by_year(rows), by_funder(rows), by_announcement(data)):
        _adds_up(grouped)
        assert grouped["headline"].sum() == schedule["headline_pence"].sum()
    own = announcement_rows(data)
    _adds_up(own)
    money = announcement_money(data)
    each = by_announcement(data).set_index("announcement_ref")
    assert (each["new"] + each["rise_or_cut"]).to_dict() == money["new_money_pence"].to_dict()
    for ref, row in each.iterrows():  # one announcement alone, as its page counts it: the same
        assert _parts(of_announcement(data, str(ref))) == tuple(int(row[c]) for c in ("headline", *PARTS))
    assert set(COLUMNS) <= set(rows.columns)
    assert np.issubdtype(rows["new"].dtype, np.integer)


def test_the_downloads_have_english_headers_exact_pounds_and_a_welsh_workbook() -> None:
    import io

    from openpyxl import load_workbook

    from tracker.figures.new_and_recycled_tables import export_table, workbook
    from tracker.files.exports import to_csv_bytes

    rows = set_rows(_data({"id": 1, "amount": 4 * M}, {"id": 2, "amount": 150_000_001, "kind": "multi-year"}))
    frame = by_year(rows)
    lines = to_csv_bytes(export_table("by-year", frame)).decode("utf-8-sig").splitlines()
    assert lines[0] == "financial_year,headline,new,restated,earlier,pot_share,rise_or_cut,new_money"
    assert lines[1:] == [
        "2020-21,4000000.00,4000000.00,0.00,0.00,0.00,0.00,4000000.00",
        "unphased,1500000.01,1500000.01,0.00,0.00,0.00,0.00,1500000.01",
    ]
    with speaking("cy"):
        book = load_workbook(io.BytesIO(workbook({"by-year": frame}, {"Hidlyddion": "dim"}, "cy")))
    sheet = book.worksheets[0]
    assert sheet.title.startswith("Newydd ac wedi")
    assert [c.value for c in sheet[1]][:2] == ["Blwyddyn ariannol", "Prif ffigur"]


def test_the_announcements_of_a_filtered_view_keep_only_its_commitments_and_years() -> None:
    from tracker.core.fiscal import FinancialYear
    from tracker.figures.filters import Filters

    data = _data(
        {"id": 1, "amount": 4 * M, "funder": "UK Government"},
        {"id": 2, "amount": 5 * M, "reannounces": 1, "ann": "A1", "year": 2021},
        {"id": 3, "amount": 3 * M, "kind": "multi-year", "ann": "A1"},
    )
    view = Filters(first_year=FinancialYear(2021), last_year=FinancialYear(2021)).apply(data)
    each = by_announcement(data, view.commitments["commitment_id"].to_numpy(), view.year_range)
    # Only 2021-22 (W2's £5m re-announcing W1's £4m): no unphased money, nothing of A1's W1's year.
    assert each.set_index("announcement_ref").loc["A1", ["headline", "restated", "rise_or_cut"]].tolist() == [
        5 * M,
        4 * M,
        1 * M,
    ]
    assert list(each["announcement_ref"]) == ["A1"]
    funders = by_funder(set_rows(Filters(funders=("UK Government",)).apply(data)))
    assert funders[["funder", "headline", "new"]].values.tolist() == [["UK Government", 4 * M, 4 * M]]
