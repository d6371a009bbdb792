"""Original against revised profiles as tables and words (tracker.revision_view)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest

from dashboard.charts import original_vs_revised
from tracker.figures import revisions as revision_view
from tracker.files.table import Table


def profiles(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """A frame shaped like ``tracker.records.revisions.baseline_vs_revised``."""
    return pd.DataFrame(rows, columns=["financial_year", "original_pence", "revised_pence"]).astype("int64")


def terms(schedule: dict[str, int], kind: str = "one-off") -> dict:
    return {
        "kind": kind,
        "amount_pence": sum(schedule.values()),
        "first_year": min(schedule, default=""),
        "years": 1,
        "uplift_bp": 0,
        "profile": {},
        "schedule": schedule,
    }


def revisions(rows: list[tuple]) -> pd.DataFrame:
    """A frame shaped like ``tracker.records.revisions.revision_history``."""
    return pd.DataFrame(rows, columns=["revised_at", "actor", "reason", "reason_text", "before", "after"])


# W3 moved from £1m in 2020-21 to £2m in 2022-23: a year with nothing in between.
MOVED = profiles([(2020, 100_000_000, 0), (2022, 0, 200_000_000)])
# W1 re-profiled: £500k a year for three years, then £500k, £300k and £700,000.50.
REPROFILED = profiles([(2020, 50_000_000, 50_000_000), (2021, 50_000_000, 30_000_000), (2022, 50_000_000, 70_000_050)])


def test_the_comparison_fills_every_year_between_and_adds_a_total_row() -> None:
    table = revision_view.comparison_table(MOVED, "W3")

    assert isinstance(table, Table) and table.total_row
    assert table.frame.to_dict("list") == {
        "financial_year": ["2020-21", "2021-22", "2022-23", "Total"],
        "original": [100_000_000, 0, 0, 100_000_000],
        "revised": [0, 0, 200_000_000, 200_000_000],
        "change": [-100_000_000, 0, 200_000_000, 100_000_000],
    }
    assert all(table.frame[c].dtype == "int64" for c in ("original", "revised", "change"))
    assert dict(table.titles) == {
        "financial_year": "Financial year",
        "original": "Original",
        "revised": "Revised",
        "change": "Change",
    }


def test_pounds_for_display_are_exact_decimals_of_the_pence() -> None:
    shown = revision_view.in_pounds(revision_view.comparison_table(REPROFILED, "W1"))

    assert list(shown["financial_year"]) == ["2020-21", "2021-22", "2022-23", "Total"]
    assert list(shown["original"]) == [Decimal("500000.00")] * 3 + [Decimal("1500000.00")]
    assert list(shown["revised"]) == [
        Decimal("500000.00"),
        Decimal("300000.00"),
        Decimal("700000.50"),
        Decimal("1500000.50"),
    ]
    assert list(shown["change"]) == [Decimal("0.00"), Decimal("-200000.00"), Decimal("200000.50"), Decimal("0.50")]


def test_choices_label_each_commitment_with_its_purpose() -> None:
    revised = pd.DataFrame(
        {
            "ref": ["W1", "W3"],
            "purpose": ["CDO post", "Grants"],
            "revisions": [2, 1],
            "last_revised_at": [datetime(2026, 1, 1, tzinfo=UTC)] * 2,
        }
    )

    assert revision_view.choices(revised) == {"W1": "W1 · CDO post", "W3": "W3 · Grants"}


@pytest.mark.parametrize(
    ("by_year", "words"),
    [
        ({2021: 100_000_000}, "£1,000,000 in 2021-22"),
        ({2020: 50_000_000, 2021: 50_000_000, 2022: 50_000_000}, "£500,000 a year from 2020-21 to 2022-23"),
        ({2020: 50_000_000, 2021: 30_000_000, 2022: 70_000_050}, "£1,500,000.50 in all from 2020-21 to 2022-23"),
        ({2020: 50_000_000, 2021: 0, 2022: 50_000_000}, "£1,000,000 in all from 2020-21 to 2022-23"),
        ({2020: 0}, "nothing"),
    ],
)
def test_a_profile_in_words(by_year: dict[int, int], words: str) -> None:
    assert revision_view.describe_profile(by_year) == words


def test_the_summary_says_what_it_was_what_it_is_and_why() -> None:
    history = revisions(
        [
            (
                datetime(2026, 5, 1, 9, tzinfo=UTC),
                "Sam",
                "slippage",
                None,
                terms({"2020-21": 100_000_000}),
                terms({"2022-23": 200_000_000}),
            )
        ]
    )

    assert revision_view.summary("W3", MOVED, history) == (
        "W3 was £1,000,000 in 2020-21; it is now £2,000,000 in 2022-23 after 1 revision (slippage)."
    )


def test_the_summary_lists_each_reason_once_in_order() -> None:
    one, two = terms({"2020-21": 1}), terms({"2020-21": 2})
    history = revisions(
        [
            (datetime(2026, 5, d, tzinfo=UTC), "Sam", reason, None, one, two)
            for d, reason in ((1, "re-profiled"), (2, "correction"), (3, "re-profiled"))
        ]
    )

    assert revision_view.summary("W1", REPROFILED, history) == (
        "W1 was £500,000 a year from 2020-21 to 2022-23; it is now £1,500,000.50 in all from 2020-21 to 2022-23 "
        "after 3 revisions (re-profiled, correction)."
    )


def test_a_profile_changed_and_changed_back_says_so() -> None:
    same = profiles([(2020, 50_000_000, 50_000_000)])
    history = revisions(
        [(datetime(2026, 5, d, tzinfo=UTC), "Sam", "correction", None, terms({}), terms({})) for d in (1, 2)]
    )

    assert revision_view.summary("W9", same, history) == (
        "W9 is £500,000 in 2020-21, as first committed, after 2 revisions (correction)."
    )


def test_what_changed_names_the_kind_each_year_and_the_total() -> None:
    before = terms({"2020-21": 50_000_000, "2021-22": 50_000_000, "2022-23": 50_000_000}, kind="recurring")
    after = terms({"2020-21": 50_000_000, "2021-22": 30_000_000, "2022-23": 70_000_050}, kind="profiled")

    assert revision_view.what_changed(before, after) == (
        "Kind changed from recurring to profiled; 2021-22 changed from £500,000 to £300,000; 2022-23 changed from £500,000 to £700,000.50; "
        "Total changed from £1,500,000 to £1,500,000.50"
    )
    assert revision_view.what_changed(terms({"2020-21": 1}), terms({"2021-22": 1})) == (
        "2020-21 changed from £0.01 to £0; 2021-22 changed from £0 to £0.01"
    )


def test_the_history_keeps_its_order_and_blanks_a_missing_reason_text() -> None:
    first, second = datetime(2026, 5, 1, 9, 30, tzinfo=UTC), datetime(2026, 6, 2, 14, tzinfo=UTC)
    a, b, c = terms({"2020-21": 100}), terms({"2020-21": 200}), terms({"2021-22": 200})
    shown = revision_view.history(
        revisions(
            [
                (first, "Sam", "correction", None, a, b),
                (second, "Alex", "other", "Budget moved to next year", b, c),
            ]
        )
    )

    assert list(shown.columns) == ["revised_at", "actor", "reason", "reason_text", "changed"]
    assert list(shown["revised_at"]) == [pd.Timestamp(first), pd.Timestamp(second)]
    assert str(shown["revised_at"].dt.tz) == "UTC"
    assert list(shown["actor"]) == ["Sam", "Alex"]
    assert list(shown["reason"]) == ["correction", "other"]
    assert list(shown["reason_text"]) == ["", "Budget moved to next year"]
    assert list(shown["changed"]) == [
        "2020-21 changed from £1 to £2; Total changed from £1 to £2",
        "2020-21 changed from £2 to £0; 2021-22 changed from £0 to £2",
    ]


def test_the_chart_groups_original_beside_revised_in_pounds() -> None:
    fig = original_vs_revised(revision_view.comparison_table(MOVED, "W3").body)

    original, revised = fig.data
    assert fig.layout.barmode == "group"
    assert (original.name, revised.name) == ("Original profile", "Revised profile")
    assert list(original.x) == list(revised.x) == ["2020-21", "2021-22", "2022-23"]
    assert list(original.y) == [1_000_000, 0, 0] and list(revised.y) == [0, 0, 2_000_000]
    assert original.marker.color != revised.marker.color
    assert original.marker.pattern.shape != revised.marker.pattern.shape  # readable without colour
    assert "£2m" in fig.layout.yaxis.ticktext and all(t.startswith("£") for t in fig.layout.yaxis.ticktext)
