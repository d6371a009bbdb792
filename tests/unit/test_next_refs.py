"""The ref the Record page offers for a new record (tracker/records/next_refs.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.core.limits import REF_LENGTH, REF_PATTERN
from tracker.records.next_refs import suggest_refs


def test_the_next_number_after_the_highest():
    assert suggest_refs([f"A{n}" for n in range(1, 13)], "A") == ["A13"]
    assert suggest_refs([f"C{n}" for n in range(1, 41)], "C") == ["C41"]


def test_numbers_are_compared_as_numbers_and_gaps_are_not_filled():
    assert suggest_refs(["W2", "W10", "W9"], "C") == ["W11"]


def test_padded_digits_keep_their_width():
    assert suggest_refs(["C0000001", "C0000002", "C0099999"], "C") == ["C0100000"]


def test_the_most_common_prefix_wins():
    assert suggest_refs(["W1", "W2", "W3", "X40", "old-ref"], "C") == ["W4"]


def test_a_prefix_with_digits_of_its_own():
    assert suggest_refs(["WG-2020/03", "WG-2020/07", "WG-2021/01"], "A") == ["WG-2020/08"]


def test_with_no_numbered_refs_the_default_starts_at_one():
    assert suggest_refs([], "A") == ["A1"]
    assert suggest_refs(["alpha", "beta"], "M") == ["M1"]


def test_several_at_once_are_distinct():
    assert suggest_refs(["W1", "W2", "W7"], "C", count=3) == ["W8", "W9", "W10"]
    assert suggest_refs(["W1", "W2", "W08"], "C", count=2) == ["W09", "W10"]


def test_a_prefix_too_long_for_a_ref_falls_back_to_the_default():
    long_prefix = "x" * (REF_LENGTH - 1)
    assert suggest_refs([f"{long_prefix}9"], "A") == ["A1"]
    assert suggest_refs([f"{long_prefix}9", "A1"], "A") == ["A2"]


refs = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_./:-]{0,12}", fullmatch=True)


@given(existing=st.lists(refs, max_size=40), count=st.integers(1, 5), default=st.sampled_from("ACDM"))
def test_a_suggestion_is_never_a_ref_already_held(existing: list[str], count: int, default: str):
    suggested = suggest_refs(existing, default, count)
    assert len(suggested) == count
    assert len(set(suggested)) == count
    assert not set(suggested) & set(existing)
    assert all(REF_PATTERN.fullmatch(ref) for ref in suggested)


@given(prefix=st.from_regex(r"[A-Za-z][A-Za-z_./:-]{0,6}", fullmatch=True), numbers=st.sets(st.integers(1, 10**6)))
def test_a_single_pattern_is_followed(prefix: str, numbers: set[int]):
    existing = [f"{prefix}{n}" for n in numbers]
    assert suggest_refs(existing, "A") == [f"{prefix}{max(numbers, default=0) + 1}" if numbers else "A1"]
