"""The projection engine: commitments -> schedule (commitment x FY) -> yearly totals.

The reference here is a deliberately naive per-commitment expansion in plain
Python (Fractions for uplifts), so the vectorised engine is checked against
the rules as DESIGN.md states them, not against itself.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.fiscal import FinancialYear
from tracker.core.projection import (
    CommitmentColumns,
    columns_from_records,
    expand,
    schedule_frame,
    totals_csv,
    uplifted_amounts,
    yearly_committed,
)
from tracker.imports.fast_project import project_file
from tracker.records.commitment_rows import read_commitments

SEED_CSV = (
    "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,qualifier\n"
    "WG-1,31/10/2019,Welsh Government,WLGA,Council digital transformation,one-off,£1m,next financial year,,over\n"
    'WG-2,31/10/2019,Welsh Government,WLGA,Chief Digital Officer and Delivery Unit,recurring,"£500,000",next financial year,3,exact\n'
)
SEED_TOTALS = {2020: 150_000_000, 2021: 50_000_000, 2022: 50_000_000}


@dataclass(frozen=True)
class Commitment:
    """One commitment as the reference sees it."""

    kind: str
    start: int
    years: int
    amount: int  # one-off: total; recurring: per year; profiled: unused (sum of profile)
    uplift_bp: int = 0
    is_new: bool = True
    profile: tuple[tuple[int, int], ...] = ()


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2)) if value >= 0 else -math.floor(-value + Fraction(1, 2))


def naive_years(c: Commitment) -> list[tuple[int, int]]:
    """(start year, pence) for each financial year of one commitment, in order."""
    if c.kind == "one-off":
        return [(c.start, c.amount)]
    if c.kind == "recurring":
        factor = 1 + Fraction(c.uplift_bp, 10_000)
        return [(c.start + k, round_half_up(c.amount * factor**k)) for k in range(c.years)]
    return sorted(c.profile)


def naive_total(c: Commitment) -> int:
    if c.kind == "one-off":
        return c.amount
    if c.kind == "recurring" and c.uplift_bp == 0:
        return c.amount * c.years
    return sum(p for _, p in naive_years(c))


def naive_yearly_committed(commitments: list[Commitment]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for c in commitments:
        if c.is_new:
            for year, pence in naive_years(c):
                totals[year] += pence
    with_money = [y for y, p in totals.items() if p]
    if not with_money:
        return {}
    return {y: totals.get(y, 0) for y in range(min(with_money), max(with_money) + 1)}


def to_columns(commitments: list[Commitment]) -> CommitmentColumns:
    prow, pyear, pamount = [], [], []
    for i, c in enumerate(commitments):
        for year, pence in c.profile:
            prow.append(i)
            pyear.append(year)
            pamount.append(pence)
    return CommitmentColumns.build(
        start_year=[c.start for c in commitments],
        years=[c.years for c in commitments],
        amount=[c.amount for c in commitments],
        uplift_bp=[c.uplift_bp for c in commitments],
        restates=[not c.is_new for c in commitments],
        profiled=[c.kind == "profiled" for c in commitments],
        profile_row=prow,
        profile_year=pyear,
        profile_amount=pamount,
    )


def as_dict(years: np.ndarray, pence: np.ndarray) -> dict[int, int]:
    assert years.dtype == np.int64 and pence.dtype == np.int64
    if len(years):
        assert years.tolist() == list(range(int(years[0]), int(years[-1]) + 1))
    return {int(y): int(p) for y, p in zip(years, pence)}


start_years = st.integers(min_value=2000, max_value=2040)
amounts = st.integers(min_value=1, max_value=10**12)
# Up to the importer's ceiling (MAX_PENCE, £1 trillion): sums must stay exact.
large_amounts = st.one_of(amounts, st.integers(min_value=10**12, max_value=10**14))


@st.composite
def commitments(draw) -> Commitment:
    kind = draw(st.sampled_from(["one-off", "recurring", "recurring-uplift", "profiled"]))
    start = draw(start_years)
    is_new = draw(st.booleans())
    if kind == "one-off":
        return Commitment("one-off", start, 1, draw(large_amounts), is_new=is_new)
    if kind.startswith("recurring"):
        years = draw(st.integers(min_value=1, max_value=15))
        uplift = draw(st.integers(min_value=-9_999, max_value=10_000)) if kind == "recurring-uplift" else 0
        amount = draw(amounts if uplift else large_amounts)
        return Commitment("recurring", start, years, amount, uplift, is_new)
    offsets = draw(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=6, unique=True))
    profile = tuple(sorted((start + o, draw(st.integers(min_value=0, max_value=10**14))) for o in offsets))
    first, last = profile[0][0], profile[-1][0]
    return Commitment("profiled", first, last - first + 1, sum(p for _, p in profile), is_new=is_new, profile=profile)


commitment_lists = st.lists(commitments(), min_size=0, max_size=12)


# --- schedule --------------------------------------------------------------------


@settings(deadline=None)
@given(commitment_lists)
def test_schedule_of_each_commitment_adds_up_to_its_total_to_the_penny(items):
    schedule = expand(to_columns(items))
    for i, c in enumerate(items):
        mine = schedule.row == i
        assert int(schedule.headline[mine].sum()) == naive_total(c)


@settings(deadline=None)
@given(commitment_lists)
def test_schedule_matches_a_naive_expansion_year_by_year(items):
    schedule = expand(to_columns(items))
    got = list(zip(schedule.row.tolist(), schedule.year.tolist(), schedule.headline.tolist()))
    expected = [(i, year, pence) for i, c in enumerate(items) for year, pence in naive_years(c)]
    assert got == expected
    assert schedule.headline.dtype == np.int64


@settings(deadline=None)
@given(commitment_lists)
def test_reannouncements_show_their_headline_but_add_no_new_money(items):
    schedule = expand(to_columns(items))
    is_new = np.array([c.is_new for c in items], bool)
    if len(schedule.row):
        expected = np.where(is_new[schedule.row], schedule.headline, 0)
        assert schedule.new_money.tolist() == expected.tolist()


def test_recurring_commitment_spreads_over_each_year():
    schedule = expand(to_columns([Commitment("recurring", 2020, 3, 50_000_000)]))
    assert schedule.year.tolist() == [2020, 2021, 2022]
    assert schedule.headline.tolist() == [50_000_000] * 3
    assert schedule.new_money.tolist() == [50_000_000] * 3


def test_uplift_compounds_each_year_and_rounds_half_up_to_the_penny():
    # £1,000 with 2.5% a year: 1000, 1025, 1050.625 -> 1050.63 (half up), 1076.890625 -> 1076.89
    schedule = expand(to_columns([Commitment("recurring", 2020, 4, 100_000, uplift_bp=250)]))
    assert schedule.headline.tolist() == [100_000, 102_500, 105_063, 107_689]


def test_uplift_rounding_takes_an_exact_half_penny_up():
    got = uplifted_amounts(np.array([1, 1, 1, 3]), np.array([5_000, 5_000, 5_000, -5_000]), np.array([1, 2, 3, 1]))
    # 1.5 -> 2, 2.25 -> 2, 3.375 -> 3, 1.5 -> 2
    assert got.tolist() == [2, 2, 3, 2]


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(amounts, st.integers(min_value=-9_999, max_value=10_000), st.integers(min_value=0, max_value=14)),
        min_size=1,
        max_size=20,
    )
)
def test_uplifted_amounts_equal_exact_fraction_arithmetic(triples):
    amount, bp, k = (np.array(column, dtype=np.int64) for column in zip(*triples))
    got = uplifted_amounts(amount, bp, k)
    expected = [round_half_up(a * (1 + Fraction(b, 10_000)) ** n) for a, b, n in triples]
    assert got.tolist() == expected


def test_money_columns_refuse_floats():
    with pytest.raises(TypeError):
        CommitmentColumns.build(start_year=[2020], years=[1], amount=[1.5])


# --- yearly new money -----------------------------------------------------------


@settings(deadline=None)
@given(commitment_lists)
def test_yearly_committed_equals_a_naive_per_row_expansion(items):
    years, pence = yearly_committed(to_columns(items))
    assert as_dict(years, pence) == naive_yearly_committed(items)


@settings(deadline=None)
@given(commitment_lists, commitments())
def test_a_reannouncement_never_adds_new_money(items, restated):
    before = yearly_committed(to_columns(items))
    reannouncement = Commitment(**{**restated.__dict__, "is_new": False})
    for position in (0, len(items)):
        with_it = [*items[:position], reannouncement, *items[position:]]
        after = yearly_committed(to_columns(with_it))
        assert as_dict(*after) == as_dict(*before)


@settings(deadline=None)
@given(commitment_lists)
def test_yearly_committed_counts_every_new_penny_once(items):
    _, pence = yearly_committed(to_columns(items))
    assert int(pence.sum()) == sum(naive_total(c) for c in items if c.is_new)


def test_years_between_commitments_are_zero_filled_and_the_ends_trimmed():
    items = [
        Commitment("one-off", 2020, 1, 100),
        Commitment("one-off", 2023, 1, 200),
        Commitment("profiled", 2018, 8, 300, profile=((2018, 0), (2024, 0), (2025, 300))),
        Commitment("one-off", 2010, 1, 999, is_new=False),
    ]
    years, pence = yearly_committed(to_columns(items))
    assert years.tolist() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert pence.tolist() == [100, 0, 0, 200, 0, 300]


def test_no_commitments_give_no_years():
    years, pence = yearly_committed(to_columns([]))
    assert years.tolist() == [] and pence.tolist() == []
    years, pence = yearly_committed(to_columns([Commitment("one-off", 2020, 1, 100, is_new=False)]))
    assert years.tolist() == [] and pence.tolist() == []


# --- from a commitments file ----------------------------------------------------


def test_seed_example_commits_one_and_a_half_million_then_half_a_million_a_year(tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text(SEED_CSV, encoding="utf-8")
    records, problems = read_commitments(path)
    assert problems == []
    assert [r.first_year for r in records] == [FinancialYear(2020), FinancialYear(2020)]
    assert [r.qualifier for r in records] == ["over", "exact"]

    years, pence = yearly_committed(columns_from_records(records))
    assert as_dict(years, pence) == SEED_TOTALS

    fast_years, fast_pence, fast_problems = project_file(path)
    assert fast_problems == []
    assert as_dict(fast_years, fast_pence) == SEED_TOTALS
    assert totals_csv(fast_years, fast_pence) == (
        "financial_year,committed\n2020-21,1500000.00\n2021-22,500000.00\n2022-23,500000.00\n"
    )


def test_reannouncing_a_seed_commitment_leaves_the_totals_unchanged(tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text(
        "ref,announced_on,funder,recipient,purpose,kind,amount,first_year,years,reannounces\n"
        "WG-1,31/10/2019,Welsh Government,WLGA,Digital transformation,one-off,£1m,next financial year,,\n"
        "WG-2,31/10/2019,Welsh Government,WLGA,CDO and Delivery Unit,recurring,£500k,next financial year,3,\n"
        "WG-3,01/02/2020,Welsh Government,WLGA,CDO (restated),recurring,500000,2020-21,3,WG-2\n",
        encoding="utf-8",
    )
    records, problems = read_commitments(path)
    assert problems == []
    assert records[2].reannounces == "WG-2"
    years, pence = yearly_committed(columns_from_records(records))
    assert as_dict(years, pence) == SEED_TOTALS
    schedule = expand(columns_from_records(records))
    restated = schedule.row == 2
    assert schedule.headline[restated].tolist() == [50_000_000] * 3
    assert schedule.new_money[restated].tolist() == [0, 0, 0]


def test_totals_csv_has_plain_pounds_and_lf_endings():
    text = totals_csv(np.array([2019, 2020]), np.array([-25_000, 150_000_005]))
    assert text == "financial_year,committed\n2019-20,-250.00\n2020-21,1500000.05\n"


def test_schedule_frame_carries_each_commitments_columns_onto_its_years():
    commitments = pd.DataFrame(
        {
            "commitment_id": [10, 11, 12],
            "kind": ["recurring", "profiled", "one-off"],
            "amount_pence": [50_000_000, 300, 100_000_000],
            "first_year": [2020, 2021, 2020],
            "years": [3, 2, 1],
            "uplift_bp": [0, 0, 0],
            "reannounces_id": [None, None, 10],
            "purpose": ["CDO", "Profiled", "Restated"],
        }
    )
    profile_lines = pd.DataFrame(
        {"commitment_id": [11, 11, 99], "financial_year": [2021, 2022, 2021], "amount_pence": [100, 200, 5]}
    )
    frame = schedule_frame(commitments, profile_lines)
    rows = list(
        zip(
            frame["purpose"],
            frame["financial_year"],
            frame["headline_pence"],
            frame["committed_pence"],
            frame["new_money_pence"],
        )
    )
    # "Restated" re-announces CDO's £1.5m as £1m: the later amount replaces the
    # original in committed; new money keeps the original in its years and
    # takes the difference (-£0.5m) in the re-announcement's first year.
    assert rows == [
        ("CDO", 2020, 50_000_000, 0, 50_000_000),
        ("CDO", 2021, 50_000_000, 0, 50_000_000),
        ("CDO", 2022, 50_000_000, 0, 50_000_000),
        ("Profiled", 2021, 100, 100, 100),
        ("Profiled", 2022, 200, 200, 200),
        ("Restated", 2020, 100_000_000, 100_000_000, -50_000_000),
    ]
    for column in ("financial_year", "headline_pence", "committed_pence"):
        assert frame[column].dtype == np.int64
