"""Sign-in sessions held in the database, so that any server of one tracker
accepts them (OWASP Session Management Cheat Sheet).

A password sign-in starts a row of ``sign_in_sessions``. The browser gets a
random token (32 bytes) in an HttpOnly, SameSite=Strict cookie; the database
keeps only its SHA-256, so whoever reads the table cannot sign in with it.
Any server finds the session from the cookie (``resume``), so a reload, a new
tab, or a server that stopped and the proxy moving the browser to another
one does not ask for the password again.

Streamlit cannot set a cookie, so the page that signed in gets a **ticket**
instead: random, stored as a hash, usable once, for ``TICKET_LIFETIME``, and
bound to the browser that signed in (the hash of its XSRF token, which a
page of another site can neither read nor set). The browser hands the ticket
to the tracker's own route (``dashboard/session_routes.py``), which swaps it
for the cookie (``exchange``). A ticket that is late, used, for an ended
session or from another browser gets nothing, and is used up either way; so
nobody can sign someone else's browser in as themselves (login CSRF).

A session ends when its person signs out, after ``TRACKER_IDLE_MINUTES``
without activity (by ``last_seen_at``, which every page run moves, written at
most once every ``TOUCH_EVERY``), when its person changes their password
(every other session of theirs ends: whoever knew the old one is signed out
too), or when an admin resets the password or disables the user
(``end_for_user``). ``ended_because`` keeps which, so another tab can say
why. An ended session stays ended: a copied cookie is worth nothing after
it. Rows are kept, like a user's last sign-in, and not audited (bookkeeping,
not a change anyone made to the data): one row per sign-in, a few thousand
a year for an office.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.models import SignInSession
from db.session import read_session, write_session
from tracker import sign_in_guard
from tracker.core.vocabulary import SESSION_ENDINGS
from tracker.records.retrying import retrying

IDLE_MINUTES_ENV = "TRACKER_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
TICKET_LIFETIME = timedelta(seconds=60)
TOUCH_EVERY = timedelta(minutes=1)
TOKEN_BYTES = 32
TOKEN_MAX = 100  # a token or ticket as sent is 43 characters; anything much longer is not one of ours
SIGNED_OUT, IDLE, PASSWORD_CHANGED, PASSWORD_RESET, DISABLED = SESSION_ENDINGS


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def digest(secret: str) -> str:
    """What the database keeps of a token, a ticket or a binding: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _usable(secret: str | None) -> bool:
    return bool(secret) and len(secret or "") <= TOKEN_MAX and "\x00" not in (secret or "")


@dataclass(frozen=True)
class Started:
    """A new session and the ticket its page hands to the browser (shown once)."""

    session_id: int
    ticket: str


@dataclass(frozen=True)
class Checked:
    """A session as checked on a page run: ``user_id`` when it is live; else
    why it ended (``ended_because``, one of ``SESSION_ENDINGS``; None for a
    row ended before reasons were kept)."""

    session_id: int
    user_id: int | None
    ended_because: str | None = None

    @property
    def live(self) -> bool:
        return self.user_id is not None

    @property
    def idle(self) -> bool:
        return self.ended_because == IDLE


def idle_minutes() -> int:
    """Minutes without activity after which a dashboard session signs out."""
    raw = os.environ.get(IDLE_MINUTES_ENV, "").strip()
    try:
        minutes = int(raw) if raw else DEFAULT_IDLE_MINUTES
    except ValueError:
        raise ValueError(f"{IDLE_MINUTES_ENV}={raw!r}: expected a whole number of minutes") from None
    if minutes < 1:
        raise ValueError(f"{IDLE_MINUTES_ENV}={raw!r}: expected at least 1 minute")
    return minutes


def is_idle(last_seen: datetime | None, now: datetime | None = None, minutes: int | None = None) -> bool:
    """True when the last activity is longer ago than the idle timeout."""
    if last_seen is None:
        return False
    return _now(now) - last_seen > timedelta(minutes=minutes if minutes is not None else idle_minutes())


def _idle(last_seen_at: datetime, now: datetime) -> bool:
    return is_idle(last_seen_at, now)


def start(
    user_id: int, *, engine: Engine, client: str | None = None, binding: str | None = None, now: datetime | None = None
) -> Started:
    """Start a session for ``user_id`` (after a good password sign-in) from
    ``client`` (an address; None: this machine), with a ticket bound to
    ``binding`` (the browser's XSRF token; None: unbound, when the server has
    XSRF protection off and the browser has none)."""
    now = _now(now)
    ticket = secrets.token_urlsafe(TOKEN_BYTES)

    def write() -> int:
        with write_session(engine) as session:
            row = SignInSession(
                user_id=user_id,
                ticket_hash=digest(ticket),
                ticket_binding=digest(binding) if binding else None,
                ticket_expires_at=now + TICKET_LIFETIME,
                created_at=now,
                last_seen_at=now,
                client_address=sign_in_guard.client_key(client),
            )
            session.add(row)
            session.flush()
            return row.id

    return Started(retrying(write), ticket)


def exchange(ticket: str | None, binding: str | None, *, engine: Engine, now: datetime | None = None) -> str | None:
    """Use a ticket up and, when it is good (known, unused, in time, for a
    live session, from the browser it was bound to), return the token for the
    browser's cookie (its hash replaces any earlier one); else None."""
    if not _usable(ticket):
        return None
    now = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)

    def write() -> str | None:
        with write_session(engine) as session:
            row = session.scalars(
                select(SignInSession).where(SignInSession.ticket_hash == digest(ticket or "")).with_for_update()
            ).one_or_none()
            if row is None:
                return None
            expires, bound = row.ticket_expires_at, row.ticket_binding
            row.ticket_hash, row.ticket_expires_at, row.ticket_binding = None, None, None  # used, good or not
            good = (
                row.ended_at is None
                and expires is not None
                and now < expires
                and (bound is None or (_usable(binding) and secrets.compare_digest(bound, digest(binding or ""))))
            )
            if not good:
                return None
            row.token_hash = digest(token)
            row.last_seen_at = now
            return token

    return retrying(write)


def _check(session: Session, row: SignInSession | None, now: datetime) -> Checked | None:
    """End an idle session; move ``last_seen_at`` when it is due."""
    if row is None:
        return None
    if row.ended_at is not None:
        return Checked(row.id, None, row.ended_because)
    if _idle(row.last_seen_at, now):
        row.ended_at, row.ended_because = now, IDLE
        return Checked(row.id, None, IDLE)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Checked(row.id, row.user_id)


def _touch(engine: Engine, query, now: datetime) -> Checked | None:
    """Read the session ``query`` finds; write only when it must end or be touched."""
    with read_session(engine) as session:
        row = session.scalars(query).one_or_none()
        if row is None:
            return None
        if row.ended_at is not None:
            return Checked(row.id, None, row.ended_because)
        if not _idle(row.last_seen_at, now) and now - row.last_seen_at < TOUCH_EVERY:
            return Checked(row.id, row.user_id)

    def write() -> Checked | None:
        with write_session(engine) as session:
            return _check(session, session.scalars(query.with_for_update()).one_or_none(), now)

    return retrying(write)


def resume(token: str | None, *, engine: Engine, now: datetime | None = None) -> Checked | None:
    """The session a browser's cookie token names, checked as on a page run
    (None: no such session)."""
    if not _usable(token):
        return None
    return _touch(engine, select(SignInSession).where(SignInSession.token_hash == digest(token or "")), _now(now))


def touch(session_id: int, *, engine: Engine, now: datetime | None = None) -> Checked | None:
    """A page run of a signed-in tab: is its session still live (ending it
    when idle), noting the activity at most once every ``TOUCH_EVERY``."""
    return _touch(engine, select(SignInSession).where(SignInSession.id == session_id), _now(now))


def is_live(session_id: int, *, now: datetime | None = None, engine: Engine) -> bool:
    """Whether the session is live now, without writing anything."""
    with read_session(engine) as session:
        row = session.get(SignInSession, session_id)
        return row is not None and row.ended_at is None and not _idle(row.last_seen_at, _now(now))


def _ending(now: datetime, because: str) -> dict:
    """The values that end a session (its ticket goes too)."""
    if because not in SESSION_ENDINGS:
        raise ValueError(f"ended because {because!r}: expected one of {', '.join(SESSION_ENDINGS)}")
    return {
        "ended_at": now,
        "ended_because": because,
        "ticket_hash": None,
        "ticket_expires_at": None,
        "ticket_binding": None,
    }


def end(session_id: int, *, engine: Engine, now: datetime | None = None, because: str = SIGNED_OUT) -> None:
    """End a session (nothing if it had ended already): its person signed
    out, unless ``because`` says otherwise."""
    values = _ending(_now(now), because)

    def write() -> None:
        with write_session(engine) as session:
            session.execute(
                update(SignInSession)
                .where(SignInSession.id == session_id, SignInSession.ended_at.is_(None))
                .values(**values)
            )

    retrying(write)


def end_by_token(token: str | None, *, engine: Engine, now: datetime | None = None) -> None:
    """Sign out the session a cookie token names, if any."""
    if not _usable(token):
        return
    with read_session(engine) as session:
        found = session.scalar(select(SignInSession.id).where(SignInSession.token_hash == digest(token or "")))
    if found is not None:
        end(found, engine=engine, now=now)


def end_for_user(
    session: Session, user_id: int, because: str, *, keep: int | None = None, now: datetime | None = None
) -> None:
    """End every live session of a user but ``keep`` (the one that changed
    its own password), in the caller's transaction: the password changed or
    was reset, or an admin disabled the user."""
    live = [SignInSession.user_id == user_id, SignInSession.ended_at.is_(None)]
    if keep is not None:
        live.append(SignInSession.id != keep)
    session.execute(update(SignInSession).where(*live).values(**_ending(_now(now), because)))
