"""Announcements: public statements by a funder that carry commitments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamps, sized
from db.types import UTCDateTime

if TYPE_CHECKING:
    from db.models.commitments import Commitment
    from db.models.organisations import Organisation


class Announcement(Timestamps, Base):
    """A public statement by a funder, carrying one or more commitments
    (``announced_on`` is NULL when the statement is undated)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(sized("ref"), unique=True)
    announced_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(sized("title"))
    title_cy: Mapped[str | None] = mapped_column(sized("title_cy"))  # in Welsh, when the funder gave one
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    made_by: Mapped[str | None] = mapped_column(sized("made_by"))
    source_url: Mapped[str | None] = mapped_column(Text)
    # The exact words announced ("over £1m will be made available ...").
    quote: Mapped[str | None] = mapped_column(Text)
    quote_cy: Mapped[str | None] = mapped_column(Text)  # the same words in Welsh, as announced
    notes: Mapped[str | None] = mapped_column(Text)
    # The headline claim in its own words ("over £1bn for digital"): checked against the commitments.
    headline: Mapped[str | None] = mapped_column(sized("headline"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    funder: Mapped[Organisation] = relationship(back_populates="announcements")
    commitments: Mapped[list[Commitment]] = relationship(back_populates="announcement", order_by="Commitment.id")

    def __repr__(self) -> str:
        return f"<Announcement id={self.id} ref={self.ref!r} announced_on={self.announced_on}>"
