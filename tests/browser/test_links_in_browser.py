"""Links in a real browser: any view can be sent as a link and opened by a
colleague after they sign in; the address follows the page and its filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, READY, go_to, rerun

CDPS = "Centre for Digital Public Services"


def _signed_in_at(page, app_url: str, address: str, heading: str) -> None:
    """Open ``address`` signed out, see the sign-in form there, sign in, land on ``heading``."""
    page.goto(app_url + address)
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_role("textbox", name="Username").fill("vera")  # a viewer
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    rerun(page, lambda: page.get_by_role("button", name="Sign in").click())
    expect(page.locator("h1").first).to_have_text(heading)


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_a_link_opened_signed_out_shows_that_page_and_those_filters_after_sign_in(page, app_url):
    _signed_in_at(page, app_url, f"/delivery?fy=2021-22&recipient={CDPS.replace(' ', '+')}", "Delivery")
    assert urlsplit(page.url).path == "/delivery"
    assert _query(page) == {"fy": ["2021-22"], "recipient": [CDPS]}
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(CDPS)).to_be_visible()  # the recipient filter's chip
    expect(page.get_by_text(f"Filtered: financial years 2021-22 to 2021-22; recipient {CDPS}.")).to_be_visible()

    page.reload()  # the cookie keeps the sign-in; the address keeps the view
    page.wait_for_selector(READY)
    expect(page.locator("h1").first).to_have_text("Delivery")
    assert _query(page) == {"fy": ["2021-22"], "recipient": [CDPS]}

    go_to(page, "Finance tables")  # the filters go along, and the address says so
    page.wait_for_function("() => window.location.search.includes('recipient=')")
    assert _query(page) == {"fy": ["2021-22"], "recipient": [CDPS]}


def test_a_link_to_one_announcement_opens_it(page, app_url):
    _signed_in_at(page, app_url, "/announcements?ref=A3", "Announcements")
    expect(page.get_by_role("heading", name="A3: Draft budget 2021-22", exact=False)).to_be_visible()


def test_copy_link_to_this_view_copies_the_address_as_it_is_now(page, app_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _signed_in_at(page, app_url, "/areas?code=W06000015", "Areas")
    page.wait_for_function("() => window.location.search.includes('code=W06000015')")
    page.get_by_role("button", name="Copy link to this view").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and copied.startswith(app_url + "/areas?") and "code=W06000015" in copied
