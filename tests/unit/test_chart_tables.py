"""Each chart's "Show as table" holds what the chart draws: every bar, point
and band as a figure in pence, and under or over in the same words as the
hover text. Each test reads the drawn figure (pounds, as Plotly draws them)
beside the table built from the same data."""

from __future__ import annotations

import html

from tests.unit import chart_figures
from tests.unit.chart_figures import charts
from tracker.figures import chart_tables
from tracker.figures.shortfall import chart_rows


def pence(values) -> list[int]:
    return [round(v * 100) for v in values]


def test_the_overview_table_is_the_bars_and_lines_year_by_year() -> None:
    yearly = chart_figures.yearly()
    drawn = {trace.name: trace for trace in charts.committed_vs_delivered(yearly).data}
    table = chart_tables.committed_vs_delivered(yearly)
    shown = table.shown
    assert list(table.headings.values()) == [
        "Financial year",
        "Committed",
        "Of which estimated",
        "Delivered",
        "Delivered against committed",
        "Committed to date",
        "Delivered to date",
    ]
    estimated = drawn["Committed, estimated (a chosen spread, not announced by year)"]
    assert list(shown["label"]) == list(drawn["Committed"].x) == list(estimated.x)
    assert list(shown["committed"]) == [a + b for a, b in zip(pence(drawn["Committed"].y), pence(estimated.y))]
    assert list(shown["estimated"]) == pence(estimated.y)
    assert list(shown["delivered"]) == pence(drawn["Delivered"].y)
    assert list(shown["against"]) == list(drawn["Delivered"].text)
    lines = dict(zip(drawn["Cumulative committed"].x, pence(drawn["Cumulative committed"].y)))
    assert list(shown["cumulative_committed"]) == [lines.get(label) for label in shown["label"]]
    assert shown["cumulative_committed"].iloc[-1] is None  # unphased money is on no line
    lines = dict(zip(drawn["Cumulative delivered"].x, pence(drawn["Cumulative delivered"].y)))
    assert list(shown["cumulative_delivered"]) == [lines.get(label) for label in shown["label"]]
    assert table.money >= {"committed", "estimated", "delivered", "cumulative_committed", "cumulative_delivered"}


def test_the_overview_table_has_no_estimated_column_when_nothing_is_estimated() -> None:
    table = chart_tables.committed_vs_delivered(chart_figures.yearly(estimated=(0,) * 5))
    assert "estimated" not in table.headings and "estimated" not in table.shown


def test_the_cumulative_table_is_the_lines_the_band_and_the_hatched_years() -> None:
    by_year = chart_figures.by_year()
    drawn = {trace.name: trace for trace in charts.cumulative_slippage(by_year).data}
    shown = chart_tables.cumulative_slippage(by_year).shown
    assert list(shown["label"]) == list(drawn["Committed to date"].x)  # unphased left out, as the chart leaves it
    assert list(shown["cumulative_committed"]) == pence(drawn["Committed to date"].y)
    assert list(shown["cumulative_delivered"]) == pence(drawn["Delivered to date"].y)
    band_top = pence(drawn["Behind profile"].y)
    assert list(shown["slippage"]) == [
        top - low if started else 0
        for top, low, started in zip(band_top, shown["cumulative_delivered"], by_year["started"])
    ]
    assert list(shown["status"]) == list(drawn["Delivered to date"].text)
    hatched = drawn["Year includes estimated money (a chosen spread)"]
    assert [label for label, money in zip(shown["label"], shown["estimated"]) if money] == list(hatched.x)


def test_the_share_of_due_table_is_one_row_per_bar_in_the_charts_order() -> None:
    table = chart_figures.by_commitment()
    fig = charts.share_of_due_delivered(table)
    bars = {name: share for trace in fig.data for name, share in zip(trace.y, trace.x)}
    shown = chart_tables.share_of_due_delivered(chart_rows(table)).shown
    assert list(shown["name"]) == list(fig.layout.yaxis.categoryarray)
    assert list(shown["share"]) == [bars[name] for name in shown["name"]]
    assert list(shown["delivered"]) == list(table["delivered"]) and list(shown["due"]) == list(table["due_to_date"])


def test_the_schedule_table_has_a_column_per_commitment_named_as_in_the_legend() -> None:
    schedule = chart_figures.schedule(commitments=3).query("not (commitment_ref == 'C1' and financial_year == 2021)")
    names = {"C1": "C1: Chief Digital Officer & unit"}
    fig = charts.announcement_schedule(schedule, names)
    table = chart_tables.announcement_schedule(schedule, names)
    legend = [html.unescape(trace.name) for trace in fig.data if not trace.name.startswith("Estimated")]
    assert [table.headings[f"c{i}"] for i in range(3)] == legend
    assert legend[0] == "C1: Chief Digital Officer & unit" and legend[1].endswith("(re-announced)")
    assert list(table.shown["label"]) == list(fig.layout.xaxis.categoryarray)
    for i, trace in enumerate(t for t in fig.data if not t.name.startswith("Estimated")):
        drawn = dict(zip(trace.x, pence(trace.y)))
        assert list(table.shown[f"c{i}"]) == [drawn.get(label, 0) for label in table.shown["label"]]
    assert list(table.shown["total"]) == [sum(row) for row in table.shown[["c0", "c1", "c2"]].itertuples(index=False)]
    assert table.shown.loc[1, "c0"] == 0  # no money from C1 in 2021-22: a nought, as the chart draws no bar


def test_the_revised_table_is_both_profiles_and_the_change_in_words() -> None:
    comparison = chart_figures.comparison()
    original, revised = charts.original_vs_revised(comparison).data
    shown = chart_tables.original_vs_revised(comparison).shown
    assert list(shown["original"]) == pence(original.y) and list(shown["revised"]) == pence(revised.y)
    assert list(shown["against"]) == list(revised.text)
