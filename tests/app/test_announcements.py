"""The Announcements page (AppTest) on the Welsh demo.

The register lists the six demo announcements (one, September 2025, carries
no money); A1's headline is "at least" £2,500,000 (W1's £500,000 a year for
three years and W2's "over £1m"); A2's W3 re-announces W2 and adds no new
money. AppTest sees raw numbers: money columns hold exact pounds (Decimal).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGE = "app_pages/announcements.py"
ALL = ["A1", "A2", "A3", "A5", "A4", "A6"]


def run_announcements() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert_fine(at)
    return at


def assert_fine(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_announcement(at: AppTest, ref: str) -> AppTest:
    at.selectbox(key="announcements_pick").set_value(ref).run()
    assert_fine(at)
    return at


def register(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    [table] = [d.value for d in at.dataframe[1:] if set(columns) <= set(d.value.columns)]
    return table


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_page_renders_the_register_without_an_exception() -> None:
    at = run_announcements()

    assert [t.value for t in at.title] == ["Announcements"]
    assert list(register(at)["ref"]) == ALL
    assert "Select a row in the table" in at.info[0].value


def test_a1_headline_is_at_least_2_5m() -> None:
    table = register(run_announcements()).set_index("ref")

    assert Decimal(str(table.at["A1", "headline"])) == Decimal("2500000.00")
    assert table.at["A1", "qualifier"] == "at least"
    assert Decimal(str(table.at["A2", "new_money"])) == Decimal("0.00")
    assert Decimal(str(table.at["A6", "headline"])) == Decimal("0.00")


def test_a_text_search_narrows_the_register() -> None:
    at = run_announcements()

    at.text_input(key="announcements_search").input("CDPS").run()
    assert_fine(at)
    assert list(register(at)["ref"]) == ["A4", "A6"]

    at.text_input(key="announcements_search").input("digital public services").run()
    assert list(register(at)["ref"]) == ["A3", "A4"]


def test_a_search_that_matches_nothing_says_what_to_do() -> None:
    at = run_announcements()

    at.text_input(key="announcements_search").input("no such words").run()

    assert_fine(at)
    assert not at.dataframe
    assert "Clear the search" in at.info[0].value


def test_the_status_filter_hides_announcements_with_no_commitments() -> None:
    at = run_announcements()

    at.multiselect(key="announcements_status").set_value(["confirmed"]).run()

    assert_fine(at)
    assert list(register(at)["ref"]) == ["A1", "A2", "A3", "A5", "A4"]


def test_a_sidebar_filter_changes_the_register() -> None:
    at = run_announcements()

    at.multiselect(key="filter_recipients").set_value(["Centre for Digital Public Services"]).run()

    assert_fine(at)
    assert list(register(at)["ref"]) == ["A3", "A4"]
    assert any("Filtered: recipient Centre for Digital Public Services" in c.value for c in at.caption)


def test_selecting_a1_shows_its_quote_schedule_and_chart() -> None:
    at = open_announcement(run_announcements(), "A1")

    assert any(t.startswith("> Funding of over £1m will be made available") for t in texts(at))
    schedule = table_with(at, "label", "commitment_ref", "headline")
    assert [(r.commitment_ref, r.label, Decimal(str(r.headline))) for r in schedule.itertuples()] == [
        ("W1", "2020-21", Decimal("500000.00")),
        ("W2", "2020-21", Decimal("1000000.00")),
        ("W1", "2021-22", Decimal("500000.00")),
        ("W1", "2022-23", Decimal("500000.00")),
    ]
    [chart] = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    bars = {trace["name"].split(":")[0]: trace for trace in figure["data"]}
    assert bars["W1"]["x"] == ["2020-21", "2021-22", "2022-23"]
    assert [Decimal(str(y)) for y in bars["W1"]["y"]] == [Decimal("500000")] * 3
    assert bars["W2"]["x"] == ["2020-21"]
    assert any("A1 announces at least £2.5m over 2020-21 to 2022-23" in t for t in texts(at))


def test_selecting_a1_shows_deliveries_flagged_illustrative_and_milestones() -> None:
    at = open_announcement(run_announcements(), "A1")

    deliveries = table_with(at, "paid_on", "amount")
    assert list(deliveries["ref"]) == ["D1", "D2", "D3"]
    assert any("illustrative" in w.value.lower() for w in at.warning)
    milestones = table_with(at, "due_on", "state")
    assert list(milestones["title"]) == ["Chief Digital Officer in post", "Interim Chief Digital Officer in post"]
    assert any("W2 is re-announced by W3 (announcement A2, 26 June 2020)" in t for t in texts(at))


def test_selecting_a2_shows_that_w3_re_announces_w2_with_no_new_money() -> None:
    at = open_announcement(run_announcements(), "A2")

    assert any("W3 re-announces W2 (announcement A1, 25 October 2019): it adds no new money." in t for t in texts(at))
    assert [m.value for m in at.metric if m.label == "New money"] == ["£0"]


def test_the_open_button_moves_to_the_other_announcement() -> None:
    at = open_announcement(run_announcements(), "A2")

    [button] = [b for b in at.button if b.label == "Open A1"]
    button.click().run()

    assert_fine(at)
    assert at.selectbox(key="announcements_pick").value == "A1"
    assert at.session_state["announcements_table"]["selection"]["rows"] == [0]


def test_selecting_a6_says_it_carries_no_money() -> None:
    at = open_announcement(run_announcements(), "A6")

    assert any("A6 carries no money" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == 1  # the register only


def test_the_open_announcement_closes_when_a_search_hides_it() -> None:
    at = open_announcement(run_announcements(), "A1")

    at.text_input(key="announcements_search").input("CDPS").run()

    assert_fine(at)
    assert at.selectbox(key="announcements_pick").value is None
    assert not at.get("plotly_chart")


def test_the_table_selection_follows_the_list() -> None:
    at = open_announcement(run_announcements(), "A3")

    assert at.session_state["announcements_table"]["selection"]["rows"] == [2]
