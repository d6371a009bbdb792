"""Every chart on a page (AppTest, the Welsh demo) comes with its sentence
and a "Show as table" switch (dashboard/chart_panel.py): the sentence is
shown under the chart and is the chart's accessible name; the switch, one
per chart, shows the chart's figures as a table through ``show_table``,
money written as every table writes it, and hides it again.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.app.test_delivery_revisions import PICK, revised  # noqa: F401 (a fixture)
from tracker.figures.markdown_text import escape_markdown

# page, record it opens, its charts' keys, and the headings of each chart's table
PAGES = {
    "Overview": ("app_pages/overview.py", {}, ["overview_yearly_chart"]),
    "Delivery": ("app_pages/delivery.py", {}, ["delivery_years_chart", "delivery_commitments_chart"]),
    "Announcement": ("app_pages/announcements.py", {"ref": "A1"}, ["announcements_schedule_chart"]),
}
FIRST_ROW = {  # the first row of each chart's table, as the print copy writes it
    "overview_yearly_chart": ["2020-21", "£1,500,000.00", "£1,170,000.00", "£330k less than committed"],
    "delivery_years_chart": ["2020-21", "£1,500,000.00", "£1,170,000.00", "£330,000.00", "behind by £330k"],
    "delivery_commitments_chart": ["W1 Chief Digital Officer p…", "80.0%", "£1,200,000.00", "£1,500,000.00"],
    "announcements_schedule_chart": ["2020-21", "£500,000.00", "£1,000,000.00", "£1,500,000.00"],
    "delivery_revised_chart": ["2020-21", "£1,000,000.00", "£0.00", "£1m less than the original"],
}


def open_page(path: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest, key: str):
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return found


def print_copies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="print-table"' in h.proto.body]


def check_panel(at: AppTest, key: str) -> AppTest:
    """The chart's sentence, its switch and its table, switched on and off again."""
    sentence = chart(at, key).proto.alt
    assert sentence and sentence.endswith("."), key
    assert escape_markdown(sentence) in [m.value for m in at.main.markdown], key
    switch = at.toggle(key=f"{key}_as_table")
    assert switch.label == "Show as table" and switch.value is False
    before = print_copies(at)
    switch.set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    added = [body for body in print_copies(at) if body not in before]
    assert len(added) == 1, key
    cells = [cell.split(">")[-1] for cell in added[0].split("<tbody>")[1].split("</tr>")[0].split("</td>")[:-1]]
    assert all(expected in cells for expected in FIRST_ROW[key]), (key, cells)
    at.toggle(key=f"{key}_as_table").set_value(False).run()
    assert print_copies(at) == before, key
    return at


@pytest.mark.parametrize("page", PAGES)
def test_each_chart_has_its_sentence_and_shows_its_figures_as_a_table(page: str) -> None:
    path, record, keys = PAGES[page]
    at = open_page(path, record)
    assert sorted(c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")) == sorted(keys)
    for key in keys:
        at = check_panel(at, key)
    switches = [t.key for t in at.toggle]
    assert sorted(switches) == sorted(f"{key}_as_table" for key in keys)


def test_the_revised_commitments_chart_has_its_sentence_and_table(revised) -> None:  # noqa: F811
    at = open_page("app_pages/delivery.py", {})
    at.selectbox(key=PICK).set_value("W3").run()
    sentence = chart(at, "delivery_revised_chart").proto.alt
    assert sentence.startswith("W3 was £1,000,000 in 2020-21; it is now £2,000,000 in 2022-23 after 1 revision")
    check_panel(at, "delivery_revised_chart")


def test_a_charts_hover_says_under_and_over_in_words() -> None:
    at = open_page("app_pages/overview.py", {})
    figure = json.loads(chart(at, "overview_yearly_chart").proto.spec)
    [delivered] = [trace for trace in figure["data"] if trace["name"] == "Delivered"]
    assert delivered["text"][0] == "£330k less than committed" and "%{text}" in delivered["hovertemplate"]
