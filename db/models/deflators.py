"""Deflator releases an admin loaded: each a named series of index numbers by
financial year (``tracker.core.deflators.Release``), kept side by side.

Rows are never updated or deleted: a newer series is a new release with its
own name, so a figure worked with an older one can always be worked again.
The release shipped with the tracker (``tracker.core.deflators.shipped``) is
never stored here. Which release is the default is an ``AppSetting``
(``tracker.records.deflator_releases``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, sized, utc_now
from db.types import FinancialYearType, UTCDateTime
from tracker.core.fiscal import FinancialYear


class DeflatorRelease(Base):
    """A release: its name as given, the same name case-folded (``name_key``:
    two releases may not differ only in case), who loaded it and when."""

    __tablename__ = "deflator_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sized("deflator_release"), unique=True)
    name_key: Mapped[str] = mapped_column(sized("deflator_release"), unique=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    loaded_by: Mapped[str] = mapped_column(sized("actor"))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<DeflatorRelease id={self.id} {self.name!r} by {self.loaded_by!r} at {self.loaded_at}>"


class DeflatorIndex(Base):
    """One financial year's index in a release, stored as the exact text of a
    ``Decimal`` (never Float or Numeric: SQLite would keep a float)."""

    __tablename__ = "deflator_indices"
    __table_args__ = (UniqueConstraint("release_id", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("deflator_releases.id"))
    financial_year: Mapped[FinancialYear] = mapped_column(FinancialYearType)
    deflator_index: Mapped[str] = mapped_column(sized("deflator_index"))

    def __repr__(self) -> str:
        return f"<DeflatorIndex release_id={self.release_id} {self.financial_year} {self.deflator_index}>"
