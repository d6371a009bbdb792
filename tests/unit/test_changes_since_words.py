"""The Overview's "Changes since" in words, and its day and record addresses in
a link (tracker/figures/changes_since.py, tracker/figures/view_links.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tracker.core.limits import REF_PATTERN
from tracker.figures.changes_since import Changes, Listed, default_since
from tracker.figures.view_links import record_address, record_addresses, since_from_param

MEETINGS = ["held_on", "as_at", "title", "taken_at", "taken_by"]
EARLIEST, LATEST = date(2000, 1, 1), date(2026, 12, 6)


def _meetings(*days: date) -> pd.DataFrame:
    return pd.DataFrame(
        [(day, day, None, datetime(2026, 1, 1, tzinfo=UTC), "reviewer") for day in days], columns=MEETINGS
    )


def _listed(count: int) -> Listed:
    return Listed(count, pd.DataFrame({"ref": [f"R{i}" for i in range(min(count, 2))]}))


def test_the_default_is_the_last_meeting_held_by_the_as_at_day() -> None:
    found = default_since(_meetings(date(2026, 6, 1), date(2026, 11, 3), date(2026, 12, 31)), date(2026, 11, 27))

    assert found.day == date(2026, 11, 3)  # the meeting of 31 December is still to come
    assert found.reason == "since the last review meeting on 3 November 2026"


def test_with_no_meeting_held_the_default_is_30_days_back_and_says_so() -> None:
    for meetings in (_meetings(), _meetings(date(2027, 1, 5))):
        found = default_since(meetings, date(2026, 11, 27))
        assert found.day == date(2026, 10, 28)
        assert found.reason == "over the last 30 days, since 28 October 2026 (no review meeting has been held yet)"


def test_the_sentence_counts_each_list_and_says_none_in_words() -> None:
    changes = Changes(date(2026, 11, 3), _listed(2), _listed(5), _listed(3), _listed(1))
    assert changes.sentence() == (
        "Since 3 November 2026: 2 new announcements, 5 commitments changed, 3 deliveries, 1 milestone added or met."
    )
    quiet = Changes(date(2026, 11, 3), _listed(0), _listed(1), _listed(0), _listed(1_234))
    assert quiet.sentence() == (
        "Since 3 November 2026: no announcements, 1 commitment changed, no deliveries, 1,234 milestones added or met."
    )
    assert quiet.milestones.more == 1_234 - 2


def test_nothing_since_is_one_short_sentence() -> None:
    nothing = Changes(date(2026, 11, 3), _listed(0), _listed(0), _listed(0), _listed(0))
    assert nothing.is_empty
    assert nothing.sentence() == "Since 3 November 2026: nothing recorded or changed."


def test_a_since_in_an_address_is_a_day_between_the_bounds_or_said_not_to_be() -> None:
    assert since_from_param(" 2026-11-03 ", EARLIEST, LATEST) == (date(2026, 11, 3), None)
    day, said = since_from_param("3rd November", EARLIEST, LATEST)
    assert day is None and said == "The date '3rd November' in the address is not a day like 2026-11-03."
    day, said = since_from_param("2027-01-01", EARLIEST, LATEST)
    assert day is None and said == "The date 2027-01-01 in the address is not between 2000-01-01 and 2026-12-06."


@given(st.from_regex(REF_PATTERN, fullmatch=True))
def test_a_refs_address_shows_the_ref_as_typed_and_reads_back(ref: str) -> None:
    address = record_address("announcements", "ref", ref)
    assert address == f"/announcements?ref={ref}"
    assert parse_qs(urlsplit(address).query)["ref"] == [ref]


@given(st.lists(st.text(min_size=1, max_size=12), max_size=8))
def test_addresses_worked_out_at_once_are_each_records_address(values: list[str]) -> None:
    at_once = record_addresses("announcements", "ref", pd.Series(values, dtype=object))
    assert list(at_once) == [record_address("announcements", "ref", value) for value in values]
    for value, address in zip(values, at_once, strict=True):
        assert parse_qs(urlsplit(address).query, keep_blank_values=True).get("ref") == [value]
