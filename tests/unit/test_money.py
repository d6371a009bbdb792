"""Money rules: integer pence, exact parsing of what officers type, exact splits."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.money import (
    MoneyError,
    allocate,
    format_pounds,
    format_short,
    parse_pence,
    plain_pounds,
    to_decimal,
)

POUND = 100  # pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1000000", 1_000_000 * POUND),
        ("1,000,000", 1_000_000 * POUND),
        ("£1,000,000.50", 1_000_000 * POUND + 50),
        ("£1m", 1_000_000 * POUND),
        ("£1.5m", 1_500_000 * POUND),
        ("£500k", 500_000 * POUND),
        ("£2bn", 2_000_000_000 * POUND),
        ("£1 million", 1_000_000 * POUND),
        ("£1million", 1_000_000 * POUND),
        ("£2 billion", 2_000_000_000 * POUND),
        ("£1M", 1_000_000 * POUND),
        ("£500K", 500_000 * POUND),
        ("  £1m  ", 1_000_000 * POUND),
        ("£1\u00a0million", 1_000_000 * POUND),
        ("£0.01", 1),
        ("1234.5", 123_450),
        ("£1.234m", 1_234_000 * POUND),
        ("£1.2345678m", 123_456_780),
        ("0", 0),
    ],
)
def test_amount_text_is_read_as_exact_pence(text, pence):
    assert parse_pence(text) == pence
    assert type(parse_pence(text)) is int


@pytest.mark.parametrize(
    ("text", "pence"),
    [("-£500", -500 * POUND), ("£-500", -500 * POUND), ("-£1.5m", -1_500_000 * POUND), ("-250.50", -25_050)],
)
def test_negative_amount_is_read_only_when_corrections_are_allowed(text, pence):
    assert parse_pence(text, allow_negative=True) == pence
    with pytest.raises(MoneyError) as raised:
        parse_pence(text)
    assert raised.value.value == text
    assert repr(text) in str(raised.value)
    # Said plainly: where negatives are not allowed (a commitment) there are no corrections to mention.
    assert raised.value.expected == "expected an amount of zero or more"


@pytest.mark.parametrize(
    "text",
    ["£1.2.3m", "1,00,000", "£1.234", "abc", "", "£", "1e6", "£1.5.m", "--5", "£1,0000", "1,000,00", "£1 m m", "£.m"],
)
def test_text_that_is_not_an_exact_amount_is_refused_with_a_message_quoting_it(text):
    with pytest.raises(MoneyError) as raised:
        parse_pence(text, allow_negative=True)
    assert raised.value.value == text
    assert str(raised.value).startswith(repr(text) + ": ")
    assert raised.value.expected
    assert raised.value.expected in str(raised.value)


def test_malformed_amount_message_gives_the_examples_people_can_copy():
    with pytest.raises(MoneyError) as raised:
        parse_pence("£1.2.3m")
    assert str(raised.value) == "'£1.2.3m': expected an amount like 1000000, £1,000,000.50, £1.5m or £500k"


def test_more_than_two_decimal_places_is_refused_because_it_is_not_whole_pence():
    with pytest.raises(MoneyError) as raised:
        parse_pence("£1.234")
    assert raised.value.value == "£1.234"
    assert "two decimal places" in raised.value.expected


def test_a_suffixed_amount_that_is_not_whole_pence_is_refused():
    with pytest.raises(MoneyError) as raised:
        parse_pence("£1.234567891m")
    assert raised.value.value == "£1.234567891m"


@pytest.mark.parametrize("value", [1.5, 1000000.0, 0.1, True])
def test_floats_and_booleans_are_never_money(value):
    with pytest.raises(MoneyError) as raised:
        parse_pence(value)
    assert raised.value.value is value
    assert str(raised.value).startswith(repr(value))


def test_whole_pence_given_as_an_int_pass_through():
    assert parse_pence(150) == 150
    with pytest.raises(MoneyError):
        parse_pence(-150)
    assert parse_pence(-150, allow_negative=True) == -150


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (1_000_000 * POUND, "£1,000,000"),
        (1_000_000 * POUND + 50, "£1,000,000.50"),
        (-500 * POUND, "-£500"),
        (0, "£0"),
        (5, "£0.05"),
        (-5, "-£0.05"),
        (999, "£9.99"),
    ],
)
def test_pounds_are_formatted_for_people(pence, text):
    assert format_pounds(pence) == text


def test_pounds_can_always_show_pence():
    assert format_pounds(500 * POUND, always_pence=True) == "£500.00"


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (1_500_000 * POUND, "£1.5m"),
        (500_000 * POUND, "£500k"),
        (2_000_000_000 * POUND, "£2bn"),
        (4_900_000 * POUND, "£4.9m"),
        (1_000_000 * POUND, "£1m"),
        (1_234_567 * POUND, "£1.23m"),
        (1_235_000 * POUND, "£1.24m"),  # half-up, not banker's rounding
        (-500_000 * POUND, "-£500k"),
        (999 * POUND, "£999"),
        (1_000 * POUND, "£1k"),
    ],
)
def test_short_labels_for_charts_and_headlines(pence, text):
    assert format_short(pence) == text


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (999_999 * POUND, "£1m"),
        (999_999_999 * POUND, "£1bn"),
        (99_950, "£1k"),
    ],
)
def test_short_label_that_rounds_up_to_the_next_unit_uses_that_unit(pence, text):
    # "£1000k" is not a compact label: rounding must carry into the next unit.
    assert format_short(pence) == text


@settings(deadline=None)
@given(st.integers(min_value=-99_999 * 10**9, max_value=99_999 * 10**9))
def test_short_label_is_at_most_three_digits_and_within_half_a_unit_of_the_amount(pence):
    # Up to £999.99bn, just below the importer's £1 trillion ceiling.
    label = format_short(pence)
    match = re.fullmatch(r"-?£(\d{1,3}(?:\.\d{1,2})?)(k|m|bn)?", label)
    assert match, label
    # Half of the last digit shown: £0.005k, £0.005m, £0.005bn, or 50p for whole pounds.
    half_step = {"k": 500, "m": 500_000, "bn": 500_000_000, None: 50}[match[2]]
    assert abs(parse_pence(label, allow_negative=True) - pence) <= half_step


@pytest.mark.parametrize(
    ("pence", "text"),
    [(150_000_000, "1500000.00"), (-25_000, "-250.00"), (5, "0.05"), (0, "0.00"), (-1, "-0.01")],
)
def test_plain_pounds_for_machine_readable_files(pence, text):
    assert plain_pounds(pence) == text


def test_decimal_pounds_have_exactly_two_places():
    assert to_decimal(150) == Decimal("1.50")
    assert str(to_decimal(150)) == "1.50"
    assert str(to_decimal(-1)) == "-0.01"


@pytest.mark.parametrize("formatter", [format_pounds, format_short, plain_pounds, to_decimal])
def test_formatters_refuse_float_money(formatter):
    with pytest.raises(TypeError):
        formatter(1.5)


@settings(deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatted_pounds_read_back_as_the_same_pence(pence):
    assert parse_pence(format_pounds(pence), allow_negative=True) == pence
    assert parse_pence(format_pounds(pence, always_pence=True), allow_negative=True) == pence
    assert parse_pence(plain_pounds(pence), allow_negative=True) == pence
    assert to_decimal(pence) == Decimal(pence) / 100


def test_allocate_gives_leftover_pence_to_the_largest_remainders():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(100_000_001, [6000, 4000]) == [60_000_001, 40_000_000]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 1]) == [0, 10]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocate_refuses_weights_that_cannot_share_anything(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


@settings(deadline=None)
@given(
    st.integers(min_value=-(10**14), max_value=10**14),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0),
)
def test_allocated_parts_add_up_to_the_total_exactly(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(type(p) is int for p in parts)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights):
        # Each part is within a penny of its exact share, and a zero weight gets nothing.
        exact = Decimal(total) * weight / weight_sum
        assert abs(Decimal(part) - exact) < 1
        if weight == 0:
            assert part == 0
