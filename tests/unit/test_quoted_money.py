"""The amounts a quote states, and the warning when a recurring amount's total
is not one of them (tracker/records/quoted_money.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.core.money import format_pounds, format_short
from tracker.records.inputs import AnnouncementInput, CommitmentInput
from tracker.records.quoted_money import Stated, amounts_stated, quote_warnings


def _announcement(quote: str, *commitments: CommitmentInput) -> AnnouncementInput:
    return AnnouncementInput("A7", "2022-02-01", "Data unit", "Welsh Government", quote=quote, commitments=commitments)


def _recurring(amount: str, years: str, ref: str = "W8", uplift: str = "") -> CommitmentInput:
    return CommitmentInput(ref, "Data unit", "", "recurring", amount, "2022-23", years=years, uplift_pct=uplift)


def test_amounts_are_read_with_the_money_parser_and_marked_when_said_per_year():
    assert amounts_stated("£2m over two years, then £500k a year and £1,250,000 per annum; £3 million annually") == [
        Stated(200_000_000, per_year=False),
        Stated(50_000_000, per_year=True),
        Stated(125_000_000, per_year=True),
        Stated(300_000_000, per_year=True),
    ]


def test_bare_numbers_and_years_are_not_money():
    assert amounts_stated("In 2022-23, 40 councils and 3 million people") == []
    assert amounts_stated("") == amounts_stated(None) == []


def test_an_annual_amount_said_before_it():
    assert amounts_stated("an annual £750k budget") == [Stated(75_000_000, per_year=True)]


def test_a_total_typed_as_a_yearly_amount_is_warned_of():
    warnings = quote_warnings(_announcement("£2m over two years", _recurring("£2m", "2")))
    assert warnings == {
        "W8": "The quote states £2,000,000; £2,000,000 a year for 2 years is £4,000,000. "
        "Did you mean a multi-year amount?"
    }


def test_no_warning_when_the_quote_states_the_total_or_a_yearly_amount():
    assert quote_warnings(_announcement("£1m over two years", _recurring("£500k", "2"))) == {}
    assert quote_warnings(_announcement("£2m a year for two years", _recurring("£2m", "2"))) == {}
    assert quote_warnings(_announcement("£2m each year, £4m in all", _recurring("£2m", "2"))) == {}


def test_no_warning_for_other_kinds_one_year_or_an_open_end_or_no_amount_quoted():
    one_off = CommitmentInput("W8", "Data unit", "", "one-off", "£2m", "2022-23")
    assert quote_warnings(_announcement("£2m over two years", one_off)) == {}
    assert quote_warnings(_announcement("£2m over two years", _recurring("£2m", "1"))) == {}
    assert quote_warnings(_announcement("£2m over two years", _recurring("£2m", ""))) == {}
    assert quote_warnings(_announcement("A new data unit for councils", _recurring("£2m", "2"))) == {}


def test_another_total_is_named_with_a_plainer_question():
    warnings = quote_warnings(_announcement("A £10m fund", _recurring("£3m", "2")))
    assert warnings == {
        "W8": "The quote states £10,000,000; £3,000,000 a year for 2 years is £6,000,000. "
        "Check the amount and the years against the quote."
    }


def test_an_uplift_is_in_the_total_and_said():
    warnings = quote_warnings(_announcement("£2m over two years", _recurring("£2m", "2", uplift="10")))
    assert warnings["W8"].startswith(
        "The quote states £2,000,000; £2,000,000 a year for 2 years, rising 10% a year, is £4,200,000."
    )


def test_each_commitment_is_checked_on_its_own():
    warnings = quote_warnings(
        _announcement("£2m over two years and £1m a year", _recurring("£2m", "2"), _recurring("£1m", "3", ref="W9"))
    )
    assert set(warnings) == {"W8"}


@given(pence=st.integers(100, 10**11).map(lambda p: p - p % 100), years=st.integers(2, 10))
def test_the_total_quoted_in_any_form_is_never_warned_of(pence: int, years: int):
    total = pence * years
    for said in (format_pounds(total), format_short(total)):
        if amounts_stated(said) == [Stated(total, per_year=False)]:  # the short form may round
            yearly = _recurring(format_pounds(pence), str(years))
            assert quote_warnings(_announcement(f"{said} over {years} years", yearly)) == {}


@given(pence=st.integers(1, 10**9).map(lambda p: p * 100), years=st.integers(2, 10))
def test_the_yearly_amount_quoted_as_a_total_is_always_warned_of(pence: int, years: int):
    yearly = _recurring(format_pounds(pence), str(years))
    warnings = quote_warnings(_announcement(f"{format_pounds(pence)} over {years} years", yearly))
    assert warnings["W8"].startswith(f"The quote states {format_pounds(pence)}; ")
    assert f"is {format_pounds(pence * years)}. Did you mean a multi-year amount?" in warnings["W8"]
