"""The shared sidebar's filters change the Overview's figures (demo data)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _yearly(at: AppTest) -> dict[str, str]:
    table = at.dataframe[0].value
    return {row.label: f"{row.committed}" for row in table.itertuples()}


def test_the_recipient_filter_narrows_the_overview_to_that_recipient():
    at = _run()
    at.multiselect(key="filter_recipients").set_value(["Centre for Digital Public Services"]).run()
    assert not at.exception
    assert _metrics(at)["Committed (new money)"] == "£9.8m"
    assert _yearly(at) == {"2021-22": "4900000.00", "2022-23": "4900000.00"}


def test_the_programme_filter_keeps_the_fund_and_counts_its_reannouncement_once():
    at = _run()
    at.multiselect(key="filter_programmes").set_value(["Local Government Digital Transformation Fund"]).run()
    assert _metrics(at)["Committed (new money)"] == "at least £2m"
    assert _yearly(at) == {"2020-21": "1000000.00", "2021-22": "0.00", "2022-23": "1000000.00"}


def test_the_funder_filter_with_the_only_funder_changes_nothing():
    at = _run()
    before = _yearly(at)
    at.multiselect(key="filter_funders").set_value(["Welsh Government"]).run()
    assert _yearly(at) == before == {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}


def test_the_year_range_drops_years_outside_it():
    at = _run()
    at.select_slider(key="filter_years").set_value(("2021-22", "2022-23")).run()
    assert not at.exception
    assert _yearly(at) == {"2021-22": "5400000.00", "2022-23": "6400000.00"}
    assert _metrics(at)["Committed (new money)"] == "£11.8m"


def test_the_breakdown_by_recipient_adds_up_to_the_total():
    at = _run()
    split = next(df.value for df in at.dataframe if df.value.columns[0] == "recipient")
    assert sorted(split["recipient"]) == [
        "Centre for Digital Public Services",
        "Welsh Local Government Association",
        "Welsh councils",
    ]
    assert sum(split["committed"]) == 13_300_000


def test_filters_that_match_nothing_say_so():
    at = _run()
    at.multiselect(key="filter_recipients").set_value(["Welsh councils"]).run()
    at.select_slider(key="filter_years").set_value(("2021-22", "2021-22")).run()
    assert not at.exception
    assert "No money matches these filters" in at.info[0].value


def test_the_chart_has_a_download_of_its_figures():
    at = _run()
    assert "Download these yearly figures as CSV" in [b.proto.label for b in at.get("download_button")]


def test_this_years_tiles_say_plainly_when_the_year_filter_leaves_this_year_out():
    at = _run()
    this_year = next(label for label in _metrics(at) if label.startswith("Due in ")).removeprefix("Due in ")
    at.select_slider(key="filter_years").set_value(("2021-22", "2022-23")).run()
    metrics = _metrics(at)
    assert metrics[f"Due in {this_year}"] == "—" and metrics[f"Delivered in {this_year}"] == "—"
    assert any(f"{this_year} is outside the financial years chosen" in c.value for c in at.caption)
