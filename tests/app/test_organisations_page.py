"""A page per organisation (dashboard/app_pages/organisations.py): what it
funded and received, at its own address, matched by the organisation and
never by its name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import ADMIN
from tests.app.conftest import APP
from tracker.imports.apply import import_file

CDPS = "Centre for Digital Public Services"


def _page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/organisations.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _choose(at: AppTest, name: str) -> AppTest:
    picker = at.selectbox(key="organisation_pick")
    picker.set_value(next(key for key in picker.options if key.startswith(name)))
    return at.run()


def test_a_recipients_page_shows_what_it_received_as_the_recipient_filter_does() -> None:
    at = _page()
    at = _choose(at, CDPS)
    assert at.header[0].value == CDPS
    overview = AppTest.from_file(APP, default_timeout=60)
    overview.query_params["recipient"] = CDPS
    tiles = {m.label: m.value for m in overview.run().metric}  # the Overview under the recipient filter
    sentences = [m.value for m in at.markdown]
    committed, delivered = tiles["Committed (new money)"], tiles["Delivered to date"]
    assert f"{CDPS} received {committed} in 2 commitments, of which {delivered} is delivered." in sentences
    assert f"{CDPS} funded no money recorded here." in sentences
    yearly = at.dataframe[0].value.set_index("label")
    assert yearly.loc["2021-22", "committed"] == Decimal("4900000.00")
    assert yearly.loc["2022-23", "committed"] == Decimal("4900000.00")
    number = at.query_params["id"]  # the demo's organisations have no identifier: their number
    again = _page(id=number)
    assert again.header[0].value == CDPS


def test_the_funders_page_lists_its_announcements_as_links() -> None:
    at = _choose(_page(), "Welsh Government")
    links = [link.proto.label.split(" — ")[0] for link in at.main.get("page_link")]
    assert links[:2] == [
        "A1: Chief Digital Officer for local government and digital transformation funding",
        "A2: Local Government Digital Transformation Fund repurposed for COVID-19",
    ]


def test_an_unknown_address_is_said_and_nothing_is_chosen() -> None:
    at = _page(id="GB-CHC-0000000")
    assert any("No organisation 'GB-CHC-0000000' is recorded" in w.value for w in at.warning)
    assert at.selectbox(key="organisation_pick").value is None


@pytest.fixture
def two_of_one_name(app_database: str, tmp_path: Path) -> str:
    """Two bodies named "Digital Partners", told apart by their identifiers, each given money."""
    rows = (
        "ref,announcement_ref,announced_on,title,funder,recipient,recipient_id,purpose,kind,amount,first_year\n"
        "T1,TA,2024-05-01,Two partners,Welsh Government,Digital Partners,GB-CHC-1111111,Work one,one-off,£100,2024-25\n"
        "T2,TA,2024-05-01,Two partners,Welsh Government,Digital Partners,GB-COH-22222222,Work two,one-off,£250,2024-25\n"
    )
    path = tmp_path / "two.csv"
    path.write_text(rows, encoding="utf-8")
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", path, engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    return app_database


def test_two_organisations_of_one_name_each_have_their_own_page_and_money(two_of_one_name: str) -> None:
    first = _page(id="GB-CHC-1111111")
    second = _page(id="GB-COH-22222222")
    for at, ref, amount in ((first, "T1", "100.00"), (second, "T2", "250.00")):
        assert at.header[0].value == "Digital Partners"
        received = at.dataframe[1].value
        assert list(received["ref"]) == [ref]
        assert received["committed"].tolist() == [Decimal(amount)]
