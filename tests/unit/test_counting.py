"""Money recorded as announced: unphased and open-ended money, multi-year totals,
shares of pots, money announced before, £0.

Each case is a row (or a few) of the commitments file, as a press release
states it, and the figures it must give: committed, new money and estimated
money per financial year, with ``unphased`` for money whose year is not
stated. Then properties: every penny of every commitment is counted exactly
once across the year rows plus the unphased row.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.projection import columns_from_records, expand, yearly_committed
from tracker.files.tabular import Row
from tracker.records.commitment_rows import parse_commitments

HEADER = [
    "ref",
    "announced_on",
    "funder",
    "recipient",
    "purpose",
    "kind",
    "amount",
    "qualifier",
    "first_year",
    "years",
    "reannounces",
    "part_of",
    "spread",
    "planned_start",
    "planned_end",
    "currency",
    "profile",
    "uplift_pct",
]
BASE = {
    "announced_on": "2020-01-15",
    "funder": "Welsh Government",
    "recipient": "",
    "purpose": "Digital",
    "kind": "one-off",
}


def rows(*specs: dict[str, str]) -> list[Row]:
    return [Row(i + 2, {**BASE, **spec}) for i, spec in enumerate(specs)]


def parsed(*specs: dict[str, str]):
    records, problems = parse_commitments(HEADER, rows(*specs))
    return records, [str(p) for p in problems]


def figures(*specs: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """{year label: (committed, new money, estimated)} in whole pounds, for years with money."""
    records, problems = parsed(*specs)
    assert problems == []
    schedule = expand(columns_from_records(records))
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for year, committed, new, estimated in zip(
        schedule.year, schedule.committed, schedule.new_money, schedule.estimated
    ):
        cell = out[fy_label(int(year))]
        cell[0] += int(committed)
        cell[1] += int(new)
        cell[2] += int(committed) if estimated else 0
    return {year: (c // 100, n // 100, e // 100) for year, (c, n, e) in out.items() if (c, n, e) != (0, 0, 0)}


CASES = [
    pytest.param(
        [{"ref": "A", "kind": "recurring", "amount": "£500,000", "years": "3"}],
        {"unphased": (1_500_000, 1_500_000, 0)},
        id="£500,000 annually for three years, no start: unphased, all of it",
    ),
    pytest.param(
        [{"ref": "A", "kind": "multi-year", "amount": "£585m", "years": "3", "first_year": "2022-23"}],
        {"unphased": (585_000_000, 585_000_000, 0)},
        id="£585m over three years: a total with no split is unphased",
    ),
    pytest.param(
        [
            {
                "ref": "A",
                "kind": "multi-year",
                "amount": "£585m",
                "years": "3",
                "first_year": "2022-23",
                "spread": "even",
            }
        ],
        {
            "2022-23": (195_000_000, 195_000_000, 195_000_000),
            "2023-24": (195_000_000, 195_000_000, 195_000_000),
            "2024-25": (195_000_000, 195_000_000, 195_000_000),
        },
        id="£585m over three years spread evenly on purpose: estimated",
    ),
    pytest.param(
        [
            {
                "ref": "A",
                "kind": "multi-year",
                "amount": "365",
                "spread": "planned-dates",
                "planned_start": "2021-01-01",
                "planned_end": "2021-12-31",
            }
        ],
        {"2020-21": (90, 90, 90), "2021-22": (275, 275, 275)},
        id="a total spread by its planned dates: pro rata by days, estimated",
    ),
    pytest.param(
        [{"ref": "A", "kind": "recurring", "amount": "£18m", "first_year": "2024-25"}],
        {"2024-25": (18_000_000, 18_000_000, 0)},
        id="£18m a year, end not stated: one year, a floor",
    ),
    pytest.param(
        [{"ref": "A", "kind": "recurring", "amount": "£18m"}],
        {"unphased": (18_000_000, 18_000_000, 0)},
        id="£18m a year, no start and no end: one year, unphased",
    ),
    pytest.param(
        [
            {"ref": "FUND", "amount": "£10m", "first_year": "2020-21"},
            {"ref": "SHARE", "amount": "£2m", "first_year": "2020-21", "part_of": "FUND"},
        ],
        {"2020-21": (10_000_000, 10_000_000, 0)},
        id="£2m of the £10m fund: the share is inside the pot, counted once",
    ),
    pytest.param(
        [
            {"ref": "FUND", "kind": "multi-year", "amount": "£210m", "years": "2"},
            {"ref": "SHARE", "amount": "£2m", "first_year": "2019-20", "part_of": "FUND"},
        ],
        {"2019-20": (2_000_000, 2_000_000, 0), "unphased": (208_000_000, 208_000_000, 0)},
        id="a share with a year is taken out of an unphased pot",
    ),
    pytest.param(
        [
            {"ref": "FUND", "amount": "£10m", "first_year": "2020-21"},
            {"ref": "SHARE", "amount": "£4m", "first_year": "2020-21", "part_of": "FUND"},
            {"ref": "SUB", "amount": "£1m", "first_year": "2020-21", "part_of": "SHARE"},
        ],
        {"2020-21": (10_000_000, 10_000_000, 0)},
        id="a share of a share nests",
    ),
    pytest.param(
        [{"ref": "A", "amount": "£5.7bn", "first_year": "2024-25", "reannounces": "earlier"}],
        {"2024-25": (5_700_000_000, 0, 0)},
        id="reaffirmed: announced before, counted but not new money",
    ),
    pytest.param(
        [
            {"ref": "FUND", "amount": "£10m", "first_year": "2020-21", "reannounces": "earlier"},
            {"ref": "SHARE", "amount": "£2m", "first_year": "2020-21", "part_of": "FUND"},
        ],
        {"2020-21": (10_000_000, 0, 0)},
        id="a share of money announced before is not new money",
    ),
    pytest.param(
        [
            {"ref": "OLD", "amount": "£1m", "first_year": "2020-21"},
            {
                "ref": "NEW",
                "announced_on": "2021-01-15",
                "amount": "£1.2m",
                "first_year": "2021-22",
                "reannounces": "OLD",
            },
        ],
        {"2020-21": (0, 1_000_000, 0), "2021-22": (1_200_000, 200_000, 0)},
        id="£1m re-announced as £1.2m: the later amount replaces it, £0.2m new",
    ),
    pytest.param(
        [
            {"ref": "OLD", "amount": "£1m", "first_year": "2020-21"},
            {
                "ref": "NEW",
                "announced_on": "2021-01-15",
                "amount": "£1m",
                "first_year": "2021-22",
                "reannounces": "OLD",
            },
        ],
        {"2020-21": (1_000_000, 1_000_000, 0)},
        id="re-announced at the same amount: counted once, at the original",
    ),
    pytest.param(
        [{"ref": "A", "amount": "0", "first_year": "2020-21"}],
        {},
        id="£0: accepted, counts nothing",
    ),
    pytest.param(
        [{"ref": "A", "kind": "profiled", "amount": "", "profile": "2020-21=0;2021-22=0"}],
        {},
        id="a profile adding up to £0: accepted, counts nothing",
    ),
    pytest.param(
        [{"ref": "A", "announced_on": "", "amount": "£20m", "first_year": "2020-21"}],
        {"2020-21": (20_000_000, 20_000_000, 0)},
        id="an undated announcement naming its year",
    ),
]


@pytest.mark.parametrize(("specs", "expected"), CASES)
def test_each_press_release_pattern_is_counted_as_said(specs, expected):
    assert figures(*specs) == expected


REFUSED = [
    pytest.param(
        [{"ref": "A", "amount": "100", "currency": "USD", "first_year": "2020-21"}],
        "line 2: currency 'USD': expected GBP",
        id="USD is refused, never ignored",
    ),
    pytest.param(
        [{"ref": "A", "announced_on": "", "amount": "£1m", "first_year": "next financial year"}],
        "line 2: first_year 'next financial year': a year relative to the announcement needs its date",
        id="next financial year with no date cannot be resolved",
    ),
    pytest.param(
        [
            {"ref": "FUND", "amount": "£10m", "first_year": "2020-21"},
            {"ref": "S1", "amount": "£6m", "first_year": "2020-21", "part_of": "FUND"},
            {"ref": "S2", "amount": "£6m", "part_of": "FUND"},
        ],
        "line 4: part_of 'FUND': £6,000,000 in unphased does not fit its pot: the pot has £0 left in unphased",
        id="a share that fits neither the pot's year nor its unphased money",
    ),
    pytest.param(
        [
            {"ref": "FUND", "kind": "multi-year", "amount": "£10m"},
            {"ref": "S1", "amount": "£6m", "part_of": "FUND"},
            {"ref": "S2", "amount": "£6m", "part_of": "FUND"},
        ],
        "line 4: part_of 'FUND': the pot's shares add up to £12,000,000, more than the pot's £10,000,000",
        id="shares adding up to more than the pot",
    ),
    pytest.param(
        [{"ref": "S1", "amount": "£6m", "part_of": "NOWHERE"}],
        "line 2: part_of 'NOWHERE': expected the ref of the pot",
        id="a pot that is not recorded",
    ),
    pytest.param(
        [{"ref": "A", "kind": "one-off", "amount": "£1m", "spread": "even", "first_year": "2020-21"}],
        "line 2: spread 'even': only a multi-year total is spread",
        id="a spread on anything but a multi-year total",
    ),
    pytest.param(
        [{"ref": "A", "kind": "multi-year", "amount": "£1m", "spread": "even"}],
        "line 2: spread 'even': an even spread needs the first year",
        id="an even spread with no first year",
    ),
    pytest.param(
        [{"ref": "A", "amount": "-£1", "first_year": "2020-21"}],
        "line 2: amount '-£1': expected an amount of zero or more",
        id="a negative commitment",
    ),
]


@pytest.mark.parametrize(("specs", "message"), REFUSED)
def test_what_cannot_be_recorded_as_said_is_refused_with_the_figures(specs, message):
    _, problems = parsed(*specs)
    assert any(message in p for p in problems), problems


def test_a_share_of_a_share_is_checked_against_its_own_pot():
    _, problems = parsed(
        {"ref": "FUND", "amount": "£10m", "first_year": "2020-21"},
        {"ref": "SHARE", "amount": "£4m", "first_year": "2020-21", "part_of": "FUND"},
        {"ref": "SUB", "amount": "£5m", "first_year": "2020-21", "part_of": "SHARE"},
    )
    assert problems and all("SHARE" in p for p in problems), problems


# --- every penny once ------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**12)
years = st.integers(min_value=2015, max_value=2030)


@st.composite
def commitment_specs(draw):
    """A file of commitments of every kind, some with no year, some sharing pots."""
    n = draw(st.integers(min_value=1, max_value=8))
    specs = []
    for i in range(n):
        kind = draw(st.sampled_from(["one-off", "recurring", "multi-year", "profiled"]))
        spec = {"ref": f"C{i}", "kind": kind, "amount": str(draw(amounts))}
        if kind == "profiled":
            start = draw(years)
            parts = draw(st.lists(amounts, min_size=1, max_size=4))
            spec["amount"] = ""
            spec["profile"] = ";".join(f"{fy_label(start + k)}={p}" for k, p in enumerate(parts))
        elif draw(st.booleans()):
            spec["first_year"] = fy_label(draw(years))
        if kind in ("recurring", "multi-year") and draw(st.booleans()):
            spec["years"] = str(draw(st.integers(1, 5)))
        if kind == "multi-year" and spec.get("first_year") and spec.get("years") and draw(st.booleans()):
            spec["spread"] = "even"
        if draw(st.integers(0, 4)) == 0:
            spec["reannounces"] = "earlier"
        specs.append(spec)
    return specs


def _total(record) -> int:
    if record.kind == "profiled":
        return sum(p for _, p in record.profile)
    return record.total_pence


@settings(deadline=None, max_examples=200)
@given(specs=commitment_specs())
def test_every_penny_of_every_commitment_appears_exactly_once_across_years_and_unphased(specs):
    records, problems = parsed(*specs)
    assert problems == []
    columns = columns_from_records(records)
    schedule = expand(columns)
    per_commitment = np.zeros(len(records), np.int64)
    np.add.at(per_commitment, schedule.row, schedule.committed)
    assert list(per_commitment) == [_total(r) for r in records]
    # One row per commitment and year; unphased money is one row of its own.
    keys = list(zip(schedule.row, schedule.year))
    assert len(keys) == len(set(keys))
    for row, record in enumerate(records):
        unphased = schedule.year[schedule.row == row] == UNPHASED
        stated = record.kind == "profiled" or record.estimated or (record.first_year and record.kind != "multi-year")
        assert unphased.any() == (not stated and _total(record) >= 0 and (schedule.row == row).any())
    # New money is committed money less what was announced before.
    earlier = np.array([r.reannounces == "earlier" for r in records])
    assert int(schedule.new_money.sum()) == int(schedule.committed[~earlier[schedule.row]].sum())
    # The quick yearly sum agrees with the schedule, unphased row last.
    year_list, pence = yearly_committed(columns)
    by_year: dict[int, int] = defaultdict(int)
    for year, committed in zip(schedule.year, schedule.committed):
        by_year[int(year)] += int(committed)
    assert int(pence.sum()) == sum(by_year.values())
    if len(year_list) and by_year.get(UNPHASED):
        assert year_list[-1] == UNPHASED and pence[-1] == by_year[UNPHASED]


@settings(deadline=None, max_examples=150)
@given(
    pot=st.integers(min_value=0, max_value=10**9),
    shares=st.lists(st.tuples(st.integers(0, 10**8), st.booleans()), min_size=1, max_size=5),
    pot_unphased=st.booleans(),
)
def test_shares_that_fit_never_add_to_the_total_and_those_that_do_not_are_refused(pot, shares, pot_unphased):
    specs = [{"ref": "POT", "amount": str(pot), **({} if pot_unphased else {"first_year": "2020-21"})}]
    for i, (amount, dated) in enumerate(shares):
        specs.append(
            {"ref": f"S{i}", "amount": str(amount), "part_of": "POT", **({"first_year": "2020-21"} if dated else {})}
        )
    records, problems = parsed(*specs)
    # Dated shares fit the pot's 2020-21 money or its unphased money; undated ones only unphased money.
    fits = sum(a for a, _ in shares) <= pot and (pot_unphased or all(dated or amount == 0 for amount, dated in shares))
    if not fits:
        assert problems, "a share that does not fit must be refused with the figures"
        return
    assert problems == []
    schedule = expand(columns_from_records(records))
    assert int(schedule.committed.sum()) == pot * 100  # amounts are written in pounds
    assert (schedule.committed >= 0).all()
