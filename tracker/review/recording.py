"""The progress review's writes: a reviewer's status, and opening a meeting.

A status is a new history row (nothing is overwritten); opening a meeting
freezes the figures as they stand for its as-at date. Both check the actor
may do it, validate completely (``ValidationFailed`` naming every form field
at fault, in the language in use) and write and audit in one unit of work
(tracker.records.unit_of_work). tracker.review.meetings reads them back;
tracker.review.snapshot builds the frozen figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.models import Announcement, Commitment, ProgressStatus, ReviewMeeting, ReviewSnapshot, utc_now
from tracker.core.clock import today
from tracker.core.limits import never_stored
from tracker.core.vocabulary import PROGRESS_STATUSES
from tracker.i18n import _
from tracker.records.inputs import Checks, as_text
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, ValidationFailed, raise_if_any
from tracker.records.refs import live_commitment
from tracker.records.unit_of_work import UnitOfWork, write
from tracker.review.snapshot import build_snapshot, fingerprint


@dataclass(frozen=True)
class StatusInput:
    """A reviewer's judgement as typed: one subject (a commitment ref, or a
    programme), a status from ``PROGRESS_STATUSES``, the date it was judged,
    and an evidence link or a note (at least one)."""

    status: str
    commitment_ref: str = ""
    programme: str = ""
    assessed_on: str = ""  # blank: today
    evidence_url: str = ""
    note: str = ""
    meeting_held_on: str = ""  # the meeting it was given at (optional)


def record_status(inp: StatusInput, *, engine: Engine, actor: Actor) -> int:
    """Record a progress status (a new history row; nothing is overwritten); its id."""
    authorise(actor, "record_status")

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        problems: list[FieldProblem] = []
        checks = Checks(problems)
        status = as_text(inp.status).strip()
        if status not in PROGRESS_STATUSES:
            checks.fail("status", status, _("expected one of: {choices}", choices=", ".join(PROGRESS_STATUSES)))
        ref = checks.text("commitment_ref", inp.commitment_ref)
        programme = checks.text("programme", inp.programme)
        commitment = None
        if bool(ref) == bool(programme):
            checks.fail("commitment_ref", ref, _("expected a commitment or a programme (one, not both)"))
        elif never_stored(ref) or never_stored(programme):
            pass  # refused by its text check; no query can be asked with it
        elif ref:
            commitment = live_commitment(session, ref)
            if commitment is None:
                checks.fail("commitment_ref", ref, _("expected the ref of a commitment in the database"))
        elif (
            session.scalar(
                select(Commitment.id)
                .join(Announcement)
                .where(
                    Commitment.programme == programme,
                    Commitment.deleted_at.is_(None),
                    Announcement.deleted_at.is_(None),
                )
                .limit(1)
            )
            is None
        ):
            checks.fail("programme", programme, _("expected the programme of a commitment in the database"))
        assessed_on = checks.date("assessed_on", inp.assessed_on) or today()
        if assessed_on > today():
            checks.fail("assessed_on", as_text(inp.assessed_on), _("expected a date on or before today"))
        evidence_url = checks.text("evidence_url", inp.evidence_url)
        note = checks.text("note", inp.note)
        if not evidence_url and not note:
            checks.fail("note", "", _("give an evidence link or a note: what the status rests on"))
        meeting_id = None
        held_on = checks.date("meeting_held_on", inp.meeting_held_on)
        if held_on is not None:
            meeting_id = session.scalar(select(ReviewMeeting.id).where(ReviewMeeting.held_on == held_on))
            if meeting_id is None:
                checks.fail("meeting_held_on", as_text(inp.meeting_held_on), _("expected the date of a meeting"))
        raise_if_any(problems)
        row = ProgressStatus(
            commitment_id=commitment.id if commitment else None,
            programme=programme,
            status=status,
            assessed_on=assessed_on,
            reviewer=actor.name,
            evidence_url=evidence_url,
            note=note,
            meeting_id=meeting_id,
        )
        session.add(row)
        uow.created([row])
        return row.id

    return write(engine, actor, work)


def open_meeting(held_on: object, as_at: object = "", title: str = "", *, engine: Engine, actor: Actor) -> int:
    """Open a review meeting: record it and freeze the figures as they stand
    for its as-at date (``as_at`` blank: the meeting's own date). Its id.

    The snapshot is taken from committed data just before the meeting row is
    written; it never changes afterwards (the database refuses).
    """
    authorise(actor, "open_meeting")
    problems: list[FieldProblem] = []
    checks = Checks(problems)
    held = checks.date("held_on", held_on, required=True)
    as_at_date = checks.date("as_at", as_at) or held
    if held is not None and as_at_date is not None and as_at_date > held:
        checks.fail("as_at", as_text(as_at), _("expected a date on or before the meeting's date"))
    elif as_at_date is not None and as_at_date > today():
        # Figures cannot be frozen for a day that has not come: what is
        # recorded before it would be missing from the meeting for good.
        checks.fail(
            "as_at",
            as_text(as_at) or as_text(held_on),
            _("expected an as-at date on or before today (give one for a meeting still to come)"),
        )
    title_text = checks.text("title", title)
    raise_if_any(problems)
    assert held is not None and as_at_date is not None  # required: a blank one is a problem raised above
    taken_at = utc_now()
    figures = build_snapshot(engine, as_at_date, recorded_before=taken_at)

    def work(uow: UnitOfWork) -> int:
        session = uow.session
        if session.scalar(select(ReviewMeeting.id).where(ReviewMeeting.held_on == held)) is not None:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "held_on", held.isoformat(), _("a meeting on that date is already open: open it from the list")
                    )
                ]
            )
        meeting = ReviewMeeting(held_on=held, as_at=as_at_date, title=title_text)
        session.add(meeting)
        session.flush()
        frozen = ReviewSnapshot(meeting_id=meeting.id, taken_at=taken_at, taken_by=actor.name, figures=figures)
        session.add(frozen)
        uow.created([meeting])
        # The snapshot's event records a fingerprint of its figures, not the figures themselves.
        uow.record(
            "create",
            frozen,
            None,
            {
                "meeting_id": meeting.id,
                "as_at": as_at_date.isoformat(),
                "taken_at": taken_at.isoformat(),
                "taken_by": actor.name,
                "figures_sha256": fingerprint(figures),
            },
        )
        return meeting.id

    return write(engine, actor, work)
