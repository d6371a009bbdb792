"""The Areas page and the sidebar's area filter: the money that names a
place, shared money counted in full under each area and marked so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import ADMIN
from tests.app.conftest import APP
from tracker.imports.apply import import_file

AS_SAID = Path(__file__).resolve().parents[1] / "fixtures" / "as_said"


@pytest.fixture
def with_areas(app_database: str) -> str:
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", AS_SAID / "commitments.csv", engine=engine, actor=ADMIN)
        import_file("deliveries", AS_SAID / "deliveries.csv", engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    return app_database


def _areas(query: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params["code"] = query
    at.run()
    at.switch_page("app_pages/areas.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_area_lists_the_money_naming_it_with_shared_money_marked(with_areas: str) -> None:
    at = _areas()
    assert at.selectbox(key="areas_pick").value == "W06000015"  # Cardiff: first by name among areas with money
    text = " ".join(m.value for m in at.markdown)
    assert "£9m is committed for Cardiff (W06000015) in 2 commitments" in text
    assert "£7m of it is shared with other areas" in text
    commitments = at.dataframe[-1].value.set_index("ref")
    assert list(commitments.index) == ["P1", "S1"]
    assert commitments.loc["P1", "committed"] == Decimal("7000000.00")  # the pot less its shares
    assert commitments.loc["P1", "shared_with"] == 1 and commitments.loc["P1", "other_areas"] == "Swansea (W06000011)"
    assert commitments.loc["S1", "delivered"] == Decimal("1400000.00")  # £1.5m paid, £0.1m refunded
    assert at.query_params["code"] == "W06000015"


def test_each_area_has_its_own_address(with_areas: str) -> None:
    at = _areas("w92000004")
    assert at.selectbox(key="areas_pick").value == "W92000004"
    years = at.dataframe[0].value.set_index("label")
    assert years.loc["2025-26", "estimated"] == Decimal("1500000.00")  # M1 spread evenly over two years


def test_an_area_with_no_money_says_so_and_an_unknown_one_is_named(with_areas: str) -> None:
    at = _areas("X12345678")
    assert any("No area 'X12345678' is known here" in w.value for w in at.warning)
    at.selectbox(key="areas_pick").select("W06000001").run()  # Anglesey: no money names it
    assert not at.exception
    assert "No money recorded names Isle of Anglesey (W06000001)." in [m.value for m in at.markdown]


def test_the_area_filter_narrows_every_page(with_areas: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/finance.py").run()
    at.multiselect(key="filter_areas").set_value(["W06000011"]).run()
    assert not at.exception
    assert any("area Swansea (W06000011)" in c.value for c in at.caption)
    pivot = next(df.value for df in at.dataframe if df.value.columns[0] == "ref").set_index("ref")
    assert list(pivot.index) == ["P1", "Total"]


def test_a_place_shows_its_code_and_its_welsh_name(with_areas: str) -> None:
    at = _areas("W06000015")
    assert at.main.header[0].value == "Cardiff (W06000015)"
    assert "ONS code W06000015; in Welsh, Caerdydd." in [c.value for c in at.main.caption]
    at = _areas("W92000004")
    assert "ONS code W92000004; in Welsh, Cymru." in [c.value for c in at.main.caption]
