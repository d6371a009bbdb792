"""Signing in, by role, in Chromium.

The suite shares one database: the finance test records a payment dated
today (27 November 2026), after every figure the other tests check (the
review meeting's figures are as at 13 November 2026; the workbook test
compares with the command line's live totals).
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.conftest import (
    PASSWORD,
    READY,
    download_committed_and_delivered,
    go_to,
    open_signed_in,
    rerun,
    sign_in,
)

FIGURES = [
    "Overview",
    "Announcements",
    "Headlines",
    "New and recycled",
    "Delivery",
    "Review",
    "Finance tables",
    "Areas",
    "Organisations",
    "Search",
]


def _nav_links(page) -> list[str]:
    """The titles of the navigation's links (each link's text starts with its icon's name)."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    return [text.strip().splitlines()[-1].strip() for text in links]


def test_a_signed_out_visitor_sees_only_the_sign_in_page(page, app_url, screenshot_dir):
    page.goto(app_url)
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_text("You stay signed in, in every tab of this browser, until you sign out")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0  # one page: no navigation at all
    assert page.get_by_test_id("stMetric").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    page.screenshot(path=str(screenshot_dir / "sign-in.png"), full_page=True)

    page.get_by_role("textbox", name="Username").fill("vera")
    page.get_by_role("textbox", name="Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(READY)
    expect(page.get_by_text("That username and password did not work.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_have_value("")

    page.goto(f"{app_url}/record")  # a page's address, signed out: still only the sign-in page
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.get_by_role("heading", name="Record", exact=True).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_viewer_has_no_record_or_users_pages_and_signs_out_from_the_navigation(page, app_url, screenshot_dir):
    page.goto(app_url)
    sign_in(page, "vera", PASSWORD)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(page.get_by_text("Signed in as vera (viewer).")).to_be_visible()
    assert _nav_links(page) == [*FIGURES, "Account", "Sign out"]
    for name in (
        "Record",
        "Change a record",
        "Import",
        "Audit trail",
        "Deleted records",
        "Manage organisations",
        "Users",
        "Deflators",
    ):
        assert page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).count() == 0
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    page.screenshot(path=str(screenshot_dir / "viewer-sidebar.png"), full_page=True)

    # Not go_to: the address is /sign-out only until the run that signs out
    # moves on to the sign-in page, often before a wait for it could begin.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_text("You signed out.")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0


def _choose(page, label: str, option: str | re.Pattern) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_selector(READY)


def _type(page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    rerun(page, lambda: box.press("Enter"))


def test_finance_records_a_payment_and_downloads_the_finance_workbook(page, app_url, screenshot_dir, tmp_path):
    open_signed_in(page, app_url, "fin")
    assert _nav_links(page) == [*FIGURES, "Record", "Change a record", "Import", "Account", "Sign out"]

    go_to(page, "Record")
    expect(page.get_by_role("heading", name="Record", exact=True)).to_be_visible()
    expect(page.get_by_role("tab")).to_have_count(1)  # finance records deliveries only
    expect(page.get_by_role("tab", name="Delivery")).to_be_visible()
    _choose(page, "Commitment", re.compile(r"^W7 · "))  # a commitment's ref, purpose, recipient and amount
    _type(page, "Reference", "D-FIN-1")
    _type(page, "Paid on (optional)", "27/11/2026")
    _type(page, "Amount", "£1,234.56")
    page.get_by_role("button", name="Save the delivery").click()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Saved delivery D-FIN-1 against W7.")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "record-as-finance.png"), full_page=True)

    go_to(page, "Finance tables")
    rows = download_committed_and_delivered(page, tmp_path)
    assert rows["2026-27"]["Delivered"] == Decimal("1234.56")
    assert page.locator('[data-testid="stException"]').count() == 0


def _session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "tracker_session"), None)


def _wait_for(condition, what: str, timeout: float = 15) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.2)


def test_a_sign_in_survives_a_reload_and_a_new_tab_until_signing_out(page, browser, app_url):
    open_signed_in(page, app_url, "vera")
    context = page.context
    _wait_for(lambda: _session_cookie(context) is not None, "the session cookie")
    cookie = _session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/" and not cookie["secure"]
    assert page.evaluate("document.cookie").find("tracker_session") == -1  # no script reads it

    page.reload()
    page.wait_for_selector(READY)
    expect(page.get_by_text("Signed in as vera (viewer).")).to_be_visible()
    assert page.get_by_role("button", name="Sign in").count() == 0
    tab = context.new_page()
    tab.goto(f"{app_url}/delivery")
    tab.wait_for_selector(READY)
    expect(tab.get_by_text("Signed in as vera (viewer).")).to_be_visible()
    tab.close()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign out", exact=True).click()
    expect(page.get_by_text("You signed out.")).to_be_visible()
    _wait_for(lambda: _session_cookie(context) is None, "the cookie to be removed")
    page.reload()
    page.wait_for_selector(READY)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    # The cookie, copied before signing out, into another browser: worth nothing.
    other = browser.new_context()
    try:
        other.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "httpOnly", "sameSite")}])
        copied = other.new_page()
        copied.goto(app_url)
        copied.wait_for_selector(READY)
        expect(copied.get_by_role("button", name="Sign in")).to_be_visible()
        assert copied.get_by_test_id("stSidebarNav").count() == 0
    finally:
        other.close()
