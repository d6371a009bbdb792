"""Who is signed in to this browser session, and what they may do.

A local-account sign-in lives in ``st.session_state`` (Streamlit cannot set
cookies, TESTING.md): it lasts while the browser tab's session lives, and a
reload asks again. Only the user's id is kept; everything else is read from
the database on every use (``accounts.current``), so a role change or a
disabled account takes effect on the very next run.

- ``gate()`` (app.py, once per run): signs out an idle session (with a
  message), or one whose account was disabled, and notes the activity.
- ``require(*actions)`` (first line of each page): refuses the page, and
  stops it, unless the user may do one of ``actions``.
- ``actor()`` (every write): the ``services.Actor`` the audit trail names.
  Widget callbacks run *before* app.py, so ``actor()`` checks the session
  itself (signed in, not idle, account active) and raises
  ``services.PermissionDenied`` when it is not good; the service checks the
  role.
- ``may(*actions)``: for showing or hiding a part of a page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboard.components import engine
from db.models import ROLES
from tracker import accounts, services
from tracker.register import escape_markdown

USER_ID = "user_id"  # st.session_state key: the signed-in user's id
LAST_SEEN = "last_seen"  # st.session_state key: UTC time of the last run while signed in
NOTICE = "auth_notice"  # why the session was signed out, shown on the sign-in page
REFUSED = "auth_refused"  # a write refused in a callback, shown above the page


def _now() -> datetime:
    # The real clock: TRACKER_TODAY moves as-at figures, never the idle timeout.
    return datetime.now(UTC)


def who() -> accounts.SignedIn | None:
    """The signed-in user as the database has them now; None if nobody is
    signed in, the session has been idle too long, or the account is gone or
    disabled. No side effects (``gate`` does the signing out)."""
    user_id = st.session_state.get(USER_ID)
    if user_id is None or accounts.is_idle(st.session_state.get(LAST_SEEN), _now()):
        return None
    return accounts.current(user_id, engine=engine())


def gate() -> accounts.SignedIn | None:
    """Once per run, before the navigation: the signed-in user, or None.

    Signs an idle session out (``TRACKER_IDLE_MINUTES``, 30 by default) and a
    session whose account was disabled or removed, saying why; otherwise
    notes this run as activity.
    """
    state = st.session_state
    user_id = state.get(USER_ID)
    if user_id is None:
        return None
    now = _now()
    if accounts.is_idle(state.get(LAST_SEEN), now):
        minutes = accounts.idle_minutes()
        sign_out(f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity. "
                 "Sign in again to carry on.")
        return None
    signed_in = accounts.current(user_id, engine=engine())
    if signed_in is None:
        sign_out("You were signed out: your account is no longer active. Ask an admin if you think this is "
                 "a mistake.")
        return None
    state[LAST_SEEN] = now
    return signed_in


def start(signed_in: accounts.SignedIn) -> None:
    """Begin a signed-in session (after ``accounts.sign_in`` succeeded)."""
    st.session_state[USER_ID] = signed_in.user_id
    st.session_state[LAST_SEEN] = _now()


def sign_out(notice: str = "You signed out.") -> None:
    """Forget everything this session held (what was typed into forms too),
    keeping only the reason for the sign-in page to show."""
    st.session_state.clear()
    st.session_state[NOTICE] = notice


def roles_needed(*actions: str) -> tuple[str, ...]:
    """The roles any one of which allows one of ``actions``, in the usual order."""
    wanted = {role for action in actions for role in services.PERMISSIONS[action]}
    return tuple(role for role in ROLES if role in wanted)


def allows(signed_in: accounts.SignedIn | None, *actions: str) -> bool:
    """Whether ``signed_in`` may do one of ``actions`` (no actions: signed in is enough)."""
    if signed_in is None:
        return False
    return not actions or any(services.holds(signed_in.roles, services.PERMISSIONS[a]) for a in actions)


def may(*actions: str) -> bool:
    """Whether the signed-in user may do one of ``actions`` now."""
    return allows(who(), *actions)


def refusal(*actions: str) -> str:
    roles = " or ".join(roles_needed(*actions))
    return f"You do not have access to this page (it needs the {roles} role)."


def require(*actions: str) -> accounts.SignedIn:
    """The first call on every page: the signed-in user, if they may do one
    of ``actions`` (no actions: any signed-in user); otherwise say so and
    stop the page, so nothing of it is drawn."""
    signed_in = who()
    if signed_in is None:
        st.warning("Sign in to see this page.", icon=":material/lock:")
        st.stop()
    if not allows(signed_in, *actions):
        st.error(f"{refusal(*actions)} You are signed in as {escape_markdown(signed_in.username)} with the "
                 f"{_roles_text(signed_in.roles)} role{'s' if len(signed_in.roles) != 1 else ''}. An admin can "
                 "change your roles.", icon=":material/block:")
        st.stop()
    return signed_in


def actor() -> services.Actor:
    """Who the audit trail names for a write made now, with their roles as
    the database has them now. Raises ``services.PermissionDenied`` if the
    session is signed out (idle, disabled, or never signed in)."""
    signed_in = who()
    if signed_in is None:
        raise services.PermissionDenied("You are not signed in (or were signed out after a time without activity): "
                                        "nothing was saved. Sign in again.")
    return signed_in.actor


def refused(err: Exception) -> None:
    """Remember a write refused in a callback, for app.py to show above the page."""
    st.session_state[REFUSED] = f"Nothing was saved: {err}"


def show_refused() -> None:
    message = st.session_state.pop(REFUSED, None)
    if message:
        st.error(message, icon=":material/block:")


def _roles_text(roles) -> str:
    return ", ".join(role for role in ROLES if role in roles)


def sidebar_account(signed_in: accounts.SignedIn) -> None:
    """Who is signed in, at the foot of the sidebar (signing out is the
    "Sign out" entry of the navigation, and a button on the Account page)."""
    with st.sidebar:
        st.divider()
        st.caption(f"Signed in as **{escape_markdown(signed_in.username)}** ({_roles_text(signed_in.roles)}).")


def sign_out_page() -> None:
    """The navigation's "Sign out" entry: sign out, then show the sign-in page."""
    sign_out()
    st.rerun()
