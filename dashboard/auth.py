"""Who is signed in to this browser session, and what they may do.

A local-account sign-in is a session held in the database
(tracker/sign_in_sessions.py), which any server of one tracker accepts. The
tab that signed in keeps the session's id and the user's id in
``st.session_state``; the browser gets a cookie for the session, by way of
the tracker's own route (dashboard/session_routes.py: Streamlit cannot set a
cookie), so a reload, a new tab or another server finds it again
(``st.context.cookies``) without asking for the password. Everything else is
read from the database on every use (``accounts.current``), so a role change
or a disabled account takes effect on the very next run.

- ``gate()`` (app.py, once per run): resumes the browser's session from its
  cookie in a new Streamlit session; signs out an idle session (with a
  message), or one whose account was disabled, and notes the activity (in
  the database at most once a minute).
- ``browser_cookie()`` (app.py, once per run): after a password sign-in,
  hands the browser its one-time ticket to swap for the cookie; after a
  sign-out, has the cookie removed.
- ``require(*actions)`` (first line of each page): refuses the page, and
  stops it, unless the user may do one of ``actions``.
- ``actor()`` (every write): the ``permissions.Actor`` the audit trail names.
  Widget callbacks run *before* app.py, so ``actor()`` checks the session
  itself (signed in, not idle, account active) and raises
  ``permissions.PermissionDenied`` when it is not good; the write checks the
  role.
- ``may(*actions)``: for showing or hiding a part of a page.

Single sign-on (optional): when ``.streamlit/secrets.toml`` has an ``[auth]``
section, the sign-in page offers ``st.login`` (OpenID Connect, e.g. Microsoft
Entra ID). Streamlit keeps the identity provider's answer in its own cookie
(``st.user``); ``gate()`` maps the email it vouches for to a user in the
database (``accounts.sign_in_email``) once per session, while the
provider's identity token has not expired, and from then on the session is
like any other: roles read fresh on every run, the same idle timeout. An
unknown address gets no pages and a message naming it. Signing out (by
hand, idle, or a disabled account) also calls ``st.logout``, which
removes the cookie and ends the provider's session where it offers that, so
the next visit does not sign straight back in.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TypeVar

import streamlit as st

from dashboard import failure_page, language, session_routes
from dashboard.components import engine
from dashboard.navigation import OVERVIEW
from tracker import accounts, i18n
from tracker import sign_in_sessions as sessions
from tracker.core.vocabulary import ROLES
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _, ngettext
from tracker.records import permissions
from tracker.records.problems import ValidationFailed

USER_ID = "user_id"  # st.session_state key: the signed-in user's id
LAST_SEEN = "last_seen"  # st.session_state key: UTC time of the last run while signed in
# Why the session was signed out, shown on the sign-in page: a key of ``NOTICES`` (or ``IDLE``), said when
# shown, in the language of that run (a sign-out in a callback runs before the run knows its language).
NOTICE = "auth_notice"
SSO = "signed_in_by_sso"  # st.session_state key: this session was signed in by single sign-on
SSO_REFUSED = "sso_refused"  # why the single sign-on address was refused (an accounts.SignInFailed)
SSO_EXPIRED = N_(
    "Your organisation sign-in has expired. Sign in with your organisation account again (if you are "
    "still signed in to it, that takes one click)."
)
REFUSED = "auth_refused"  # a write refused in a callback (a permissions.PermissionDenied), shown above the page
SESSION_ID = "sign_in_session"  # st.session_state key: the id of this tab's session in the database
TICKET = "sign_in_ticket"  # the one-time ticket not yet handed to the browser
CLEAR_COOKIE = "clear_sign_in_cookie"  # the browser's cookie is to be removed (signed out)
COOKIE_CHECKED = "sign_in_cookie_checked"  # this Streamlit session's cookie named no live session
SIGNED_OUT_ELSEWHERE = N_("You were signed out (in another tab of this browser, or the session ended). Sign in again.")
ENDED_NOTICES = {  # what a tab says when it finds its session ended elsewhere, by why it ended
    sessions.PASSWORD_CHANGED: N_(
        "You were signed out because your password was changed. Sign in with the new password."
    ),
    sessions.PASSWORD_RESET: N_(
        "You were signed out because an admin reset your password. Sign in with the one-time password they give you."
    ),
}
# The notices by key (``NOTICE``); ``IDLE`` is said with the idle timeout's minutes.
SIGNED_OUT, INACTIVE, ELSEWHERE, EXPIRED, IDLE = "signed out", "inactive", "elsewhere", "sso expired", "idle"
NOTICES = {
    SIGNED_OUT: N_("You signed out."),
    INACTIVE: N_("You were signed out: your account is no longer active. Ask an admin if you think this is a mistake."),
    ELSEWHERE: SIGNED_OUT_ELSEWHERE,
    EXPIRED: SSO_EXPIRED,
    **ENDED_NOTICES,
}

T = TypeVar("T")


def _now() -> datetime:
    # The real clock: TRACKER_TODAY moves as-at figures, never the idle timeout.
    return datetime.now(UTC)


def who() -> accounts.SignedIn | None:
    """The signed-in user as the database has them now; None if nobody is
    signed in, the session has been idle too long, or the account is gone or
    disabled. No side effects (``gate`` does the signing out)."""
    user_id = st.session_state.get(USER_ID)
    if user_id is None:
        return None
    session_id = st.session_state.get(SESSION_ID)
    if session_id is not None:
        if not sessions.is_live(session_id, engine=engine(), now=_now()):
            return None
    elif accounts.is_idle(st.session_state.get(LAST_SEEN), _now()):
        return None
    return accounts.current(user_id, engine=engine())


def client_address() -> str | None:
    """Where this browser connects from (None: this machine), to slow down
    failed sign-ins from it. Behind a reverse proxy that is the address in
    ``X-Forwarded-For``, but only when the proxy is trusted:
    ``funding-tracker serve`` hands ``TRACKER_TRUSTED_PROXIES`` to Streamlit's
    server (uvicorn's ``FORWARDED_ALLOW_IPS``), which trusts nobody else's."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # (a test harness's stand-in is no address)


def sso_configured() -> bool:
    """Whether single sign-on is set up: an ``[auth]`` section in the secrets."""
    secrets = st.secrets
    return secrets.load_if_toml_exists() and "auth" in secrets


def sso_email() -> str | None:
    """The email address the identity provider vouched for in this browser
    (``""`` when it sent none); None when single sign-on is not set up or
    nobody signed in through it."""
    if not sso_configured() or not st.user.get("is_logged_in"):
        return None
    return str(st.user.get("email") or "")


def sso_expired(exp: object, now: datetime) -> bool:
    """Whether the identity token's expiry (``exp``, seconds since 1970) has
    passed. Streamlit's identity cookie lasts 30 days; a new session resumes
    from it only while the provider's token is good (Entra ID: about an hour),
    so a tab closed without signing out does not stay signed in for a month.
    A token without a usable expiry counts as expired."""
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return True
    return exp <= now.timestamp()


def _sso_sign_in() -> accounts.SignedIn | None:
    """Start a session for the single sign-on user, if there is one and the
    database knows their address; otherwise remember why not."""
    email = sso_email()
    if email is None:
        st.session_state.pop(SSO_REFUSED, None)
        return None
    if sso_expired(st.user.get("exp"), _now()):
        st.session_state.pop(SSO_REFUSED, None)
        st.session_state[NOTICE] = EXPIRED
        return None
    try:
        signed_in = accounts.sign_in_email(email, engine=engine())
    except accounts.SignInFailed as failed:
        st.session_state[SSO_REFUSED] = failed
        return None
    st.session_state.pop(SSO_REFUSED, None)
    st.session_state.pop(NOTICE, None)
    start(signed_in, sso=True)
    return signed_in


def signed_in_by_sso() -> bool:
    return bool(st.session_state.get(SSO))


def notice() -> str | None:
    """Why this session was signed out, in the language in use (None: it was not)."""
    key = st.session_state.get(NOTICE)
    if key == IDLE:
        return ngettext(
            "You were signed out after {n} minute without activity. Sign in again to carry on.",
            "You were signed out after {n} minutes without activity. Sign in again to carry on.",
            accounts.idle_minutes(),
        )
    return _(NOTICES[key]) if key in NOTICES else None


def sso_refusal() -> str | None:
    """Why the single sign-on address was refused, in the language in use (None: it was not)."""
    refused = st.session_state.get(SSO_REFUSED)
    return refused.said() if isinstance(refused, accounts.SignInFailed) else None


def _cookie_sign_in() -> accounts.SignedIn | None:
    """Resume the session the browser's cookie names (once per Streamlit
    session: its cookies are those of the WebSocket that opened it)."""
    state = st.session_state
    token = _cookie(session_routes.COOKIE)
    if not token or state.get(COOKIE_CHECKED):
        return None
    checked = sessions.resume(token, engine=engine(), now=_now())
    signed_in = accounts.current(checked.user_id, engine=engine()) if checked and checked.user_id else None
    if checked is None or signed_in is None:
        state[COOKIE_CHECKED] = True
        if checked is not None:
            if checked.live:  # a disabled or removed user's session, still live
                sessions.end(checked.session_id, engine=engine(), because=sessions.DISABLED)
            elif checked.idle:
                state[NOTICE] = IDLE
            elif checked.ended_because in ENDED_NOTICES:
                state[NOTICE] = checked.ended_because
        state[CLEAR_COOKIE] = True
        return None
    start(signed_in, session_id=checked.session_id)
    return signed_in


def gate() -> accounts.SignedIn | None:
    """Once per run, before the navigation: the signed-in user, or None.

    A session with nobody signed in is signed in from the browser's cookie
    when it names a live session in the database, else by single sign-on
    when the identity provider vouched for a known address and its token has
    not expired. Signs an idle session out (``TRACKER_IDLE_MINUTES``, 30 by
    default: for a session in the database, by its ``last_seen_at``, which
    every tab of the browser moves), a session ended elsewhere (signed out in
    another tab) and a session whose account was disabled or removed, saying
    why; otherwise notes this run as activity.
    """
    state = st.session_state
    user_id = state.get(USER_ID)
    if user_id is None:
        return _cookie_sign_in() or _sso_sign_in()
    now = _now()
    session_id = state.get(SESSION_ID)
    checked = sessions.touch(session_id, engine=engine(), now=now) if session_id is not None else None
    if checked.idle if checked is not None else session_id is None and accounts.is_idle(state.get(LAST_SEEN), now):
        sign_out(IDLE)
        return None
    signed_in = accounts.current(user_id, engine=engine())
    if signed_in is None:
        sign_out(INACTIVE)
        return None
    if session_id is not None and (checked is None or not checked.live):
        because = checked.ended_because if checked is not None else None
        sign_out(because if because in ENDED_NOTICES else ELSEWHERE)
        return None
    state[LAST_SEEN] = now
    return signed_in


def start(signed_in: accounts.SignedIn, *, sso: bool = False, session_id: int | None = None) -> None:
    """Begin a signed-in session (after ``accounts.sign_in`` or
    ``accounts.sign_in_email`` succeeded, or from the browser's cookie)."""
    st.session_state[USER_ID] = signed_in.user_id
    st.session_state[LAST_SEEN] = _now()
    st.session_state[SSO] = sso
    if session_id is not None:
        st.session_state[SESSION_ID] = session_id


def _cookie(name: str) -> str | None:
    """A cookie the browser sent when this Streamlit session opened (None: none)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) else None  # (a test harness's stand-in is no cookie)


def session_id() -> int | None:
    """This tab's sign-in session in the database (None: single sign-on, or not signed in)."""
    return st.session_state.get(SESSION_ID)


def remembered() -> bool:
    """Whether a password sign-in is remembered by the browser (a cookie):
    the server has the tracker's routes (``funding-tracker serve`` always)."""
    return session_routes.mounted()


def browser_xsrf() -> str | None:
    """What this browser's ticket is bound to (``session_routes.browser_binding``)."""
    return session_routes.browser_binding(_cookie(session_routes.XSRF_COOKIE))


def start_password_session(signed_in: accounts.SignedIn) -> None:
    """After a good password sign-in: a session in the database, this tab
    signed in to it, and (when the server has the tracker's routes) a ticket
    for ``browser_cookie`` to hand to the browser."""
    started = sessions.start(signed_in.user_id, engine=engine(), client=client_address(), binding=browser_xsrf())
    st.session_state.pop(CLEAR_COOKIE, None)
    start(signed_in, session_id=started.session_id)
    if session_routes.mounted():
        st.session_state[TICKET] = started.ticket


# The browser's side of the cookie: a fetch to the tracker's own route, from the page itself.
_HAND_OVER = """<script>
fetch({path}, {{method: "POST", credentials: "same-origin", cache: "no-store",
  headers: {{"Content-Type": "application/json"}}, body: JSON.stringify({{ticket: {ticket}}})}});
</script>"""
_CLEAR = """<script>
fetch({path}, {{method: "POST", credentials: "same-origin", cache: "no-store"}});
</script>"""


def browser_cookie() -> None:
    """Once per run: hand the browser a waiting ticket, to swap for its
    cookie (``/_tracker/session``), or have a signed-out browser's cookie
    removed (``/_tracker/sign-out``). Nothing without the tracker's routes."""
    import json

    ticket = st.session_state.pop(TICKET, None)
    clear = st.session_state.pop(CLEAR_COOKIE, None)
    if not session_routes.mounted():
        return
    if ticket:
        snippet = _HAND_OVER.format(path=json.dumps(session_routes.SESSION_PATH), ticket=json.dumps(ticket))
    elif clear:
        snippet = _CLEAR.format(path=json.dumps(session_routes.SIGN_OUT_PATH))
    else:
        return
    st.html(snippet, unsafe_allow_javascript=True, width="content")


def sign_out(why: str = SIGNED_OUT) -> None:
    """End this session in the database (every tab and server of this
    browser is signed out with it, and its cookie is worth nothing) and
    forget everything this Streamlit session held (what was typed into forms
    too), keeping only the reason for the sign-in page to show (``why``, a
    key of ``NOTICES`` or ``IDLE``), and a note
    to remove the browser's cookie. A single sign-on identity is signed out
    too (``st.logout``: its cookie would otherwise sign the next run straight
    back in); that starts a new session, so the notice shows only for a
    local account."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id is not None:
        sessions.end(session_id, engine=engine())
    st.session_state.clear()
    st.session_state[NOTICE] = why
    st.session_state[CLEAR_COOKIE] = True
    if sso_email() is not None:
        st.logout()


def roles_needed(*actions: str) -> tuple[str, ...]:
    """The roles any one of which allows one of ``actions``, in the usual order."""
    wanted = {role for action in actions for role in permissions.PERMISSIONS[action]}
    return tuple(role for role in ROLES if role in wanted)


def allows(signed_in: accounts.SignedIn | None, *actions: str) -> bool:
    """Whether ``signed_in`` may do one of ``actions`` (no actions: signed in is enough)."""
    if signed_in is None:
        return False
    return not actions or any(permissions.holds(signed_in.roles, permissions.PERMISSIONS[a]) for a in actions)


def may(*actions: str) -> bool:
    """Whether the signed-in user may do one of ``actions`` now."""
    return allows(who(), *actions)


def refusal(*actions: str) -> str:
    """Why a page is refused, in the language in use."""
    return _(
        "You do not have access to this page (it needs the {roles} role).",
        roles=permissions.roles_in_words(roles_needed(*actions)),
    )


def require(*actions: str) -> accounts.SignedIn:
    """The first call on every page: the signed-in user, if they may do one
    of ``actions`` (no actions: any signed-in user); otherwise say so and
    stop the page, so nothing of it is drawn."""
    signed_in = who()
    if signed_in is None:
        st.warning(_("Sign in to see this page."), icon=":material/lock:")
        st.stop()
    if not allows(signed_in, *actions):
        st.error(
            ngettext(
                "{refusal} You are signed in as {username} with the {roles} role. An admin can change your roles.",
                "{refusal} You are signed in as {username} with the {roles} roles. An admin can change your roles.",
                len(signed_in.roles),
                refusal=refusal(*actions),
                username=escape_markdown(signed_in.username),
                roles=_roles_text(signed_in.roles),
            ),
            icon=":material/block:",
        )
        st.stop()
    return signed_in


def actor() -> permissions.Actor:
    """Who the audit trail names for a write made now, with their roles as
    the database has them now. Raises ``permissions.PermissionDenied`` if the
    session is signed out (idle, disabled, or never signed in)."""
    signed_in = who()
    if signed_in is None:
        raise permissions.PermissionDenied(
            N_(
                "You are not signed in (or were signed out after a time without activity): nothing was saved. "
                "Sign in again."
            )
        )
    return signed_in.actor


def refused(err: permissions.PermissionDenied) -> None:
    """Remember a write refused in a callback, for app.py to show above the page (said then, in the language
    of that run)."""
    st.session_state[REFUSED] = err


def in_the_persons_language() -> AbstractContextManager[str]:
    """A block that speaks the language this session's runs speak: for a widget callback, which runs before
    the run decides its language, so that what the tracker says there (a refused field) is in it."""
    return i18n.speaking(language.choose(who()))


def attempt(write: Callable[[], T], problems_key: str) -> tuple[bool, T | None]:
    """Run a page's write from a widget callback: ``(True, its result)``, or
    ``(False, None)`` when it was not saved. Problems with what was typed are
    kept under ``problems_key``, for the page to show beside their fields
    (and cleared once a save succeeds); a refusal (signed out, or a role that
    may not) is shown above the page; any other failure in the tracker's words
    (``failure_page.guarded``)."""
    try:
        with in_the_persons_language():  # the tracker's words about what was typed, in the person's language
            result = write()
    except ValidationFailed as failed:
        st.session_state[problems_key] = failed
        return False, None
    except permissions.PermissionDenied as err:
        refused(err)
        return False, None
    except Exception as err:  # e.g. a database that cannot be reached or written
        failure_page.failed(err, "a save")
        return False, None
    st.session_state.pop(problems_key, None)
    return True, result


def show_refused() -> None:
    refused_write = st.session_state.pop(REFUSED, None)
    if isinstance(refused_write, permissions.PermissionDenied):
        st.error(
            _("Nothing was saved: {why}", why=escape_markdown(refused_write.said())),  # it names the user
            icon=":material/block:",
        )


def _roles_text(roles) -> str:
    """The roles held, in the usual order, as words in a sentence: "finance, editor" (in Welsh too)."""
    return ", ".join(permissions.role_word(role) for role in ROLES if role in roles)


def sidebar_account(signed_in: accounts.SignedIn) -> None:
    """Who is signed in, at the foot of the sidebar (signing out is the
    "Sign out" entry of the navigation, and a button on the Account page)."""
    with st.sidebar:
        st.divider()
        st.caption(
            _(
                "Signed in as **{username}** ({roles}).",
                username=escape_markdown(signed_in.username),
                roles=_roles_text(signed_in.roles),
            )
        )


def sign_out_page() -> None:
    """The navigation's "Sign out" entry: sign out, then show the sign-in page
    (after a single sign-on, the browser is on its way to ``st.logout``'s
    address, which comes back to the sign-in page)."""
    by_sso = sso_email() is not None
    sign_out()
    if not by_sso:
        st.switch_page(OVERVIEW)  # at /sign-out, the next sign-in would sign out again
    st.info(_("Signing you out…"), icon=":material/logout:")
