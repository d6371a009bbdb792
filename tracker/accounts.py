"""Accounts: local users with Argon2id passwords, roles, lockout, idle timeout,
and single sign-on users matched by email.

Every change to a user is written and audited in one transaction, like the
other writes (tracker.records.unit_of_work); the audit trail never holds a password
hash. Times come from ``now`` when given (tests inject a clock), else UTC now.

Sign-in failures all read the same (``SIGN_IN_FAILED``), whether the
username exists, the password is wrong, the account is locked or disabled:
the message never tells an attacker which usernames exist. An unknown
username still costs one hash verification, so timing does not tell either.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, object_session, selectinload

from db.models import AuditEvent, User, UserRole
from db.session import read_session, write_session
from tracker import sign_in_guard as guard
from tracker import sign_in_sessions as sessions
from tracker.core import languages
from tracker.core.limits import LIMITS, check_text, never_stored
from tracker.core.vocabulary import ROLES
from tracker.i18n import N_, _, ngettext, speaking
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, ServiceError, ValidationFailed
from tracker.records.retrying import retrying

# OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1 (the minimum it recommends).
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
SIGN_IN_GUARD = "sign-in guard"  # the audit trail's actor for a lock after many failures
MIN_PASSWORD_LENGTH = 12
IDLE_MINUTES_ENV = sessions.IDLE_MINUTES_ENV
DEFAULT_IDLE_MINUTES = sessions.DEFAULT_IDLE_MINUTES
USERNAME_MAX = LIMITS["username"]

# What a refused sign-in says: catalogue messages, said in the language in use by ``SignInFailed.said``.
SIGN_IN_FAILED = N_(
    "That username and password did not work. Check them and try again. Repeated failures make the next "
    "attempt wait; a disabled account cannot sign in, nor one locked after many failures from many places "
    "(an admin can unlock it)."
)
SSO_NO_ACCESS = N_(
    "You signed in as {email}, but that address has no access to the funding tracker. Ask the system owner to add it."
)
SSO_NO_EMAIL = N_(
    "Your organisation's sign-in did not tell the funding tracker your email address, so it cannot tell who you "
    'are. Ask the system owner to have the identity provider send the email claim (the "email" scope).'
)

# A precomputed hash to verify against when the username does not exist.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


class SignInFailed(ServiceError):
    """Sign-in refused; ``str(err)`` never says why (see the module docstring).
    ``str(err)`` is English (the CLI, the logs); ``said()`` is in the language
    in use when called: the sign-in page keeps the refusal and says it when
    it is drawn (its callback runs before the run knows its language)."""

    def __init__(self, message: str = SIGN_IN_FAILED, /, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message.format(**values) if values else message)

    def said(self) -> str:
        return _(self.message, **self.values)


class SignInThrottled(SignInFailed):
    """Too many failures for this username from this address, or from this
    address for any: the attempt was not checked. Reads the same whether the
    username exists or not."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        with speaking("en"):
            super().__init__(self.said())

    def said(self) -> str:
        if self.seconds >= 120:
            return ngettext(
                "Too many failed sign-ins from your address: wait {n} minute, then try again. "
                "Signing in from elsewhere is not affected.",
                "Too many failed sign-ins from your address: wait {n} minutes, then try again. "
                "Signing in from elsewhere is not affected.",
                math.ceil(self.seconds / 60),
            )
        return ngettext(
            "Too many failed sign-ins from your address: wait {n} second, then try again. "
            "Signing in from elsewhere is not affected.",
            "Too many failed sign-ins from your address: wait {n} seconds, then try again. "
            "Signing in from elsewhere is not affected.",
            self.seconds,
        )


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in and what they may do: read from the database on every
    page run, so a role change or a disabled account takes effect at once."""

    user_id: int
    username: str
    roles: frozenset[str]
    must_change_password: bool = False
    language: str | None = None  # the interface language they chose (tracker.core.languages); None: not chosen

    @property
    def actor(self) -> Actor:
        return Actor(name=self.username, roles=self.roles)


# --- passwords -----------------------------------------------------------------------------


def common_passwords() -> frozenset[str]:
    """A short list of passwords people pick (lower case), shipped with the package."""
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problems(password: str, username: str = "", field: str = "password") -> list[FieldProblem]:
    """What is wrong with a new password (nothing: an empty list). The value is never echoed."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem(
                field,
                None,
                _(
                    "expected at least {least} characters (this has {length}); a short phrase is easy to remember",
                    least=MIN_PASSWORD_LENGTH,
                    length=len(password),
                ),
            )
        )
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append(FieldProblem(field, None, _("that is one of the most common passwords: choose another")))
    if username and username.lower() in lowered:
        problems.append(FieldProblem(field, None, _("expected a password that does not contain the username")))
    return problems


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def generate_password() -> str:
    """A random password to hand over once (about 120 bits)."""
    return secrets.token_urlsafe(15)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- shared write machinery -------------------------------------------------------------------


def _snapshot(user: User) -> dict:
    """A user as the audit trail keeps it: never the password hash."""
    return {
        "username": user.username,
        "email": user.email,
        "roles": sorted(user.role_names),
        "disabled": user.disabled,
        "must_change_password": user.must_change_password,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
        "password_set": user.password_hash is not None,
        "password_changed_at": user.password_changed_at.isoformat() if user.password_changed_at else None,
        "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None,
        "language": user.language,
    }


def _audit(session: Session, actor_name: str, action: str, user: User, before: dict | None) -> None:
    session.flush()
    session.add(
        AuditEvent(
            actor=actor_name, action=action, entity="users", entity_id=user.id, before=before, after=_snapshot(user)
        )
    )


def _user(session: Session, username: str, *, lock: bool = False) -> User | None:
    if never_stored(username):  # a NUL: no user has one, and PostgreSQL refuses it in a query
        return None
    query = select(User).options(selectinload(User.roles)).where(User.username == username)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def _roles(roles: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(r.strip().lower() for r in roles if r and r.strip())
    unknown = chosen - set(ROLES)
    problems = []
    if not chosen:
        problems.append(FieldProblem("roles", "", _("expected at least one role: {roles}", roles=", ".join(ROLES))))
    if unknown:
        problems.append(
            FieldProblem("roles", ", ".join(sorted(unknown)), _("expected roles from: {roles}", roles=", ".join(ROLES)))
        )
    if problems:
        raise ValidationFailed(problems)
    return chosen


# --- sign-in ------------------------------------------------------------------------------------


def sign_in(
    username: str, password: str, *, engine: Engine, client: str | None = None, now: datetime | None = None
) -> SignedIn:
    """Check a username and password sent from ``client`` (an address; None:
    this machine); raise ``SignInThrottled`` while that address must wait
    (tracker.sign_in_guard), else ``SignInFailed`` (one message for every
    reason).

    The user is read without a write lock and the password checked outside
    any transaction; a failure is counted, or a success noted, in its own
    short write. An unknown username costs the same: a hash checked, a
    failure counted.
    """
    now = _now(now)
    username = (username or "").strip()
    if "\x00" in username:  # no stored username holds one, and PostgreSQL refuses it in a query
        username = ""
    name, address = guard.username_key(username), guard.client_key(client)
    with read_session(engine) as session:
        wait = guard.retry_after(guard.failures_so_far(session, name, address, now), now)
        if wait:
            raise SignInThrottled(wait)
        user = (
            session.scalars(
                select(User).options(selectinload(User.roles)).where(User.username == username)
            ).one_or_none()
            if username
            else None
        )
    good = _verify(user.password_hash if user else None, password or "")
    usable = user is not None and not user.disabled and not (user.locked_until is not None and user.locked_until > now)
    if not (good and usable):
        retrying(lambda: _count_failure(engine, name, address, now))
        raise SignInFailed(SIGN_IN_FAILED)
    return retrying(lambda: _signed_in(engine, username, password, address, now))


def _signed_in(engine: Engine, username: str, password: str, address: str, now: datetime) -> SignedIn:
    """Note a good sign-in: its address's failures forgotten, the time, a stronger hash if due."""
    with write_session(engine) as session:
        guard.forget_pair(session, guard.username_key(username), address)
        stored = _user(session, username, lock=True)
        if stored is None or stored.disabled:  # removed or disabled in the moment since it was read
            raise SignInFailed(SIGN_IN_FAILED)
        if stored.password_hash is not None and HASHER.check_needs_rehash(stored.password_hash):
            stored.password_hash = hash_password(password)
        stored.last_sign_in_at = now
        return SignedIn(stored.id, stored.username, stored.role_names, stored.must_change_password, stored.language)


def _count_failure(engine: Engine, name: str, address: str, now: datetime) -> None:
    """Count a failed sign-in; lock the account (audited) when the failures
    come from enough addresses (tracker.sign_in_guard)."""
    with write_session(engine) as session:
        if not guard.record_failure(session, name, address, now):
            return
        user = _user(session, name, lock=True)
        if user is None or (user.locked_until is not None and user.locked_until > now):
            return
        before = _snapshot(user)
        user.locked_until = now + guard.LOCK_FOR
        _audit(session, SIGN_IN_GUARD, "update", user, before)


def sign_in_email(email: str, *, engine: Engine, now: datetime | None = None) -> SignedIn:
    """Single sign-on: the identity provider vouched for ``email``; map it to
    a user (addresses compare without regard to case). An unknown or
    disabled address, or none at all, gets no access (``SignInFailed``).
    A sign-in is audited (by ``sso:`` and the address)."""
    address = (email or "").strip().lower()
    if not address or "\x00" in address:
        raise SignInFailed(SSO_NO_EMAIL)
    with read_session(engine) as session:
        known = session.scalar(select(User.id).where(User.email == address, User.disabled.is_(False)))
    if known is None:
        raise SignInFailed(SSO_NO_ACCESS, email=email.strip())
    with write_session(engine) as session:
        user = session.scalars(
            select(User).options(selectinload(User.roles)).where(User.id == known).with_for_update()
        ).one_or_none()
        if user is None or user.disabled:
            raise SignInFailed(SSO_NO_ACCESS, email=email.strip())
        before = _snapshot(user)
        user.last_sign_in_at = _now(now)
        _audit(session, f"sso:{address}", "update", user, before)
        return SignedIn(user.id, user.username, user.role_names, False, user.language)


def current(user_id: int, *, engine: Engine) -> SignedIn | None:
    """The signed-in user as the database has them now (None: gone or disabled)."""
    with read_session(engine) as session:
        user = session.scalars(select(User).options(selectinload(User.roles)).where(User.id == user_id)).one_or_none()
        if user is None or user.disabled:
            return None
        return SignedIn(user.id, user.username, user.role_names, user.must_change_password, user.language)


# The idle timeout belongs to sessions (tracker/sign_in_sessions.py); named here too, as before.
idle_minutes = sessions.idle_minutes
is_idle = sessions.is_idle


def change_password(
    username: str,
    current_password: str,
    new_password: str,
    *,
    engine: Engine,
    now: datetime | None = None,
    keep_session: int | None = None,
) -> None:
    """A user changes their own password (the current one is needed). Every
    other sign-in session of theirs ends (another browser that knew the old
    password is signed out); ``keep_session``, the one changing it, stays."""
    now = _now(now)
    with write_session(engine) as session:
        user = _user(session, username, lock=True)
        if user is None or user.disabled or not _verify(user.password_hash, current_password or ""):
            raise ValidationFailed([FieldProblem("current_password", None, _("expected your current password"))])
        problems = password_problems(new_password or "", username, field="new_password")
        if _verify(user.password_hash, new_password or ""):
            problems.append(FieldProblem("new_password", None, _("expected a password different from the current one")))
        if problems:
            raise ValidationFailed(problems)
        before = _snapshot(user)
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now
        user.must_change_password = False
        sessions.end_for_user(session, user.id, sessions.PASSWORD_CHANGED, keep=keep_session, now=now)
        _audit(session, username, "update", user, before)


def choose_language(username: str, language: str, *, engine: Engine) -> None:
    """A user chooses the interface's language for themselves (audited as theirs)."""
    chosen = languages.known(language)
    if chosen is None:
        raise ValidationFailed(
            [
                FieldProblem(
                    "language", language, _("expected one of: {choices}", choices=", ".join(languages.LANGUAGES))
                )
            ]
        )
    with write_session(engine) as session:
        user = _user(session, username, lock=True)
        if user is None or user.disabled:
            raise ValidationFailed([FieldProblem("username", username, _("expected the username of an active user"))])
        if user.language == chosen:
            return
        before = _snapshot(user)
        user.language = chosen
        _audit(session, username, "update", user, before)


# --- administration ----------------------------------------------------------------------------


def add_user(
    username: str,
    roles: Iterable[str],
    *,
    engine: Engine,
    password: str | None = None,
    email: str | None = None,
    actor: Actor,
    sso_only: bool = False,
) -> str | None:
    """Add a user; returns the generated one-time password when none was
    given (and the user is not single-sign-on only), else None. A generated
    password must be changed at the first sign-in."""
    authorise(actor, "manage_users")
    name = (username or "").strip()
    problems = []
    if not name or len(name) > USERNAME_MAX or any(c.isspace() for c in name):
        problems.append(
            FieldProblem("username", name, _("expected 1 to {most} characters without spaces", most=USERNAME_MAX))
        )
    elif unsafe := check_text("username", name):
        problems.append(FieldProblem("username", name, unsafe))
    address = (email or "").strip().lower() or None
    if address is not None and ("@" not in address or len(address) > LIMITS["email"]):
        problems.append(FieldProblem("email", address, _("expected an email address like name@council.gov.uk")))
    elif unsafe := check_text("email", address):
        problems.append(FieldProblem("email", address, unsafe))
    if sso_only and address is None:
        problems.append(FieldProblem("email", "", _("expected the email address a single sign-on user signs in with")))
    generated = None
    if password is None and not sso_only:
        generated = password = generate_password()
    elif password is not None:
        problems += password_problems(password, name)
    try:
        chosen = _roles(roles)
    except ValidationFailed as failed:
        problems += failed.problems
    if problems:
        raise ValidationFailed(problems)
    with write_session(engine) as session:
        taken = session.scalar(select(func.count(User.id)).where(User.username == name))
        if address is not None:
            taken_email = session.scalar(select(func.count(User.id)).where(User.email == address))
        else:
            taken_email = 0
        if taken or taken_email:
            raise ValidationFailed(
                ([FieldProblem("username", name, _("a user with that username already exists"))] if taken else [])
                + ([FieldProblem("email", address, _("a user with that email already exists"))] if taken_email else [])
            )
        user = User(
            username=name,
            email=address,
            password_hash=hash_password(password) if password else None,
            must_change_password=generated is not None,
            password_changed_at=datetime.now(UTC),
        )
        user.roles = [UserRole(role=r) for r in sorted(chosen)]
        session.add(user)
        _audit(session, actor.name, "create", user, None)
    return generated


def _change(username: str, *, engine: Engine, actor: Actor, change) -> None:
    authorise(actor, "manage_users")
    with write_session(engine) as session:
        user = _user(session, username, lock=True)
        if user is None:
            raise ValidationFailed([FieldProblem("username", username, _("expected the username of a user"))])
        before = _snapshot(user)
        was_admin = "admin" in user.role_names and not user.disabled
        change(user)
        session.flush()
        if was_admin and not _active_admins(session):
            raise ValidationFailed(
                [
                    FieldProblem(
                        "username",
                        username,
                        _(
                            "expected at least one active admin to remain: add or enable another admin first, "
                            "or nobody could manage users"
                        ),
                    )
                ]
            )
        _audit(session, actor.name, "update", user, before)


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count(User.id)).join(UserRole).where(UserRole.role == "admin", User.disabled.is_(False))
    ).scalar_one()


def set_roles(username: str, roles: Iterable[str], *, engine: Engine, actor: Actor) -> None:
    """Replace a user's roles."""
    chosen = _roles(roles)
    _change(
        username,
        engine=engine,
        actor=actor,
        change=lambda user: setattr(user, "roles", [UserRole(role=r) for r in sorted(chosen)]),
    )


def disable_user(username: str, *, engine: Engine, actor: Actor) -> None:
    """Stop a user signing in (kept for the audit trail; never deleted), and
    end their sign-in sessions, so no browser's cookie lets them back in."""

    def change(user: User) -> None:
        user.disabled = True
        session = object_session(user)
        if session is not None:
            sessions.end_for_user(session, user.id, sessions.DISABLED)

    _change(username, engine=engine, actor=actor, change=change)


def enable_user(username: str, *, engine: Engine, actor: Actor) -> None:
    _change(username, engine=engine, actor=actor, change=lambda user: setattr(user, "disabled", False))


def reset_password(username: str, *, engine: Engine, actor: Actor) -> str:
    """A new one-time password for a user who forgot theirs (admins); it must be
    changed at the next sign-in. Also lifts a lockout, and ends every
    sign-in session of theirs (whoever used the old password is signed out)."""
    password = generate_password()

    def change(user: User) -> None:
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.locked_until = None
        user.password_changed_at = datetime.now(UTC)
        session = object_session(user)
        if session is not None:
            sessions.end_for_user(session, user.id, sessions.PASSWORD_RESET)

    _change(username, engine=engine, actor=actor, change=change)
    return password


def locked_now(locked_until: object, now: datetime | None = None) -> bool:
    """Whether a ``locked_until`` as read (None or NaT: never locked) is still in the future."""
    if locked_until is None or pd.isna(locked_until):
        return False
    return pd.Timestamp(locked_until) > pd.Timestamp(_now(now))


def unlock_user(username: str, *, engine: Engine, actor: Actor) -> bool:
    """Lift a lock after many failed sign-ins and forget the failures against
    the username from every address; audited. False when it was not locked
    and had no failures (nothing changed)."""
    authorise(actor, "manage_users")
    with write_session(engine) as session:
        user = _user(session, username, lock=True)
        if user is None:
            raise ValidationFailed([FieldProblem("username", username, _("expected the username of a user"))])
        had_failures = guard.forget_username(session, guard.username_key(username))
        if user.locked_until is None and not had_failures:
            return False
        before = _snapshot(user)
        user.locked_until = None
        _audit(session, actor.name, "update", user, before)
        return True


USER_COLUMNS = ["username", "email", "roles", "disabled", "locked_until", "last_sign_in_at", "must_change_password"]


def list_users(engine: Engine) -> pd.DataFrame:
    """Every user by username (no password hashes)."""
    with read_session(engine) as session:
        users = session.scalars(select(User).options(selectinload(User.roles)).order_by(User.username)).all()
        rows = [
            (
                u.username,
                u.email,
                ", ".join(sorted(u.role_names)),
                u.disabled,
                u.locked_until,
                u.last_sign_in_at,
                u.must_change_password,
            )
            for u in users
        ]
    return pd.DataFrame(rows, columns=USER_COLUMNS)


def has_users(engine: Engine) -> bool:
    with read_session(engine) as session:
        return session.scalar(select(User.id).limit(1)) is not None


def bootstrap_admin(engine: Engine, username: str = "admin") -> str | None:
    """On a database with no users, add an admin and return its one-time
    password (to print once in the terminal); else None."""
    if has_users(engine):
        return None
    return add_user(username, ["admin"], engine=engine, actor=Actor("setup", frozenset({"admin"})))
