"""Review: Digital Advisory Group meetings, the figures frozen for each, and
reviewers' progress statuses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, one_of, sized, utc_now
from db.types import UTCDateTime
from tracker.core import vocabulary


class ReviewMeeting(Base):
    """A Digital Advisory Group meeting: the day it is held and the date its
    figures are taken as at. Opening one freezes the figures (``ReviewSnapshot``)."""

    __tablename__ = "review_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)
    as_at: Mapped[date] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(sized("title"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    snapshot: Mapped[ReviewSnapshot | None] = relationship(back_populates="meeting")

    def __repr__(self) -> str:
        return f"<ReviewMeeting id={self.id} held_on={self.held_on} as_at={self.as_at}>"


class ReviewSnapshot(Base):
    """The figures as they stood when a meeting was opened, frozen as one JSON
    document (``tracker.review.snapshot.build_snapshot`` describes it).

    Append-only: database triggers (migration 0003) refuse UPDATE and DELETE,
    so later edits to the data can never move a meeting's figures.
    """

    __tablename__ = "review_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meetings.id"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    taken_by: Mapped[str] = mapped_column(sized("taken_by"))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="snapshot")

    def __repr__(self) -> str:
        return f"<ReviewSnapshot id={self.id} meeting_id={self.meeting_id} taken_at={self.taken_at}>"


class ProgressStatus(Base):
    """A reviewer's judgement of a commitment's (or a programme's) progress.

    A status change is a new row, never an edit: the history is the table,
    the current status is the latest row for its subject. Append-only by
    database triggers (migration 0003). Exactly one of ``commitment_id`` and
    ``programme`` names the subject.
    """

    __tablename__ = "progress_statuses"
    __table_args__ = (
        one_of("status", vocabulary.PROGRESS_STATUSES),
        CheckConstraint("(commitment_id IS NULL) <> (programme IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    programme: Mapped[str | None] = mapped_column(sized("programme"), index=True)
    status: Mapped[str] = mapped_column(sized("progress_status"))
    assessed_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(sized("reviewer"))
    evidence_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meetings.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        subject = f"commitment_id={self.commitment_id}" if self.commitment_id else f"programme={self.programme!r}"
        return f"<ProgressStatus id={self.id} {subject} {self.status!r} on {self.assessed_on}>"
