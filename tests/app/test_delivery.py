"""The Delivery page (AppTest) on the Welsh demo, filtered, and with no deliveries.

Committed new money by year is the demo's (2020-21 £1.5m, 2021-22 £5.4m,
2022-23 £6.4m); delivered is worked out here from tracker/demo/deliveries.csv
so the test does not repeat the page's own sums. Today is 27 November 2026,
so every year's money has fallen due.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tracker.core.fiscal import FinancialYear, parse_date
from tracker.core.money import parse_pence, to_decimal
from tracker.demo import DEMO_FOLDER

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
YEARS = ["2020-21", "2021-22", "2022-23"]
COMMITTED_POUNDS = [Decimal("1500000.00"), Decimal("5400000.00"), Decimal("6400000.00")]
# W3 re-announces W2: its payment delivers W2's money.
ORIGINAL = {"W3": "W2"}


def demo_deliveries() -> list[dict[str, str]]:
    with open(DEMO_FOLDER / "deliveries.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def delivered_by_year(refs: set[str] | None = None) -> dict[str, Decimal]:
    totals: dict[str, int] = defaultdict(int)
    for row in demo_deliveries():
        if refs is None or row["commitment_ref"] in refs:
            totals[FinancialYear.from_date(parse_date(row["paid_on"])).label] += parse_pence(row["amount"])
    return {year: to_decimal(pence) for year, pence in totals.items()}


def delivered_by_commitment() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in demo_deliveries():
        ref = row["commitment_ref"]
        totals[ORIGINAL.get(ref, ref)] += parse_pence(row["amount"])
    return totals


def open_delivery() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page("app_pages/delivery.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(tables) == 1, [list(df.value.columns) for df in at.dataframe]
    return tables[0]


def by_year(at: AppTest) -> pd.DataFrame:
    return table_with(at, "cumulative_committed")


def by_commitment(at: AppTest) -> pd.DataFrame:
    return table_with(at, "due_to_date").set_index("ref")


def deliveries_list(at: AppTest) -> pd.DataFrame:
    return table_with(at, "paid_on")


def pounds(values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_the_delivery_page_renders_the_demo_without_an_exception() -> None:
    at = open_delivery()

    assert texts(at.title) == ["Delivery"]
    assert not at.error
    assert [t.label for t in at.tabs] == ["By financial year", "By commitment"]


def test_the_illustrative_delivery_figures_are_flagged() -> None:
    warnings = texts(open_delivery().warning)

    assert len(warnings) == 1
    assert "illustrative" in warnings[0].lower()


def test_the_by_year_table_shows_committed_and_delivered_by_financial_year() -> None:
    table = by_year(open_delivery())
    delivered = delivered_by_year()

    assert list(table["label"]) == YEARS
    assert pounds(table["committed"]) == COMMITTED_POUNDS
    assert pounds(table["delivered"]) == [delivered[year] for year in YEARS]
    assert pounds(table["variance"]) == [delivered[y] - c for y, c in zip(YEARS, COMMITTED_POUNDS)]


def test_the_by_year_table_accumulates_and_shows_slippage() -> None:
    table = by_year(open_delivery())
    delivered = delivered_by_year()
    cumulative_committed = [sum(COMMITTED_POUNDS[: i + 1]) for i in range(3)]
    cumulative_delivered = [sum(delivered[y] for y in YEARS[: i + 1]) for i in range(3)]

    assert pounds(table["cumulative_committed"]) == cumulative_committed
    assert pounds(table["cumulative_delivered"]) == cumulative_delivered
    assert pounds(table["slippage"]) == [max(c - d, 0) for c, d in zip(cumulative_committed, cumulative_delivered)]
    assert pounds(table["slippage"])[-1] == Decimal("780000.00")


def test_the_cumulative_chart_has_a_one_line_summary() -> None:
    markdown = texts(open_delivery().markdown)

    assert (
        "By the end of 2022-23, at least £13.3m had been committed and £12.52m delivered (94.1%): "
        "£780k behind the committed profile."
    ) in markdown


def test_w1_is_behind_its_profile_by_300k() -> None:
    w1 = by_commitment(open_delivery()).loc["W1"]

    assert Decimal(str(w1["committed"])) == Decimal("1500000.00")
    assert Decimal(str(w1["delivered"])) == to_decimal(delivered_by_commitment()["W1"]) == Decimal("1200000.00")
    assert Decimal(str(w1["slippage"])) == Decimal("300000.00")
    assert Decimal(str(w1["variance"])) == Decimal("-300000.00")
    assert w1["pct_of_due_delivered"] == 0.8
    assert w1["status"] == "behind by £300k"


def test_w3s_payment_counts_toward_the_w2_commitment_it_re_announces() -> None:
    table = by_commitment(open_delivery())

    assert Decimal(str(table.loc["W2", "committed"])) == Decimal("1000000.00")
    assert Decimal(str(table.loc["W2", "delivered"])) == Decimal("920000.00")
    assert Decimal(str(table.loc["W2", "slippage"])) == Decimal("80000.00")
    assert Decimal(str(table.loc["W3", "committed"])) == 0
    assert Decimal(str(table.loc["W3", "delivered"])) == 0
    assert table.loc["W3", "restates"] == "W2"
    assert table.loc["W3", "status"] == "restates W2: counted there"


def test_the_commitments_add_up_to_the_yearly_figures_once() -> None:
    at = open_delivery()
    table, yearly = by_commitment(at), by_year(at)

    assert sum(pounds(table["committed"])) == sum(pounds(yearly["committed"])) == Decimal("13300000.00")
    assert sum(pounds(table["delivered"])) == sum(pounds(yearly["delivered"]))


def test_the_commitments_summary_says_how_many_are_behind_and_by_how_much() -> None:
    assert (
        "3 of 6 commitments are behind their profile by £780k in all; furthest behind is W7, with 60.0% of its money "
        "due to date delivered."
    ) in texts(open_delivery().markdown)


def test_filtering_by_recipient_changes_the_figures() -> None:
    at = open_delivery()
    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    assert not at.exception

    table, yearly = by_commitment(at), by_year(at)
    delivered = delivered_by_year({"W2", "W3", "W7"})

    assert sorted(table.index) == ["W2", "W3", "W7"]
    assert Decimal(str(table.loc["W7", "slippage"])) == Decimal("400000.00")
    assert list(yearly["label"]) == YEARS
    assert pounds(yearly["committed"]) == [Decimal("1000000.00"), Decimal("0.00"), Decimal("1000000.00")]
    assert pounds(yearly["delivered"]) == [delivered.get(y, Decimal("0.00")) for y in YEARS]
    assert pounds(yearly["slippage"]) == [Decimal("80000.00"), Decimal("80000.00"), Decimal("480000.00")]
    assert (
        "2 of 3 commitments are behind their profile by £480k in all; furthest behind is W7, with 60.0% of its money "
        "due to date delivered."
    ) in texts(at.markdown)
    assert any("Welsh councils" in c for c in texts(at.caption))


def test_the_year_selectbox_lists_that_years_deliveries() -> None:
    at = open_delivery()
    at.selectbox(key="delivery_year").set_value("2020-21").run()
    assert not at.exception

    records = deliveries_list(at)
    expected = [row for row in demo_deliveries() if row["paid_on"] < "2021-04-01"]
    assert sorted(records["ref"]) == sorted(row["ref"] for row in expected)
    assert list(records.loc[records["ref"] == "D4", "counted_toward"]) == ["W2"]
    assert pounds(records["amount_pence"]) == [
        to_decimal(parse_pence(r["amount"])) for r in sorted(expected, key=lambda r: r["paid_on"])
    ]
    assert "In 2020-21, at least £1.5m was committed and £1.17m delivered (78.0%)." in texts(at.markdown)


def test_a_year_with_no_deliveries_says_so() -> None:
    at = open_delivery()
    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    at.selectbox(key="delivery_year").set_value("2021-22").run()
    assert not at.exception

    assert any("No deliveries recorded yet for 2021-22" in i for i in texts(at.info))
    assert "In 2021-22, nothing was committed and nothing was delivered." in texts(at.markdown)
    assert not [df for df in at.dataframe if "paid_on" in df.value.columns]


def test_both_charts_are_plotly_figures_in_pounds() -> None:
    charts = open_delivery().get("plotly_chart")

    assert len(charts) == 2
    cumulative = json.loads(charts[0].proto.spec)
    [committed] = [t for t in cumulative["data"] if t.get("name") == "Committed to date"]
    assert committed["x"] == YEARS
    assert [Decimal(str(y)) for y in committed["y"]] == [Decimal("1500000"), Decimal("6900000"), Decimal("13300000")]
    assert "£" in "".join(cumulative["layout"]["yaxis"]["ticktext"])
    shares = json.loads(charts[1].proto.spec)
    names = [y for t in shares["data"] for y in t.get("y", [])]
    assert any(name.startswith("W1") for name in names)
    assert not any(name.startswith("W3") for name in names)  # nothing of its own is due


def test_an_empty_database_says_what_to_do(empty_database: bool) -> None:
    at = open_delivery()

    infos = texts(at.info)
    assert len(infos) == 1
    assert "No commitments recorded yet." in infos[0] and "Import page" in infos[0]
    assert not at.dataframe and not at.get("plotly_chart")


def test_commitments_without_deliveries_say_how_to_import_them(empty_database: bool, app_database: str) -> None:
    from tests.actors import ADMIN
    from tracker.imports.apply import import_file

    engine = ensure_schema(app_database)
    try:
        import_file("commitments", DEMO_FOLDER / "commitments.csv", engine=engine, actor=ADMIN)
    finally:
        engine.dispose()

    at = open_delivery()

    assert any(
        i.startswith("No deliveries recorded yet.") and "import a deliveries file on the Import page" in i
        for i in texts(at.info)
    )
    assert not at.warning  # nothing illustrative to flag
    assert pounds(by_year(at)["slippage"]) == [Decimal("1500000.00"), Decimal("6900000.00"), Decimal("13300000.00")]


def test_to_date_means_to_date_under_a_financial_year_filter() -> None:
    """Under 2021-22 alone, "committed to date" still counts 2020-21: the table, its
    sentence and the figures unfiltered agree (issue: it said £5.4m where the real figure is £6.9m)."""
    whole = by_year(open_delivery()).set_index("label")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["fy"] = "2021-22"
    at.switch_page("app_pages/delivery.py").run()
    assert not at.exception
    table = by_year(at).set_index("label")
    assert list(table.index) == ["2021-22"]
    for column in ("committed", "delivered", "cumulative_committed", "cumulative_delivered", "slippage", "status"):
        assert table.loc["2021-22", column] == whole.loc["2021-22", column], column
    committed = Decimal(str(table.loc["2021-22", "cumulative_committed"]))
    assert committed == COMMITTED_POUNDS[0] + COMMITTED_POUNDS[1]  # £6.9m
    assert any(
        text.startswith("By the end of 2021-22, at least £6.9m had been committed") for text in texts(at.markdown)
    )
