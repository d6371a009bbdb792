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
from typing import Literal

import streamlit as st

from dashboard import accessible_style, auth, failure_page, language, links, page_style, sign_in_form
from dashboard.components import sidebar
from dashboard.navigation import OVERVIEW, PAGES, SIGN_OUT_PATH, STATEMENT
from tracker.allocation import prefer_quick_allocation
from tracker.i18n import _

ICON = Path(__file__).parent / "assets" / "favicon.png"


def _page(page, visibility: Literal["visible", "hidden"]) -> st.Page:
    return st.Page(
        page.path,
        title=_(page.title),
        icon=page.icon,
        url_path=page.url_path,
        default=page.path == OVERVIEW,
        visibility=visibility,
    )


def _pages(visible) -> dict[str, list]:
    """The navigation's sections: every page, shown when ``visible(page)`` (``visible(None)``: signing out)."""
    sections: dict[str, list] = {}
    for page in PAGES:
        sections.setdefault(_(page.section), []).append(_page(page, "visible" if visible(page) else "hidden"))
    sections[_("You")].append(
        st.Page(
            auth.sign_out_page,
            title=_("Sign out"),
            icon=":material/logout:",
            url_path=SIGN_OUT_PATH,
            visibility="visible" if visible(None) else "hidden",
        )
    )
    sections[_("You")].append(_page(STATEMENT, "hidden"))
    return sections


def _opens(url_path: str, signed_in) -> bool:
    """Whether the page at ``url_path`` opens for ``signed_in`` (the Overview's is "" at ``/``)."""
    page = next((page for page in PAGES if page.url_path == url_path or (not url_path and page.path == OVERVIEW)), None)
    return page is not None and auth.allows(signed_in, *page.actions)


def run() -> None:
    prefer_quick_allocation()  # before any figures are loaded (tracker/allocation.py says why)
    # The icon is a file of the app's own: a Material icon's would be fetched from fonts.gstatic.com, and the
    # app makes no request to any outside address (councils' networks often block them).
    language.choose(None)  # for anything said before the sign-in is known; again below, once it is
    st.set_page_config(page_title=_("Funding tracker"), page_icon=str(ICON), layout="wide")
    page_style.apply()
    accessible_style.apply()

    # Everything that reads the database, the sign-in gate included, inside the error boundary: a failure
    # nobody handled is said in the tracker's words, with a reference to the log line (dashboard/failure_page.py).
    with failure_page.boundary():
        failure_page.check_database()
        signed_in = auth.gate()
        auth.browser_cookie()  # the sign-in cookie handed over, or removed after a sign-out
        spoken = language.choose(signed_in)
        language.write_to_address(spoken)
        if signed_in is None:
            page = st.navigation(_pages(lambda page: False), position="hidden")
            if page.url_path == STATEMENT.url_path:  # open to everyone
                st.set_page_config(page_title=_("{page} - Funding tracker", page=page.title))
                language.switch()
                page.run()
                return
            st.set_page_config(page_title=_("{page} - Funding tracker", page=_("Sign in")))
            sign_in_form.show()
            return
        if signed_in.must_change_password:
            page = st.navigation(
                [st.Page("app_pages/account.py", title=_("Account"), icon=":material/account_circle:", default=True)]
            )
            with st.sidebar:
                language.switch()
            auth.sidebar_account(signed_in)
        else:
            page = st.navigation(
                _pages(lambda page: page is None or auth.allows(signed_in, *page.actions)), expanded=True
            )
            with st.sidebar:
                language.switch()
            if auth.signed_in_by_sso():
                links.return_after_sso()
            st.session_state["_view"] = sidebar()
            auth.sidebar_account(signed_in)
            with st.sidebar:
                st.page_link(STATEMENT.path, label=_(STATEMENT.title), icon=STATEMENT.icon)
            auth.show_refused()
            if _opens(page.url_path, signed_in):
                links.copy_link_button()  # above every page: its address, record and filters
        st.set_page_config(page_title=_("{page} - Funding tracker", page=page.title))
        page.run()
