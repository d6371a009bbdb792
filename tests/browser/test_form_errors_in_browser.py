"""A refused save in Chromium: the error summary at the top of the form takes
keyboard focus; each of its links, followed with the mouse or the keyboard,
puts keyboard focus in its field; each field with a problem is marked
``aria-invalid="true"`` and ``aria-describedby`` names the message under it,
which says the same as the summary (dashboard/form_errors.py).

The save is refused, so nothing is written: it runs on the shared demo server."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import go_to, open_signed_in, rerun

MONEY = "Amount (commitment 1): '12x' is not an amount of money; write pounds like 1,500,000 or £1.5m."


def _summary(page):
    return page.locator(".tracker-error-summary")


def _described_by(page, box) -> list[str]:
    """The text of each element on the page that the input ``box`` names in its
    aria-describedby (Streamlit's inputs may name some of their own that are not drawn)."""
    ids = (box.get_attribute("aria-describedby") or "").split()
    texts = [page.evaluate("(id) => document.getElementById(id)?.innerText.trim()", id) for id in ids]
    return [text for text in texts if text is not None]


def test_the_summary_links_move_focus_to_each_field_and_each_field_points_at_its_message(page, app_url, screenshot_dir):
    open_signed_in(page, app_url)
    go_to(page, "Record")
    amount = page.get_by_role("textbox", name="Amount", exact=True).first
    amount.fill("12x")
    rerun(page, lambda: amount.press("Enter"))
    rerun(page, page.get_by_role("button", name="Save the announcement").click)

    summary = _summary(page)
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("alert")).to_be_visible()
    expect(summary).to_be_focused()  # a save just refused: the summary is read out first
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Enter the title.", "Choose the funder.", "Enter the purpose for commitment 1.", MONEY])
    page.screenshot(path=str(screenshot_dir / "record-error-summary.png"), full_page=True)

    # By keyboard: the first link is the next tab stop after the summary; Enter follows it.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Title", exact=True)).to_be_focused()

    # By mouse: to a select, and to a commitment's amount.
    summary.get_by_role("link", name="Choose the funder.").click()
    expect(page.get_by_role("combobox", name="Funder of this announcement")).to_be_focused()
    summary.get_by_role("link", name=MONEY).click()
    expect(amount).to_be_focused()
    expect(amount).to_have_value("12x")  # what was typed stays

    for box, said in (
        (amount, MONEY),
        (page.get_by_role("textbox", name="Title", exact=True), "Enter the title."),
        (page.get_by_role("textbox", name="What it pays for", exact=True), "Enter the purpose for commitment 1."),
        (page.get_by_role("combobox", name="Funder of this announcement"), "Choose the funder."),
    ):
        expect(box).to_have_attribute("aria-invalid", "true")
        assert _described_by(page, box) == [said]
    # A field with no problem is not marked.
    expect(page.get_by_role("textbox", name="Made by (optional)")).not_to_have_attribute("aria-invalid", "true")
    assert page.locator('[aria-invalid="true"]').count() == 4
