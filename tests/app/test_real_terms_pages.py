"""The "Prices" choice on the Overview and Finance pages (issue 20), on the demo data: real terms change the
figures and say which release and base year they use; year on year shows cash and real terms side by side."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_EVEN, Decimal
from importlib import resources
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker.core.deflators import SHIPPED_NAME

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
# The demo's committed money per year in cash (tests/integration/test_cli_database.py DEMO_COMMITTED).
DEMO_COMMITTED = {"2020-21": Decimal("1500000.00"), "2021-22": Decimal("5400000.00"), "2022-23": Decimal("6400000.00")}


def _index() -> dict[str, Decimal]:
    text = resources.files("tracker.core").joinpath("data/deflators/hmt-gdp-deflators-march-2020.csv").read_text()
    return {row["financial_year"]: Decimal(row["index"]) for row in csv.DictReader(io.StringIO(text))}


def _real(pounds: Decimal, year: str, base: str) -> Decimal:
    index = _index()
    pence = (pounds * 100 * index[base] / index[year]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return pence / 100


def _page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _in_real_terms(at: AppTest, page: str, base: str) -> None:
    at.segmented_control(key=f"{page}_prices").set_value("real").run()
    assert not at.exception
    at.selectbox(key=f"{page}_prices_base").set_value(base).run()
    assert not at.exception


def _table(at: AppTest, first_column: str):
    return next(df.value for df in at.dataframe if df.value.columns[0] == first_column)


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_the_overview_in_real_terms_deflates_each_year_and_names_the_release():
    at = _page("app_pages/overview.py")
    cash = _table(at, "label").set_index("label")
    assert dict(cash["committed"]) == DEMO_COMMITTED

    _in_real_terms(at, "overview", "2018-19")

    real = _table(at, "label").set_index("label")
    assert {year: real.loc[year, "committed"] for year in DEMO_COMMITTED} == {
        year: _real(pounds, year, "2018-19") for year, pounds in DEMO_COMMITTED.items()
    }
    assert real.loc["2020-21", "committed"] == Decimal("1443352.24")  # 3 x the check value, rounded once
    assert f"real terms, 2018-19 prices ({SHIPPED_NAME})" in _captions(at)


def test_the_overview_year_on_year_shows_cash_and_real_terms_with_their_changes():
    at = _page("app_pages/overview.py")
    _in_real_terms(at, "overview", "2019-20")

    yoy = next(df.value for df in at.dataframe if "committed_real_change" in df.value.columns).set_index("label")

    real = {year: _real(pounds, year, "2019-20") for year, pounds in DEMO_COMMITTED.items()}
    assert dict(yoy["committed_cash"]) == DEMO_COMMITTED
    assert dict(yoy["committed_real"]) == real
    assert yoy.loc["2021-22", "committed_cash_change"] == Decimal("3900000.00")
    assert yoy.loc["2022-23", "committed_real_change"] == real["2022-23"] - real["2021-22"]
    assert yoy["committed_real_change"].isna().iloc[0]  # no year before the first


def test_the_finance_pivot_in_real_terms_deflates_each_cell_and_totals_the_rounded_cells():
    at = _page("app_pages/finance.py")
    at.session_state["finance_tab"] = "Recipient × year"
    at.run()
    cash = _table(at, "recipient").set_index("recipient").drop(index="Total")

    _in_real_terms(at, "finance", "2019-20")

    pivot = _table(at, "recipient").set_index("recipient")
    body, total = pivot.drop(index="Total"), pivot.loc["Total"]
    for year in DEMO_COMMITTED:
        assert list(body[year]) == [_real(pounds, year, "2019-20") for pounds in cash[year]]
        assert total[year] == body[year].sum()  # the Total row is the sum of the rounded cells above it
    assert list(body["Total"]) == [sum(row[y] for y in DEMO_COMMITTED) for _, row in body.iterrows()]
    assert total["Total"] == sum(total[year] for year in DEMO_COMMITTED)
    assert f"real terms, 2019-20 prices ({SHIPPED_NAME})" in _captions(at)


def test_the_choice_holds_from_the_overview_to_the_finance_page():
    at = _page("app_pages/overview.py")
    _in_real_terms(at, "overview", "2019-20")
    at.switch_page("app_pages/finance.py").run()
    assert not at.exception

    assert at.segmented_control(key="finance_prices").value == "real"
    assert at.selectbox(key="finance_prices_base").value == "2019-20"


def test_the_delivery_page_in_real_terms_works_its_running_totals_from_the_rounded_cells():
    at = _page("app_pages/delivery.py")
    _in_real_terms(at, "delivery", "2019-20")

    by_year = _table(at, "label").set_index("label")
    assert {year: by_year.loc[year, "committed"] for year in DEMO_COMMITTED} == {
        year: _real(pounds, year, "2019-20") for year, pounds in DEMO_COMMITTED.items()
    }
    assert list(by_year["cumulative_committed"]) == list(by_year["committed"].cumsum())
    assert list(by_year["cumulative_delivered"]) == list(by_year["delivered"].cumsum())
    assert f"real terms, 2019-20 prices ({SHIPPED_NAME})" in _captions(at)


@pytest.mark.markup
@pytest.mark.parametrize("page", ["overview", "finance", "delivery", "new_and_recycled"])
def test_every_string_in_real_terms_comes_from_the_catalogue(page, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    at.segmented_control(key=f"{page}_prices").set_value("real").run()
    assert not at.exception

    assert untranslated(at, stored_words(app_database)) == []


def test_new_and_recycled_by_year_in_real_terms_adds_up_and_names_the_release():
    at = _page("app_pages/new_and_recycled.py")
    cash = next(df.value for df in at.dataframe if df.value.columns[0] == "label").set_index("label")

    _in_real_terms(at, "new_and_recycled", "2019-20")

    real = next(df.value for df in at.dataframe if df.value.columns[0] == "label").set_index("label")
    parts = ["new", "restated", "earlier", "pot_share", "rise_or_cut"]
    for year in real.index:
        row = real.loc[year]
        assert row["headline"] == sum(row[p] for p in parts)
        assert row["new"] + row["rise_or_cut"] == row["new_money"]
        assert row["new_money"] == _real(cash.loc[year, "new_money"], year, "2019-20")
    assert real.loc["2020-21", "restated"] == _real(cash.loc["2020-21", "restated"], "2020-21", "2019-20")
    assert f"real terms, 2019-20 prices ({SHIPPED_NAME})" in _captions(at)


def test_the_finance_page_says_cash_or_the_prices_chosen_at_its_top():
    at = _page("app_pages/finance.py")
    assert at.caption[0].value.startswith("Cash figures in pounds")

    _in_real_terms(at, "finance", "2019-20")

    assert at.caption[0].value.startswith("Figures in pounds, exact to the penny")
    assert "the yearly and ×-year tables in the prices chosen below" in at.caption[0].value


@pytest.mark.parametrize("page", ["overview", "delivery", "finance", "new_and_recycled"])
def test_a_default_release_covering_none_of_the_years_leaves_every_year_out_and_says_so(page, app_database):
    from db.session import make_engine
    from tests.actors import ADMIN
    from tracker.records.deflator_releases import load_release

    engine = make_engine(app_database)
    try:
        load_release(
            engine, "financial_year,index\n1955-56,4\n1956-57,5\n", "Old years only", actor=ADMIN, make_default=True
        )
    finally:
        engine.dispose()
    at = _page(f"app_pages/{page}.py")

    at.segmented_control(key=f"{page}_prices").set_value("real").run()

    assert not at.exception
    assert at.selectbox(key=f"{page}_prices_release").value == "Old years only"
    said = _captions(at)
    if page == "finance":
        at.session_state["finance_tab"] = "Yearly totals"
        at.run()
        assert not at.exception
        said = _captions(at)
    assert "2020-21" in said and "no deflator" in said, said
