"""What a review pack says, shared by its HTML (``tracker.review.pack_html``)
and its workbook (``tracker.review.pack_xlsx``).

``Pack`` is one meeting's frozen figures with the meeting before it; the
table builders give the pack's tables with machine columns and int64 pence
(``tracker.files.table.Table``). Everything reads the meeting's snapshot,
never the live data. New money, unphased and estimated money (and each
commitment's share and "announced before") are shown when the snapshot
records them (schema 2; ``tracker.review.as_said``), never guessed for an
older one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from tracker.core.money import format_short
from tracker.figures.delivery import qualified
from tracker.figures.finance_tables import COMMITTED_NOTE, ILLUSTRATIVE_NOTE, TOTAL
from tracker.files.table import Table
from tracker.review import as_said, snapshot
from tracker.review import changes as review_changes
from tracker.review.meetings import RAG, Meeting, status_label


def taken_words(moment: datetime) -> str:
    """When a snapshot was taken, in UTC, said so."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def iso_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def status_words(status: str | None) -> str:
    """``At risk (amber)``; an unknown word is shown as it is, never dropped."""
    if status and status not in RAG:
        return status
    return status_label(status)


@dataclass(frozen=True)
class Pack:
    """One meeting's pack: its frozen figures, the meeting before it (None for
    the first review) and where the figures came from."""

    meeting: Meeting
    previous: Meeting | None
    source: str

    @property
    def figures(self) -> dict[str, Any]:
        return self.meeting.figures

    @property
    def head(self) -> dict[str, Any]:
        return self.figures["headline"]

    @property
    def illustrative(self) -> str | None:
        count = int(self.head.get("illustrative_deliveries") or 0)
        if count <= 0:
            return None
        total = len(self.figures.get("deliveries", []))
        return f"{ILLUSTRATIVE_NOTE} ({count} of {total} deliveries in these figures are illustrative.)"

    @property
    def changes(self) -> review_changes.Changes:
        return review_changes.changes(self.previous.figures if self.previous else None, self.figures)

    def current_status(self, ref: str) -> dict[str, Any] | None:
        for row in self.meeting.statuses():
            if row.get("commitment_ref") == ref:
                return row
        return None

    def committed_headline(self) -> str:
        return qualified(format_short(int(self.head["committed"])), self.head.get("qualifier") or "exact")

    def compared_with(self) -> str:
        if self.previous is None:
            return "nothing: this is the first review"
        return f"the meeting of {self.previous.label}"

    def about(self) -> dict[str, str]:
        m = self.meeting
        about = {
            "Review pack": "Digital Advisory Group review pack",
            "Meeting held on": m.held_on.isoformat(),
            "Meeting title": m.title or "(none)",
            "Figures as at": m.as_at.isoformat(),
            "Snapshot taken at": taken_words(m.taken_at),
            "Snapshot taken by": m.taken_by,
            "Compared with": self.compared_with(),
            "Source": self.source,
            "Snapshot fingerprint (SHA-256)": snapshot.fingerprint(self.figures),
            "Money": "Pounds sterling, exact to the penny. " + COMMITTED_NOTE,
            "Variance": "By year: delivered minus committed. By commitment and in the headline: "
            "delivered minus what was due to date. Negative means behind.",
            "Financial years": "UK financial years, 1 April to 31 March (2020-21 is 1 April 2020 to 31 March 2021).",
        }
        if as_said.has_split(self.figures):
            about["Unphased"] = UNPHASED_NOTE
            about["Estimated"] = ESTIMATED_NOTE
        else:
            about["New money, unphased, estimated"] = (
                "Not recorded: this snapshot was frozen before the tracker recorded them."
            )
        for note in as_said.money_notes(self.figures):
            about[f"{note.topic} in these figures"] = note.text
        if self.illustrative:
            about["Illustrative"] = self.illustrative
        return about


# --- tables (machine columns, int64 pence), shared by both formats -----------------------


def _int64(values: Iterable[int]) -> np.ndarray:
    return np.asarray([int(v) for v in values], dtype=np.int64)


def _objects(values: Iterable[Any]) -> pd.Series:
    return pd.Series(list(values), dtype=object)


UNPHASED_NOTE = (
    "Unphased is money whose financial year was not stated (and deliveries with no date): counted in every "
    "total, in its own row after the years, never placed in a year by guess."
)
ESTIMATED_NOTE = (
    "Estimated is the part of committed money that a chosen spread placed in years (a multi-year total the "
    "announcement did not split by year): those years are an estimate, not what was announced."
)
YEARLY_TITLES = {
    "financial_year": "Financial year",
    "committed": "Committed",
    "delivered": "Delivered",
    "variance": "Variance",
    "new_money": "New money",
    "estimated": "Estimated",
}


def yearly_table(figures: dict[str, Any]) -> Table:
    """Committed and delivered by financial year, then the unphased row, as
    ``funding-tracker totals`` gives them for the as-at date, with a Total
    row; new money and estimated when the snapshot records them."""
    rows = figures["yearly"]
    money = as_said.yearly_columns(figures)
    titles = {c: YEARLY_TITLES[c] for c in ("financial_year", *money)}
    frame = pd.DataFrame(
        {
            "financial_year": _objects(r["financial_year"] for r in rows),
            **{m: _int64(as_said.yearly_figure(r, m) for r in rows) for m in money},
        },
        columns=list(titles),
    )
    total = {"financial_year": TOTAL, **{m: int(frame[m].sum()) for m in money}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({m: "int64" for m in money})
    notes = [COMMITTED_NOTE, "Variance is delivered minus committed: negative means behind."]
    if as_said.has_split(figures):
        notes += [UNPHASED_NOTE, ESTIMATED_NOTE]
    return Table(
        name="review-yearly",
        title="Committed and delivered",
        frame=frame,
        titles=titles,
        money_columns=money,
        total_row=True,
        notes=tuple(notes),
    )


COMMITMENT_TITLES = {
    "ref": "Ref",
    "purpose": "Purpose",
    "recipient": "Recipient",
    "programme": "Programme",
    "qualifier": "Qualifier",
    "committed": "Committed",
    "new_money": "New money",
    "unphased": "Unphased",
    "estimated": "Estimated",
    "due_to_date": "Due to date",
    "delivered": "Delivered",
    "variance": "Variance",
    "outstanding": "Outstanding",
    "slippage": "Behind profile",
    "progress": "Against profile",
    "part_of": "Share of",
    "announced_before": "Announced before",
    "how_counted": "How counted",
    "status": "Current status",
    "status_assessed_on": "Status assessed on",
}
_COMMITMENT_MONEY = ("committed", "due_to_date", "delivered", "variance", "outstanding", "slippage")
# What a schema 2 snapshot records of each commitment, and a schema 1 one does not.
_AS_SAID = ("new_money", "unphased", "estimated", "part_of", "announced_before")


def commitments_table(pack: Pack) -> Table:
    rows = pack.figures["commitments"]
    statuses = [pack.current_status(r["ref"]) for r in rows]
    recorded = as_said.has_split(pack.figures)
    titles = {c: t for c, t in COMMITMENT_TITLES.items() if recorded or c not in _AS_SAID}
    money = tuple(c for c in titles if c in _COMMITMENT_MONEY or c in as_said.SPLIT)
    frame = pd.DataFrame(
        {
            "ref": _objects(r["ref"] for r in rows),
            "purpose": _objects(r.get("purpose") or "" for r in rows),
            "recipient": _objects(r.get("recipient") or "" for r in rows),
            "programme": _objects(r.get("programme") or "" for r in rows),
            "qualifier": _objects(r.get("qualifier") or "" for r in rows),
            **{m: _int64(r.get(m) or 0 for r in rows) for m in money},
            "progress": _objects(r.get("progress") or "" for r in rows),
            "part_of": _objects(r.get("part_of") or "" for r in rows),
            "announced_before": _objects("yes" if r.get("reannounces_earlier") else "" for r in rows),
            "how_counted": _objects(as_said.how_counted(r) for r in rows),
            "status": _objects(status_words(s["status"] if s else None) for s in statuses),
            "status_assessed_on": _objects(iso_date(s["assessed_on"]) if s else None for s in statuses),
        },
        columns=list(titles),
    )
    return Table(
        name="review-commitments",
        title="By commitment",
        frame=frame,
        titles=titles,
        money_columns=money,
        notes=(
            "Variance is delivered minus what was due to date; slippage is what is behind, never below zero.",
            "A share is counted inside its pot, never added to it; money announced before is counted but is not "
            "new money.",
        ),
    )


MILESTONE_TITLES = {
    "ref": "Ref",
    "title": "Milestone",
    "commitment_ref": "Commitment",
    "due_on": "Due on",
    "achieved_on": "Achieved on",
    "state": "State",
    "days_late": "Days late",
    "lateness": "How late",
    "achieved_note": "Note",
}


def milestones_table(figures: dict[str, Any]) -> Table:
    rows = snapshot.milestones_overdue_first(figures)
    frame = pd.DataFrame(
        {
            "ref": _objects(r["ref"] for r in rows),
            "title": _objects(r.get("title") or "" for r in rows),
            "commitment_ref": _objects(r.get("commitment_ref") or "" for r in rows),
            "due_on": _objects(iso_date(r.get("due_on")) for r in rows),
            "achieved_on": _objects(iso_date(r.get("achieved_on")) for r in rows),
            "state": _objects(r.get("state") or "" for r in rows),
            "days_late": _int64(r.get("days_late") or 0 for r in rows),
            "lateness": _objects(r.get("lateness") or "" for r in rows),
            "achieved_note": _objects(r.get("achieved_note") or "" for r in rows),
        },
        columns=list(MILESTONE_TITLES),
    )
    return Table(
        name="review-milestones",
        title="Milestones",
        frame=frame,
        titles=MILESTONE_TITLES,
        notes=("Overdue first (the latest first), then due, achieved late, achieved and undated.",),
    )


STATUS_TITLES = {
    "subject": "Subject",
    "status": "Status",
    "assessed_on": "Assessed on",
    "reviewer": "Reviewer",
    "evidence_url": "Evidence",
    "note": "Note",
}


def statuses_table(rows: list[dict[str, Any]]) -> Table:
    frame = pd.DataFrame(
        {
            "subject": _objects(r["subject"] for r in rows),
            "status": _objects(status_words(r.get("status")) for r in rows),
            "assessed_on": _objects(iso_date(r.get("assessed_on")) for r in rows),
            "reviewer": _objects(r.get("reviewer") or "" for r in rows),
            "evidence_url": _objects(r.get("evidence_url") or "" for r in rows),
            "note": _objects(r.get("note") or "" for r in rows),
        },
        columns=list(STATUS_TITLES),
    )
    return Table(
        name="review-statuses",
        title="Statuses",
        frame=frame,
        titles=STATUS_TITLES,
        notes=(
            "The latest status of each commitment or programme assessed on or before the as-at date, "
            "then any given at the meeting itself.",
        ),
    )


CHANGE_TITLES = {"what": "What changed", "ref": "Ref", "detail": "Detail"}


def changes_table(found: review_changes.Changes) -> Table:
    table = review_changes.changes_table(found)
    frame = pd.DataFrame(
        {c: _objects("" if v is None else str(v) for v in table[c]) for c in review_changes.CHANGE_COLUMNS},
        columns=list(CHANGE_TITLES),
    )
    return Table(
        name="review-changes",
        title="Changes since last review",
        frame=frame,
        titles=CHANGE_TITLES,
        notes=(review_changes.movement_sentence(found),),
    )
