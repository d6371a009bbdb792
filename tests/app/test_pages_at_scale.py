"""Every page at 5,000 commitments sends what a person can read: at most a
page of rows per table, a bounded number of chart marks, a searched list of
choices, however many records there are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import navigation
from db.session import ensure_schema
from tests.actors import admin
from tests.app.conftest import APP
from tracker.figures.paging import PAGE_SIZE, PICK_AT_MOST
from tracker.figures.register import read_announcements
from tracker.imports.apply import import_file
from tracker.review import recording

N = 5_000
ACTOR = admin("test:scale")
# Every page of the navigation but the Account page (nothing of the data).
PAGES = [Path(path).stem for _, path, *_ in navigation.PAGES if not path.endswith("account.py")]
# Chart marks: a year a bar (2010-11 to 2040-41 at most) or the 25 commitments
# furthest behind and "all others"; never one a commitment.
MOST_MARKS = 40


@pytest.fixture
def big(app_database: str, tmp_path: Path) -> str:
    """The demo plus 5,000 commitments, each with its own recipient,
    programme and announcement, and a delivery each; a review meeting."""
    commitments = tmp_path / "commitments.csv"
    lines = ["ref,announced_on,funder,recipient,programme,purpose,kind,amount,first_year,years,areas"]
    for n in range(N):
        year = 2015 + n % 12
        lines.append(
            f"S{n:05d},{year}-02-01,Funder {n % 7},Recipient {n:05d},Programme {n % 300},Purpose {n},"
            f"recurring,{1000 + n}.00,{year}-{(year + 1) % 100:02d},3,W060000{11 + n % 22:02d}"
        )
    commitments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    deliveries = tmp_path / "deliveries.csv"
    rows = ["ref,commitment_ref,paid_on,amount,kind"]
    rows += [f"D{n:05d},S{n:05d},{2015 + n % 12}-06-01,{500 + n}.00,disbursement" for n in range(N)]
    deliveries.write_text("\n".join(rows) + "\n", encoding="utf-8")
    engine = ensure_schema(app_database)
    try:
        import_file("commitments", commitments, engine=engine, actor=ACTOR)
        import_file("deliveries", deliveries, engine=engine, actor=ACTOR)
        recording.open_meeting("2026-11-20", engine=engine, actor=ACTOR)
    finally:
        engine.dispose()
    return app_database


def _marks(chart) -> list[int]:
    """How many marks each trace of a Plotly chart draws."""
    figure = json.loads(chart.proto.spec)
    return [max(len(trace.get("x") or []), len(trace.get("y") or [])) for trace in figure.get("data", [])]


def _sent(at: AppTest) -> dict[str, list[int]]:
    """What the page sent: rows per table, marks per chart trace, choices per list."""
    return {
        "rows": [len(table.value) for table in at.dataframe],
        "marks": [n for chart in at.get("plotly_chart") for n in _marks(chart)],
        "choices": [len(box.options) for box in [*at.selectbox, *at.multiselect]],
    }


def test_every_page_sends_a_page_of_rows_and_readable_charts_at_5000_commitments(big: str) -> None:
    """One database for every page (built once: it takes seconds)."""
    at = AppTest.from_file(APP, default_timeout=300).run()
    too_much = {}
    for page in PAGES:
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        sent = _sent(at)
        if (
            any(n > PAGE_SIZE + 1 for n in sent["rows"])  # a page of rows, and a total row
            or any(n > MOST_MARKS for n in sent["marks"])
            or any(n > PICK_AT_MOST + 2 for n in sent["choices"])  # the forms' own short lists are smaller
        ):
            too_much[page] = sent
        if page in ("overview", "announcements", "delivery", "finance", "audit", "organisations"):
            assert any(n in (PAGE_SIZE, PAGE_SIZE + 1) for n in sent["rows"]), (page, sent)  # a full page shown
    assert too_much == {}

    # The register pages through every announcement, and its search finds one among them.
    engine = ensure_schema(big)
    try:
        total = len(read_announcements(engine))  # the demo's and these
    finally:
        engine.dispose()
    assert total > N
    at.switch_page("app_pages/announcements.py").run()
    first = list(at.dataframe[0].value["ref"])
    assert len(first) == PAGE_SIZE
    assert any(f"Showing 1–100 of {total:,}" in c.value for c in at.caption)
    last_page = -(-total // PAGE_SIZE)
    at.number_input(key="announcements_page").set_value(last_page).run()
    last = list(at.dataframe[0].value["ref"])
    assert len(last) == total - (last_page - 1) * PAGE_SIZE
    assert not set(first) & set(last)
    at.text_input(key="announcements_search").input("S04999").run()
    assert list(at.dataframe[0].value["ref"]) == ["S04999"]
