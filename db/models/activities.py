"""What an IATI activity says beside its commitment: its budgets (the planned
profile, original and revised) and the activities it names as parent, child
and so on. Budgets are shown beside the commitments and never counted as
committed; a link names another activity by its identifier, whether or not
the tracker holds it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, one_of, sized
from db.types import FinancialYearType
from tracker.core import vocabulary
from tracker.core.fiscal import FinancialYear

if TYPE_CHECKING:
    from db.models.commitments import Commitment


class PlannedBudget(Timestamps, Base):
    """One budget of an activity: a period, its financial year (that of
    ``period_start``; NULL when the period has no start) and the amount."""

    __tablename__ = "planned_budgets"
    __table_args__ = (one_of("status", vocabulary.BUDGET_STATUSES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sized("budget_status"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    financial_year: Mapped[FinancialYear | None] = mapped_column(FinancialYearType)
    amount_pence: Mapped[int] = mapped_column(BigInteger)  # as given: negatives included
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="budgets")


class ActivityLink(Timestamps, Base):
    """Another activity this commitment's activity names (``relation``: parent, child...)."""

    __tablename__ = "activity_links"
    __table_args__ = (
        UniqueConstraint("commitment_id", "relation", "other_ref"),
        one_of("relation", vocabulary.ACTIVITY_RELATIONS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(sized("activity_relation"))
    other_ref: Mapped[str] = mapped_column(sized("activity_ref"), index=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="activity_links")
