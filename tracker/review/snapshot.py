"""A review meeting's snapshot: the figures frozen when the meeting is opened.

Reads only; ``tracker.review.recording.open_meeting`` stores what ``build_snapshot``
gives, with its ``fingerprint`` in the audit trail.

A snapshot is one JSON document, frozen when a meeting is opened
(``build_snapshot``). Money is integer pence; dates are ISO strings;
financial years are labels (``2020-21``), and money with no financial year
stated is under ``unphased`` (after the years)::

    {"schema": 2, "as_at": "2026-11-27",
     "headline": {"committed", "delivered", "due_to_date", "outstanding",
                  "variance",            # delivered - due to date
                  "pct_delivered",       # delivered / committed, 4 places, or null
                  "pct_of_due_delivered", "qualifier", "illustrative_deliveries",
                  "new_money",           # committed less money announced before
                  "unphased",            # committed money with no financial year stated
                  "estimated"},          # committed money placed in years by a chosen spread
     "yearly": [{"financial_year", "committed", "delivered", "variance", "new_money", "estimated"}],
               # then {"financial_year": "unphased", ...} when some money (or a delivery) has no year
     "commitments": [{"ref", "purpose", "announcement_ref", "recipient",   # recipient: null when not named
                      "programme", "kind", "qualifier", "status",
                      "restates",              # the recorded commitment it re-announces, or null
                      "reannounces_earlier",   # announced before, original not recorded (not new money)
                      "part_of",               # the ref of the pot it is a share of, or null
                      "areas",                 # GSS codes, [] when none named
                      "terms": {"kind", "amount", "first_year", "years",   # null when not stated
                                "uplift_bp", "qualifier", "profile",
                                "spread", "planned_start", "planned_end"},
                      "committed", "new_money", "unphased", "estimated",
                      "due_to_date", "delivered", "variance", "outstanding", "slippage", "progress"}],
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

Schema 1 (frozen before issue 13) lacks the headline's and the years'
``new_money``, ``unphased`` and ``estimated``, the unphased year and each
commitment's ``reannounces_earlier``, ``part_of``, ``areas``, money split and
spread. Stored snapshots are never rewritten (``fingerprint`` covers the
document as stored): every reader takes a missing key as absent or 0
(``tracker.review.as_said``).

``tracker.review.changes.changes(before, after)`` compares two snapshots: the
"since the last review" view. ``milestones_overdue_first`` orders a
snapshot's milestones as the review reads them.

The words a snapshot stores (a milestone's ``state`` and ``lateness``, a
commitment's ``progress``) are English, as frozen; ``state_words``,
``lateness_words`` and ``progress_words`` say them in the language in use
(in another language, again from the figures frozen beside them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from tracker.core.fiscal import UNPHASED, FinancialYear, fy_label
from tracker.core.languages import ENGLISH
from tracker.figures import data as queries
from tracker.figures import delivery as delivery_maths
from tracker.figures.register import read_announcements
from tracker.figures.totals import committed_vs_delivered
from tracker.i18n import N_, _, current, speaking
from tracker.review.meetings import current_statuses

SCHEMA = 2


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
    return {
        "kind": row.kind,
        "amount": int(row.amount_pence),
        "first_year": FinancialYear(int(row.first_year)).label if pd.notna(row.first_year) else None,
        "years": int(row.years) if pd.notna(row.years) else None,
        "uplift_bp": int(row.uplift_bp),
        "qualifier": row.qualifier,
        "profile": profile,
        "spread": _text(getattr(row, "spread", None)) or "none",
        "planned_start": _iso(getattr(row, "planned_start", None)),
        "planned_end": _iso(getattr(row, "planned_end", None)),
    }


def build_snapshot(engine: Engine, as_at: date, *, recorded_before: datetime | None = None) -> dict[str, Any]:
    """The figures as they stand for ``as_at``: announcements made and
    deliveries paid on or before it, milestones as achieved by then, and the
    latest status of each subject assessed on or before it (and recorded
    before ``recorded_before``, when given).

    The words it keeps (a milestone's state, a commitment's progress) are
    kept in English whoever opens the meeting: a pack in Welsh says them again
    from the figures kept beside them."""
    with speaking(ENGLISH):
        return _snapshot(engine, as_at, recorded_before)


def _snapshot(engine: Engine, as_at: date, recorded_before: datetime | None) -> dict[str, Any]:
    data = queries.load(engine, as_at=as_at)
    schedule = data.schedule
    head = delivery_maths.headline(schedule, data.deliveries, data.commitments, as_at)
    yearly = committed_vs_delivered(schedule, data.deliveries, data.commitments, unphased=True)
    per_commitment = delivery_maths.by_commitment(schedule, data.deliveries, data.commitments, as_at)
    # Payments against a re-announcement count toward the money it restates, as in ``commitments``.
    roots = delivery_maths.original_ids(data.commitments)
    rooted = data.deliveries.assign(commitment_id=data.deliveries["commitment_id"].map(roots).astype("int64"))
    per_year = committed_vs_delivered(schedule, rooted, data.commitments, by="ref", unphased=True)

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
            "new_money": int(head.new_money),
            "unphased": int(head.unphased),
            "estimated": int(head.estimated),
        },
        "yearly": [
            {
                "financial_year": fy_label(int(r.financial_year)),
                "committed": int(r.committed),
                "delivered": int(r.delivered),
                "variance": int(r.variance),
                "new_money": int(r.new_money),
                "estimated": int(r.estimated),
            }
            for r in yearly.itertuples(index=False)
        ],
        "commitments": _commitment_entries(data, schedule, per_commitment),
        "commitment_years": [
            {
                "ref": r.ref,
                "financial_year": fy_label(int(r.financial_year)),
                "committed": int(r.committed),
                "delivered": int(r.delivered),
                "variance": int(r.variance),
            }
            for r in per_year.itertuples(index=False)
            if r.committed or r.delivered
        ],
        "announcements": _announcement_entries(engine, as_at),
        "deliveries": [
            {
                "ref": r.ref,
                "commitment_ref": refs[r.commitment_id],
                "paid_on": _iso(r.paid_on),
                "amount": int(r.amount_pence),
                "kind": r.kind,
                "illustrative": bool(r.illustrative),
            }
            for r in data.deliveries_in_full.itertuples(index=False)
        ],
        "milestones": [
            {
                "ref": r.ref,
                "title": r.title,
                "commitment_ref": _text(r.commitment_ref),
                "due_on": _iso(r.due_on),
                "achieved_on": _iso(r.achieved_on),
                "state": r.state,
                "days_late": int(r.days_late),
                "lateness": r.lateness,
                "achieved_note": _text(r.achieved_note),
            }
            for r in states.itertuples(index=False)
        ],
        "statuses": current_statuses(engine, as_at=as_at, recorded_before=recorded_before),
    }


def _split_by_commitment(schedule: pd.DataFrame) -> pd.DataFrame:
    """Each commitment's new money, unphased and estimated money (int64 pence)."""
    committed = schedule["committed_pence"]
    split = pd.DataFrame(
        {
            "commitment_id": schedule["commitment_id"].astype("int64"),
            "new_money": schedule["new_money_pence"].astype("int64"),
            "unphased": committed.where(schedule["financial_year"] == UNPHASED, 0).astype("int64"),
            "estimated": committed.where(schedule["estimated"].astype(bool), 0).astype("int64"),
        }
    )
    return split.groupby("commitment_id").sum()


def _areas(value: Any) -> list[str]:
    if value is None or isinstance(value, float):  # NaN: a frame without areas
        return []
    return [str(code) for code in value]


def _commitment_entries(
    data: queries.TrackerData, schedule: pd.DataFrame, per_commitment: pd.DataFrame
) -> list[dict[str, Any]]:
    figures = per_commitment.set_index("commitment_id")
    split = _split_by_commitment(schedule)
    out = []
    for row in data.commitments.itertuples(index=False):
        mine = figures.loc[row.commitment_id]
        money = split.loc[row.commitment_id] if row.commitment_id in split.index else None
        out.append(
            {
                "ref": row.ref,
                "purpose": row.purpose,
                "announcement_ref": row.announcement_ref,
                "recipient": _text(row.recipient),  # None when no recipient was named
                "programme": _text(row.programme),
                "kind": row.kind,
                "qualifier": row.qualifier,
                "status": row.status,
                "restates": _text(mine["restates"]),
                "reannounces_earlier": bool(getattr(row, "reannounces_earlier", False)),
                "part_of": _text(getattr(row, "part_of_ref", None)),
                "areas": _areas(getattr(row, "areas", None)),
                "terms": _terms(row, data.profile_lines),
                "committed": int(mine["committed"]),
                **{m: int(money[m]) if money is not None else 0 for m in ("new_money", "unphased", "estimated")},
                **{m: int(mine[m]) for m in ("due_to_date", "delivered", "variance", "outstanding", "slippage")},
                "progress": mine["status"],
            }
        )
    return out


def _announcement_entries(engine: Engine, as_at: date) -> list[dict[str, Any]]:
    frame = read_announcements(engine, as_at=as_at)
    return [
        {"ref": r.ref, "announced_on": _iso(r.announced_on), "title": r.title, "funder": r.funder}
        for r in frame.itertuples(index=False)
    ]


def fingerprint(figures: dict[str, Any]) -> str:
    """SHA-256 of a snapshot's canonical JSON: the audit trail records it, so
    anyone can check a snapshot is the one taken."""
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def milestones_overdue_first(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A snapshot's milestones: overdue (the latest first), then due (soonest
    first), achieved late, achieved, and undated."""
    order = {"overdue": 0, "due": 1, "achieved late": 2, "achieved": 3, "no due date": 4}
    return sorted(
        figures["milestones"],
        key=lambda m: (
            order.get(m["state"], 5),
            -m["days_late"] if m["state"] == "overdue" else 0,
            m["due_on"] or "",
            m["ref"],
        ),
    )


# --- the words a snapshot stores, in the language in use ------------------------------------

# A milestone's state as stored (the key) and as people read it.
STATE_WORDS = {
    "overdue": N_("overdue"),
    "due": N_("due"),
    "achieved late": N_("achieved late"),
    "achieved": N_("achieved"),
    "no due date": N_("no due date"),
}


def state_words(state: str | None) -> str:
    """A milestone's state in words (a state the tracker does not know: as stored)."""
    if not state:
        return ""
    return _(STATE_WORDS[state]) if state in STATE_WORDS else state


def lateness_words(milestone: Mapping[str, Any]) -> str:
    """How late a milestone is ('30 days late'): in English as frozen, in
    another language said again from its frozen ``days_late``."""
    if current() == ENGLISH or not milestone.get("days_late"):
        return milestone.get("lateness") or ""
    return delivery_maths.describe_lateness(int(milestone["days_late"]))


def progress_words(commitment: Mapping[str, Any]) -> str:
    """Where a commitment stood against its profile ('behind by £1.2m'): in
    English as frozen, in another language said again from its frozen money."""
    if current() == ENGLISH or not commitment.get("progress"):
        return commitment.get("progress") or ""
    return delivery_maths.commitment_status(
        int(commitment["committed"]),
        int(commitment["due_to_date"]),
        int(commitment["delivered"]),
        commitment.get("restates"),
        int(commitment.get("unphased") or 0),
    )
