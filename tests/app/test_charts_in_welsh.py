"""The charts on the pages in Welsh (AppTest, the Welsh demo, ``?lang=cy``):
the Overview's chart has its axis titles and legend in Welsh, its sentence
(its accessible name) and its "Show as table" switch too; the Delivery
page's charts and sentences are Welsh even when the same figures were
worked out in English first (they are kept with the data once per language).
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

pytestmark = pytest.mark.markup  # what a page says, the same on every database


def open_page(path: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if lang:
        at.query_params["lang"] = lang
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest, key: str):
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return found


def spec(at: AppTest, key: str) -> dict:
    return json.loads(chart(at, key).proto.spec)


def test_the_overview_chart_has_welsh_axes_legend_sentence_and_switch() -> None:
    at = open_page("app_pages/overview.py", "cy")
    figure = spec(at, "overview_yearly_chart")
    assert figure["layout"]["xaxis"]["title"]["text"] == "Blwyddyn ariannol (Ebrill i Fawrth)"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Punnoedd"
    names = [trace["name"] for trace in figure["data"]]
    assert {"Ymrwymwyd", "Cyflawnwyd", "Ymrwymwyd yn gronnus", "Cyflawnwyd yn gronnus"} <= set(names)
    assert not {"Committed", "Delivered"} & set(names)
    sentence = chart(at, "overview_yearly_chart").proto.alt
    assert sentence.startswith("O 2020-21 i 2022-23, ymrwymwyd o leiaf £13.3m a chyflawnwyd"), sentence
    assert at.toggle(key="overview_yearly_chart_as_table").label == "Dangos fel tabl"


def test_the_overview_chart_is_english_without_a_language() -> None:
    figure = spec(open_page("app_pages/overview.py"), "overview_yearly_chart")
    assert figure["layout"]["xaxis"]["title"]["text"] == "Financial year (April to March)"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Pounds"


def test_the_delivery_charts_are_welsh_after_the_same_figures_were_shown_in_english() -> None:
    english = open_page("app_pages/delivery.py")
    assert chart(english, "delivery_years_chart").proto.alt.startswith("By the end of ")
    at = open_page("app_pages/delivery.py", "cy")
    years = spec(at, "delivery_years_chart")
    assert years["layout"]["yaxis"]["title"]["text"] == "Punnoedd, cronnus"
    assert chart(at, "delivery_years_chart").proto.alt.startswith("Erbyn diwedd ")
    [delivered] = [trace for trace in years["data"] if trace.get("name") == "Cyflawnwyd hyd yma"]
    assert all(not status.startswith(("behind", "ahead", "on profile")) for status in delivered["text"])
    commitments = chart(at, "delivery_commitments_chart")
    assert commitments.proto.alt.startswith("Mae "), commitments.proto.alt
    layout = json.loads(commitments.proto.spec)["layout"]
    assert layout["xaxis"]["title"]["text"] == "Cyflawnwyd fel % o'r arian sy'n ddyledus hyd yma"
