"""UK financial years (1 April to 31 March, [start, end)) and UK dates."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.fiscal import FinancialYear, FiscalError, fy_range, parse_date, parse_financial_year

dates = st.dates(min_value=date(1901, 4, 1), max_value=date(2998, 12, 31))
start_years = st.integers(min_value=1900, max_value=2999)


def test_financial_year_is_labelled_with_both_calendar_years():
    fy = FinancialYear(2020)
    assert str(fy) == "2020-21"
    assert fy.label == "2020-21"
    assert repr(fy) == "FinancialYear(2020)"
    assert FinancialYear(1999).label == "1999-00"


def test_financial_year_runs_from_1_april_to_the_next_1_april_exclusive():
    fy = FinancialYear(2020)
    assert fy.start == date(2020, 4, 1)
    assert fy.end == date(2021, 4, 1)
    assert fy.last_day == date(2021, 3, 31)
    assert date(2020, 4, 1) in fy
    assert date(2021, 3, 31) in fy
    assert date(2021, 4, 1) not in fy
    assert date(2020, 3, 31) not in fy


def test_financial_year_refuses_anything_but_an_int_start_year():
    with pytest.raises(TypeError):
        FinancialYear("2020")
    with pytest.raises(TypeError):
        FinancialYear(True)
    with pytest.raises(FiscalError):
        FinancialYear(1899)


def test_financial_years_order_and_step_by_whole_years():
    assert FinancialYear(2020) + 2 == FinancialYear(2022)
    assert FinancialYear(2022) - 2 == FinancialYear(2020)
    assert FinancialYear(2022) - FinancialYear(2020) == 2
    assert FinancialYear(2019) < FinancialYear(2020)
    assert fy_range(FinancialYear(2020), FinancialYear(2022)) == [
        FinancialYear(2020),
        FinancialYear(2021),
        FinancialYear(2022),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2020-21",
        "2020/21",
        "2020-2021",
        "FY2020-21",
        "fy 2020/21",
        " 2020-21 ",
        "2020 - 21",
        "2020\u201321",
        "2020/2021",
    ],
)
def test_financial_year_is_read_in_the_forms_officers_write(text):
    assert parse_financial_year(text) == FinancialYear(2020)
    assert FinancialYear.parse(text) == FinancialYear(2020)


def test_financial_year_across_a_century_reads_its_two_digit_end():
    assert parse_financial_year("1999-00") == FinancialYear(1999)
    assert parse_financial_year("1999-2000") == FinancialYear(1999)


@pytest.mark.parametrize(
    "text", ["2020-22", "2020", "20-21", "2020/2022", "", "2020-20", "2021-20", "next year", "1899-00"]
)
def test_text_that_is_not_one_financial_year_is_refused_with_the_value(text):
    with pytest.raises(FiscalError) as raised:
        parse_financial_year(text)
    assert raised.value.value == text.strip()
    assert str(raised.value).startswith(repr(text.strip()) + ": ")


def test_a_year_that_skips_a_year_is_explained():
    with pytest.raises(FiscalError) as raised:
        parse_financial_year("2020-22")
    assert raised.value.expected == "a financial year spans two consecutive years, e.g. 2020-21"


@pytest.mark.parametrize(
    ("said_on", "expected"),
    [
        (date(2019, 10, 31), FinancialYear(2020)),
        (date(2020, 3, 31), FinancialYear(2020)),
        (date(2020, 4, 1), FinancialYear(2021)),
        (date(2019, 4, 1), FinancialYear(2020)),
    ],
)
def test_next_financial_year_is_resolved_from_the_day_it_was_said(said_on, expected):
    assert parse_financial_year("next financial year", relative_to=said_on) == expected
    assert parse_financial_year("Next Financial Year", relative_to=said_on) == expected
    assert FinancialYear.next_after(said_on) == expected


def test_this_and_last_financial_year_are_resolved_from_the_day_it_was_said():
    said_on = date(2019, 10, 31)
    assert parse_financial_year("this financial year", relative_to=said_on) == FinancialYear(2019)
    assert parse_financial_year("current financial year", relative_to=said_on) == FinancialYear(2019)
    assert parse_financial_year("last financial year", relative_to=said_on) == FinancialYear(2018)


def test_next_financial_year_without_the_day_it_was_said_is_refused():
    with pytest.raises(FiscalError) as raised:
        parse_financial_year("next financial year")
    assert raised.value.value == "next financial year"
    assert "needs the date" in raised.value.expected


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (date(2021, 3, 31), 2020),
        (date(2021, 4, 1), 2021),
        (date(2020, 1, 1), 2019),
        (date(2020, 12, 31), 2020),
        (date(2020, 2, 29), 2019),
    ],
)
def test_dates_either_side_of_1_april_fall_in_the_right_year(day, start_year):
    assert FinancialYear.from_date(day) == FinancialYear(start_year)


@settings(deadline=None)
@given(dates)
def test_every_date_is_in_the_financial_year_it_maps_to(day):
    fy = FinancialYear.from_date(day)
    assert day in fy
    assert fy.start <= day < fy.end
    assert day not in fy + 1
    assert day not in fy - 1
    assert FinancialYear.next_after(day) == fy + 1


@settings(deadline=None)
@given(start_years.filter(lambda y: y < 2999))
def test_financial_year_boundaries_are_31_march_and_1_april(start_year):
    fy = FinancialYear(start_year)
    assert FinancialYear.from_date(fy.start) == fy
    assert FinancialYear.from_date(fy.last_day) == fy
    assert fy.last_day + timedelta(days=1) == fy.end
    assert FinancialYear.from_date(fy.end) == fy + 1
    if start_year > 1900:
        assert FinancialYear.from_date(fy.start - timedelta(days=1)) == fy - 1


@settings(deadline=None)
@given(start_years)
def test_every_written_form_of_a_financial_year_reads_back(start_year):
    fy = FinancialYear(start_year)
    end = start_year + 1
    for text in (fy.label, f"{start_year}/{end % 100:02d}", f"{start_year}-{end}", f"FY{fy.label}"):
        assert parse_financial_year(text) == fy


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2019-10-31", date(2019, 10, 31)),
        ("31/10/2019", date(2019, 10, 31)),
        ("10/09/2019", date(2019, 9, 10)),
        ("1/4/2020", date(2020, 4, 1)),
        ("31.03.2021", date(2021, 3, 31)),
        ("29/02/2020", date(2020, 2, 29)),
        (" 2020-04-01 ", date(2020, 4, 1)),
    ],
)
def test_dates_are_read_as_iso_or_uk_day_first(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["31/02/2020", "29/02/2019", "2020-02-30", "10/31/2019", "31/10/19", "31 October 2019", "", "2019-13-01"]
)
def test_dates_that_do_not_exist_or_are_ambiguous_are_refused(text):
    with pytest.raises(FiscalError) as raised:
        parse_date(text)
    assert raised.value.value == text.strip()
    assert str(raised.value).startswith(repr(text.strip()) + ": ")


def test_a_date_that_does_not_exist_is_not_rolled_over():
    with pytest.raises(FiscalError) as raised:
        parse_date("31/02/2020")
    assert str(raised.value) == "'31/02/2020': no such date (expected a date like 2019-10-31 or 31/10/2019)"


@settings(deadline=None)
@given(dates)
def test_every_date_reads_back_from_both_written_forms(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year:04d}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day
