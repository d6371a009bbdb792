"""The dashboard's entry point: page setup, sign-in, navigation by role, then the chosen page.

Checked on every run (dashboard/auth.py): a signed-out visitor is offered
only the sign-in page; a user who must change a one-time password only the
Account page; anyone else the pages their roles allow. The pages they may
not use stay registered but hidden, so a bookmarked address reaches the
page's own guard (``auth.require``), which says which role it needs and
draws nothing else.
"""

from pathlib import Path

import streamlit as st

from dashboard import auth, failure_page
from dashboard.components import sidebar
from dashboard.navigation import PAGES
from tracker.allocation import prefer_quick_allocation

ICON = Path(__file__).parent / "assets" / "favicon.png"
prefer_quick_allocation()  # before any figures are loaded (tracker/allocation.py says why)

# The icon is a file of the app's own: a Material icon's would be fetched from fonts.gstatic.com, and the
# app makes no request to any outside address (councils' networks often block them).
st.set_page_config(page_title="Funding tracker", page_icon=str(ICON), layout="wide")

# Everything that reads the database, the sign-in gate included, inside the error boundary: a failure
# nobody handled is said in the tracker's words, with a reference to the log line (dashboard/failure_page.py).
with failure_page.boundary():
    failure_page.check_database()
    signed_in = auth.gate()
    auth.browser_cookie()  # the sign-in cookie handed over, or removed after a sign-out
    if signed_in is None:
        page = st.navigation([st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:", default=True)])
    elif signed_in.must_change_password:
        page = st.navigation(
            [st.Page("app_pages/account.py", title="Account", icon=":material/account_circle:", default=True)]
        )
        auth.sidebar_account(signed_in)
    else:
        sections: dict[str, list] = {}
        for section, path, title, icon, actions in PAGES:
            sections.setdefault(section, []).append(
                st.Page(
                    path,
                    title=title,
                    icon=icon,
                    default=path == "app_pages/overview.py",
                    visibility="visible" if auth.allows(signed_in, *actions) else "hidden",
                )
            )
        sections["You"].append(
            st.Page(auth.sign_out_page, title="Sign out", icon=":material/logout:", url_path="sign-out")
        )
        page = st.navigation(sections, expanded=True)  # an admin has 15 entries: show them all
        st.session_state["_view"] = sidebar()
        auth.sidebar_account(signed_in)
        auth.show_refused()
    page.run()
