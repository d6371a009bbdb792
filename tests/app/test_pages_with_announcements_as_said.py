"""Every page opens on a database holding money recorded as announced (no
first year, multi-year totals, shares of pots, money announced before,
undated announcements with no recipient) beside the demo, and says what it
cannot place in a year."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import ADMIN
from tests.app.conftest import APP
from tracker.imports.apply import import_file

PRESS = Path(__file__).resolve().parents[1] / "fixtures" / "press" / "commitments.csv"
PAGES = [
    "overview",
    "announcements",
    "delivery",
    "review",
    "finance",
    "areas",
    "organisations",
    "record",
    "change",
    "import_data",
    "audit",
    "deleted",
]


@pytest.fixture
def with_press(app_database: str, tmp_path: Path) -> str:
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", PRESS, engine=engine, actor=ADMIN)
        deliveries = tmp_path / "press-deliveries.csv"
        deliveries.write_text(
            "ref,commitment_ref,paid_on,amount,kind\n"
            "PD1,PR09-7,2019-09-01,£1m,disbursement\n"
            "PD2,PR09-7,,£0.5m,expenditure\n"  # the date is not known
            "PD3,PR09-7,2019-12-01,£0.1m,refund\n",
            encoding="utf-8",
        )
        import_file("deliveries", deliveries, engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    return app_database


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_with_unphased_money_and_shares(with_press: str, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_overview_says_how_much_money_has_no_year_and_how_much_is_new(with_press: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/overview.py").run()
    notes = [info.value for info in at.info]
    # The press releases add £794.5m with no stated year (the demo has none); £6.7bn of them was announced before.
    assert any("£794.5m of committed money is unphased" in note for note in notes), notes
    assert any(note.startswith("New money:") and "announced before" in note for note in notes), notes
    committed = next(m for m in at.metric if m.label.startswith("Committed"))
    assert committed.label == "Committed"  # not all of it is new money


def test_the_overview_breaks_the_money_down_by_area(with_press: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/overview.py").run()
    at.segmented_control(key="overview_breakdown").set_value("area").run()
    assert not at.exception
    split = next(
        d.value for d in at.dataframe if "area_name" in d.value.columns
    )  # the breakdown, before "changes since"
    assert list(split.columns[:2]) == ["area", "area_name"]
    assert "area not stated" in set(split["area"])  # neither the demo nor the press releases name areas


def test_an_undated_announcement_shows_its_pot_and_shares_as_a_tree(with_press: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/announcements.py").run()
    at.selectbox(key="announcements_pick").select("PR09").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Undated: no date was published" in text
    assert "PR09-1: £210m for" in text and "£95m of it is shared out below, £115m unallocated" in text
    assert "PR09-7: £2m for remove the tolls" in text


def test_money_announced_before_is_said_in_words(with_press: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/announcements.py").run()
    at.selectbox(key="announcements_pick").select("PR07").run()
    text = " ".join(m.value for m in at.markdown)
    assert "PR07-1 was announced before; the earlier announcement is not recorded here." in text


def test_an_admin_merges_two_organisations_on_the_organisations_page(with_press: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/manage_organisations.py").run()
    assert not at.exception
    names = {
        label: key
        for key, label in zip(
            at.selectbox(key="organisations_keep").options, at.selectbox(key="organisations_keep").options
        )
    }
    keep = next(n for n in names if n.startswith("Welsh Government"))
    gone = next(n for n in names if n.startswith("UK Government"))
    at.selectbox(key="organisations_keep").select(keep).run()
    at.selectbox(key="organisations_merge").select(gone).run()
    at.button(key="organisations_do_merge").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Merged: 1 record now names {keep}."]
    table = at.dataframe[0].value
    assert "UK Government" not in set(table["name"])
    assert "UK Government" in table.loc[table["name"] == "Welsh Government", "other_names"].iloc[0]


def test_the_schedule_chart_puts_unphased_money_in_its_own_bar_after_the_years(with_press: str) -> None:
    from dashboard import charts
    from db.session import make_engine
    from tracker.figures import data as queries
    from tracker.figures.announcement_detail import detail

    engine = make_engine(with_press)
    try:
        found = detail(queries.load(engine), None, "PR09", __import__("datetime").date(2026, 11, 27))
    finally:
        engine.dispose()
    figure = charts.announcement_schedule(found.schedule)
    assert list(figure.layout.xaxis.categoryarray) == ["2019-20", "unphased"]
