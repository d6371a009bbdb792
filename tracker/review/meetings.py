"""Progress review for the Digital Advisory Group: progress statuses (RAG)
and the meetings with their frozen figures.

Reads only; ``tracker.review.recording.open_meeting`` and ``record_status`` write.

* ``RAG`` and ``status_label``: how a status is shown (its words, a colour
  and an icon, never colour alone).
* ``current_statuses``, ``status_history``, ``subjects``: the statuses given
  to commitments and programmes, never overwritten.
* ``meetings``, ``meeting``, ``previous_meeting``: the meetings, each with
  the snapshot frozen when it was opened (``tracker.review.snapshot``
  describes the document); ``tracker.review.changes`` compares two of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from db.models import Commitment, ProgressStatus, ReviewMeeting, ReviewSnapshot
from db.session import read_session
from tracker.figures.data import TrackerData
from tracker.figures.shared import per_data
from tracker.i18n import N_, _, current
from tracker.i18n.dates import long_date

PROGRAMME_PREFIX = "programme: "


@dataclass(frozen=True)
class Rag:
    """How a status is shown: always its words, with a colour and an icon."""

    status: str
    rag: str  # the RAG word: green, amber, red, blue, grey
    colour: str  # Okabe-Ito, readable on white
    icon: str  # a Material icon, so colour is never the only signal
    label: str  # the words and the colour named, for people (a message: translate with ``_``)


# The keys are the statuses as stored (``tracker.core.vocabulary.PROGRESS_STATUSES``): never translated.
RAG = {
    "on track": Rag("on track", "green", "#009E73", ":material/check_circle:", N_("On track (green)")),
    "at risk": Rag("at risk", "amber", "#E69F00", ":material/warning:", N_("At risk (amber)")),
    "off track": Rag("off track", "red", "#D55E00", ":material/error:", N_("Off track (red)")),
    "stalled": Rag("stalled", "red", "#CC79A7", ":material/pause_circle:", N_("Stalled (red)")),
    "achieved": Rag("achieved", "blue", "#0072B2", ":material/verified:", N_("Achieved (blue)")),
    "not started": Rag("not started", "grey", "#6B6B6B", ":material/radio_button_unchecked:", N_("Not started (grey)")),
}
NO_STATUS = N_("No status yet")


def status_label(status: str | None) -> str:
    """'At risk (amber)': the words first, the colour named too, in the
    language in use (a status the tracker does not know: as stored)."""
    if not status:
        return _(NO_STATUS)
    rag = RAG.get(status)
    return _(rag.label) if rag else status.capitalize()


def subject_words(subject: str) -> str:
    """A status's subject as people read it: a commitment's ref, or
    ``programme: Digital Fund`` in the language in use (the subject as stored
    is the key)."""
    if subject.startswith(PROGRAMME_PREFIX):
        return _("programme: {programme}", programme=subject.removeprefix(PROGRAMME_PREFIX))
    return subject


# --- statuses ---------------------------------------------------------------------------

CURRENT_STATUS_KEYS = (
    "subject",
    "commitment_ref",
    "programme",
    "status",
    "assessed_on",
    "reviewer",
    "evidence_url",
    "note",
)
STATUS_COLUMNS = [
    "subject",
    "commitment_ref",
    "programme",
    "status",
    "assessed_on",
    "reviewer",
    "evidence_url",
    "note",
    "recorded_at",
    "meeting_held_on",
]


def _status_rows(
    engine: Engine,
    *,
    as_at: date | None = None,
    recorded_before: datetime | None = None,
    subject: str | None = None,
    meeting_id: int | None = None,
) -> list[dict[str, Any]]:
    """Every status row (oldest recorded first), optionally for one subject."""
    query = (
        select(ProgressStatus, Commitment.ref, ReviewMeeting.held_on)
        .outerjoin(Commitment, ProgressStatus.commitment_id == Commitment.id)
        .outerjoin(ReviewMeeting, ProgressStatus.meeting_id == ReviewMeeting.id)
        .where(Commitment.deleted_at.is_(None))
        .order_by(ProgressStatus.id)
    )
    if as_at is not None:
        query = query.where(ProgressStatus.assessed_on <= as_at)
    if recorded_before is not None:
        query = query.where(ProgressStatus.recorded_at < recorded_before)
    if meeting_id is not None:
        query = query.where(ProgressStatus.meeting_id == meeting_id)
    if subject is not None:
        if subject.startswith(PROGRAMME_PREFIX):
            query = query.where(ProgressStatus.programme == subject.removeprefix(PROGRAMME_PREFIX))
        else:
            query = query.where(Commitment.ref == subject)
    with read_session(engine) as session:
        rows = session.execute(query).all()
    return [
        {
            "subject": ref if ref is not None else PROGRAMME_PREFIX + status.programme,
            "commitment_ref": ref,
            "programme": status.programme,
            "status": status.status,
            "assessed_on": status.assessed_on.isoformat(),
            "reviewer": status.reviewer,
            "evidence_url": status.evidence_url,
            "note": status.note,
            "recorded_at": status.recorded_at.isoformat(),
            "meeting_held_on": held_on.isoformat() if held_on is not None else None,
        }
        for status, ref, held_on in rows
    ]


def current_statuses(
    engine: Engine, *, as_at: date | None = None, recorded_before: datetime | None = None
) -> list[dict[str, Any]]:
    """The latest status of each subject (by when it was recorded), by subject."""
    latest: dict[str, dict[str, Any]] = {}
    for row in _status_rows(engine, as_at=as_at, recorded_before=recorded_before):
        latest[row["subject"]] = {k: row[k] for k in CURRENT_STATUS_KEYS}
    return [latest[s] for s in sorted(latest)]


def status_history(engine: Engine, subject: str | None = None) -> pd.DataFrame:
    """Every status given (to ``subject``, or to all), oldest first: the
    history is never overwritten. ``subject`` is a commitment ref or
    ``programme: <name>``."""
    return pd.DataFrame(_status_rows(engine, subject=subject), columns=STATUS_COLUMNS)


def subjects(data: TrackerData) -> dict[str, str]:
    """What a status can be given to: each commitment, then each programme
    (subject -> label, in the language in use), as the form offers them."""
    return _subjects(data, current())


@per_data
def _subjects(data: TrackerData, language: str) -> dict[str, str]:
    """``subjects``, kept with ``data`` for each language (the labels are in it)."""
    commitments = data.commitments
    out = {ref: f"{ref} · {purpose}" for ref, purpose in zip(commitments["ref"], commitments["purpose"])}
    for programme in sorted({p for p in data.commitments["programme"] if isinstance(p, str) and p}):
        out[PROGRAMME_PREFIX + programme] = _("Programme: {programme}", programme=programme)
    return out


# --- meetings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    held_on: date
    as_at: date
    title: str | None
    taken_at: datetime
    taken_by: str
    figures: dict[str, Any]
    # Statuses recorded at this meeting (after its figures were frozen),
    # oldest first. Append-only rows, so they never move either.
    given: tuple[dict[str, Any], ...] = ()
    # What pages work out from the frozen figures, kept with them
    # (``tracker.review.presentation.kept``): they never change.
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def statuses(self) -> list[dict[str, Any]]:
        """Each subject's status at the meeting: as frozen with the figures,
        then any given at the meeting itself; by subject."""
        latest = {s["subject"]: s for s in self.figures.get("statuses", [])}
        for row in self.given:
            latest[row["subject"]] = {k: row[k] for k in CURRENT_STATUS_KEYS}
        return [latest[s] for s in sorted(latest)]

    @property
    def label(self) -> str:
        """'3 June 2025 · Summer review (figures as at 1 June 2025)', in the language in use."""
        held_on, as_at = long_date(self.held_on), long_date(self.as_at)
        if self.title:
            return _("{held_on} · {title} (figures as at {as_at})", held_on=held_on, title=self.title, as_at=as_at)
        return _("{held_on} (figures as at {as_at})", held_on=held_on, as_at=as_at)


MEETING_COLUMNS = ["held_on", "as_at", "title", "taken_at", "taken_by"]


def meetings(engine: Engine) -> pd.DataFrame:
    """Every meeting, earliest first: ``held_on, as_at, title, taken_at, taken_by``."""
    with read_session(engine) as session:
        rows = session.execute(
            select(
                ReviewMeeting.held_on,
                ReviewMeeting.as_at,
                ReviewMeeting.title,
                ReviewSnapshot.taken_at,
                ReviewSnapshot.taken_by,
            )
            .join(ReviewSnapshot, ReviewSnapshot.meeting_id == ReviewMeeting.id)
            .order_by(ReviewMeeting.held_on)
        ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=MEETING_COLUMNS)


def meeting(engine: Engine, held_on: date) -> Meeting | None:
    """The meeting held on ``held_on`` with its frozen figures, or None."""
    with read_session(engine) as session:
        found = session.execute(
            select(ReviewMeeting, ReviewSnapshot)
            .join(ReviewSnapshot, ReviewSnapshot.meeting_id == ReviewMeeting.id)
            .where(ReviewMeeting.held_on == held_on)
        ).one_or_none()
        if found is None:
            return None
        m, snap = found
        meeting_id, held, as_at, title = m.id, m.held_on, m.as_at, m.title
        taken_at, taken_by, figures = snap.taken_at, snap.taken_by, snap.figures
    given = tuple(_status_rows(engine, meeting_id=meeting_id))
    return Meeting(held, as_at, title, taken_at, taken_by, figures, given)


def previous_meeting(engine: Engine, held_on: date) -> Meeting | None:
    """The last meeting held before ``held_on``, or None."""
    with read_session(engine) as session:
        before = session.scalar(
            select(ReviewMeeting.held_on)
            .where(ReviewMeeting.held_on < held_on)
            .order_by(ReviewMeeting.held_on.desc())
            .limit(1)
        )
    return meeting(engine, before) if before is not None else None
