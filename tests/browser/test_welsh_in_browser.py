"""The tracker in Welsh, in a real browser: a link with ``?lang=cy`` opens the
sign-in page in Welsh, survives signing in, and the pages then say Welsh in
their document titles, headings, a chart's axis and a refused form's errors;
the document's ``lang`` attribute says ``cy`` throughout, Streamlit's own
"skip to main content" link is in Welsh, and the switch turns all of it back
to English.

The expected words are read from the catalogue (``speaking("cy")``), and each
is checked to differ from the English, so a message left untranslated fails.
A user of this test's own signs in: the switch saves the language chosen with
the account, and the other browser tests' users must keep English.
"""

from __future__ import annotations

import pytest

from dashboard.form_errors import NOTHING_SAVED
from dashboard.form_errors import TITLE as ERROR_SUMMARY_TITLE
from dashboard.navigation import PAGES
from tests.browser.conftest import PASSWORD, READY, wait_for_sign_in_cookie
from tracker.figures.chart_style import YEAR_AXIS
from tracker.i18n import _, speaking
from tracker.records.permissions import Actor

pytestmark = pytest.mark.markup

USERNAME = "gwen"
SHOWN = ("overview", "delivery", "finance", "record")  # url paths of pages whose titles are checked


def _welsh(message: str, **values: object) -> str:
    with speaking("cy"):
        said = _(message, **values)
    assert said != _(message, **values), f"no Welsh in the catalogue for {message!r}"
    return said


def _document_title(page_title: str) -> str:
    return _welsh("{page} - Funding tracker", page=_welsh(page_title))


@pytest.fixture(scope="module")
def welsh_user(app_env: dict[str, str]) -> str:
    from db.session import make_engine
    from tracker import accounts

    engine = make_engine(app_env["TRACKER_DATABASE_URL"])
    try:
        accounts.add_user(
            USERNAME, ["editor"], engine=engine, password=PASSWORD, actor=Actor("setup", frozenset({"admin"}))
        )
    finally:
        engine.dispose()
    return USERNAME


def test_a_welsh_link_signs_in_and_speaks_welsh_until_switched_back(page, app_url, welsh_user):
    from playwright.sync_api import expect

    page.goto(f"{app_url}/?lang=cy")
    page.wait_for_selector(READY)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page).to_have_title(_welsh("{page} - Funding tracker", page=_welsh("Sign in")))
    page.get_by_role("textbox", name=_welsh("Username")).fill(welsh_user)
    page.get_by_role("textbox", name=_welsh("Password")).fill(PASSWORD)
    page.get_by_role("button", name=_welsh("Sign in")).click()

    # The address's language survived the sign-in: the Overview, in Welsh.
    overview = next(shown for shown in PAGES if shown.url_path == "overview")
    expect(page.get_by_role("heading", name=_welsh(overview.title), exact=True, level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    wait_for_sign_in_cookie(page)  # the pages below are opened by address, each a new session
    # Streamlit's own skip link in Welsh; each language's name in the switch marked as in its language.
    expect(page.get_by_test_id("stSkipToContent")).to_have_text(_welsh("Skip to main content"))
    switch = page.get_by_test_id("stSidebar").locator(".st-key-language_switch")
    expect(switch.get_by_role("radio", name="Cymraeg")).to_have_attribute("lang", "cy")
    expect(switch.get_by_role("radio", name="English")).to_have_attribute("lang", "en")

    # A chart's axis, drawn by Plotly in the browser.
    axis = page.locator(".js-plotly-plot .ytitle").first
    expect(axis).to_have_text(_welsh("Pounds"))
    expect(page.locator(".js-plotly-plot .xtitle").first).to_have_text(_welsh(YEAR_AXIS))

    # Each page's document title and heading, in Welsh.
    for shown in (p for p in PAGES if p.url_path in SHOWN):
        page.goto(f"{app_url}/{shown.url_path}?lang=cy")
        page.wait_for_selector(READY)
        expect(page.get_by_role("heading", name=_welsh(shown.title), exact=True, level=1)).to_be_visible()
        expect(page).to_have_title(_document_title(shown.title))
        expect(page.locator("html")).to_have_attribute("lang", "cy")

    # A refused form (the Record page, last of SHOWN): the error summary and a field's message in Welsh.
    page.get_by_role("button", name=_welsh("Save the announcement")).click()
    summary = page.locator(".tracker-error-summary")
    expect(summary.get_by_role("heading", name=_welsh(ERROR_SUMMARY_TITLE))).to_be_visible()
    expect(summary).to_contain_text(_welsh(NOTHING_SAVED))
    expect(summary.get_by_role("link").first).to_be_visible()  # each problem links to its field

    # The switch turns it back to English, and says so to screen readers.
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Record", exact=True, level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Record - Funding tracker")
    expect(page.get_by_test_id("stSkipToContent")).to_have_text("Skip to main content")
