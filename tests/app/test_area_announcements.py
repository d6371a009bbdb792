"""The Areas page lists the announcements with money naming the place, each a
link to its own page, with the money of its commitments there (the as-said
fixtures: AS1's pot P1 and its share S1 both name Cardiff)."""

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
    finally:
        engine.dispose()
    return app_database


def _area(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["code"] = code
    at.run()
    at.switch_page("app_pages/areas.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _announcements(at: AppTest):
    headings = [m.value for m in at.markdown]
    assert "**Announcements with money naming this area**" in headings
    return at.dataframe[1].value  # after the yearly table, before the commitments


def test_an_area_lists_its_announcements_with_the_money_there_and_a_link_each(with_areas: str) -> None:
    at = _area("W06000015")
    listed = _announcements(at)
    commitments = at.dataframe[-1].value.set_index("ref")

    assert list(listed["address"]) == ["/announcements?ref=AS1"]
    assert list(listed["funder"]) == ["Welsh Government"]
    assert list(listed["committed"]) == [commitments.loc["P1", "committed"] + commitments.loc["S1", "committed"]]
    assert listed["committed"].iloc[0] == Decimal("9000000.00")  # the pot less its shares, and one share


def test_another_area_lists_only_the_announcements_naming_it(with_areas: str) -> None:
    at = _area("W92000004")  # Wales: only AS2's two-year programme names it

    assert list(_announcements(at)["address"]) == ["/announcements?ref=AS2"]
