"""Each chart's sentence is built from the chart's own data: it states the
figures the chart draws, and when the data change the sentence changes with
them (each test changes the data and checks the new figures are said).

The sentences: ``tracker.figures.chart_summaries`` (which says where each
chart's is built)."""

from __future__ import annotations

import pandas as pd

from tests.unit import chart_figures
from tests.unit.chart_figures import POUND
from tracker.core.money import format_short
from tracker.figures import chart_summaries, revisions
from tracker.figures.announcement_detail import schedule_sentence
from tracker.figures.delivery import cumulative_sentence
from tracker.figures.table_cells import percent

UNDER = (1_170_000, 5_600_000, 5_950_000, 0, 100_000)  # chart_figures.yearly's delivered


def overview(**kwargs) -> str:
    return chart_summaries.committed_vs_delivered(chart_figures.yearly(**kwargs))


def test_the_overview_sentence_says_the_totals_the_unphased_money_and_the_largest_gaps() -> None:
    assert overview() == (
        "From 2020-21 to 2023-24, at least £16m was committed (£700k of it with no financial year stated) and "
        "£12.82m delivered (80.1%); delivery was less than committed in 3 of 4 years, most in 2023-24 (£2m less), "
        "and more than committed in 1 of 4 years (2021-22, £200k more)."
    )


def test_the_overview_sentence_follows_what_was_delivered() -> None:
    for delivered in [(1_500_000, 5_400_000, 6_400_000, 2_000_000, 0), (1_000_000, 5_000_000, 6_000_000, 1_500_000, 0)]:
        yearly = chart_figures.yearly(delivered=delivered)
        said = chart_summaries.committed_vs_delivered(yearly)
        total = int(yearly["delivered"].sum())
        assert f"and {format_short(total)} delivered ({percent(total / int(yearly['committed'].sum()))})" in said
        assert said != overview()
    assert overview(delivered=(1_500_000, 5_400_000, 6_400_000, 2_000_000, 0)).endswith(
        "delivery was as committed in every year."
    )
    assert overview(delivered=(1_000_000, 5_000_000, 6_000_000, 1_500_000, 0)).endswith(
        "delivery was less than committed in 4 of 4 years, most in 2020-21 (£500k less)."  # the first of equal gaps
    )


def test_the_overview_sentence_follows_what_was_committed() -> None:
    said = overview(committed=(1_500_000, 5_400_000, 9_400_000, 2_000_000, 0), qualifiers=("exact",) * 5)
    assert said.startswith("From 2020-21 to 2023-24, £18.3m was committed and £12.82m delivered (70.1%)")
    assert "most in 2022-23 (£3.45m less)" in said
    one_year = overview(committed=(1_500_000,), delivered=(1_000_000,), estimated=(0,), qualifiers=("exact",))
    assert (
        one_year == "In 2020-21, £1.5m was committed and £1m delivered (66.7%); delivery was £500k less than committed."
    )
    assert overview(committed=(0,) * 5, delivered=(0,) * 5, estimated=(0,) * 5, qualifiers=("exact",) * 5).startswith(
        "From 2020-21 to 2023-24, £0 was committed and £0 delivered;"
    )
    assert chart_summaries.committed_vs_delivered(chart_figures.yearly().iloc[0:0]) == (
        "No money is committed or delivered in this view."
    )


def test_the_cumulative_sentence_follows_the_running_totals() -> None:
    by_year = chart_figures.by_year()
    before = cumulative_sentence(by_year)
    assert before == (
        "By the end of 2022-23, at least £13.3m had been committed and £12.72m delivered (95.6%): "
        "£580k behind the committed profile."
    )
    more = chart_figures.by_year(delivered=(1_170_000, 5_600_000, 6_600_000, 0, 0))
    assert cumulative_sentence(more) == (
        "By the end of 2022-23, at least £13.3m had been committed and £13.37m delivered (100.5%): "
        "£70k ahead of the committed profile."
    )


def test_the_share_of_due_sentence_names_the_one_furthest_behind() -> None:
    table = chart_figures.by_commitment()
    assert chart_summaries.share_of_due_delivered(table) == (
        "3 of 5 commitments are behind their profile by £780k in all; furthest behind is W4, "
        "with 60.0% of its money due to date delivered."
    )
    caught_up = chart_figures.by_commitment(delivered=(1_200_000, 920_000, 4_900_000, 1_000_000, 5_000_000))
    assert chart_summaries.share_of_due_delivered(caught_up) == (
        "2 of 5 commitments are behind their profile by £380k in all; furthest behind is W1, "
        "with 80.0% of its money due to date delivered."
    )
    one = chart_figures.by_commitment(delivered=(1_500_000, 920_000, 4_900_000, 1_000_000, 5_000_000))
    assert chart_summaries.share_of_due_delivered(one) == (
        "1 of 5 commitments is behind its profile, by £80k; it is W2, with 92.0% of its money due to date delivered."
    )
    none = chart_figures.by_commitment(delivered=(1_500_000, 1_000_000, 4_900_000, 1_000_000, 5_000_000))
    assert chart_summaries.share_of_due_delivered(none) == "None of the 5 commitments is behind its profile."


def test_the_schedule_sentence_follows_the_money_announced() -> None:
    schedule = chart_figures.schedule(commitments=2)
    own = pd.DataFrame({"ref": ["C1", "C2"], "qualifier": ["exact", "exact"]})
    said = schedule_sentence("A1", own, schedule)
    headline = int(schedule["headline_pence"].sum())
    assert said.startswith(f"A1 announces {format_short(headline)} over 2020-21 to 2022-23")
    bigger = schedule.assign(
        headline_pence=schedule["headline_pence"] * 2, committed_pence=schedule["committed_pence"] * 2
    )
    bigger["new_money_pence"] = bigger["committed_pence"]
    assert schedule_sentence("A1", own, bigger).startswith(f"A1 announces {format_short(2 * headline)} over")


def test_the_revision_sentence_follows_the_profiles() -> None:
    frame = pd.DataFrame(
        {
            "financial_year": [2020, 2022],
            "original_pence": [1_000_000 * POUND, 0],
            "revised_pence": [0, 2_000_000 * POUND],
        }
    )
    history = pd.DataFrame({"reason": ["slippage"]})
    assert revisions.summary("W3", frame, history) == (
        "W3 was £1,000,000 in 2020-21; it is now £2,000,000 in 2022-23 after 1 revision (slippage)."
    )
    moved_back = frame.assign(revised_pence=[1_000_000 * POUND, 0])
    assert revisions.summary("W3", moved_back, history) == (
        "W3 is £1,000,000 in 2020-21, as first committed, after 1 revision (slippage)."
    )


def test_under_and_over_in_words() -> None:
    assert chart_summaries.against_committed([100_000, 100_000, 100_000], [50_000, 150_000, 100_000]) == [
        "£500 less than committed",
        "£500 more than committed",
        "as committed",
    ]
    assert chart_summaries.against_original([100_000_000, 0], [0, 50_000_000]) == [
        "£1m less than the original",
        "£500k more than the original",
    ]
