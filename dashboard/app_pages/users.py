"""Users (admins): who may sign in and with which roles.

Add a user (a one-time password is generated and shown here once: hand it
over; it must be changed at the first sign-in; with single sign-on set up, a
user may instead sign in only with their organisation account, by email), change roles, disable or
enable an account, reset a forgotten password. Users are never deleted, so
the audit trail always names someone who existed. Every change goes through
``tracker.accounts`` (audited; admin only).
"""

from collections.abc import Callable

import streamlit as st

from dashboard import auth
from dashboard.components import engine
from dashboard.error_sentences import Name
from dashboard.form_errors import Drawn, FormErrors
from dashboard.tables import show_table
from tracker import accounts
from tracker.api import access as api_access
from tracker.core.vocabulary import ROLE_LABELS, ROLES
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _
from tracker.i18n.dates import long_moment
from tracker.records.problems import FieldProblem, ValidationFailed

me = auth.require("manage_users")
db = engine()
state = st.session_state
NO_PROBLEMS = ValidationFailed([])
# Messages a callback keeps (msgid and values) are said when the page is drawn, in the language in use.
ROLE_HELP = N_(
    "viewer: sees every page and chart. reviewer: also records progress statuses and opens review "
    "meetings. finance: also records and imports deliveries. editor: also records and changes "
    "announcements, commitments, deliveries and milestones, and imports. admin: everything, and manages "
    "users, restores deleted records and sees the audit trail."
)


ONE_TIME = {
    "added": N_(
        "**{username}** was added. Their one-time password is below: it is shown only this once. Hand it "
        "over privately; they must choose their own password when they first sign in."
    ),
    "reset": N_(
        "**{username}** has a new one-time password. It is below: it is shown only this once. Hand it "
        "over privately; they must choose their own password when they first sign in."
    ),
}


def _one_time(username: str, password: str, why: str) -> None:
    state["users_one_time"] = (username, password, why)


def _saved(message: str, **values: object) -> None:
    state["users_saved"] = (message, values)


def add() -> None:
    username = state.get("users_new_username", "").strip()
    email, sso_only = state.get("users_new_email", "").strip(), bool(state.get("users_new_sso_only"))
    saved, password = auth.attempt(
        lambda: accounts.add_user(
            username, state.get("users_new_roles") or [], engine=db, email=email, actor=auth.actor(), sso_only=sso_only
        ),
        "users_add_problems",
    )
    if not saved:
        return
    state.update(users_new_username="", users_new_email="", users_new_roles=[], users_new_sso_only=False)
    if password is None:
        _saved(
            N_("Added {username}: they sign in with their organisation account, as {email}."),
            username=username,
            email=email,
        )
    else:
        _one_time(username, password, "added")


def _change(use_case: Callable[..., object], message: str, **kwargs: object) -> None:
    username: str | None = state.get("users_pick")
    if username is None:  # not reached: the buttons that change a user show once one is picked
        return
    saved, result = auth.attempt(
        lambda: use_case(username, engine=db, actor=auth.actor(), **kwargs), "users_change_problems"
    )
    if not saved:
        return
    if use_case is accounts.reset_password and isinstance(result, str):  # the new one-time password
        _one_time(username, result, "reset")
    else:
        _saved(message, username=username)


def _refuse_for_self(expected: str) -> None:
    state["users_change_problems"] = ValidationFailed([FieldProblem("username", None, expected)])


def save_roles() -> None:
    username, roles = state.get("users_pick"), state.get(f"users_roles_{state.get('users_pick')}") or []
    if username == me.username and "admin" not in roles:
        _refuse_for_self(N_("you cannot take the admin role from yourself: ask another admin"))
        return
    _change(accounts.set_roles, N_("Saved the roles of {username}."), roles=roles)


def disable() -> None:
    if state.get("users_pick") == me.username:
        _refuse_for_self(N_("you cannot disable your own account: ask another admin"))
        return
    _change(accounts.disable_user, N_("Disabled {username}: they are signed out and cannot sign in."))


def enable() -> None:
    _change(accounts.enable_user, N_("Enabled {username}: they can sign in again."))


def unlock() -> None:
    _change(
        accounts.unlock_user,
        N_("Unlocked {username}: they can sign in again, and earlier failed sign-ins no longer count."),
    )


def reset() -> None:
    _change(accounts.reset_password, "")
    state["users_confirm_reset"] = False


def issue_api_token() -> None:
    username = state.get("users_pick")
    saved, token = auth.attempt(
        lambda: api_access.issue_token(username or "", engine=db, actor=auth.actor()), "users_change_problems"
    )
    if saved and token:
        state["users_api_token"] = (username, token)


def revoke_api_token() -> None:
    username = state.get("users_pick")
    saved, revoked = auth.attempt(
        lambda: api_access.revoke_token(username or "", engine=db, actor=auth.actor()), "users_change_problems"
    )
    if saved:
        _saved(
            N_("Revoked the API token of {username}.") if revoked else N_("{username} had no API token."),
            username=username,
        )


def switch_public_api() -> None:
    on = bool(state.get("users_public_api"))
    saved, _saved_as = auth.attempt(
        lambda: api_access.set_public_api(on, engine=db, actor=auth.actor()), "users_public_api_problems"
    )
    if saved:
        _saved(
            N_("Public mode is on: anyone who can reach the JSON API may read what a viewer sees, without a token.")
            if on
            else N_("Public mode is off: the JSON API needs a token.")
        )


st.title(_("Users"))
st.caption(
    _(
        "Who may sign in, and what each may do. Users are never deleted: disable an account instead, so the "
        "audit trail always names someone who existed."
    )
    + " "
    + _(ROLE_HELP)
)

one_time = state.pop("users_one_time", None)
if one_time:
    username, password, why = one_time
    st.success(
        _(ONE_TIME[why], username=escape_markdown(username)),
        icon=":material/key:",
    )
    st.code(password, language=None)
api_token = state.pop("users_api_token", None)
if api_token:
    st.success(
        _(
            "**{username}** has a new JSON API token (any earlier one no longer works). It is "
            "below and shown only this once: hand it over privately. It reads the API with their roles.",
            username=escape_markdown(api_token[0]),
        ),
        icon=":material/key:",
    )
    st.code(api_token[1], language=None)
saved = state.pop("users_saved", None)
if saved:
    message, values = saved
    st.success(escape_markdown(_(message, **values)), icon=":material/check_circle:")

users = accounts.list_users(db)
show_table(
    users,
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config={
        "username": _("Username"),
        "email": _("Email"),
        "roles": _("Roles"),
        "disabled": st.column_config.CheckboxColumn(_("Disabled")),
        "locked_until": st.column_config.DatetimeColumn(_("Locked until (UTC)"), format="D MMM YYYY, HH:mm"),
        "last_sign_in_at": st.column_config.DatetimeColumn(_("Last signed in (UTC)"), format="D MMM YYYY, HH:mm"),
        "must_change_password": st.column_config.CheckboxColumn(_("Must change password")),
    },
    key="users_table",
)

# Tracked (a key, a rerun on switching), so a save in a tab stays in that tab.
add_tab, change_tab = st.tabs([_("Add a user"), _("Change a user")], key="users_tab", on_change="rerun")

sso = auth.sso_configured()
USERNAME = Name(_("Username"), _("the username"))
ROLES_FIELD = Name(_("Roles"), _("at least one role"), chosen=True)


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role])


with add_tab:
    errors = FormErrors(
        state.get("users_add_problems", NO_PROBLEMS),
        {
            "username": Drawn(USERNAME, "users_new_username"),
            "email": Drawn(Name(_("Email"), _("the email address")), "users_new_email"),
            "roles": Drawn(ROLES_FIELD, "users_new_roles"),
        },
    )
    errors.summary()
    left, right = st.columns(2)
    with left:
        st.text_input(
            _("Username"),
            key="users_new_username",
            placeholder=_("e.g. {example}", example="a.jones"),
            help=_("What they type to sign in: no spaces."),
        )
        errors.beside("username")
        st.text_input(
            _("Email (optional)"),
            key="users_new_email",
            placeholder=_("name@council.gov.uk"),
            help=_("The address they sign in with through their organisation account (single sign-on).")
            if sso
            else None,
        )
        errors.beside("email")
        if sso:
            st.checkbox(_("Signs in only with their organisation account (no password)"), key="users_new_sso_only")
    with right:
        st.multiselect(
            _("Roles"),
            ROLES,
            format_func=role_label,
            key="users_new_roles",
            placeholder=_("Choose one or more roles"),
            help=_(ROLE_HELP),
        )
        errors.beside("roles")
    st.button(_("Add the user"), on_click=add, type="primary", key="users_add", icon=":material/person_add:")

with change_tab:
    names = list(users["username"])
    errors = FormErrors(
        state.get("users_change_problems", NO_PROBLEMS),
        {
            "username": Drawn(Name(_("User"), _("a user"), chosen=True), "users_pick"),
            "roles": Drawn(ROLES_FIELD, f"users_roles_{state.get('users_pick')}"),
        },
    )
    errors.summary()
    picked = st.selectbox(_("User"), names, index=None, key="users_pick", placeholder=_("Choose a user"))
    errors.beside("username")
    if picked is not None and picked in names:
        row = users.loc[users["username"] == picked].iloc[0]
        held = [r.strip() for r in row["roles"].split(",") if r.strip()]
        roles_key = f"users_roles_{picked}"
        if roles_key not in state:
            state[roles_key] = held
        st.multiselect(_("Roles"), ROLES, format_func=role_label, key=roles_key, help=_(ROLE_HELP))
        errors.beside("roles")
        st.button(_("Save the roles"), on_click=save_roles, type="primary", key="users_save_roles")
        st.divider()
        if row["disabled"]:
            st.markdown(_("**{username}** is disabled: they cannot sign in.", username=escape_markdown(picked)))
            st.button(_("Enable the account"), on_click=enable, key="users_enable")
        else:
            st.markdown(
                _("**{username}** can sign in. Disabling signs them out at once.", username=escape_markdown(picked))
            )
            st.button(_("Disable the account"), on_click=disable, key="users_disable")
        locked_until = row["locked_until"]
        if accounts.locked_now(locked_until):
            st.markdown(
                _(
                    "**{username}** is locked after many failed sign-ins from many addresses, until {moment} UTC.",
                    username=escape_markdown(picked),
                    moment=long_moment(locked_until),
                )
            )
            st.button(_("Unlock the account"), on_click=unlock, key="users_unlock")
        st.divider()
        st.markdown(
            _("A forgotten password: a reset gives a new one-time password (shown here once) and lifts a lockout.")
        )
        st.checkbox(
            _("Yes, reset the password of {username}", username=escape_markdown(picked)), key="users_confirm_reset"
        )
        st.button(
            _("Reset the password"), on_click=reset, key="users_reset", disabled=not state.get("users_confirm_reset")
        )
        st.divider()
        tokens = api_access.live_tokens(db).set_index("username")
        if picked in tokens.index:
            made = tokens.loc[picked, "token_created_at"]
            used = tokens.loc[picked, "token_last_used_at"]
            who = escape_markdown(picked)
            if used is not None and used == used:
                st.markdown(
                    _(
                        "**{username}** has a JSON API token, issued {made} UTC, last used {used} UTC.",
                        username=who,
                        made=long_moment(made),
                        used=long_moment(used),
                    )
                )
            else:
                st.markdown(
                    _(
                        "**{username}** has a JSON API token, issued {made} UTC, not used yet.",
                        username=who,
                        made=long_moment(made),
                    )
                )
        else:
            st.markdown(_("**{username}** has no JSON API token.", username=escape_markdown(picked)))
        left, right = st.columns(2)
        left.button(_("Issue a new API token"), on_click=issue_api_token, key="users_issue_token")
        none = picked not in tokens.index
        right.button(_("Revoke the API token"), on_click=revoke_api_token, key="users_revoke_token", disabled=none)

st.divider()
st.header(_("JSON API"))
state["users_public_api"] = api_access.public_api(db)
st.toggle(
    _("Public mode: anyone who can reach the API may read what a viewer sees, without a token"),
    key="users_public_api",
    on_change=switch_public_api,
    help=_(
        "Off (the default): every request needs a user's token. Turning it on or off is recorded in the audit trail."
    ),
)
