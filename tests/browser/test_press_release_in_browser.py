"""The Record page's "From a press release" tab in Chromium: paste a release, find the money, see each
amount marked in the text beside the drafts' table (axe-core finds nothing serious there), and save them as
one announcement.

It saves a record, so it runs its own server on its own copy of the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, TODAY, _add_users, go_to, open_signed_in, rerun, streamlit_server
from tests.browser.test_accessibility_in_browser import _problems
from tests.services import require_axe

RELEASE = (
    "Parks for everyone\n"
    "The Minister announced £2m for parks in Wales. "
    "An extra £300,000 a year will pay for park rangers for three years. "
    "Councils will also get £45,000 to plant trees <script>document.title='ran'</script>. "
    "Schools receive £250 per pupil.\n"
)


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


def test_a_release_pasted_is_marked_and_saved_as_one_announcement(own_page, own_app, screenshot_dir):
    axe_source = require_axe().read_text()
    page = own_page
    open_signed_in(page, own_app)
    go_to(page, "Record")
    rerun(page, page.get_by_role("tab", name="From a press release").click)
    box = page.get_by_role("textbox", name="The text of the press release")
    box.fill(RELEASE)
    rerun(page, lambda: box.press("Control+Enter"))
    rerun(page, page.get_by_role("button", name="Find the money").click)

    text = page.get_by_role("region", name="The text, with each amount found marked")
    expect(text).to_be_visible()
    expect(text.locator("mark.press-draft")).to_have_text(["£2m[1]", "£300,000[2]", "£45,000[3]"])
    expect(text.locator("mark.press-left-out")).to_have_text(["£250[left out]"])
    expect(text).to_contain_text("<script>document.title='ran'</script>")  # shown as words, never run
    assert page.title() != "ran"
    expect(page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "press-release-drafts.png"), full_page=True)
    assert _problems(page, axe_source, "the drafts found") == []  # WCAG 2.2 AA, as every page is held to

    expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("Parks for everyone")
    page.get_by_role("combobox", name="Funder of this announcement").click()
    page.get_by_role("option", name="Welsh Government").click()
    page.wait_for_selector(READY)
    rerun(page, page.get_by_role("button", name="Save the accepted drafts as one announcement").click)
    expect(page.get_by_text("Saved announcement A7 with 3 commitments from the press release.")).to_be_visible()
    expect(page.get_by_role("link", name="See announcement A7")).to_have_attribute("href", "announcements?ref=A7")
    expect(page.get_by_role("region", name="The text, with each amount found marked")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "press-release-saved.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
