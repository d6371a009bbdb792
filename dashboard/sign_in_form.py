"""Sign in: what a signed-out visitor sees, at whatever address they opened.

``dashboard/app.py`` shows it in place of the page the address names
(``/delivery?fy=2021-22``), and leaves the address alone: once signed in,
the same run draws exactly that page with those filters.

With single sign-on set up (an ``[auth]`` section in
``.streamlit/secrets.toml``), the first choice is the organisation's account
(``st.login``); an address the tracker does not know is named, with no
access, and a way to sign out of it and try another. Local accounts sign in
below it, as they do without single sign-on.

Every failed password reads the same (``accounts.SIGN_IN_FAILED``), whatever
the reason; repeated failures from one address make the next attempt from it
wait, saying how long (tracker/sign_in_guard.py). A password
sign-in is a session in the database that the browser holds a cookie for
(dashboard/auth.py): reloading, another tab or another server of the same
tracker keeps it, until the person signs out or is idle too long.
"""

import streamlit as st

from dashboard import auth, language, links
from dashboard.components import engine
from dashboard.failure_page import guarded
from dashboard.navigation import STATEMENT
from tracker import accounts
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _

state = st.session_state


@guarded  # a database that cannot be reached or written is said in the tracker's words
def submit() -> None:
    """Check the username and password (a callback: it runs before app.py
    builds the navigation, so a good sign-in opens the pages at once)."""
    username, password = state.get("sign_in_username", ""), state.get("sign_in_password", "")
    state["sign_in_password"] = ""  # never kept, right or wrong
    try:
        signed_in = accounts.sign_in(username, password, engine=engine(), client=auth.client_address())
    except accounts.SignInFailed as failed:
        state["sign_in_failed"] = failed  # said when the form is drawn, in the language of that run
        return
    state.pop("sign_in_failed", None)
    state.pop(auth.NOTICE, None)
    auth.start_password_session(signed_in)


def show() -> None:
    """The sign-in form, and how long a sign-in lasts."""
    st.title(_("Sign in"))
    st.caption(_("The funding tracker: public funding commitments and what was delivered."))
    language.switch()

    notice = auth.notice()
    if notice:
        st.info(notice, icon=":material/logout:")

    if auth.sso_configured():
        refused = auth.sso_refusal()
        if refused:
            st.error(escape_markdown(refused), icon=":material/no_accounts:")  # it quotes what the provider sent
            st.button(
                _("Sign out of that account"),
                on_click=st.logout,
                key="sso_sign_out",
                icon=":material/logout:",
                help=_("To sign in with a different organisation account."),
            )
        else:
            links.remember_address_for_sso()  # the identity provider sends the browser back to /
            if st.button(
                _("Sign in with your organisation account"), type="primary", key="sso_sign_in", icon=":material/badge:"
            ):
                st.login()
        st.caption(_("Or, if you were given a username and password for the funding tracker:"))

    failed = state.get("sign_in_failed")
    if isinstance(failed, accounts.SignInFailed):
        st.error(failed.said(), icon=":material/error:")

    with st.form("sign_in_form", border=True, width=420):
        st.text_input(_("Username"), key="sign_in_username", autocomplete="username")
        st.text_input(_("Password"), type="password", key="sign_in_password", autocomplete="current-password")
        st.form_submit_button(
            _("Sign in"),
            on_click=submit,
            type="secondary" if auth.sso_configured() else "primary",
            key="sign_in_submit",
            icon=":material/login:",
        )

    minutes = accounts.idle_minutes()
    if auth.sso_configured():
        if auth.remembered():
            lasts = _(
                "With your organisation account you stay signed in, in every tab of this browser, until you sign out "
                "or your organisation's sign-in expires. With a username and password you stay signed in, in every "
                "tab of this browser, until you sign out (signing out in one tab signs out them all). Either way, "
                "{minutes} minutes without activity signs you out. Forgotten your password? Ask an admin to reset it.",
                minutes=minutes,
            )
        else:  # run without the tracker's routes (e.g. by Streamlit's test harness): no cookie
            lasts = _(
                "With your organisation account you stay signed in, in every tab of this browser, until you sign out "
                "or your organisation's sign-in expires. With a username and password you stay signed in while this "
                "browser tab is open: reloading the page or opening a new tab asks you to sign in again. Either way, "
                "{minutes} minutes without activity signs you out. Forgotten your password? Ask an admin to reset it.",
                minutes=minutes,
            )
    elif auth.remembered():
        lasts = _(
            "You stay signed in, in every tab of this browser, until you sign out (signing out in one tab signs out "
            "them all); after {minutes} minutes without activity you are signed out. Forgotten your password? Ask an "
            "admin to reset it.",
            minutes=minutes,
        )
    else:
        lasts = _(
            "You stay signed in while this browser tab is open: reloading the page or opening a new tab asks you to "
            "sign in again; after {minutes} minutes without activity you are signed out. Forgotten your password? "
            "Ask an admin to reset it.",
            minutes=minutes,
        )
    st.caption(lasts)
    st.page_link(STATEMENT.path, label=_(STATEMENT.title), icon=STATEMENT.icon)
