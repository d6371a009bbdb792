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
from tracker.core.vocabulary import ROLES
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _
from tracker.records.problems import FieldProblem, ValidationFailed

me = auth.require("manage_users")
db = engine()
state = st.session_state
NO_PROBLEMS = ValidationFailed([])
ROLE_HELP = (
    "viewer: sees every page and chart. reviewer: also records progress statuses and opens review "
    "meetings. finance: also records and imports deliveries. editor: also records and changes "
    "announcements, commitments, deliveries and milestones, and imports. admin: everything, and manages "
    "users, restores deleted records and sees the audit trail."
)


def _one_time(username: str, password: str, why: str) -> None:
    state["users_one_time"] = (username, password, why)


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
        state["users_saved"] = f"Added {username}: they sign in with their organisation account, as {email}."
    else:
        _one_time(username, password, "was added")


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
        _one_time(username, result, "has a new one-time password")
    else:
        state["users_saved"] = message.format(username=username)


def _refuse_for_self(expected: str) -> None:
    state["users_change_problems"] = ValidationFailed([FieldProblem("username", None, expected)])


def save_roles() -> None:
    username, roles = state.get("users_pick"), state.get(f"users_roles_{state.get('users_pick')}") or []
    if username == me.username and "admin" not in roles:
        _refuse_for_self("you cannot take the admin role from yourself: ask another admin")
        return
    _change(accounts.set_roles, "Saved the roles of {username}.", roles=roles)


def disable() -> None:
    if state.get("users_pick") == me.username:
        _refuse_for_self("you cannot disable your own account: ask another admin")
        return
    _change(accounts.disable_user, "Disabled {username}: they are signed out and cannot sign in.")


def enable() -> None:
    _change(accounts.enable_user, "Enabled {username}: they can sign in again.")


def unlock() -> None:
    _change(
        accounts.unlock_user,
        "Unlocked {username}: they can sign in again, and earlier failed sign-ins no longer count.",
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
        state["users_saved"] = f"Revoked the API token of {username}." if revoked else f"{username} had no API token."


def switch_public_api() -> None:
    on = bool(state.get("users_public_api"))
    saved, _saved_as = auth.attempt(
        lambda: api_access.set_public_api(on, engine=db, actor=auth.actor()), "users_public_api_problems"
    )
    if saved:
        state["users_saved"] = (
            "Public mode is on: anyone who can reach the JSON API may read what a viewer sees, without a token."
            if on
            else "Public mode is off: the JSON API needs a token."
        )


st.title(_("Users"))
st.caption(
    "Who may sign in, and what each may do. Users are never deleted: disable an account instead, so the "
    "audit trail always names someone who existed. " + ROLE_HELP
)

one_time = state.pop("users_one_time", None)
if one_time:
    username, password, why = one_time
    st.success(
        f"**{escape_markdown(username)}** {why}. Their one-time password is below: it is shown only "
        "this once. Hand it over privately; they must choose their own password when they first sign in.",
        icon=":material/key:",
    )
    st.code(password, language=None)
api_token = state.pop("users_api_token", None)
if api_token:
    st.success(
        f"**{escape_markdown(api_token[0])}** has a new JSON API token (any earlier one no longer works). It is "
        "below and shown only this once: hand it over privately. It reads the API with their roles.",
        icon=":material/key:",
    )
    st.code(api_token[1], language=None)
saved = state.pop("users_saved", None)
if saved:
    st.success(escape_markdown(saved), icon=":material/check_circle:")

users = accounts.list_users(db)
show_table(
    users,
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config={
        "username": "Username",
        "email": "Email",
        "roles": "Roles",
        "disabled": st.column_config.CheckboxColumn("Disabled"),
        "locked_until": st.column_config.DatetimeColumn("Locked until (UTC)", format="D MMM YYYY, HH:mm"),
        "last_sign_in_at": st.column_config.DatetimeColumn("Last signed in (UTC)", format="D MMM YYYY, HH:mm"),
        "must_change_password": st.column_config.CheckboxColumn("Must change password"),
    },
    key="users_table",
)

# Tracked (a key, a rerun on switching), so a save in a tab stays in that tab.
add_tab, change_tab = st.tabs(["Add a user", "Change a user"], key="users_tab", on_change="rerun")

sso = auth.sso_configured()
USERNAME, ROLES_FIELD = Name("Username", "the username"), Name("Roles", "at least one role", chosen=True)
with add_tab:
    errors = FormErrors(
        state.get("users_add_problems", NO_PROBLEMS),
        {
            "username": Drawn(USERNAME, "users_new_username"),
            "email": Drawn(Name("Email", "the email address"), "users_new_email"),
            "roles": Drawn(ROLES_FIELD, "users_new_roles"),
        },
    )
    errors.summary()
    left, right = st.columns(2)
    with left:
        st.text_input(
            "Username",
            key="users_new_username",
            placeholder="e.g. a.jones",
            help="What they type to sign in: no spaces.",
        )
        errors.beside("username")
        st.text_input(
            "Email (optional)",
            key="users_new_email",
            placeholder="name@council.gov.uk",
            help="The address they sign in with through their organisation account (single sign-on)." if sso else None,
        )
        errors.beside("email")
        if sso:
            st.checkbox("Signs in only with their organisation account (no password)", key="users_new_sso_only")
    with right:
        st.multiselect("Roles", ROLES, key="users_new_roles", placeholder="Choose one or more roles", help=ROLE_HELP)
        errors.beside("roles")
    st.button("Add the user", on_click=add, type="primary", key="users_add", icon=":material/person_add:")

with change_tab:
    names = list(users["username"])
    errors = FormErrors(
        state.get("users_change_problems", NO_PROBLEMS),
        {
            "username": Drawn(Name("User", "a user", chosen=True), "users_pick"),
            "roles": Drawn(ROLES_FIELD, f"users_roles_{state.get('users_pick')}"),
        },
    )
    errors.summary()
    picked = st.selectbox("User", names, index=None, key="users_pick", placeholder="Choose a user")
    errors.beside("username")
    if picked is not None and picked in names:
        row = users.loc[users["username"] == picked].iloc[0]
        held = [r.strip() for r in row["roles"].split(",") if r.strip()]
        roles_key = f"users_roles_{picked}"
        if roles_key not in state:
            state[roles_key] = held
        st.multiselect("Roles", ROLES, key=roles_key, help=ROLE_HELP)
        errors.beside("roles")
        st.button("Save the roles", on_click=save_roles, type="primary", key="users_save_roles")
        st.divider()
        if row["disabled"]:
            st.markdown(f"**{escape_markdown(picked)}** is disabled: they cannot sign in.")
            st.button("Enable the account", on_click=enable, key="users_enable")
        else:
            st.markdown(f"**{escape_markdown(picked)}** can sign in. Disabling signs them out at once.")
            st.button("Disable the account", on_click=disable, key="users_disable")
        locked_until = row["locked_until"]
        if accounts.locked_now(locked_until):
            st.markdown(
                f"**{escape_markdown(picked)}** is locked after many failed sign-ins from many addresses, "
                f"until {locked_until:%-d %b %Y %H:%M} UTC."
            )
            st.button("Unlock the account", on_click=unlock, key="users_unlock")
        st.divider()
        st.markdown(
            "A forgotten password: a reset gives a new one-time password (shown here once) and lifts a lockout."
        )
        st.checkbox(f"Yes, reset the password of {escape_markdown(picked)}", key="users_confirm_reset")
        st.button(
            "Reset the password", on_click=reset, key="users_reset", disabled=not state.get("users_confirm_reset")
        )
        st.divider()
        tokens = api_access.live_tokens(db).set_index("username")
        if picked in tokens.index:
            made = tokens.loc[picked, "token_created_at"]
            used = tokens.loc[picked, "token_last_used_at"]
            last = f"last used {used:%-d %b %Y %H:%M} UTC" if used is not None and used == used else "not used yet"
            st.markdown(
                f"**{escape_markdown(picked)}** has a JSON API token, issued {made:%-d %b %Y %H:%M} UTC, {last}."
            )
        else:
            st.markdown(f"**{escape_markdown(picked)}** has no JSON API token.")
        left, right = st.columns(2)
        left.button("Issue a new API token", on_click=issue_api_token, key="users_issue_token")
        none = picked not in tokens.index
        right.button("Revoke the API token", on_click=revoke_api_token, key="users_revoke_token", disabled=none)

st.divider()
st.header("JSON API")
state["users_public_api"] = api_access.public_api(db)
st.toggle(
    "Public mode: anyone who can reach the API may read what a viewer sees, without a token",
    key="users_public_api",
    on_change=switch_public_api,
    help="Off (the default): every request needs a user's token. Turning it on or off is recorded in the audit trail.",
)
