"""Recording an announcement in Chromium: a save that fails keeps everything
typed; a save that succeeds empties the form on screen (not only on the
server), offers the next refs and links to what was saved.

It saves a record, so it runs its own server on its own copy of the demo
(the shared one is left as the other browser tests expect it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, TODAY, _add_users, go_to, open_signed_in, rerun, streamlit_server


@pytest.fixture
def own_app(chromium_path: str, tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}", "TRACKER_TODAY": TODAY}
    subprocess.run([sys.executable, "-m", "tracker.cli", "demo"], env=env, check=True, capture_output=True)
    _add_users(env["TRACKER_DATABASE_URL"])
    with streamlit_server(env) as url:
        yield url


@pytest.fixture
def own_page(browser, own_app: str):
    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _type(page, name: str, text: str, nth: int = 0) -> None:
    box = page.get_by_role("textbox", name=name, exact=True).nth(nth)
    box.fill(text)
    rerun(page, lambda: box.press("Enter"))


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    page.wait_for_selector(READY)


def test_a_failed_save_keeps_what_was_typed_and_a_saved_one_empties_the_form(own_page, own_app, screenshot_dir):
    page = own_page
    open_signed_in(page, own_app)
    go_to(page, "Record")
    references = page.get_by_role("textbox", name="Reference", exact=True)
    expect(references.nth(0)).to_have_value("A7")  # suggested: the next free refs
    expect(references.nth(1)).to_have_value("W8")

    _type(page, "Title", "Data unit for councils")
    _type(page, "Date announced (optional)", "31/02/2022")
    _choose(page, "Funder of this announcement", "Welsh Government")
    _type(page, "What it pays for", "Data unit")
    _type(page, "Amount", "£250k")
    _type(page, "First financial year (optional)", "2022-23")
    rerun(page, page.get_by_role("button", name="Save the announcement").click)
    said = "Date announced: there is no such date as '31/02/2022'; write a date like 31/10/2019."
    expect(page.locator(".tracker-error-summary").get_by_role("link", name=said)).to_be_visible()  # at the top
    expect(page.get_by_test_id("stAlertContentError").get_by_text(said)).to_be_visible()  # and beside the field
    for name, typed in (("Title", "Data unit for councils"), ("What it pays for", "Data unit"), ("Amount", "£250k")):
        expect(page.get_by_role("textbox", name=name, exact=True)).to_have_value(typed)

    _type(page, "Date announced (optional)", "01/02/2022")
    rerun(page, page.get_by_role("button", name="Save the announcement").click)
    expect(page.get_by_text("Saved announcement A7 with 1 commitment.")).to_be_visible()
    expect(page.locator(".tracker-error-summary")).to_have_count(0)  # what was said of the refused save goes
    expect(page.locator('[aria-invalid="true"]')).to_have_count(0)
    expect(page.get_by_role("link", name="See announcement A7")).to_have_attribute("href", "announcements?ref=A7")
    for name in ("Title", "Date announced (optional)", "What it pays for", "Amount"):
        expect(page.get_by_role("textbox", name=name, exact=True)).to_have_value("")
    expect(references.nth(0)).to_have_value("A8")
    expect(references.nth(1)).to_have_value("W9")
    page.screenshot(path=str(screenshot_dir / "record-saved.png"), full_page=True)

    page.get_by_role("link", name="See announcement A7").click()
    page.wait_for_selector(READY)
    # (the title is also in the tables' print copies, hidden on screen)
    expect(page.locator("text=Data unit for councils >> visible=true").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
