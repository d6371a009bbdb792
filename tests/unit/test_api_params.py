"""The JSON API's rules that need no database: reading query parameters (and the
400s that name what was wrong), the money and percentage texts, and which fields
a change touched."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.api.changes import changed_fields
from tracker.api.params import (
    MAX_PER_PAGE,
    BadParameters,
    RecordQuery,
    changes_query,
    no_parameters,
    parse_since,
    record_query,
    totals_query,
)
from tracker.api.tables import money, percent, pounds
from tracker.core.fiscal import UNPHASED
from tracker.core.money import plain_pounds


def _problems(call, items) -> list[tuple[str, str | None]]:
    with pytest.raises(BadParameters) as caught:
        call(items)
    assert caught.value.status == 400
    return [(p.parameter, p.value) for p in caught.value.problems]


def test_no_parameters_is_no_narrowing_and_the_first_page():
    assert record_query([]) == RecordQuery()


def test_filters_repeat_for_any_of_several_and_years_read_every_way():
    query = record_query(
        [
            ("funder", " Welsh Government "),
            ("funder", "GB-GOR-PB0001"),
            ("funder", "Welsh Government"),
            ("year", "2020-21"),
            ("year", "2021/22"),
            ("year", "unphased"),
            ("area", "W06000015"),
            ("page", "3"),
            ("per_page", str(MAX_PER_PAGE)),
        ]
    )
    assert query.funders == ("Welsh Government", "GB-GOR-PB0001")
    assert query.years == (2020, 2021, UNPHASED)
    assert (query.areas, query.page, query.per_page) == (("W06000015",), 3, MAX_PER_PAGE)


def test_every_problem_is_named_at_once():
    found = _problems(
        record_query,
        [
            ("year", "2020"),
            ("area", "w06000015"),
            ("page", "0"),
            ("per_page", "1001"),
            ("colour", "red"),
            ("funder", " "),
        ],
    )
    assert sorted(found) == sorted(
        [
            ("colour", None),
            ("year", "2020"),
            ("area", "w06000015"),
            ("page", "0"),
            ("per_page", "1001"),
            ("funder", " "),
        ]
    )


@pytest.mark.parametrize("value", ["-1", "1.5", "1e3", "٣", " 2", ""])
def test_a_page_is_a_plain_whole_number(value):
    assert _problems(record_query, [("page", value)]) == [("page", value)]


def test_a_single_valued_parameter_given_twice_is_refused():
    assert _problems(record_query, [("per_page", "10"), ("per_page", "20")]) == [("per_page", None)]
    assert _problems(totals_query, [("by", "funder"), ("by", "recipient")]) == [("by", None)]


def test_totals_parameters():
    query = totals_query([("by", "area"), ("as_at", "31/03/2021"), ("fy", "FY2020-21")])
    assert (query.by, query.as_at, query.fy) == ("area", date(2021, 3, 31), "2020-21")
    assert totals_query([("fy", "Unphased")]).fy == "unphased"
    assert _problems(totals_query, [("by", "Funder"), ("as_at", "2021-02-30"), ("fy", "2020-22")]) == [
        ("by", "Funder"),
        ("as_at", "2021-02-30"),
        ("fy", "2020-22"),
    ]


def test_since_is_required_and_read_as_utc():
    assert _problems(changes_query, []) == [("since", None)]
    assert changes_query([("since", "2024-01-01")]).since == datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_since("2024-06-01T10:30:00") == datetime(2024, 6, 1, 10, 30, tzinfo=UTC)
    assert parse_since("2024-06-01T10:30:00+01:00") == datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
    assert parse_since("2024-06-01T10:30:00Z") == datetime(2024, 6, 1, 10, 30, tzinfo=UTC)
    assert changes_query([("since", "2024-01-01"), ("full", "true")]).full
    assert _problems(changes_query, [("since", "last week")]) == [("since", "last week")]
    assert _problems(changes_query, [("since", "0001-01-01T00:00:00+01:00")])  # before year 1 in UTC


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=1))]),
    )
)
def test_any_iso_moment_reads_back_as_the_same_instant(moment):
    assert parse_since(moment.isoformat()) == moment


def test_one_record_takes_no_parameters():
    no_parameters([])
    assert _problems(no_parameters, [("page", "1")]) == [("page", None)]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_is_exact_pounds_text_and_integer_pence(pence):
    item: dict = {}
    money(item, "committed", pence)
    assert Decimal(item["committed"]) * 100 == pence and item["committed_pence"] == pence
    assert isinstance(item["committed"], str) and item["committed"].split(".")[1].isdigit()
    assert len(item["committed"].split(".")[1]) == 2


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_pounds_are_the_text_of_totals_format_json(pence):
    assert pounds(pence) == plain_pounds(pence)


@given(st.integers(min_value=-100_000, max_value=100_000))
def test_a_percentage_is_basis_points_over_100_with_two_decimals(basis_points):
    assert Decimal(percent(basis_points)) == Decimal(basis_points) / 100
    assert len(percent(basis_points).split(".")[1]) == 2


def test_the_fields_a_change_touched():
    assert changed_fields(None, {"id": 3, "ref": "W1", "note": "", "amount_pence": 5, "version": 1}) == [
        "ref",
        "amount_pence",
    ]
    before = {"id": 3, "ref": "W1", "amount_pence": 5, "deleted_at": None, "version": 1}
    after = {**before, "deleted_at": "2026-12-05T10:00:00+00:00", "version": 2}
    assert changed_fields(before, after) == ["deleted_at"]
    assert changed_fields(before, {**before, "extra": 1}) == ["extra"]
    assert changed_fields(before, before) == []
