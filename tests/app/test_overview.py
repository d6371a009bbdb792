"""The Overview page (AppTest) on the Welsh demo and on an empty database.

Figures from shared/data/README.md ("wales"): committed new money 2020-21
£1.5m, 2021-22 £5.4m, 2022-23 £6.4m, "at least £13.3m" in all because the
2019 "over £1m" counts at its floor. Delivery figures in the demo are
illustrative and the page must say so.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
YEARS = ["2020-21", "2021-22", "2022-23"]
COMMITTED_POUNDS = [Decimal("1500000.00"), Decimal("5400000.00"), Decimal("6400000.00")]


def run_overview() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [(m.label, m.value) for m in at.metric]
    return values[0]


def test_the_overview_renders_the_demo_without_an_exception() -> None:
    at = run_overview()

    assert [t.value for t in at.title] == ["Overview"]
    assert not at.error
    assert "27 November 2026" in at.caption[0].value


def test_the_committed_metric_says_at_least_13_3m() -> None:
    at = run_overview()

    assert metric(at, "Committed (new money)") == "at least £13.3m"


def test_the_yearly_table_shows_the_committed_pounds_by_financial_year() -> None:
    table = run_overview().dataframe[0].value

    assert list(table["label"]) == YEARS
    assert [Decimal(str(v)) for v in table["committed"]] == COMMITTED_POUNDS
    assert list(table["qualifier"]) == ["at least", "exact", "exact"]


def test_the_chart_has_committed_bars_in_pounds_for_each_year() -> None:
    charts = run_overview().get("plotly_chart")

    assert len(charts) == 1
    figure = json.loads(charts[0].proto.spec)
    [committed] = [
        trace for trace in figure["data"] if trace.get("name", "").startswith("Committed") and trace["type"] == "bar"
    ]
    assert committed["x"] == YEARS
    assert [Decimal(str(y)) for y in committed["y"]] == COMMITTED_POUNDS


def test_the_illustrative_delivery_figures_are_flagged() -> None:
    at = run_overview()

    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert "illustrative" in warnings[0].lower()
    assert "7 delivery records" in warnings[0]


def test_an_empty_database_shows_what_to_do_and_no_figures(empty_database: bool) -> None:
    at = run_overview()

    infos = [i.value for i in at.info]
    assert len(infos) == 1
    assert "No commitments recorded yet." in infos[0]
    assert "Record page" in infos[0] and "Import page" in infos[0]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_the_chart_is_described_in_one_list_of_a_sentence_per_year() -> None:
    at = run_overview()

    lists = [m.value for m in at.markdown if m.value.startswith("- In ")]
    assert len(lists) == 1  # one list, not a paragraph per year (one element to draw, one list to hear)
    lines = lists[0].split("\n")
    assert [line.split(",")[0] for line in lines] == [f"- In {year}" for year in YEARS]
    assert all(" was committed" in line and "delivered" in line for line in lines)
