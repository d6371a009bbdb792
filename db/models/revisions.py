"""A commitment's money over time: its schedule as first committed and every revision since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, one_of, sized, utc_now
from db.types import FinancialYearType, UTCDateTime
from tracker.core import vocabulary
from tracker.core.fiscal import FinancialYear


class CommitmentBaseline(Base):
    """A commitment's schedule as first committed: one row per financial year.

    Written once, on the commitment's first revision (before that, the
    baseline is simply the current schedule), so the original profile stays
    beside the revised one however often the money is re-profiled. Never
    updated, so no version column.
    """

    __tablename__ = "commitment_baselines"
    __table_args__ = (UniqueConstraint("commitment_id", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No ON DELETE CASCADE: commitments are only ever soft-deleted, and the
    # history must outlive any attempt to remove them.
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    # NULL: the commitment's unphased money (its year was not stated).
    financial_year: Mapped[FinancialYear | None] = mapped_column(FinancialYearType)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        return (
            f"<CommitmentBaseline commitment_id={self.commitment_id} "
            f"financial_year={self.financial_year!r} amount_pence={self.amount_pence}>"
        )


class CommitmentRevision(Base):
    """One change to a commitment's money (amount, profile, years, first year
    or uplift): who, when, why, and the terms before and after.

    ``reason`` is one of ``vocabulary.REVISION_REASONS``; "other" needs ``reason_text``.
    Append-only in practice (the write use-cases in tracker.records never change a revision).
    """

    __tablename__ = "commitment_revisions"
    __table_args__ = (
        one_of("reason", vocabulary.REVISION_REASONS),
        CheckConstraint("reason <> 'other' OR reason_text IS NOT NULL", name="other_has_text"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(sized("actor"))
    reason: Mapped[str] = mapped_column(sized("revision_reason"))
    reason_text: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return (
            f"<CommitmentRevision id={self.id} commitment_id={self.commitment_id} "
            f"reason={self.reason!r} by {self.actor!r} at {self.revised_at}>"
        )
