"""What a commitment delivers: money paid or spent, and non-financial milestones."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, one_of, sized
from db.types import UTCDateTime
from tracker.core import vocabulary

if TYPE_CHECKING:
    from db.models.commitments import Commitment


class Delivery(Timestamps, Base):
    """Money actually paid or spent against a commitment; its FY comes from ``paid_on``."""

    __tablename__ = "deliveries"
    __table_args__ = (one_of("kind", vocabulary.DELIVERY_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(sized("ref"), unique=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    # NULL: the delivery's date is not known (its money is then unphased).
    paid_on: Mapped[date | None] = mapped_column(Date)
    # May be negative: a correction or clawback of an earlier payment.
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(sized("delivery_kind"))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    # Demo figures that nobody published: shown, but always labelled as such.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return (
            f"<Delivery id={self.id} ref={self.ref!r} paid_on={self.paid_on} "
            f"amount_pence={self.amount_pence} kind={self.kind!r}>"
        )


class Milestone(Timestamps, Base):
    """Non-financial delivery tied to a commitment (e.g. "CDO in post")."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(sized("ref"), unique=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    title: Mapped[str] = mapped_column(sized("title"))
    due_on: Mapped[date | None] = mapped_column(Date)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    # What the sources actually say when the exact day is unknown,
    # e.g. "late November 2020; the day was not published".
    achieved_note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<Milestone id={self.id} ref={self.ref!r} title={self.title!r}>"
