"""Sign in: the only page a signed-out visitor is offered.

Every failure reads the same (``accounts.SIGN_IN_FAILED``), whatever the
reason; five in a row lock the account for 15 minutes. The sign-in lasts
while this browser tab's session lives: a reload asks again.
"""

import streamlit as st

from dashboard import auth
from dashboard.components import engine
from tracker import accounts

state = st.session_state


def submit() -> None:
    """Check the username and password (a callback: it runs before app.py
    builds the navigation, so a good sign-in opens the pages at once)."""
    username, password = state.get("sign_in_username", ""), state.get("sign_in_password", "")
    state["sign_in_password"] = ""  # never kept, right or wrong
    try:
        signed_in = accounts.sign_in(username, password, engine=engine())
    except accounts.SignInFailed as failed:
        state["sign_in_failed"] = str(failed)
        return
    state.pop("sign_in_failed", None)
    state.pop(auth.NOTICE, None)
    auth.start(signed_in)


st.title("Sign in")
st.caption("The funding tracker: public funding commitments and what was delivered.")

notice = state.get(auth.NOTICE)
if notice:
    st.info(notice, icon=":material/logout:")
if state.get("sign_in_failed"):
    st.error(state["sign_in_failed"], icon=":material/error:")

with st.form("sign_in_form", border=True, width=420):
    st.text_input("Username", key="sign_in_username", autocomplete="username")
    st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
    st.form_submit_button("Sign in", on_click=submit, type="primary", key="sign_in_submit", icon=":material/login:")

minutes = accounts.idle_minutes()
st.caption(
    "You stay signed in while this browser tab is open: reloading the page or opening a new tab asks you to sign "
    f"in again, and after {minutes} minutes without activity you are signed out. Forgotten your password? Ask an "
    "admin to reset it."
)
