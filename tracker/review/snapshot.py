"""A review meeting's snapshot: the figures frozen when the meeting is opened.

Reads only; ``tracker.review.recording.open_meeting`` stores what ``build_snapshot``
gives, with its ``fingerprint`` in the audit trail.

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

``tracker.review.changes.changes(before, after)`` compares two snapshots: the
"since the last review" view. ``milestones_overdue_first`` orders a
snapshot's milestones as the review reads them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from tracker.core.fiscal import FinancialYear
from tracker.figures import data as queries
from tracker.figures import delivery as delivery_maths
from tracker.figures.register import read_announcements
from tracker.figures.totals import committed_vs_delivered
from tracker.review.meetings import current_statuses

SCHEMA = 1


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
    }


def build_snapshot(engine: Engine, as_at: date, *, recorded_before: datetime | None = None) -> dict[str, Any]:
    """The figures as they stand for ``as_at``: announcements made and
    deliveries paid on or before it, milestones as achieved by then, and the
    latest status of each subject assessed on or before it (and recorded
    before ``recorded_before``, when given)."""
    data = queries.load(engine, as_at=as_at)
    schedule = data.schedule
    head = delivery_maths.headline(schedule, data.deliveries, data.commitments, as_at)
    yearly = committed_vs_delivered(schedule, data.deliveries, data.commitments)
    per_commitment = delivery_maths.by_commitment(schedule, data.deliveries, data.commitments, as_at)
    # Payments against a re-announcement count toward the money it restates, as in ``commitments``.
    roots = delivery_maths.original_ids(data.commitments)
    rooted = data.deliveries.assign(commitment_id=data.deliveries["commitment_id"].map(roots).astype("int64"))
    per_year = committed_vs_delivered(schedule, rooted, data.commitments, by="ref")

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
            {
                "financial_year": FinancialYear(int(r.financial_year)).label,
                "committed": int(r.committed),
                "delivered": int(r.delivered),
                "variance": int(r.variance),
            }
            for r in yearly.itertuples(index=False)
        ],
        "commitments": _commitment_entries(data, per_commitment),
        "commitment_years": [
            {
                "ref": r.ref,
                "financial_year": FinancialYear(int(r.financial_year)).label,
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
            for r in data.deliveries.itertuples(index=False)
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


def _commitment_entries(data: queries.TrackerData, per_commitment: pd.DataFrame) -> list[dict[str, Any]]:
    figures = per_commitment.set_index("commitment_id")
    out = []
    for row in data.commitments.itertuples(index=False):
        mine = figures.loc[row.commitment_id]
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
                "terms": _terms(row, data.profile_lines),
                **{
                    m: int(mine[m])
                    for m in ("committed", "due_to_date", "delivered", "variance", "outstanding", "slippage")
                },
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
