"""Accounts: the people who may sign in and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, one_of, sized
from db.types import UTCDateTime
from tracker.core import vocabulary
from tracker.core.languages import LANGUAGES


class User(Timestamps, Base):
    """Someone who may sign in: a local account (Argon2id password hash) or,
    with single sign-on, an email the identity provider vouches for.

    ``password_hash`` is never copied into the audit trail. ``locked_until``
    is the hard lock after many failed sign-ins from many addresses
    (tracker/sign_in_guard.py); the failures themselves are in
    ``sign_in_failures``.
    """

    __tablename__ = "users"
    __table_args__ = (one_of("language", LANGUAGES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sized("username"), unique=True)
    email: Mapped[str | None] = mapped_column(sized("email"), unique=True)  # stored lower-case
    password_hash: Mapped[str | None] = mapped_column(Text)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(sized("language"))  # the one they chose; None: not chosen
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    def __repr__(self) -> str:
        return f"<User id={self.id} username={self.username!r} roles={sorted(self.role_names)}>"


class UserRole(Base):
    """One role a user holds (a user can hold several)."""

    __tablename__ = "user_roles"
    __table_args__ = (one_of("role", vocabulary.ROLES),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(sized("role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def __repr__(self) -> str:
        return f"<UserRole user_id={self.user_id} role={self.role!r}>"


class SignInFailure(Base):
    """One failed sign-in: the username as typed (known or not) and the
    client address it came from. Counted to slow the sender down and, after
    many from many addresses, to lock the account (tracker/sign_in_guard.py);
    rows older than a day are removed as new ones are written. Not a foreign
    key to ``users``: an unknown username is counted the same way."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_username_client", "username", "client"),
        Index("ix_sign_in_failures_client", "client"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sized("username"))
    client: Mapped[str] = mapped_column(sized("client_address"))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<SignInFailure {self.username!r} from {self.client!r} at {self.failed_at}>"


class SignInSession(Base):
    """One browser's password sign-in, readable by every server of the
    tracker (tracker/sign_in_sessions.py).

    The browser holds a random token in an HttpOnly cookie; only its SHA-256
    (hex) is stored here (``token_hash``; NULL until the browser has
    exchanged its ticket for the cookie). The ticket is the one-time, short
    lived proof handed to the page that signed in, stored likewise as a hash
    (``ticket_hash``, NULL once used), with ``ticket_binding``: the hash of the
    browser's XSRF token, so only that browser can use it. ``last_seen_at`` is
    bookkeeping for the idle timeout (written at most once a minute, never
    audited); ``ended_at`` is set by signing out, the idle timeout or an
    admin disabling the user, with ``ended_because`` saying which (one of
    ``vocabulary.SESSION_ENDINGS``). Rows are kept (the history of sign-ins)."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (one_of("ended_because", vocabulary.SESSION_ENDINGS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str | None] = mapped_column(sized("token_hash"), unique=True)
    ticket_hash: Mapped[str | None] = mapped_column(sized("token_hash"), unique=True)
    ticket_binding: Mapped[str | None] = mapped_column(sized("token_hash"))
    ticket_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_because: Mapped[str | None] = mapped_column(sized("session_ending"))
    client_address: Mapped[str] = mapped_column(sized("client_address"))

    def __repr__(self) -> str:
        return f"<SignInSession id={self.id} user_id={self.user_id} ended_at={self.ended_at}>"
