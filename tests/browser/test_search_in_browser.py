"""Search as a person uses it in Chromium: a word only a quote holds, typed
in the sidebar's box, finds the record that quotes it, and its link opens it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import READY, open_signed_in

# In the demo only the quoted words of announcement A1 (and its commitment W1) say
# "annually": "An extra £500,000 will also be provided annually for the next three years".
QUOTE_WORD = "annually"


def test_a_word_of_a_quote_typed_in_the_sidebar_finds_what_quotes_it(page, app_url, screenshot_dir):
    open_signed_in(page, app_url)
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Search everything")
    box.fill(QUOTE_WORD)
    box.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith("/search"))
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    assert parse_qs(urlsplit(page.url).query) == {"q": [QUOTE_WORD]}
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Announcements: 1")).to_be_visible()
    link = main.get_by_role("link").filter(has_text="Chief Digital Officer for local government")
    expect(link).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "search.png"), full_page=True)
    link.click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("ref") == ["A1"])
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Announcements", exact=True)).to_be_visible()
    expect(main.get_by_text(QUOTE_WORD, exact=False).first).to_be_visible()
