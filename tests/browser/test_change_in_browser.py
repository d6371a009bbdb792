"""Changing, deleting and restoring a record in Chromium.

The browser suite shares one demo database, so this test leaves it as it
found it: it corrects a payment and puts the old amount back, deletes the
payment and restores it.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import READY, go_to, open_signed_in, rerun


def _go(page, app_url: str, name: str) -> None:
    open_signed_in(page, app_url)
    go_to(page, name)


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    page.wait_for_selector(READY)


def _amount(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Amount")
    box.fill(text)
    rerun(page, lambda: box.press("Enter"))


def _open_section(page, summary: str, inside: str) -> None:
    """Open an expander. Just after a save the page may draw it once more,
    closed, swallowing a click that came too early: click until it opens."""
    for _ in range(5):
        page.get_by_text(summary).click()
        try:
            expect(page.get_by_text(inside)).to_be_visible(timeout=3000)
            return
        except AssertionError:
            continue
    expect(page.get_by_text(inside)).to_be_visible()


def test_a_payment_is_corrected_deleted_and_restored(page, app_url, screenshot_dir):
    _go(page, app_url, "Change a record")
    page.get_by_test_id("stButtonGroup").get_by_text("Delivery", exact=True).click()
    page.wait_for_selector(READY)
    _choose(page, "Delivery to change", "D2 · £500,000 on 31 Mar 2022 against W1")
    expect(page.get_by_role("textbox", name="Amount")).to_have_value("500000")

    _amount(page, "£450,000")
    rerun(page, page.get_by_role("button", name="Save the change").click)
    expect(page.get_by_text("Saved the change to delivery D2.")).to_be_visible()
    # The form closes (nothing left to save twice), and a link leads to what was saved.
    expect(page.get_by_role("textbox", name="Amount")).to_have_count(0)
    link = page.get_by_role("link", name="See commitment W1 on its announcement")
    expect(link).to_have_attribute("href", "announcements?ref=A1")  # relative to the app's root
    page.screenshot(path=str(screenshot_dir / "change-a-record-saved.png"), full_page=True)
    _choose(page, "Delivery to change", "D2 · £450,000 on 31 Mar 2022 against W1")
    expect(page.get_by_role("textbox", name="Amount")).to_have_value("450000")
    _amount(page, "500,000")
    rerun(page, page.get_by_role("button", name="Save the change").click)
    _choose(page, "Delivery to change", "D2 · £500,000 on 31 Mar 2022 against W1")
    expect(page.get_by_role("textbox", name="Amount")).to_have_value("500000")

    _open_section(page, "Delete delivery D2", "Yes, delete D2")
    delete = page.get_by_role("button", name="Delete D2")
    expect(delete).to_be_disabled()
    page.get_by_test_id("stCheckbox").filter(has_text="Yes, delete D2").click()
    page.wait_for_selector(READY)
    delete.click()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Deleted delivery D2")).to_be_visible()

    _go(page, app_url, "Deleted records")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "deleted-records-listed.png"), full_page=True)
    _choose(page, "Record to restore", "Delivery D2")
    page.get_by_role("button", name="Restore it").click()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Restored delivery D2")).to_be_visible()
    expect(page.get_by_text("Nothing has been deleted.")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
