"""The Review page in Chromium: open a meeting, then download its pack.

The browser suite shares one demo database: this test opens a meeting on a
date no other test uses (13 November 2026, figures as at that day) and
changes no figures, so other tests' totals do not move.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import READY, go_to, open_signed_in

HELD_ON = "2026-11-13"


def _go(page, app_url: str, name: str) -> None:
    open_signed_in(page, app_url)
    go_to(page, name)


def _date(page, label: str, ddmmyyyy: str) -> None:
    """Type a date into a date input: its day, month and year are separate
    fields (typing moves on by itself); leaving the input saves it."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(ddmmyyyy)
    page.keyboard.press("Tab")
    page.wait_for_selector(READY)
    field = page.get_by_test_id("stDateInput").filter(has_text=label).locator('input[type="date"]')
    expect(field).to_have_value(f"{ddmmyyyy[4:]}-{ddmmyyyy[2:4]}-{ddmmyyyy[:2]}")


def test_a_meeting_is_opened_and_its_pack_downloaded(page, app_url, screenshot_dir, tmp_path):
    _go(page, app_url, "Review")
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    opener = page.get_by_test_id("stExpander").filter(has_text="Open a new meeting")
    if opener.count():  # another test opened a meeting first: the form is folded away
        opener.get_by_text("Open a new meeting").click()
    _date(page, "Meeting date", "13112026")
    page.get_by_role("textbox", name="Title (optional)").fill("Browser test meeting")
    page.get_by_role("button", name="Open the meeting and freeze its figures").click()
    page.wait_for_selector(READY)

    expect(page.get_by_text("Opened the meeting of 13 November 2026.")).to_be_visible()
    expect(page.get_by_text("These figures were frozen when the meeting was opened")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Committed (new money)")).to_contain_text("at least £13.3m")
    expect(page.get_by_test_id("stMetric").filter(has_text="Delivered to date")).to_contain_text("£12.52m")
    assert page.locator('[data-testid="stException"]').count() == 0

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the pack (HTML)").click()
    assert download.value.suggested_filename == f"review-pack-{HELD_ON}.html"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    pack = path.read_text(encoding="utf-8")
    assert "13 November 2026" in pack and "Browser test meeting" in pack
    assert "at least £13.3m" in pack

    page.get_by_role("tab", name="Statuses").filter(visible=True).click()
    expect(page.get_by_text("Current status")).to_be_visible()
    page.get_by_role("tab", name="Frozen figures").filter(visible=True).click()
    page.screenshot(path=str(screenshot_dir / "review.png"), full_page=True)
