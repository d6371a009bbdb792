"""Deflator releases and real terms (tracker.core.deflators): hand-worked values and the file's checks."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.core.deflators import SHIPPED_NAME, ReleaseRefused, read_release, real_pence, shipped
from tracker.core.fiscal import FinancialYear

FY = FinancialYear
SMALL = read_release("financial_year,index\n2019-20,100\n2020-21,104\n2021-22,110.5\n", "Test release")


def test_the_check_value_of_the_shipped_release():
    release = shipped()
    assert release.name == SHIPPED_NAME
    assert (release.first, release.last) == (FY(1955), FY(2024))
    assert real_pence(50_000_000, FY(2020), FY(2018), release) == 48_111_741  # £481,117.41 in 2018-19 prices


@pytest.mark.parametrize(
    ("pence", "year", "base", "real"),
    [
        (10_400, FY(2020), FY(2019), 10_000),  # 104.00 x 100 / 104: exact
        (100, FY(2020), FY(2019), 96),  # 96.153...: down
        (1_000_000, FY(2019), FY(2021), 1_105_000),  # to a later year's prices: up by 110.5/100
        (1, FY(2021), FY(2019), 1),  # 0.904...: one penny
        (13, FY(2020), FY(2019), 12),  # 12.5 exactly: half-even, down to 12
        (39, FY(2020), FY(2019), 38),  # 37.5: half-even, up to 38
        (0, FY(2020), FY(2019), 0),
        (5_000, FY(2020), FY(2020), 5_000),  # its own year's prices: unchanged
    ],
)
def test_real_terms_by_hand(pence, year, base, real):
    assert real_pence(pence, year, base, SMALL) == real


def test_a_year_the_release_has_no_index_for_has_no_real_value():
    assert real_pence(100, FY(2022), FY(2019), SMALL) is None
    assert real_pence(100, FY(2020), FY(2018), SMALL) is None


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([FY(2019), FY(2020), FY(2021)]))
def test_real_is_the_exact_quotient_rounded_half_even_once(pence, year):
    expected = (Decimal(pence) * Decimal("100") / SMALL.indices[year]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    assert real_pence(pence, year, FY(2019), SMALL) == int(expected)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("financial_year,index\n2019-20,100\n2021-22,104\n", "2020-21"),  # a gap
        ("financial_year,index\n2019-20,100\n2020-21,-3\n", "positive"),
        ("financial_year,index\n2019-20,100\n2020-21,0\n", "positive"),
        ("financial_year,index\n2019-20,100\n2020-21,abc\n", "positive"),
        ("financial_year,index\n2019-20,100\n2019-20,101\n", "twice"),
        ("financial_year,index\n2019-21,100\n", "financial year"),
        ("year,value\n2019-20,100\n", "header"),
        ("financial_year,index\n", "at least one"),
    ],
)
def test_a_bad_file_is_refused_naming_the_problem(text, said):
    with pytest.raises(ReleaseRefused) as refused:
        read_release(text, "Bad")
    assert said in str(refused.value)


def test_every_problem_of_a_file_is_listed_with_its_line():
    with pytest.raises(ReleaseRefused) as refused:
        read_release("financial_year,index\n2019-20,-1\n2020-21,x\n2021-22,5\n2021-22,6\n", "Bad")
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (2, "index"),
        (3, "index"),
        (5, "financial_year"),
    ]


def test_a_header_in_words_with_capitals_and_spaces_reads_as_the_columns():
    release = read_release("Financial Year , Index\n2019-20,100\n2020-21,102\n", "Spoken header")

    assert [str(y) for y in release.indices] == ["2019-20", "2020-21"]
