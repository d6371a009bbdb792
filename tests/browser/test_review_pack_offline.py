"""The review pack's HTML opened in Chromium from a file, with the network cut:
every request that is not ``file:`` or ``data:`` is recorded and aborted, and
there must be none. The chart must still draw and the figures show.

The pack is written in-process from a fresh SQLite database with the demo
loaded (this test is about the file, not the database).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db.session import ensure_schema
from tests.actors import ADMIN
from tracker.demo import load_demo
from tracker.records.inputs import MilestoneInput
from tracker.records.milestones import create_milestone
from tracker.review.pack import write_pack
from tracker.review.recording import StatusInput, record_status

LOCAL = ("file:", "data:")


@pytest.fixture
def pack(chromium_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-27")
    engine = ensure_schema(f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        load_demo(engine, actor=ADMIN)
        create_milestone(
            MilestoneInput("M9", "W7", "Projects evaluated", due_on="2024-01-31"), engine=engine, actor=ADMIN
        )
        record_status(
            StatusInput(
                "at risk",
                commitment_ref="W7",
                assessed_on="2026-11-20",
                note="<script>alert(1)</script>",
                evidence_url="https://example.org/minutes",
            ),
            engine=engine,
            actor=ADMIN,
        )
        html_path, _ = write_pack(engine, date(2026, 11, 27), tmp_path / "pack", actor=ADMIN)
    finally:
        engine.dispose()
    return html_path


def test_the_pack_reads_offline_with_its_chart_and_figures(browser, pack: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    blocked: list[str] = []
    problems: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None,
    )
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    try:
        page.goto(pack.as_uri())
        page.wait_for_selector("#chart-committed-delivered .main-svg", timeout=30_000)

        assert page.locator("#chart-committed-delivered .main-svg").count() >= 1
        assert page.locator("#chart-committed-delivered .bars path").count() >= 6  # 3 years x 2 series
        for words in (
            "at least £13.3m",
            "£12.52m",
            "94.1%",
            "Milestones: 1 overdue",
            "Projects evaluated",
            "about 2.8 years late",
            "Demo delivery figures are illustrative",
        ):
            expect(page.get_by_text(words).first).to_be_visible()
        overdue = page.locator("tr.overdue")
        expect(overdue).to_have_count(1)
        expect(overdue).to_contain_text("Overdue")
        expect(page.get_by_text("At risk (amber)").first).to_be_visible()
        expect(page.get_by_text("<script>alert(1)</script>")).to_be_visible()  # shown, not run

        page.emulate_media(media="print")
        expect(page.get_by_text("Projects evaluated", exact=True)).to_be_visible()
        assert page.pdf(format="A4", landscape=True).startswith(b"%PDF")
        page.screenshot(path=str(tmp_path / "review-pack.png"), full_page=True)
    finally:
        context.close()

    assert blocked == []
    assert [u for u in requested if not u.startswith(LOCAL)] == []
    assert requested[0] == pack.as_uri()
    assert problems == []
