"""Commitments (lines of money promised), the areas they benefit and the
yearly lines of a profiled commitment."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, one_of, sized
from db.types import FinancialYearType, UTCDateTime
from tracker.core import vocabulary
from tracker.core.fiscal import FinancialYear

if TYPE_CHECKING:
    from db.models.activities import ActivityLink, PlannedBudget
    from db.models.announcements import Announcement
    from db.models.deliveries import Delivery, Milestone
    from db.models.organisations import Organisation


class Commitment(Timestamps, Base):
    """One line of money promised in an announcement.

    ``amount_pence`` means the total for ``one-off``, ``multi-year`` and
    ``profiled`` commitments and the amount per year for ``recurring`` ones
    (for ``years`` years from ``first_year``, rising by ``uplift_bp`` a year).
    ``first_year`` NULL: not stated (the money is unphased); ``years`` NULL:
    "a year", end not stated (recurring) or an unstated period (multi-year);
    ``recipient_id`` NULL: no recipient named.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        one_of("kind", vocabulary.COMMITMENT_KINDS),
        one_of("qualifier", vocabulary.QUALIFIERS),
        one_of("status", vocabulary.STATUSES),
        one_of("capital_or_revenue", vocabulary.CAPITAL_OR_REVENUE),
        one_of("spread", vocabulary.SPREADS),
        CheckConstraint("years >= 1", name="years_at_least_one"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(sized("ref"), unique=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(sized("programme"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(sized("commitment_kind"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    # "over £1m" is a floor, "up to £1m" a ceiling: the amount alone misleads.
    qualifier: Mapped[str] = mapped_column(sized("qualifier"), default="exact", server_default="exact")
    status: Mapped[str] = mapped_column(sized("status"), default="confirmed", server_default="confirmed")
    capital_or_revenue: Mapped[str | None] = mapped_column(sized("capital_or_revenue"))
    first_year: Mapped[FinancialYear | None] = mapped_column(FinancialYearType)
    # No default: NULL means "not stated" and must never become 1 by itself.
    years: Mapped[int | None] = mapped_column(Integer)
    # Annual uplift in basis points (hundredths of a percent): 2.5% = 250.
    # An integer keeps the projection exact; no float percentages.
    uplift_bp: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The earlier commitment this one restates: it adds no new money and
    # is counted once.
    reannounces_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    # Announced before, the original not recorded here: counted, not new money.
    reannounces_earlier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The pot this commitment is a share of: taken out of it, never added on top.
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    # How a multi-year total is placed in years (vocabulary.SPREADS).
    spread: Mapped[str] = mapped_column(sized("spread"), default="none", server_default="none")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    announcement: Mapped[Announcement] = relationship(back_populates="commitments")
    recipient: Mapped[Organisation | None] = relationship(back_populates="commitments_received")
    reannounces: Mapped[Commitment | None] = relationship(
        remote_side=[id], back_populates="reannounced_by", foreign_keys=[reannounces_id]
    )
    reannounced_by: Mapped[list[Commitment]] = relationship(back_populates="reannounces", foreign_keys=[reannounces_id])
    part_of: Mapped[Commitment | None] = relationship(
        remote_side=[id], back_populates="shares", foreign_keys=[part_of_id]
    )
    shares: Mapped[list[Commitment]] = relationship(back_populates="part_of", foreign_keys=[part_of_id])
    areas: Mapped[list[CommitmentArea]] = relationship(
        back_populates="commitment", order_by="CommitmentArea.id", cascade="all, delete-orphan", passive_deletes=True
    )
    # Profile lines belong to their commitment (the database cascades the
    # delete too); deliveries and milestones are records in their own right.
    profile_lines: Mapped[list[ProfileLine]] = relationship(
        back_populates="commitment",
        order_by="ProfileLine.financial_year",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # Delivery lives in db.models.deliveries: the order is a string, resolved
    # by name once every model is mapped, so this module need not import it.
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="commitment", order_by="[Delivery.paid_on, Delivery.id]"
    )
    milestones: Mapped[list[Milestone]] = relationship(back_populates="commitment", order_by="Milestone.id")
    # What an IATI activity says beside its money (db.models.activities): replaced whole by a re-import.
    budgets: Mapped[list[PlannedBudget]] = relationship(
        back_populates="commitment",
        order_by="[PlannedBudget.period_start, PlannedBudget.id]",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    activity_links: Mapped[list[ActivityLink]] = relationship(
        back_populates="commitment", order_by="ActivityLink.id", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return (
            f"<Commitment id={self.id} ref={self.ref!r} kind={self.kind!r} "
            f"amount_pence={self.amount_pence} first_year={self.first_year!r}>"
        )


class CommitmentArea(Base):
    """An area a commitment benefits, as an ONS GSS code (``tracker.core.places``)."""

    __tablename__ = "commitment_areas"
    __table_args__ = (UniqueConstraint("commitment_id", "gss_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    gss_code: Mapped[str] = mapped_column(sized("gss_code"), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="areas")


class ProfileLine(Timestamps, Base):
    """The amount of a ``profiled`` commitment in one financial year."""

    __tablename__ = "profile_lines"
    __table_args__ = (UniqueConstraint("commitment_id", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    financial_year: Mapped[FinancialYear] = mapped_column(FinancialYearType)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="profile_lines")

    def __repr__(self) -> str:
        return (
            f"<ProfileLine id={self.id} commitment_id={self.commitment_id} "
            f"financial_year={self.financial_year!r} amount_pence={self.amount_pence}>"
        )
