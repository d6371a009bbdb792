"""Column types that keep the tracker's own values exact in every database:
a ``FinancialYear`` (never a bare int) and a timezone-aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from tracker.core.fiscal import FinancialYear


class FinancialYearType(TypeDecorator[FinancialYear]):
    """A ``FinancialYear`` stored as the integer year it starts in (2020 = 2020-21).

    Plain ints are refused on the way in, in comparisons too
    (``first_year == 2020``): a financial year is a type, not an int, and a
    bare 2020 could as easily be a calendar year.
    """

    impl = Integer
    cache_ok = True

    @property
    def python_type(self) -> type[FinancialYear]:
        return FinancialYear

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, FinancialYear):
            return value.start_year
        raise TypeError(f"expected a FinancialYear, got {value!r}")

    def process_result_value(self, value: int | None, dialect: Dialect) -> FinancialYear | None:
        return None if value is None else FinancialYear(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, always handed back in UTC.

    PostgreSQL keeps the zone (``timestamp with time zone``); SQLite has no
    datetime type and drops it, so values are converted to UTC before storing
    and marked as UTC when read. Naive datetimes are refused: their zone is a
    guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"expected a timezone-aware datetime, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as UTC without the zone
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
