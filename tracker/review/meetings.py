"""Progress review for the Digital Advisory Group: meeting snapshots, what
changed since the last review, progress statuses (RAG), milestones overdue first.

Reads only; ``tracker.services.open_meeting`` and ``record_status`` write.

A snapshot is one JSON document, frozen when a meeting is opened
(``build_snapshot``). Money is integer pence; dates are ISO strings;
financial years are labels (``2020-21``)::

    {"schema": 1, "as_at": "2026-11-27",
     "headline": {"committed", "delivered", "due_to_date", "outstanding",
                  "variance",            # delivered - due to date
                  "pct_delivered",       # delivered / committed, 4 places, or null
                  "pct_of_due_delivered", "qualifier", "illustrative_deliveries"},
     "yearly": [{"financial_year", "committed", "delivered", "variance"}],
     "commitments": [{"ref", "purpose", "announcement_ref", "recipient",
                      "programme", "kind", "qualifier", "status", "restates",
                      "terms": {...}, "committed", "due_to_date", "delivered",
                      "variance", "outstanding", "slippage", "progress"}],
     "commitment_years": [{"ref", "financial_year", "committed", "delivered", "variance"}],
     # "variance" in "yearly" and "commitment_years" is delivered - committed
     # in that year; in "headline" and "commitments" it is delivered - due to
     # date. Payments against a re-announcement count toward the original.
     "announcements": [{"ref", "announced_on", "title", "funder"}],
     "deliveries": [{"ref", "commitment_ref", "paid_on", "amount", "kind", "illustrative"}],
     "milestones": [{"ref", "title", "commitment_ref", "due_on", "achieved_on",
                     "state", "days_late", "lateness", "achieved_note"}],
     "statuses": [{"subject", "commitment_ref", "programme", "status",
                   "assessed_on", "reviewer", "evidence_url", "note"}]}

``changes(before, after)`` compares two snapshots: the "since the last
review" view.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from db.models import Commitment, ProgressStatus, ReviewMeeting, ReviewSnapshot
from db.session import read_session
from tracker.figures import delivery as delivery_maths
from tracker.figures import data as queries
from tracker.core.fiscal import FinancialYear
from tracker.core.money import format_pounds

SCHEMA = 1
PROGRAMME_PREFIX = "programme: "


@dataclass(frozen=True)
class Rag:
    """How a status is shown: always its words, with a colour and an icon."""

    status: str
    rag: str  # the RAG word: green, amber, red, blue, grey
    colour: str  # Okabe-Ito, readable on white
    icon: str  # a Material icon, so colour is never the only signal


RAG = {
    "on track": Rag("on track", "green", "#009E73", ":material/check_circle:"),
    "at risk": Rag("at risk", "amber", "#E69F00", ":material/warning:"),
    "off track": Rag("off track", "red", "#D55E00", ":material/error:"),
    "stalled": Rag("stalled", "red", "#CC79A7", ":material/pause_circle:"),
    "achieved": Rag("achieved", "blue", "#0072B2", ":material/verified:"),
    "not started": Rag("not started", "grey", "#6B6B6B", ":material/radio_button_unchecked:"),
}


def status_label(status: str | None) -> str:
    """'At risk (amber)': the words first, the colour named too."""
    if not status:
        return "No status yet"
    rag = RAG.get(status)
    return f"{status.capitalize()} ({rag.rag})" if rag else status.capitalize()


# --- building a snapshot ---------------------------------------------------------------


def _iso(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _terms(row, lines: pd.DataFrame) -> dict[str, Any]:
    profile = {}
    if row.kind == "profiled":
        own = lines.loc[lines["commitment_id"] == row.commitment_id].sort_values("financial_year")
        profile = {FinancialYear(int(y)).label: int(p) for y, p in zip(own["financial_year"], own["amount_pence"])}
    return {"kind": row.kind, "amount": int(row.amount_pence), "first_year": FinancialYear(int(row.first_year)).label,
            "years": int(row.years), "uplift_bp": int(row.uplift_bp), "qualifier": row.qualifier,
            "profile": profile}


def build_snapshot(engine: Engine, as_at: date, *, recorded_before: datetime | None = None) -> dict[str, Any]:
    """The figures as they stand for ``as_at``: announcements made and
    deliveries paid on or before it, milestones as achieved by then, and the
    latest status of each subject assessed on or before it (and recorded
    before ``recorded_before``, when given)."""
    data = queries.load(engine, as_at=as_at)
    schedule = data.schedule
    head = delivery_maths.headline(schedule, data.deliveries, data.commitments, as_at)
    yearly = delivery_maths.committed_vs_delivered(schedule, data.deliveries, data.commitments)
    per_commitment = delivery_maths.by_commitment(schedule, data.deliveries, data.commitments, as_at)
    # Payments against a re-announcement count toward the money it restates, as in ``commitments``.
    roots = delivery_maths.original_ids(data.commitments)
    rooted = data.deliveries.assign(commitment_id=data.deliveries["commitment_id"].map(roots).astype("int64"))
    per_year = delivery_maths.committed_vs_delivered(schedule, rooted, data.commitments, by="ref")

    milestones = data.milestones.copy()
    if len(milestones):
        # Achieved after the as-at date: not yet achieved as the figures stood.
        later = milestones["achieved_on"].map(lambda d: d is not None and not pd.isna(d) and d > as_at)
        milestones.loc[later, ["achieved_on", "achieved_note"]] = None
    states = delivery_maths.milestone_states(milestones, data.commitments, as_at)

    refs = dict(zip(data.commitments["commitment_id"], data.commitments["ref"]))
    return {
        "schema": SCHEMA,
        "as_at": as_at.isoformat(),
        "headline": {
            "committed": int(head.committed),
            "delivered": int(head.delivered),
            "due_to_date": int(head.due_to_date),
            "outstanding": int(head.outstanding),
            "variance": int(head.delivered - head.due_to_date),
            "pct_delivered": _ratio(head.delivered, head.committed),
            "pct_of_due_delivered": _ratio(head.delivered, head.due_to_date),
            "qualifier": head.qualifier,
            "illustrative_deliveries": int(head.illustrative_deliveries),
        },
        "yearly": [
            {"financial_year": FinancialYear(int(r.financial_year)).label, "committed": int(r.committed),
             "delivered": int(r.delivered), "variance": int(r.variance)}
            for r in yearly.itertuples(index=False)
        ],
        "commitments": _commitment_entries(data, per_commitment),
        "commitment_years": [
            {"ref": r.ref, "financial_year": FinancialYear(int(r.financial_year)).label,
             "committed": int(r.committed), "delivered": int(r.delivered), "variance": int(r.variance)}
            for r in per_year.itertuples(index=False)
            if r.committed or r.delivered
        ],
        "announcements": _announcement_entries(engine, as_at),
        "deliveries": [
            {"ref": r.ref, "commitment_ref": refs[r.commitment_id], "paid_on": _iso(r.paid_on),
             "amount": int(r.amount_pence), "kind": r.kind, "illustrative": bool(r.illustrative)}
            for r in data.deliveries.itertuples(index=False)
        ],
        "milestones": [
            {"ref": r.ref, "title": r.title, "commitment_ref": _text(r.commitment_ref), "due_on": _iso(r.due_on),
             "achieved_on": _iso(r.achieved_on), "state": r.state, "days_late": int(r.days_late),
             "lateness": r.lateness, "achieved_note": _text(r.achieved_note)}
            for r in states.itertuples(index=False)
        ],
        "statuses": current_statuses(engine, as_at=as_at, recorded_before=recorded_before),
    }


def _commitment_entries(data: queries.TrackerData, per_commitment: pd.DataFrame) -> list[dict[str, Any]]:
    figures = per_commitment.set_index("commitment_id")
    out = []
    for row in data.commitments.itertuples(index=False):
        mine = figures.loc[row.commitment_id]
        out.append({
            "ref": row.ref, "purpose": row.purpose, "announcement_ref": row.announcement_ref,
            "recipient": row.recipient, "programme": _text(row.programme), "kind": row.kind,
            "qualifier": row.qualifier, "status": row.status, "restates": _text(mine["restates"]),
            "terms": _terms(row, data.profile_lines),
            **{m: int(mine[m]) for m in ("committed", "due_to_date", "delivered", "variance", "outstanding",
                                         "slippage")},
            "progress": mine["status"],
        })
    return out


def _announcement_entries(engine: Engine, as_at: date) -> list[dict[str, Any]]:
    from tracker.figures.register import read_announcements

    frame = read_announcements(engine, as_at=as_at)
    return [{"ref": r.ref, "announced_on": _iso(r.announced_on), "title": r.title, "funder": r.funder}
            for r in frame.itertuples(index=False)]


def fingerprint(figures: dict[str, Any]) -> str:
    """SHA-256 of a snapshot's canonical JSON: the audit trail records it, so
    anyone can check a snapshot is the one taken."""
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


# --- statuses ---------------------------------------------------------------------------

CURRENT_STATUS_KEYS = ("subject", "commitment_ref", "programme", "status", "assessed_on", "reviewer",
                       "evidence_url", "note")
STATUS_COLUMNS = ["subject", "commitment_ref", "programme", "status", "assessed_on", "reviewer", "evidence_url",
                  "note", "recorded_at", "meeting_held_on"]


def _status_rows(engine: Engine, *, as_at: date | None = None, recorded_before: datetime | None = None,
                 subject: str | None = None, meeting_id: int | None = None) -> list[dict[str, Any]]:
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
        {"subject": ref if ref is not None else PROGRAMME_PREFIX + status.programme,
         "commitment_ref": ref, "programme": status.programme, "status": status.status,
         "assessed_on": status.assessed_on.isoformat(), "reviewer": status.reviewer,
         "evidence_url": status.evidence_url, "note": status.note,
         "recorded_at": status.recorded_at.isoformat(), "meeting_held_on": _iso(held_on)}
        for status, ref, held_on in rows
    ]


def current_statuses(engine: Engine, *, as_at: date | None = None,
                     recorded_before: datetime | None = None) -> list[dict[str, Any]]:
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


def subjects(data: queries.TrackerData) -> dict[str, str]:
    """What a status can be given to: each commitment, then each programme
    (subject -> label), as the form offers them."""
    out = {row.ref: f"{row.ref} · {row.purpose}" for row in data.commitments.itertuples(index=False)}
    for programme in sorted({p for p in data.commitments["programme"] if isinstance(p, str) and p}):
        out[PROGRAMME_PREFIX + programme] = f"Programme: {programme}"
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

    def statuses(self) -> list[dict[str, Any]]:
        """Each subject's status at the meeting: as frozen with the figures,
        then any given at the meeting itself; by subject."""
        latest = {s["subject"]: s for s in self.figures.get("statuses", [])}
        for row in self.given:
            latest[row["subject"]] = {k: row[k] for k in CURRENT_STATUS_KEYS}
        return [latest[s] for s in sorted(latest)]

    @property
    def label(self) -> str:
        name = f" · {self.title}" if self.title else ""
        return f"{self.held_on.day} {self.held_on:%B %Y}{name} (figures as at {self.as_at.day} {self.as_at:%B %Y})"


MEETING_COLUMNS = ["held_on", "as_at", "title", "taken_at", "taken_by"]


def meetings(engine: Engine) -> pd.DataFrame:
    """Every meeting, earliest first: ``held_on, as_at, title, taken_at, taken_by``."""
    with read_session(engine) as session:
        rows = session.execute(
            select(ReviewMeeting.held_on, ReviewMeeting.as_at, ReviewMeeting.title, ReviewSnapshot.taken_at,
                   ReviewSnapshot.taken_by)
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
            select(ReviewMeeting.held_on).where(ReviewMeeting.held_on < held_on)
            .order_by(ReviewMeeting.held_on.desc()).limit(1)
        )
    return meeting(engine, before) if before is not None else None


# --- since the last review ------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """How a headline figure moved between two snapshots."""

    name: str
    before: int | float | None
    after: int | float | None

    @property
    def change(self) -> int | float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Changes:
    """What changed between two snapshots (``before`` None: everything is new)."""

    new_announcements: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)  # {"ref", "purpose", "change", "what"}
    deliveries: list[dict[str, Any]] = field(default_factory=list)  # {"ref", ..., "change", "what"}
    milestones_achieved: list[dict[str, Any]] = field(default_factory=list)
    milestones_newly_overdue: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)  # {"subject", "before", "after", ...}
    movements: list[Movement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(x) for x in (self.new_announcements, self.commitments, self.deliveries,
                                     self.milestones_achieved, self.milestones_newly_overdue,
                                     self.status_changes))


def _by_ref(rows: list[dict[str, Any]], key: str = "ref") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def _commitment_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    for key, words in (("terms", "terms"), ("purpose", "purpose"), ("recipient", "recipient"),
                       ("programme", "programme"), ("status", "status"), ("restates", "re-announces")):
        if old.get(key) != new.get(key):
            if key == "terms":
                parts.append(_terms_difference(old["terms"], new["terms"]))
            else:
                parts.append(f"{words} {old.get(key) or '(none)'} → {new.get(key) or '(none)'}")
    if old["committed"] != new["committed"]:
        parts.append(f"committed {format_pounds(old['committed'])} → {format_pounds(new['committed'])}")
    return "; ".join(p for p in parts if p)


def _terms_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    if old["kind"] != new["kind"]:
        parts.append(f"{old['kind']} → {new['kind']}")
    if old["amount"] != new["amount"]:
        parts.append(f"amount {format_pounds(old['amount'])} → {format_pounds(new['amount'])}")
    for key, words in (("first_year", "first year"), ("years", "years"), ("qualifier", "qualifier"),
                       ("uplift_bp", "uplift (basis points)")):
        if old[key] != new[key]:
            parts.append(f"{words} {old[key]} → {new[key]}")
    if old["profile"] != new["profile"]:
        years = sorted(set(old["profile"]) | set(new["profile"]))
        parts.append("profile " + ", ".join(
            f"{y} {format_pounds(old['profile'].get(y, 0))} → {format_pounds(new['profile'].get(y, 0))}"
            for y in years if old["profile"].get(y, 0) != new["profile"].get(y, 0)))
    return "; ".join(parts)


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> Changes:
    """What changed from snapshot ``before`` to snapshot ``after``."""
    empty: dict[str, Any] = {"announcements": [], "commitments": [], "deliveries": [], "milestones": [],
                             "statuses": [], "headline": {}}
    before = before or empty

    old_announcements = _by_ref(before["announcements"])
    new_announcements = [a for a in after["announcements"] if a["ref"] not in old_announcements]

    old_c, new_c = _by_ref(before["commitments"]), _by_ref(after["commitments"])
    commitments = []
    for ref, row in new_c.items():
        if ref not in old_c:
            what = (f"re-announces {row['restates']} (no new money)" if row.get("restates")
                    else f"committed {format_pounds(row['committed'])}")
            commitments.append({"ref": ref, "purpose": row["purpose"], "change": "new", "what": what})
        else:
            what = _commitment_difference(old_c[ref], row)
            if what:
                commitments.append({"ref": ref, "purpose": row["purpose"], "change": "changed", "what": what})
    for ref, row in old_c.items():
        if ref not in new_c:
            commitments.append({"ref": ref, "purpose": row["purpose"], "change": "removed",
                                "what": "no longer counted (deleted)"})

    old_d, new_d = _by_ref(before["deliveries"]), _by_ref(after["deliveries"])
    deliveries = []
    for ref, row in new_d.items():
        old = old_d.get(ref)
        if old is None:
            deliveries.append({**row, "change": "new",
                               "what": f"{format_pounds(row['amount'])} {row['kind']} on {row['paid_on']} "
                                       f"against {row['commitment_ref']}"})
        elif old != row:
            diffs = [f"{k.replace('_', ' ')} {format_pounds(old[k]) if k == 'amount' else old[k]} → "
                     f"{format_pounds(row[k]) if k == 'amount' else row[k]}"
                     for k in ("amount", "paid_on", "commitment_ref", "kind") if old[k] != row[k]]
            deliveries.append({**row, "change": "changed", "what": "; ".join(diffs) or "details changed"})
    for ref, row in old_d.items():
        if ref not in new_d:
            deliveries.append({**row, "change": "removed", "what": "no longer counted (deleted)"})

    old_m = _by_ref(before["milestones"])
    achieved, overdue = [], []
    for row in after["milestones"]:
        old = old_m.get(row["ref"])
        if row["achieved_on"] and (old is None or not old["achieved_on"]):
            achieved.append(row)
        if row["state"] == "overdue" and (old is None or old["state"] != "overdue"):
            overdue.append(row)

    old_s = _by_ref(before["statuses"], "subject")
    status_changes = []
    for row in after["statuses"]:
        old = old_s.get(row["subject"])
        if old is None or (old["status"], old["assessed_on"]) != (row["status"], row["assessed_on"]):
            status_changes.append({**row, "before": old["status"] if old else None, "after": row["status"]})

    head_old, head_new = before["headline"], after["headline"]
    movements = [Movement(name, head_old.get(name), head_new.get(name))
                 for name in ("committed", "delivered", "due_to_date", "variance", "pct_delivered",
                              "pct_of_due_delivered")]
    return Changes(new_announcements, commitments, deliveries, achieved, overdue, status_changes, movements)


CHANGE_COLUMNS = ["what", "ref", "detail"]
_WHAT = {(kind, change): text for kind in ("Commitment", "Delivery") for change, text in
         (("new", f"New {kind.lower()}"), ("changed", f"{kind} changed"), ("removed", f"{kind} removed"))}


def changes_table(found: Changes) -> pd.DataFrame:
    """Every change as one row: ``what`` (the kind of change), ``ref``,
    ``detail`` in words, in the order the review reads them."""
    rows = []
    rows += [("New announcement", a["ref"], f"{a['announced_on']}: {a['title']}") for a in found.new_announcements]
    rows += [(_WHAT[("Commitment", c["change"])], c["ref"], f"{c['purpose']}: {c['what']}")
             for c in found.commitments]
    rows += [(_WHAT[("Delivery", d["change"])], d["ref"], d["what"]) for d in found.deliveries]
    rows += [("Milestone achieved", m["ref"],
              f"{m['title']}: achieved {m['achieved_on']}" + (f" ({m['lateness']})" if m["lateness"] else ""))
             for m in found.milestones_achieved]
    rows += [("Milestone newly overdue", m["ref"], f"{m['title']}: due {m['due_on']}, {m['lateness']}")
             for m in found.milestones_newly_overdue]
    rows += [("Status", s["subject"],
              f"{status_label(s['before']) if s['before'] else 'no status'} → {status_label(s['after'])}"
              f" ({s['assessed_on']}, {s['reviewer']})")
             for s in found.status_changes]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def movement_sentence(found: Changes) -> str:
    """'Delivered rose by £400,000 (from 88.0% to 91.0% of committed); variance moved from ... to ...'"""
    by = {m.name: m for m in found.movements}
    delivered, pct, variance = by["delivered"], by["pct_delivered"], by["variance"]
    if delivered.before is None:
        return "This is the first review: there is nothing earlier to compare with."
    parts = []
    if delivered.change:
        verb = "rose" if delivered.change > 0 else "fell"
        parts.append(f"Delivered {verb} by {format_pounds(abs(delivered.change))}")
        if pct.before is not None and pct.after is not None:
            parts[-1] += f" (from {pct.before:.1%} to {pct.after:.1%} of committed)"
    else:
        parts.append("Delivered did not move")
        if pct.after is not None and pct.before == pct.after:
            parts[-1] += f" ({pct.after:.1%} of committed)"
        elif pct.before is not None and pct.after is not None:
            parts[-1] += f" (from {pct.before:.1%} to {pct.after:.1%} of committed: more was committed)"
    if variance.before is not None and variance.after is not None:
        if variance.before == variance.after:
            parts.append(f"variance against what was due stayed at {format_pounds(variance.after)}")
        else:
            parts.append(f"variance against what was due moved from {format_pounds(variance.before)} "
                         f"to {format_pounds(variance.after)}")
    return "; ".join(parts) + "."


def milestones_overdue_first(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """A snapshot's milestones: overdue (the latest first), then due (soonest
    first), achieved late, achieved, and undated."""
    order = {"overdue": 0, "due": 1, "achieved late": 2, "achieved": 3, "no due date": 4}
    return sorted(figures["milestones"], key=lambda m: (order.get(m["state"], 5), -m["days_late"]
                                                         if m["state"] == "overdue" else 0, m["due_on"] or "",
                                                         m["ref"]))
