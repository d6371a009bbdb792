"""Who may read the JSON API: a token per user, and the settings an admin
changes (whether anyone may read it without a token)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, sized, utc_now
from db.types import UTCDateTime

if TYPE_CHECKING:
    from db.models.accounts import User


class ApiToken(Base):
    """A bearer token that reads the JSON API as its user, with their roles.

    Only the token's SHA-256 (hex) is stored: a token is 32 random bytes, so
    a fast hash is enough and the stored value is useless to whoever reads
    the table. A user has at most one live token (``revoked_at`` NULL):
    issuing a new one revokes the old in the same transaction. Rows are never
    deleted, so the audit trail always points at one. ``last_used_at`` is
    bookkeeping (updated at most once a minute, never audited), like a
    user's last sign-in.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sized("token_hash"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken id={self.id} user_id={self.user_id} revoked_at={self.revoked_at}>"


class AppSetting(Timestamps, Base):
    """One setting an admin turns on or off (e.g. ``public_api``: ``on`` or
    ``off``). A setting with no row has its default."""

    __tablename__ = "app_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    setting: Mapped[str] = mapped_column(sized("setting"), unique=True)
    setting_value: Mapped[str] = mapped_column(sized("setting_value"))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<AppSetting {self.setting}={self.setting_value!r}>"
