"""One run of the dashboard in a browser: page setup, sign-in, navigation by role, then the page.

Checked on every run (dashboard/auth.py):

- Nobody signed in: every page's address is known (so a link someone sent,
  ``/delivery?fy=2021-22``, never says "Page not found"), and the sign-in
  form is drawn in place of the page. The address is left alone, so the run
  after a good sign-in draws exactly that page with those filters.
- A user who must change a one-time password: only the Account page.
- Anyone else: the pages their roles allow. The pages they may not use stay
  registered but hidden, so a bookmarked address reaches the page's own guard
  (``auth.require``), which says which role it needs and draws nothing else.
"""

from pathlib import Path

import streamlit as st

from dashboard import accessible_style, auth, failure_page, links, page_style, sign_in_form
from dashboard.components import sidebar
from dashboard.navigation import OVERVIEW, PAGES, SIGN_OUT_PATH
from tracker.allocation import prefer_quick_allocation

ICON = Path(__file__).parent / "assets" / "favicon.png"


def _pages(visible) -> dict[str, list]:
    """The navigation's sections: every page, shown when ``visible(page)`` (``visible(None)``: signing out)."""
    sections: dict[str, list] = {}
    for page in PAGES:
        sections.setdefault(page.section, []).append(
            st.Page(
                page.path,
                title=page.title,
                icon=page.icon,
                url_path=page.url_path,
                default=page.path == OVERVIEW,
                visibility="visible" if visible(page) else "hidden",
            )
        )
    sections["You"].append(
        st.Page(
            auth.sign_out_page,
            title="Sign out",
            icon=":material/logout:",
            url_path=SIGN_OUT_PATH,
            visibility="visible" if visible(None) else "hidden",
        )
    )
    return sections


def _opens(url_path: str, signed_in) -> bool:
    """Whether the page at ``url_path`` opens for ``signed_in`` (the Overview's is "" at ``/``)."""
    page = next((page for page in PAGES if page.url_path == url_path or (not url_path and page.path == OVERVIEW)), None)
    return page is not None and auth.allows(signed_in, *page.actions)


def run() -> None:
    prefer_quick_allocation()  # before any figures are loaded (tracker/allocation.py says why)
    # The icon is a file of the app's own: a Material icon's would be fetched from fonts.gstatic.com, and the
    # app makes no request to any outside address (councils' networks often block them).
    st.set_page_config(page_title="Funding tracker", page_icon=str(ICON), layout="wide")
    page_style.apply()
    accessible_style.apply()

    # Everything that reads the database, the sign-in gate included, inside the error boundary: a failure
    # nobody handled is said in the tracker's words, with a reference to the log line (dashboard/failure_page.py).
    with failure_page.boundary():
        failure_page.check_database()
        signed_in = auth.gate()
        auth.browser_cookie()  # the sign-in cookie handed over, or removed after a sign-out
        if signed_in is None:
            st.navigation(_pages(lambda page: False), position="hidden")
            sign_in_form.show()
            return
        if signed_in.must_change_password:
            page = st.navigation(
                [st.Page("app_pages/account.py", title="Account", icon=":material/account_circle:", default=True)]
            )
            auth.sidebar_account(signed_in)
        else:
            page = st.navigation(
                _pages(lambda page: page is None or auth.allows(signed_in, *page.actions)), expanded=True
            )
            if auth.signed_in_by_sso():
                links.return_after_sso()
            st.session_state["_view"] = sidebar()
            auth.sidebar_account(signed_in)
            auth.show_refused()
            if _opens(page.url_path, signed_in):
                links.copy_link_button()  # above every page: its address, record and filters
        page.run()
