"""The filters in a link's query string (tracker/figures/view_links.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.core.fiscal import FinancialYear
from tracker.figures.filters import Filters
from tracker.figures.view_links import from_params, to_params

YEARS = [FinancialYear(y) for y in range(2019, 2026)]  # 2019-20 .. 2025-26
OPTIONS = {
    "years": YEARS,
    "funders": ["Welsh Government", "UK Government"],
    "recipients": ["CDPS", "Cardiff Council", "A & B: partners, 100%"],
    "programmes": ["(no programme)", "Digital"],
    "areas": ["W06000015", "not stated"],
}


def fy(text: str) -> FinancialYear:
    return FinancialYear.parse(text)


def test_one_year_is_written_as_that_year_and_read_back() -> None:
    filters = Filters(fy("2021-22"), fy("2021-22"), recipients=("CDPS",))
    params = to_params(filters)
    assert params == {"fy": ["2021-22"], "recipient": ["CDPS"]}
    assert from_params(params, OPTIONS).filters == filters


def test_a_range_and_several_names_are_written_as_a_range_and_repeated_keys() -> None:
    filters = Filters(
        fy("2020-21"), fy("2022-23"), funders=("Welsh Government", "UK Government"), areas=("not stated",)
    )
    assert to_params(filters) == {
        "fy": ["2020-21..2022-23"],
        "funder": ["Welsh Government", "UK Government"],
        "area": ["not stated"],
    }


def test_no_filter_is_no_parameter() -> None:
    assert to_params(Filters()) == {}
    asked = from_params({}, OPTIONS)
    assert asked.filters.is_empty and asked.notes == ()


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2021-22..", "2021-22", "2025-26"),
        ("..2021-22", "2019-20", "2021-22"),
        ("2022-23..2020-21", "2020-21", "2022-23"),  # written backwards: read forwards
        ("2021/22", "2021-22", "2021-22"),  # the ways of writing a year the tracker reads anywhere
    ],
)
def test_open_ended_and_reversed_ranges_are_read(text: str, first: str, last: str) -> None:
    asked = from_params({"fy": [text]}, OPTIONS)
    assert (asked.filters.first_year, asked.filters.last_year) == (fy(first), fy(last))
    assert asked.notes == ()


def test_every_year_is_no_year_filter() -> None:
    assert from_params({"fy": ["2019-20..2025-26"]}, OPTIONS).filters.is_empty


def test_years_beyond_the_data_are_cut_to_it_and_said() -> None:
    asked = from_params({"fy": ["2024-25..2030-31"]}, OPTIONS)
    assert (asked.filters.first_year, asked.filters.last_year) == (fy("2024-25"), fy("2025-26"))
    assert asked.notes == (
        "The data runs from 2019-20 to 2025-26: showing 2024-25 to 2025-26, not 2024-25 to 2030-31.",
    )


def test_years_wholly_outside_the_data_show_every_year_and_say_so() -> None:
    asked = from_params({"fy": ["2030-31"]}, OPTIONS)
    assert asked.filters.is_empty
    assert asked.notes == ("The data has no money in 2030-31 (it runs from 2019-20 to 2025-26): showing every year.",)


@pytest.mark.parametrize("text", ["soon", "2021-23", "2021-22..later", "<script>"])
def test_years_that_are_not_years_are_named_and_left_out(text: str) -> None:
    asked = from_params({"fy": [text], "recipient": ["CDPS"]}, OPTIONS)
    assert asked.filters == Filters(recipients=("CDPS",))
    assert asked.notes == (
        f"The financial years {text!r} are not years like 2021-22 or a range like 2020-21..2022-23: "
        "showing every year.",
    )


def test_names_the_data_does_not_hold_are_left_out_with_a_note_naming_them() -> None:
    asked = from_params({"recipient": ["CDPS", "Nobody Ltd", "Ghosts", "Elves", "Trolls"]}, OPTIONS)
    assert asked.filters == Filters(recipients=("CDPS",))
    assert asked.notes == (
        "No recipient 'Nobody Ltd', 'Ghosts', 'Elves' and 1 more in the data: left out of the filters.",
    )


def test_a_name_asked_for_twice_is_kept_once() -> None:
    assert from_params({"funder": ["UK Government", "UK Government"]}, OPTIONS).filters.funders == ("UK Government",)


def test_a_link_to_a_tracker_with_no_years_keeps_its_names() -> None:
    asked = from_params({"fy": ["2021-22"], "funder": ["UK Government"]}, {**OPTIONS, "years": []})
    assert asked.filters == Filters(funders=("UK Government",))


def _subset(values: list[str]):
    return st.lists(st.sampled_from(values), unique=True).map(tuple)


@st.composite
def filters(draw) -> Filters:
    low = draw(st.sampled_from(YEARS))
    high = draw(st.sampled_from([y for y in YEARS if y >= low]))
    years = (low, high) if (low, high) != (YEARS[0], YEARS[-1]) and draw(st.booleans()) else (None, None)
    return Filters(
        *years,
        funders=draw(_subset(OPTIONS["funders"])),
        recipients=draw(_subset(OPTIONS["recipients"])),
        programmes=draw(_subset(OPTIONS["programmes"])),
        areas=draw(_subset(OPTIONS["areas"])),
    )


@given(filters())
def test_any_filters_written_into_a_link_are_read_back_the_same(written: Filters) -> None:
    asked = from_params(to_params(written), OPTIONS)
    assert asked.filters == written
    assert asked.notes == ()
