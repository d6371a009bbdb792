"""Account: who you are signed in as, change your password, sign out.

A user given a one-time password (a new account, or a reset) is offered only
this page until they choose their own.
"""

import streamlit as st

from dashboard import auth
from dashboard.components import engine
from dashboard.error_sentences import Name
from dashboard.failure_page import guarded
from dashboard.form_errors import Drawn, FormErrors
from tracker import accounts
from tracker.core.vocabulary import ROLE_LABELS
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _, ngettext
from tracker.records.problems import FieldProblem, ValidationFailed

me = auth.require()
state = st.session_state
NO_PROBLEMS = ValidationFailed([])
# The password form's fields, by their names in a refused change's problems.
PASSWORD_FIELDS = {
    "current_password": Drawn(Name(_("Current password"), _("your current password")), "account_current"),
    "new_password": Drawn(Name(_("New password"), _("a new password")), "account_new"),
    "new_password_again": Drawn(Name(_("New password again"), _("the new password again")), "account_again"),
}


@guarded
def change_password() -> None:
    signed_in = auth.who()
    if signed_in is None:  # signed out since the form was drawn: app.py says why
        return
    current, new, again = (state.get(k, "") for k in ("account_current", "account_new", "account_again"))
    try:
        if new != again:
            raise ValidationFailed([FieldProblem("new_password_again", None, "expected the same new password twice")])
        with auth.in_the_persons_language():  # what the tracker says of the new password, in their language
            accounts.change_password(signed_in.username, current, new, engine=engine(), keep_session=auth.session_id())
    except ValidationFailed as failed:
        state["account_problems"] = failed
    else:
        state.pop("account_problems", None)
        state["account_changed"] = True  # said when the page is drawn, in the language in use
    finally:  # passwords are never kept in the session, right or wrong
        state.update(account_current="", account_new="", account_again="")


st.title(_("Account"))
held = ", ".join(_(label) for role, label in ROLE_LABELS.items() if role in me.roles)
st.markdown(
    ngettext(
        "Signed in as **{username}** with the {roles} role.",
        "Signed in as **{username}** with the {roles} roles.",
        len(me.roles),
        username=escape_markdown(me.username),
        roles=held,
    )
)

changed = state.pop("account_changed", None)
if changed:
    st.success(
        _(
            "Your password is changed. Use it the next time you sign in. Anywhere else you were signed in "
            "with the old one is signed out."
        ),
        icon=":material/check_circle:",
    )
if me.must_change_password:
    st.warning(
        _("You signed in with a one-time password. Choose your own password to open the other pages."),
        icon=":material/key:",
    )

if auth.signed_in_by_sso():
    st.info(
        _(
            "You signed in with your organisation account ({email}): "
            "its password is kept by your organisation, not by the funding tracker.",
            email=escape_markdown(auth.sso_email() or ""),
        ),
        icon=":material/badge:",
    )
else:
    st.header(_("Change your password"))
    errors = FormErrors(state.get("account_problems", NO_PROBLEMS), PASSWORD_FIELDS)
    with st.form("account_password_form", width=480):
        errors.summary()
        st.text_input(_("Current password"), type="password", key="account_current", autocomplete="current-password")
        errors.beside("current_password")
        st.text_input(_("New password"), type="password", key="account_new", autocomplete="new-password")
        errors.beside("new_password")
        st.text_input(_("New password again"), type="password", key="account_again", autocomplete="new-password")
        errors.beside("new_password_again")
        st.form_submit_button(_("Change my password"), on_click=change_password, type="primary", key="account_change")
    st.caption(
        ngettext(
            "At least {n} character, not one of the most common passwords and not "
            "containing your username. A short phrase of ordinary words is easy to remember and hard to guess.",
            "At least {n} characters, not one of the most common passwords and not "
            "containing your username. A short phrase of ordinary words is easy to remember and hard to guess.",
            accounts.MIN_PASSWORD_LENGTH,
        )
    )

st.header(_("Sign out"))
if auth.signed_in_by_sso():
    st.caption(
        ngettext(
            "You are signed out after {n} minute without activity. Signing out here "
            "signs you out of your organisation account in this browser too, where your organisation allows it.",
            "You are signed out after {n} minutes without activity. Signing out here "
            "signs you out of your organisation account in this browser too, where your organisation allows it.",
            accounts.idle_minutes(),
        )
    )
elif auth.remembered():
    st.caption(
        ngettext(
            "You stay signed in, in every tab of this browser, until you sign out or {n} "
            "minute passes without activity. Signing out here signs out every tab of this browser.",
            "You stay signed in, in every tab of this browser, until you sign out or {n} "
            "minutes pass without activity. Signing out here signs out every tab of this browser.",
            accounts.idle_minutes(),
        )
    )
else:  # served without the tracker's routes (a plain `streamlit run dashboard/app.py`): no cookie
    st.caption(
        ngettext(
            "You stay signed in while this browser tab is open, until {n} minute passes "
            "without activity. Reloading the page signs you out too.",
            "You stay signed in while this browser tab is open, until {n} minutes pass "
            "without activity. Reloading the page signs you out too.",
            accounts.idle_minutes(),
        )
    )
st.button(_("Sign out"), on_click=auth.sign_out, key="account_sign_out", icon=":material/logout:")
