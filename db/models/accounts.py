"""Accounts: the people who may sign in and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, one_of, sized
from db.types import UTCDateTime
from tracker.core import vocabulary


class User(Timestamps, Base):
    """Someone who may sign in: a local account (Argon2id password hash) or,
    with single sign-on, an email the identity provider vouches for.

    ``password_hash`` is never copied into the audit trail. ``failed_attempts``
    and ``locked_until`` implement the lockout (tracker/accounts.py).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sized("username"), unique=True)
    email: Mapped[str | None] = mapped_column(sized("email"), unique=True)  # stored lower-case
    password_hash: Mapped[str | None] = mapped_column(Text)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
