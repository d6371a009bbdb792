"""Who may read the JSON API: bearer tokens per user, and public mode.

A token is ``secrets.token_urlsafe(32)``: 43 URL-safe characters holding 256
random bits. Only its SHA-256 (hex) is stored: with that much entropy a fast
hash is right (there is nothing to guess from a dictionary, so Argon2's cost
would buy nothing and would make every API request slow), and a copy of the
table gives nobody a token. A token is checked by looking its hash up (a
unique index), never by comparing secrets in Python.

- ``issue_token``: a new token for a user, printed or shown once; a user has
  at most one live token, so the old one is revoked in the same transaction.
- ``revoke_token``: the user's live token stops working at once.
- ``authenticate``: the user a presented token reads as (None: unknown,
  revoked, or its user disabled or gone). Read-only; ``touch`` records the
  last use at most once a minute per token (``LastUse``), after the answer is sent.
- ``public_api`` / ``set_public_api``: whether anyone may read the API
  without a token, as a viewer (off unless an admin turns it on).

Issuing, revoking and turning public mode on or off are admin actions
(``manage_users``), each written and audited in one transaction; the audit
trail never holds a token or its hash. A disabled user's token stops working
while they are disabled (and works again if they are enabled: revoke it when
someone leaves).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.models import ApiToken, AppSetting, AuditEvent, User, UserRole
from db.session import read_session, write_engine, write_session
from tracker.core.limits import never_stored
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, ValidationFailed

TOKEN_BYTES = 32
# token_urlsafe's alphabet; anything else (or anything much longer) is no token of ours.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,200}")
PUBLIC_API = "public_api"
TOUCH_EVERY = timedelta(minutes=1)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiCaller:
    """The user a token reads the API as, with their roles now."""

    token_id: int
    user_id: int
    username: str
    roles: frozenset[str]
    last_used_at: datetime | None

    @property
    def actor(self) -> Actor:
        return Actor(name=self.username, roles=self.roles)


# --- issuing and revoking ----------------------------------------------------------------


def _token_snapshot(token: ApiToken, username: str) -> dict:
    """A token as the audit trail keeps it: whose, when made and revoked; never the token or its hash."""
    return {
        "user_id": token.user_id,
        "username": username,
        "created_at": token.created_at.isoformat() if token.created_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _audit(session: Session, actor: Actor, action: str, entity: str, entity_id: int, before, after) -> None:
    session.add(
        AuditEvent(actor=actor.name, action=action, entity=entity, entity_id=entity_id, before=before, after=after)
    )


def _user_for_token(session: Session, username: str) -> User:
    name = (username or "").strip()
    found = None if never_stored(name) else select(User).where(User.username == name).with_for_update()
    user = None if found is None else session.scalars(found).one_or_none()
    if user is None:
        raise ValidationFailed([FieldProblem("username", name, "expected the username of a user")])
    return user


def _revoke_live(session: Session, user: User, actor: Actor, now: datetime) -> bool:
    live = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).with_for_update()
    ).all()
    for token in live:
        before = _token_snapshot(token, user.username)
        token.revoked_at = now
        _audit(session, actor, "update", "api_tokens", token.id, before, _token_snapshot(token, user.username))
    return bool(live)


def issue_token(username: str, *, engine: Engine, actor: Actor, now: datetime | None = None) -> str:
    """A new API token for ``username`` (returned once; only its hash is kept).
    Their previous token, if any, is revoked in the same transaction."""
    authorise(actor, "manage_users")
    now = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with write_session(engine) as session:
        user = _user_for_token(session, username)
        if user.disabled:
            raise ValidationFailed(
                [FieldProblem("username", user.username, "expected an enabled user: enable the account first")]
            )
        _revoke_live(session, user, actor, now)
        row = ApiToken(user_id=user.id, token_hash=token_hash(token), created_at=now)
        session.add(row)
        session.flush()
        _audit(session, actor, "create", "api_tokens", row.id, None, _token_snapshot(row, user.username))
    return token


def revoke_token(username: str, *, engine: Engine, actor: Actor, now: datetime | None = None) -> bool:
    """Revoke ``username``'s live token; False when they had none (nothing changed)."""
    authorise(actor, "manage_users")
    with write_session(engine) as session:
        user = _user_for_token(session, username)
        return _revoke_live(session, user, actor, _now(now))


TOKEN_COLUMNS = ["username", "token_created_at", "token_last_used_at"]


def live_tokens(engine: Engine) -> pd.DataFrame:
    """Each user with a live token: when it was made and last used (UTC)."""
    with read_session(engine) as session:
        rows = session.execute(
            select(User.username, ApiToken.created_at, ApiToken.last_used_at)
            .join(User, ApiToken.user_id == User.id)
            .where(ApiToken.revoked_at.is_(None))
            .order_by(User.username)
        ).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=TOKEN_COLUMNS)


# --- checking a token ------------------------------------------------------------------------


def authenticate(token: str, *, engine: Engine) -> ApiCaller | None:
    """The live token's user, if ``token`` is one and its user is enabled; else None.
    One indexed read (the token's hash), with the user's roles now."""
    if not _TOKEN_SHAPE.fullmatch(token or ""):
        return None
    query = (
        select(ApiToken.id, ApiToken.last_used_at, User.id, User.username, User.disabled, UserRole.role)
        .join(User, ApiToken.user_id == User.id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows or rows[0].disabled:
        return None
    token_id, last_used_at, user_id, username = rows[0][:4]
    roles = frozenset(row.role for row in rows if row.role is not None)
    return ApiCaller(token_id, user_id, username, roles, last_used_at)


class LastUse:
    """When this process last recorded each token's use: with the database's
    own record, what keeps ``touch`` to at most one write a minute per token."""

    def __init__(self) -> None:
        self._written: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, caller: ApiCaller, now: datetime | None = None) -> bool:
        """Whether the token's last use is worth writing now (and, if so, it counts as written)."""
        if caller.last_used_at is not None and _now(now) - caller.last_used_at < TOUCH_EVERY:
            return False
        with self._lock:
            last = self._written.get(caller.token_id)
            if last is not None and time.monotonic() - last < TOUCH_EVERY.total_seconds():
                return False
            self._written[caller.token_id] = time.monotonic()
        return True


def touch(token_id: int, *, engine: Engine, now: datetime | None = None) -> None:
    """Record a token's use (bookkeeping, not audited, like a user's last sign-in).
    Best effort: a busy database skips it rather than fail or delay anything."""
    now = _now(now)
    try:
        with write_engine(engine).begin() as connection:
            connection.execute(
                update(ApiToken)
                .where(
                    ApiToken.id == token_id,
                    or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY),
                )
                .values(last_used_at=now)
            )
    except DBAPIError:
        pass


# --- public mode -------------------------------------------------------------------------------


def public_api(engine: Engine) -> bool:
    """Whether anyone may read the API without a token (as a viewer)."""
    with engine.connect() as connection:
        value = connection.execute(select(AppSetting.setting_value).where(AppSetting.setting == PUBLIC_API)).scalar()
    return value == "on"


def set_public_api(on: bool, *, engine: Engine, actor: Actor) -> bool:
    """Turn public mode on or off (admins); False when it already was (nothing changed)."""
    authorise(actor, "manage_users")
    value = "on" if on else "off"
    with write_session(engine) as session:
        row = session.scalars(
            select(AppSetting).where(AppSetting.setting == PUBLIC_API).with_for_update()
        ).one_or_none()
        if row is None:
            if not on:
                return False  # off is the default: nothing to write
            row = AppSetting(setting=PUBLIC_API, setting_value=value)
            session.add(row)
            session.flush()
            _audit(session, actor, "create", "app_settings", row.id, None, _setting_snapshot(row))
            return True
        if row.setting_value == value:
            return False
        before = _setting_snapshot(row)
        row.setting_value = value
        session.flush()
        _audit(session, actor, "update", "app_settings", row.id, before, _setting_snapshot(row))
        return True


def _setting_snapshot(row: AppSetting) -> dict:
    return {"setting": row.setting, "setting_value": row.setting_value, "version": row.version}
