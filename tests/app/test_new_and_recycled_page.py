"""The New and recycled page and an announcement's own breakdown (AppTest), in English and
Welsh. On the demo: A1 £1.5m (W1, £500,000 a year for 3 years) and over £1m (W2); A2 £1m
re-announcing W2 at the same amount; A3 £4.9m; A4 £4.9m; A5 £1m: £14.3m announced, of
which £1m restates W2, so £13.3m is new money (93%)."""

from __future__ import annotations

from decimal import Decimal

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

PAGE = "app_pages/new_and_recycled.py"
ANNOUNCEMENTS = "app_pages/announcements.py"


def _opened(page: str, language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _frame(at: AppTest, i: int):
    frame = at.dataframe[i].value
    return getattr(frame, "data", frame)  # a Styler's frame


def test_the_page_says_how_much_is_new_and_breaks_the_headline_down_by_year_and_funder():
    at = _opened(PAGE)
    assert at.title[0].value == "New and recycled"
    assert any(m.value == "**Of £14,300,000 announced, £13,300,000 is new money (93%).**" for m in at.markdown)
    assert any("£1,000,000 re-announces money recorded here" in m.value for m in at.markdown)  # the chart's sentence
    assert at.get("plotly_chart")
    by_year = _frame(at, 0).set_index("label")
    assert by_year.loc["2020-21", ["headline", "new", "restated"]].tolist() == [
        Decimal("2500000.00"),
        Decimal("1500000.00"),
        Decimal("1000000.00"),
    ]
    assert sum(by_year["headline"]) == Decimal("14300000.00")
    by_funder = _frame(at, 1)
    assert by_funder["funder"].tolist() == ["Welsh Government"]
    assert by_funder["new_money"].tolist() == [Decimal("13300000.00")]
    assert len(at.get("download_button")) == 4  # each table as CSV, the three as XLSX


def test_the_chart_has_its_table_on_request():
    at = _opened(PAGE)
    at.toggle(key="new_and_recycled_chart_as_table").set_value(True).run()
    steps = _frame(at, 0)
    assert steps["after"].tolist()[-1] == Decimal("13300000.00")


def test_the_page_in_welsh():
    at = _opened(PAGE, "cy")
    assert at.title[0].value == "Newydd ac wedi'i ailgylchu"
    [sentence] = [m.value for m in at.markdown if "£13,300,000" in m.value and m.value.startswith("**")]
    assert "Of £14,300,000" not in sentence and "93%" in sentence


def _detail(ref: str, language: str) -> AppTest:
    at = _opened(ANNOUNCEMENTS, language)
    at.selectbox(key="announcements_pick").set_value(ref).run()
    assert not at.exception
    return at


def test_an_announcements_page_shows_its_own_breakdown():
    at = _detail("A2", "en")
    assert any(m.value == "Of £1,000,000 announced, £0 is new money (0%)." for m in at.markdown)
    parts = [frame for frame in (_frame(at, i) for i in range(len(at.dataframe))) if "part" in frame]
    assert len(parts) == 1
    amounts = dict(zip(parts[0]["part"], parts[0]["amount"]))
    assert amounts["Headline"] == Decimal("1000000.00")
    assert amounts["Re-announced (recorded here)"] == Decimal("1000000.00")
    assert amounts["New money"] == Decimal("0.00")

    welsh = _detail("A2", "cy")
    assert any("£1,000,000" in m.value and "0%" in m.value and "Of " not in m.value for m in welsh.markdown)
