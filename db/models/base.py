"""What every table shares: the declarative ``Base`` with its naming
convention, the ``Timestamps`` mixin, and the helpers that size text columns
and build the CHECK constraints of closed lists."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime
from tracker.core import limits

# Every constraint and index gets a predictable name. Alembic batch mode on
# SQLite recreates tables and can only drop or alter a constraint it can name;
# PostgreSQL would otherwise invent names that differ from SQLite's.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The closed lists live in tracker.core.vocabulary (with their labels): the
# CHECK constraints of the models are built from them, and code that needs a
# list imports it from there. The sizes of text columns come from
# tracker.core.limits, the table every way in checks text against.


def utc_now() -> datetime:
    return datetime.now(UTC)


def sized(field: str) -> String:
    """A ``String`` column as long as ``field`` may be (``tracker.core.limits.LIMITS``)."""
    return String(limits.LIMITS[field])


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A named CHECK that ``column`` holds one of ``values`` (NULL passes, as in SQL)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """When a row was created and last changed (UTC, set by the application)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
