"""Three jobs done with the keyboard alone, in Chromium: download the finance
workbook, record an announcement, give a commitment a status at a review.

Each journey opens its page by its address and from then on only presses
keys (``page.keyboard``); where the focus is, is read from the page (the
focused element's accessible name), never acted on. From a fresh load of the
page, the journey's first control has the focus within ``MOST_PRESSES`` key
presses: Tab to Streamlit's "Skip to main content" link, Enter, then Tabs.

It saves records, so it runs its own server on its own copy of the demo
(the shared one is left as the other browser tests expect it); the three
journeys share one signed-in browser context.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import READY, TODAY, _add_users, open_signed_in, rerun, streamlit_server

# What the browser does with keys, on its own SQLite copy whatever the run's database: run once (the SQLite pass).
pytestmark = [pytest.mark.browser, pytest.mark.markup]

MOST_PRESSES = 10  # issue 18: each journey's first control within 10 tab stops of the page start
SKIP_LINK = "Skip to main content"

# The accessible name of the focused element, as a screen reader would say it
# (the label of an input; a link's or button's words, its icon's ligature left out).
_FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const ids = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
  const labelled = ids.map((id) => document.getElementById(id)).filter(Boolean);
  if (labelled.length) return labelled.map((l) => l.textContent).join(" ").trim();
  if (e.getAttribute("aria-label")) return e.getAttribute("aria-label").trim();
  if (e.labels && e.labels.length) return e.labels[0].textContent.trim();
  const copy = e.cloneNode(true);
  copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach((icon) => icon.remove());
  return copy.textContent.replace(/\\s+/g, " ").trim();
}"""


@pytest.fixture(scope="module")
def own_app(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("keyboard")
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.db'}", "TRACKER_TODAY": TODAY}
    subprocess.run([sys.executable, "-m", "tracker.cli", "demo"], env=env, check=True, capture_output=True)
    _add_users(env["TRACKER_DATABASE_URL"])
    with streamlit_server(env) as url:
        yield url


@pytest.fixture(scope="module")
def keyboard_page(browser, own_app: str):
    """One browser context for the three journeys, signed in as the admin (who may do all three)."""
    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_signed_in(page, own_app)
    yield page
    context.close()


def focused(page) -> str:
    return page.evaluate(_FOCUSED_NAME)


def tab_to(page, name: str, limit: int = 40) -> list[str]:
    """Press Tab until the element named ``name`` has the focus; what had
    the focus after each press (``name`` last)."""
    passed: list[str] = []
    while len(passed) < limit:
        page.keyboard.press("Tab")
        passed.append(focused(page))
        if passed[-1] == name:
            return passed
    raise AssertionError(f"{name!r} not reached in {limit} Tabs; the focus went to {passed}")


def open_page(page, app_url: str, path: str, heading: str) -> None:
    """Load the page at ``path`` afresh (the focus on the document) and wait until it is drawn."""
    page.goto(f"{app_url}/{path}")
    # The heading is drawn early in the page's run: READY after it is the end of that run (READY alone
    # may match before the run has begun). A widget whose code the browser has not loaded yet is a
    # placeholder (a skeleton) that takes no focus: Tab presses would pass it by.
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.wait_for_selector(READY)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    assert focused(page) == ""


def from_the_top(page, name: str) -> list[str]:
    """From a fresh load: Tab to the skip link, Enter on it, then Tab until
    ``name`` has the focus. Each key press, as where the focus went."""
    page.keyboard.press("Tab")
    assert focused(page) == SKIP_LINK  # the page's first tab stop
    page.keyboard.press("Enter")  # the focus moves to the main area, past the sidebar
    return [SKIP_LINK, "Enter: the main area", *tab_to(page, name)]


def type_and_leave(page, text: str) -> None:
    """Type into the focused text box and Tab out of it: leaving it sends what was typed (a rerun)."""
    page.keyboard.type(text)
    rerun(page, lambda: page.keyboard.press("Tab"))


def choose(page, typed: str) -> None:
    """In the focused select: type to narrow the list, Enter takes the first option left."""
    page.keyboard.type(typed)
    rerun(page, lambda: page.keyboard.press("Enter"))


def test_the_finance_workbook_downloads_by_keyboard(keyboard_page, own_app, tmp_path):
    page = keyboard_page
    download = "Download every table as an Excel workbook (XLSX)"
    open_page(page, own_app, "finance", "Finance tables")
    presses = from_the_top(page, download)
    assert len(presses) <= MOST_PRESSES, presses
    expect(page.get_by_role("button", name=download)).to_be_focused()

    with page.expect_download() as downloaded:
        page.keyboard.press("Enter")
    path = tmp_path / "finance.xlsx"
    downloaded.value.save_as(path)
    sheet = load_workbook(path)["Committed and delivered"]
    header = [cell.value for cell in sheet[1]]
    assert {"Financial year", "Committed", "Delivered"} <= set(header)
    years = [row[header.index("Financial year")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "2021-22" in years and "Total" in years


def test_an_announcement_is_recorded_by_keyboard(keyboard_page, own_app):
    page = keyboard_page
    open_page(page, own_app, "record", "Record")
    presses = from_the_top(page, "How many commitments does it carry?")  # the form's first field
    assert len(presses) <= MOST_PRESSES, presses
    assert tab_to(page, "Reference", limit=1)  # the announcement's ref, suggested

    tab_to(page, "Date announced (optional)")
    type_and_leave(page, "01/02/2022")
    assert focused(page) == "Title"
    type_and_leave(page, "Keyboard data unit")
    tab_to(page, "Funder of this announcement")
    choose(page, "Welsh Gov")
    expect(page.get_by_role("combobox", name="Funder of this announcement")).to_have_value("Welsh Government")
    # What it pays for is left out: the save is refused.
    tab_to(page, "Amount")
    type_and_leave(page, "£250k")
    tab_to(page, "First financial year (optional)")
    type_and_leave(page, "2022-23")
    tab_to(page, "Save the announcement")
    rerun(page, lambda: page.keyboard.press("Enter"))

    summary = page.locator(".tracker-error-summary")
    expect(summary).to_be_focused()  # the refused save's summary is read out first
    tab_to(page, "Enter the purpose for commitment 1.", limit=1)
    page.keyboard.press("Enter")  # the summary's link puts the focus in its field
    expect(page.get_by_role("textbox", name="What it pays for", exact=True)).to_be_focused()
    type_and_leave(page, "Data unit")
    tab_to(page, "Save the announcement")
    rerun(page, lambda: page.keyboard.press("Enter"))

    expect(page.get_by_text("Saved announcement A7 with 1 commitment.")).to_be_visible()
    expect(summary).to_have_count(0)
    tab_to(page, "See announcement A7")
    page.keyboard.press("Enter")
    page.wait_for_url("**/announcements?ref=A7")
    page.wait_for_selector(READY)
    # (the title is also in the tables' print copies, hidden on screen)
    expect(page.locator("text=Keyboard data unit >> visible=true").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_commitment_is_given_a_status_by_keyboard(keyboard_page, own_app):
    page = keyboard_page
    # The demo holds no meeting yet: the page offers only the form that opens one.
    open_page(page, own_app, "review", "Review")
    presses = from_the_top(page, "day, Meeting date")
    assert len(presses) <= MOST_PRESSES, presses
    page.keyboard.type("13112026")  # day, month and year: each part moves on to the next by itself
    tab_to(page, "Title (optional)")
    type_and_leave(page, "Keyboard review")
    assert focused(page) == "Open the meeting and freeze its figures"
    rerun(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_text("Opened the meeting of 13 November 2026.")).to_be_visible()

    # With a meeting, the status form is in the last tab: a link near the top takes the focus there.
    open_page(page, own_app, "review", "Review")
    presses = from_the_top(page, "Give a status at this meeting")
    rerun(page, lambda: page.keyboard.press("Enter"))  # opens the Statuses tab: a rerun
    subject = page.get_by_role("combobox", name="Commitment or programme")
    expect(subject).to_be_focused()
    presses.append(focused(page))
    assert len(presses) <= MOST_PRESSES, presses

    choose(page, "W3")
    expect(subject).to_have_value(re.compile(r"^W3 · "))
    tab_to(page, "Status", limit=1)
    choose(page, "At risk")
    tab_to(page, "Note")
    type_and_leave(page, "Behind its delivery plan: keyboard test.")
    assert focused(page) == "Save the status"
    rerun(page, lambda: page.keyboard.press("Enter"))

    expect(
        page.get_by_text("Saved: W3 is At risk (amber), recorded as given at the meeting of 13 November 2026.")
    ).to_be_visible()
    expect(page.get_by_role("tab", name="Statuses", selected=True)).to_be_visible()
    expect(page.get_by_text("No status has been given yet.")).to_have_count(0)  # W3's history has it now
    assert page.locator('[data-testid="stException"]').count() == 0
