"""Digits other than 0-9 are refused, not converted (``tracker.core.limits``): in
money, financial years, dates, years and uplifts."""

from __future__ import annotations

import pytest

from tracker.core.fiscal import FiscalError, parse_date, parse_financial_year
from tracker.core.limits import check_digits
from tracker.core.money import MoneyError, parse_pence
from tracker.records.commitment_values import parse_uplift_bp, parse_years

# --- digits other than 0-9 ----------------------------------------------------------------------

FOREIGN_NUMBERS = {
    "Arabic-Indic": "\u0661\u0660\u0660\u0660",  # ١٠٠٠
    "Eastern Arabic-Indic": "\u06f1\u06f0\u06f0\u06f0",
    "Devanagari": "\u0967\u0966\u0966\u0966",
    "Bengali": "\u09e7\u09e6\u09e6\u09e6",
    "fullwidth": "\uff11\uff10\uff10\uff10",
    "mathematical bold": "\U0001d7cf\U0001d7ce\U0001d7ce\U0001d7ce",
    "one stray digit": "10\u06600",
}


@pytest.mark.parametrize("number", FOREIGN_NUMBERS.values(), ids=list(FOREIGN_NUMBERS))
def test_money_in_other_digits_is_refused_not_converted(number):
    assert int(number) == 1000  # what Python alone would have done
    for text in (number, f"£{number}", f"£{number}k", f"{number}.00"):
        with pytest.raises(MoneyError) as err:
            parse_pence(text)
        assert err.value.expected.startswith("expected the digits 0-9: found U+")


def test_money_names_the_first_other_digit_and_where_it_is():
    with pytest.raises(MoneyError) as err:
        parse_pence("\u0661\u0660\u0660\u0660")
    assert err.value.expected == "expected the digits 0-9: found U+0661 (ARABIC-INDIC DIGIT ONE) at position 1"
    with pytest.raises(MoneyError) as err:
        parse_pence("£1,\u0660\u0660\u0660", allow_negative=True)
    assert err.value.expected == "expected the digits 0-9: found U+0660 (ARABIC-INDIC DIGIT ZERO) at position 4"


def test_money_in_digits_0_to_9_still_reads():
    assert parse_pence("1000") == 100_000
    assert parse_pence("£1,000.50") == 100_050
    assert parse_pence("£1.5m") == 150_000_000


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0660-\u0662\u0661",  # ٢٠٢٠-٢١
        "2020-\u0662\u0661",
        "\uff12\uff10\uff12\uff10-21",
        "FY\u0968\u0966\u0968\u0966-21",
        "\u0662\u0660\u0662\u0660/2021",
    ],
)
def test_a_financial_year_in_other_digits_is_refused(text):
    with pytest.raises(FiscalError) as err:
        parse_financial_year(text)
    assert err.value.expected.startswith("expected the digits 0-9: found U+")


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0660-\u0660\u0664-\u0660\u0661",
        "2020-04-\u0660\u0661",
        "\u0660\u0661/04/2020",
        "01/04/\uff12\uff10\uff12\uff10",
    ],
)
def test_a_date_in_other_digits_is_refused(text):
    with pytest.raises(FiscalError) as err:
        parse_date(text)
    assert err.value.expected.startswith("expected the digits 0-9: found U+")


def test_years_and_uplifts_in_other_digits_are_refused():
    for parse, text in (
        (parse_years, "\u0663"),
        (parse_years, "\uff13"),
        (parse_uplift_bp, "\u0662.\u0665"),
        (parse_uplift_bp, "2.\u0665%"),
    ):
        with pytest.raises(ValueError, match="expected the digits 0-9"):
            parse(text)
    assert parse_years("3") == 3 and parse_uplift_bp("2.5%") == 250


def test_check_digits_passes_ascii_and_names_others():
    assert check_digits("£1,000 in 2020-21") is None
    assert check_digits("x\u00b2") == "expected the digits 0-9: found U+00B2 (SUPERSCRIPT TWO) at position 2"
    assert check_digits("a\u0967") == "expected the digits 0-9: found U+0967 (DEVANAGARI DIGIT ONE) at position 2"
