"""Figures in real terms (issue 20): each cell deflated once, half-even, totals from the rounded cells,
unphased money and years beyond the release never deflated, and every figure naming its release."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.deflators import SHIPPED_NAME, read_release, shipped
from tracker.core.fiscal import UNPHASED, FinancialYear
from tracker.figures.real_terms import (
    CASH,
    NO_DEFLATOR,
    NO_YEAR,
    REAL,
    Prices,
    PricesRefused,
    default_base,
    in_prices,
)
from tracker.files import totals_csv

FY = FinancialYear
MONEY = ["committed", "delivered", "variance", "new_money", "estimated"]
# A small release whose ratios are easy to work by hand: index 200 in 2019-20, 100 in 2020-21, 400 in 2021-22.
HAND = read_release("financial_year,index\n2019-20,200\n2020-21,100\n2021-22,400\n", "Hand-worked, test")


def _frame(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """A totals frame of (year, committed, delivered) rows, the other figures following from them."""
    return pd.DataFrame(
        {
            "financial_year": [r[0] for r in rows],
            "committed": [r[1] for r in rows],
            "delivered": [r[2] for r in rows],
            "variance": [r[2] - r[1] for r in rows],
            "new_money": [r[1] for r in rows],
            "estimated": [0 for _ in rows],
            "qualifiers": ["" for _ in rows],
        }
    )


@pytest.mark.parametrize(
    ("pence", "year", "base", "expected"),
    [
        (50_000_000, 2020, 2018, 48_111_741),  # the check value: £500,000 in 2020-21 is £481,117.41
        (50_000_000, 2018, 2018, 50_000_000),  # the base year's own money is unchanged
        (100, 2019, 2018, 98),  # 100 x 100 / 101.916869 = 98.119...
        (-50_000_000, 2020, 2018, -48_111_741),  # a clawback deflates like money paid
        (0, 2020, 2018, 0),
    ],
)
def test_a_cell_in_the_shipped_release_is_nominal_times_base_index_over_year_index(pence, year, base, expected):
    prices = Prices.real(shipped(), FY(base))
    frame = in_prices(_frame([(year, pence, 0)]), prices, MONEY)

    assert int(frame["committed"].iloc[0]) == expected
    index = dict(csv.reader(io.StringIO(shipped_text())))
    worked = Decimal(pence) * Decimal(index[FY(base).label]) / Decimal(index[FY(year).label])
    assert int(worked.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) == expected


def shipped_text() -> str:
    from importlib import resources

    return resources.files("tracker.core").joinpath("data/deflators/hmt-gdp-deflators-march-2020.csv").read_text()


@pytest.mark.parametrize(
    ("pence", "expected"),
    [(1, 0), (3, 2), (5, 2), (7, 4), (-1, 0), (-3, -2), (2, 1)],  # halves go to the even penny
)
def test_halves_round_to_the_even_penny(pence, expected):
    # 2020-21 at 100 in 2019-20's prices (200): x2. Into 2020-21's prices from 2019-20: x0.5.
    prices = Prices.real(HAND, FY(2020))
    frame = in_prices(_frame([(2019, pence, 0)]), prices, MONEY)

    assert int(frame["committed"].iloc[0]) == expected


def test_variance_is_delivered_less_committed_of_the_rounded_cells():
    # 3p committed and 1p delivered in 2019-20, into 2020-21 prices (x0.5): 2p and 0p, so variance -2p
    # (deflating the -2p variance itself would give -1p: the row would not add up).
    frame = in_prices(_frame([(2019, 3, 1)]), Prices.real(HAND, FY(2020)), MONEY)

    assert (int(frame["committed"].iloc[0]), int(frame["delivered"].iloc[0])) == (2, 0)
    assert int(frame["variance"].iloc[0]) == -2


def test_unphased_money_and_years_beyond_the_release_have_no_real_value():
    prices = Prices.real(HAND, FY(2019))
    frame = in_prices(_frame([(2020, 100, 50), (2022, 100, 0), (UNPHASED, 700, 0)]), prices, MONEY)

    assert [None if pd.isna(v) else int(v) for v in frame["committed"]] == [200, None, None]
    assert frame["variance"].isna().tolist() == [False, True, True]
    assert [prices.status(y) for y in frame["financial_year"]] == [REAL, NO_DEFLATOR, NO_YEAR]


def test_cash_leaves_the_frame_as_it_is():
    frame = _frame([(2020, 100, 50), (UNPHASED, 7, 0)])

    assert in_prices(frame, CASH, MONEY) is frame
    assert CASH.status(UNPHASED) == "nominal"


def test_a_base_year_the_release_has_no_index_for_is_refused_saying_what_it_covers():
    with pytest.raises(PricesRefused) as refused:
        Prices.real(shipped(), FY(2030))

    assert refused.value.field == "base"
    assert "2030-31" in str(refused.value) and "1955-56" in str(refused.value) and "2024-25" in str(refused.value)


def test_the_label_names_the_base_year_and_the_release():
    assert Prices.real(shipped(), FY(2019)).label() == f"real terms, 2019-20 prices ({SHIPPED_NAME})"
    assert Prices.real(HAND, FY(2020)).described() == {
        "prices": "real",
        "base_year": "2020-21",
        "deflator_release": "Hand-worked, test",
    }
    assert CASH.described()["prices"] == "nominal"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 6, 1), FY(2020)),
        (date(2026, 12, 4), FY(2021)),
        (date(2019, 4, 1), FY(2019)),
        (date(2010, 1, 1), FY(2019)),
    ],
)
def test_the_base_offered_first_is_this_year_or_the_releases_nearest(today, expected):
    assert default_base(HAND, today) == expected


def test_real_terms_csv_keeps_the_columns_and_adds_prices_base_year_and_release_to_every_row():
    prices = Prices.real(HAND, FY(2019))
    frame = in_prices(_frame([(2020, 100, 50), (2022, 100, 0), (UNPHASED, 7, 0)]), prices, MONEY)
    rows = list(csv.reader(io.StringIO(totals_csv.to_csv(frame, prices=prices))))

    assert rows[0] == [*totals_csv._columns(None), "prices", "base_year", "deflator_release"]
    assert rows[1] == ["2020-21", "2.00", "1.00", "-1.00", "2.00", "0.00", "", "real", "2019-20", "Hand-worked, test"]
    assert rows[2] == ["2022-23", "", "", "", "", "", "", "no deflator", "2019-20", "Hand-worked, test"]
    assert rows[3] == ["unphased", "", "", "", "", "", "", "no year", "2019-20", "Hand-worked, test"]
    cash = list(csv.reader(io.StringIO(totals_csv.to_csv(_frame([(2020, 100, 50)])))))
    assert cash[0] == totals_csv._columns(None) and len(cash[1]) == len(cash[0])


def test_real_terms_json_gives_null_where_there_is_no_value():
    prices = Prices.real(HAND, FY(2019))
    frame = in_prices(_frame([(2020, 100, 50), (2022, 100, 0)]), prices, MONEY)
    rows = json.loads(totals_csv.to_json(frame, prices=prices))

    assert rows[0]["committed"] == "2.00" and rows[0]["committed_pence"] == 200
    assert rows[1]["committed"] is None and rows[1]["committed_pence"] is None
    assert [r["prices"] for r in rows] == ["real", "no deflator"]
    assert {r["deflator_release"] for r in rows} == {"Hand-worked, test"}


def _total_row(table: str) -> list[int]:
    line = next(line for line in table.splitlines() if line.startswith("Total"))
    return [int(Decimal(cell.replace("£", "").replace(",", "")) * 100) for cell in line.split()[1:]]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2015, 2026),
            st.integers(-(10**12), 10**13),
            st.integers(-(10**12), 10**13),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda r: r[0],
    ),
    st.integers(2015, 2024),
)
def test_real_totals_are_the_sums_of_their_rounded_cells(rows, base):
    prices = Prices.real(shipped(), FY(base))
    frame = in_prices(_frame(sorted(rows)), prices, MONEY)
    table = totals_csv.to_table(frame, prices=prices)
    cells = json.loads(totals_csv.to_json(frame, prices=prices))

    sums = [sum(r[f"{m}_pence"] or 0 for r in cells) for m in ("committed", "delivered", "variance", "new_money")]
    assert _total_row(table) == sums
    assert all(r["variance_pence"] == r["delivered_pence"] - r["committed_pence"] for r in cells if r["prices"] == REAL)
    assert prices.release is not None and prices.release.name in table


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(10**17), 10**17), min_size=1, max_size=20),
    st.integers(1955, 2024),
    st.integers(1955, 2024),
)
def test_a_column_at_a_time_is_each_cell_worked_in_decimal_and_rounded_half_even(pence, year, base):
    from tracker.core.deflators import ratio, scaled

    release = shipped()
    index = dict(csv.reader(io.StringIO(shipped_text())))
    by = ratio(FY(year), FY(base), release)
    assert by is not None

    got = scaled(pd.array(pence, dtype="int64").to_numpy(), by)

    worked = [Decimal(p) * Decimal(index[FY(base).label]) / Decimal(index[FY(year).label]) for p in pence]
    assert list(got) == [int(w.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) for w in worked]
