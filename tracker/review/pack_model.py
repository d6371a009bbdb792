"""What a review pack says, shared by its HTML (``tracker.review.pack_html``)
and its workbook (``tracker.review.pack_xlsx``).

``Pack`` is one meeting's frozen figures with the meeting before it; the
table builders give the pack's tables with machine columns and int64 pence
(``tracker.files.table.Table``). Everything reads the meeting's snapshot,
never the live data. New money, unphased and estimated money (and each
commitment's share and "announced before") are shown when the snapshot
records them (schema 2; ``tracker.review.as_said``), never guessed for an
older one.

Every word is in the language in use when the pack is asked for (the
dashboard's run, or the CLI's ``--language``); the tables' machine column
names and the data as recorded are the same in every language.
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
from tracker.i18n import N_, _
from tracker.i18n.dates import long_moment
from tracker.review import as_said, new_money_since, snapshot
from tracker.review import changes as review_changes
from tracker.review.meetings import RAG, Meeting, status_label, subject_words


def taken_words(moment: datetime) -> str:
    """When a snapshot was taken, in UTC, said so."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return _("{moment} UTC", moment=long_moment(moment))


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
        return (
            _(ILLUSTRATIVE_NOTE)
            + " "
            + _("({count} of {total} deliveries in these figures are illustrative.)", count=count, total=total)
        )

    @property
    def changes(self) -> review_changes.Changes:
        return review_changes.changes(self.previous.figures if self.previous else None, self.figures)

    def current_status(self, ref: str) -> dict[str, Any] | None:
        for row in self.meeting.statuses():
            if row.get("commitment_ref") == ref:
                return row
        return None

    def new_money_since(self) -> str | None:
        """Of the money announced since the last review, how much is new (``tracker.review.new_money_since``):
        a paragraph, in the language in use; None for a snapshot frozen before the tracker recorded it."""
        return new_money_since.paragraph(self.figures, self.previous.as_at if self.previous else None)

    def committed_headline(self) -> str:
        return qualified(format_short(int(self.head["committed"])), self.head.get("qualifier") or "exact")

    def compared_with(self) -> str:
        if self.previous is None:
            return _("nothing: this is the first review")
        return _("the meeting of {meeting}", meeting=self.previous.label)

    def about(self) -> dict[str, str]:
        m = self.meeting
        about = {
            _("Review pack"): _("Digital Advisory Group review pack"),
            _("Meeting held on"): m.held_on.isoformat(),
            _("Meeting title"): m.title or _("(none)"),
            _("Figures as at"): m.as_at.isoformat(),
            _("Snapshot taken at"): taken_words(m.taken_at),
            _("Snapshot taken by"): m.taken_by,
            _("Compared with"): self.compared_with(),
            _("Source"): self.source,
            _("Snapshot fingerprint (SHA-256)"): snapshot.fingerprint(self.figures),
            _("Money"): _("Pounds sterling, exact to the penny.") + " " + _(COMMITTED_NOTE),
            _("Variance"): _(
                "By year: delivered minus committed. By commitment and in the headline: delivered minus what was "
                "due to date. Negative means behind."
            ),
            _("Financial years"): _(
                "UK financial years, 1 April to 31 March (2020-21 is 1 April 2020 to 31 March 2021)."
            ),
        }
        if as_said.has_split(self.figures):
            about[_("Unphased")] = _(UNPHASED_NOTE)
            about[_("Estimated")] = _(ESTIMATED_NOTE)
        else:
            about[_("New money, unphased, estimated")] = _(
                "Not recorded: this snapshot was frozen before the tracker recorded them."
            )
        for note in as_said.money_notes(self.figures):
            about[_("{topic} in these figures", topic=note.topic)] = note.text
        if self.illustrative:
            about[_("Illustrative")] = self.illustrative
        return about


# --- tables (machine columns, int64 pence), shared by both formats -----------------------


def _int64(values: Iterable[int]) -> np.ndarray:
    return np.asarray([int(v) for v in values], dtype=np.int64)


def _objects(values: Iterable[Any]) -> pd.Series:
    return pd.Series(list(values), dtype=object)


UNPHASED_NOTE = N_(
    "Unphased is money whose financial year was not stated (and deliveries with no date): counted in every "
    "total, in its own row after the years, never placed in a year by guess."
)
ESTIMATED_NOTE = N_(
    "Estimated is the part of committed money that a chosen spread placed in years (a multi-year total the "
    "announcement did not split by year): those years are an estimate, not what was announced."
)
# Each table's columns (machine names, the same in every language) and their headings (messages).
YEARLY_TITLES = {
    "financial_year": N_("Financial year"),
    "committed": N_("Committed"),
    "delivered": N_("Delivered"),
    "variance": N_("Variance"),
    "new_money": N_("New money"),
    "estimated": N_("Estimated"),
}


def _titles(titles: dict[str, str], columns: Iterable[str] | None = None) -> dict[str, str]:
    """Column headings in the language in use (of ``columns``, or of all)."""
    return {c: _(titles[c]) for c in (titles if columns is None else columns)}


def yearly_table(figures: dict[str, Any]) -> Table:
    """Committed and delivered by financial year, then the unphased row, as
    ``funding-tracker totals`` gives them for the as-at date, with a Total
    row; new money and estimated when the snapshot records them."""
    rows = figures["yearly"]
    money = as_said.yearly_columns(figures)
    titles = _titles(YEARLY_TITLES, ("financial_year", *money))
    frame = pd.DataFrame(
        {
            "financial_year": _objects(r["financial_year"] for r in rows),
            **{m: _int64(as_said.yearly_figure(r, m) for r in rows) for m in money},
        },
        columns=list(titles),
    )
    total = {"financial_year": _(TOTAL), **{m: int(frame[m].sum()) for m in money}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.astype({m: "int64" for m in money})
    notes = [_(COMMITTED_NOTE), _("Variance is delivered minus committed: negative means behind.")]
    if as_said.has_split(figures):
        notes += [_(UNPHASED_NOTE), _(ESTIMATED_NOTE)]
    return Table(
        name="review-yearly",
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("Committed and delivered"),
        frame=frame,
        titles=titles,
        money_columns=money,
        total_row=True,
        notes=tuple(notes),
    )


COMMITMENT_TITLES = {
    "ref": N_("Ref"),
    "purpose": N_("Purpose"),
    "recipient": N_("Recipient"),
    "programme": N_("Programme"),
    "qualifier": N_("Qualifier"),
    "committed": N_("Committed"),
    "new_money": N_("New money"),
    "unphased": N_("Unphased"),
    "estimated": N_("Estimated"),
    "due_to_date": N_("Due to date"),
    "delivered": N_("Delivered"),
    "variance": N_("Variance"),
    "outstanding": N_("Outstanding"),
    "slippage": N_("Behind profile"),
    "progress": N_("Against profile"),
    "part_of": N_("Share of"),
    "announced_before": N_("Announced before"),
    "how_counted": N_("How counted"),
    "status": N_("Current status"),
    "status_assessed_on": N_("Status assessed on"),
}
_COMMITMENT_MONEY = ("committed", "due_to_date", "delivered", "variance", "outstanding", "slippage")
# What a schema 2 snapshot records of each commitment, and a schema 1 one does not.
_AS_SAID = ("new_money", "unphased", "estimated", "part_of", "announced_before")


def commitments_table(pack: Pack) -> Table:
    rows = pack.figures["commitments"]
    statuses = [pack.current_status(r["ref"]) for r in rows]
    recorded = as_said.has_split(pack.figures)
    titles = _titles(COMMITMENT_TITLES, (c for c in COMMITMENT_TITLES if recorded or c not in _AS_SAID))
    money = tuple(c for c in titles if c in _COMMITMENT_MONEY or c in as_said.SPLIT)
    frame = pd.DataFrame(
        {
            "ref": _objects(r["ref"] for r in rows),
            "purpose": _objects(r.get("purpose") or "" for r in rows),
            "recipient": _objects(r.get("recipient") or "" for r in rows),
            "programme": _objects(r.get("programme") or "" for r in rows),
            "qualifier": _objects(r.get("qualifier") or "" for r in rows),
            **{m: _int64(r.get(m) or 0 for r in rows) for m in money},
            "progress": _objects(snapshot.progress_words(r) for r in rows),
            "part_of": _objects(r.get("part_of") or "" for r in rows),
            "announced_before": _objects(_("yes") if r.get("reannounces_earlier") else "" for r in rows),
            "how_counted": _objects(as_said.how_counted(r) for r in rows),
            "status": _objects(status_words(s["status"] if s else None) for s in statuses),
            "status_assessed_on": _objects(iso_date(s["assessed_on"]) if s else None for s in statuses),
        },
        columns=list(titles),
    )
    return Table(
        name="review-commitments",
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("By commitment"),
        frame=frame,
        titles=titles,
        money_columns=money,
        notes=(
            _("Variance is delivered minus what was due to date; slippage is what is behind, never below zero."),
            _(
                "A share is counted inside its pot, never added to it; money announced before is counted but is "
                "not new money."
            ),
        ),
    )


MILESTONE_TITLES = {
    "ref": N_("Ref"),
    "title": N_("Milestone"),
    "commitment_ref": N_("Commitment"),
    "due_on": N_("Due on"),
    "achieved_on": N_("Achieved on"),
    "state": N_("State"),
    "days_late": N_("Days late"),
    "lateness": N_("How late"),
    "achieved_note": N_("Note"),
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
            "state": _objects(snapshot.state_words(r.get("state")) for r in rows),
            "days_late": _int64(r.get("days_late") or 0 for r in rows),
            "lateness": _objects(snapshot.lateness_words(r) for r in rows),
            "achieved_note": _objects(r.get("achieved_note") or "" for r in rows),
        },
        columns=list(MILESTONE_TITLES),
    )
    return Table(
        name="review-milestones",
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("Milestones"),
        frame=frame,
        titles=_titles(MILESTONE_TITLES),
        notes=(_("Overdue first (the latest first), then due, achieved late, achieved and undated."),),
    )


STATUS_TITLES = {
    "subject": N_("Subject"),
    "status": N_("Status"),
    "assessed_on": N_("Assessed on"),
    "reviewer": N_("Reviewer"),
    "evidence_url": N_("Evidence"),
    "note": N_("Note"),
}


def statuses_table(rows: list[dict[str, Any]]) -> Table:
    frame = pd.DataFrame(
        {
            "subject": _objects(subject_words(r["subject"]) for r in rows),
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
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("Statuses"),
        frame=frame,
        titles=_titles(STATUS_TITLES),
        notes=(
            _(
                "The latest status of each commitment or programme assessed on or before the as-at date, then any "
                "given at the meeting itself."
            ),
        ),
    )


CHANGE_TITLES = {"what": N_("What changed"), "ref": N_("Ref"), "detail": N_("Detail")}


def changes_table(found: review_changes.Changes) -> Table:
    table = review_changes.changes_table(found)
    frame = pd.DataFrame(
        {c: _objects("" if v is None else str(v) for v in table[c]) for c in review_changes.CHANGE_COLUMNS},
        columns=list(CHANGE_TITLES),
    )
    return Table(
        name="review-changes",
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("Changes since last review"),
        frame=frame,
        titles=_titles(CHANGE_TITLES),
        notes=(review_changes.movement_sentence(found),),
    )
