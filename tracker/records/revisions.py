"""Revisions of a commitment's money: what changed, why, and what was first committed.

A commitment's terms (kind, amount, first year, years, uplift, profile, and
for a multi-year total its spread and planned dates) decide its money year by
year. ``update_commitment``
(tracker.records.commitments) calls a change to them a revision: it needs a
reason from ``REVISION_REASONS`` (``check_reason``), and ``revise`` keeps the
schedule as first committed in ``commitment_baselines`` (on the first
revision) and records the terms before and after in
``commitment_revisions``. ``baseline_vs_revised`` and ``revision_history``
read them back for the Delivery page and the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from db.models import Commitment, CommitmentBaseline, CommitmentRevision, ProfileLine
from db.session import read_session
from tracker.core import limits
from tracker.core.fiscal import UNPHASED, FinancialYear, fy_label
from tracker.core.projection import CommitmentColumns, expand
from tracker.core.spread import SpreadError, spread
from tracker.core.vocabulary import REVISION_REASONS
from tracker.i18n import _
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.inputs import as_text
from tracker.records.problems import NO_SUCH, FieldProblem, NotFound, about
from tracker.records.unit_of_work import UnitOfWork, snapshot

if TYPE_CHECKING:
    import pandas as pd


# --- terms and schedules ----------------------------------------------------------------


def money_terms(
    kind: str,
    amount: int,
    first_year: FinancialYear | None,
    years: int | None,
    uplift_bp: int,
    profile: Iterable[tuple[FinancialYear, int]],
    spread: str = "none",
    planned_start: date | None = None,
    planned_end: date | None = None,
) -> tuple:
    """The terms that decide a commitment's money and where it falls, comparable with ==."""
    return (
        kind,
        amount,
        first_year,
        years,
        uplift_bp,
        tuple(sorted(profile)) if kind == "profiled" else (),
        spread,
        planned_start,
        planned_end,
    )


def stored_terms(commitment: Commitment) -> tuple:
    return money_terms(
        commitment.kind,
        commitment.amount_pence,
        commitment.first_year,
        commitment.years,
        commitment.uplift_bp,
        [(line.financial_year, line.amount_pence) for line in commitment.profile_lines],
        commitment.spread,
        commitment.planned_start,
        commitment.planned_end,
    )


def record_terms(rec: CommitmentRecord) -> tuple:
    return money_terms(
        rec.kind,
        rec.amount_pence,
        rec.first_year,
        rec.years,
        rec.uplift_bp,
        rec.profile,
        rec.spread,
        rec.planned_start,
        rec.planned_end,
    )


def schedule_of(terms: tuple) -> dict[int, int]:
    """{financial-year start year (``UNPHASED`` for money with no year): pence}
    for one commitment's terms, by the projection engine's rules."""
    kind, amount, first_year, years, uplift_bp, profile, how, planned_start, planned_end = terms
    estimated: list[tuple[FinancialYear, int]] = []
    if kind == "multi-year" and how != "none":
        try:
            estimated = spread(
                how, amount, first_year=first_year, years=years, planned_start=planned_start, planned_end=planned_end
            )
        except SpreadError:
            estimated = []
    lines = estimated or list(profile)
    columns = CommitmentColumns.build(
        start_year=[first_year.start_year if first_year else 0],
        years=[years or 1 if kind != "multi-year" else 1],
        amount=[amount],
        uplift_bp=[uplift_bp],
        profiled=[bool(lines)],
        profile_row=[0] * len(lines),
        profile_year=[fy.start_year for fy, _pence in lines],
        profile_amount=[pence for _year, pence in lines],
        phased=[bool(lines) or (first_year is not None and kind != "multi-year")],
        estimated=[bool(estimated)],
    )
    schedule = expand(columns)
    return {int(y): int(p) for y, p in zip(schedule.year, schedule.headline)}


def terms_json(terms: tuple) -> dict:
    """Terms and their schedule as JSON, as ``commitment_revisions.before``/``after`` hold them."""
    kind, amount, first_year, years, uplift_bp, profile, how, planned_start, planned_end = terms
    return {
        "kind": kind,
        "amount_pence": amount,
        "first_year": first_year.label if first_year else None,
        "years": years,
        "uplift_bp": uplift_bp,
        "profile": {fy.label: pence for fy, pence in profile},
        "spread": how,
        "planned_start": planned_start.isoformat() if planned_start else None,
        "planned_end": planned_end.isoformat() if planned_end else None,
        "schedule": {fy_label(y): pence for y, pence in schedule_of(terms).items()},
    }


# --- recording a revision -------------------------------------------------------------------


def check_reason(reason: str | None, reason_text: str) -> list[FieldProblem]:
    """Problems with the reason given for a change to the money (none: an empty list)."""
    choices = ", ".join(REVISION_REASONS)
    if reason not in REVISION_REASONS:
        return [
            FieldProblem(
                "reason", as_text(reason), _("a change to the money needs a reason: one of {choices}", choices=choices)
            )
        ]
    if reason == "other" and not as_text(reason_text).strip():
        return [FieldProblem("reason_text", "", _("required when the reason is other: say why the money changed"))]
    wrong = limits.check_text("reason_text", as_text(reason_text))
    return [FieldProblem("reason_text", limits.shown(as_text(reason_text)), wrong)] if wrong else []


def revise(
    uow: UnitOfWork, commitment: Commitment, old_terms: tuple, new_terms: tuple, reason: str | None, reason_text: str
) -> None:
    """Profile lines to match the new terms; the baseline (first revision only); the revision record.
    ``reason`` has passed ``check_reason``."""
    session = uow.session
    new_profile = dict(new_terms[5])
    for line in list(commitment.profile_lines):
        if line.financial_year not in new_profile:
            # The year no longer has money: the line goes (the baseline, the
            # revision and this audit event keep what it said).
            uow.record("delete", line, snapshot(line), None)
            commitment.profile_lines.remove(line)
            session.delete(line)
        elif line.amount_pence != new_profile[line.financial_year]:
            before = snapshot(line)
            line.amount_pence = new_profile[line.financial_year]
            session.flush()
            uow.record("update", line, before, snapshot(line))
    stored_years = {line.financial_year for line in commitment.profile_lines}
    added = [
        ProfileLine(commitment=commitment, financial_year=fy, amount_pence=pence)
        for fy, pence in new_profile.items()
        if fy not in stored_years
    ]
    session.add_all(added)

    has_baseline = (
        session.scalar(select(CommitmentBaseline.id).where(CommitmentBaseline.commitment_id == commitment.id).limit(1))
        is not None
    )
    baseline = (
        []
        if has_baseline
        else [
            CommitmentBaseline(
                commitment_id=commitment.id,
                financial_year=None if year == UNPHASED else FinancialYear(year),
                amount_pence=pence,
            )
            for year, pence in schedule_of(old_terms).items()
        ]
    )
    session.add_all(baseline)
    revision = CommitmentRevision(
        commitment_id=commitment.id,
        actor=uow.actor.name,
        reason=reason,
        reason_text=as_text(reason_text).strip() or None,
        before=terms_json(old_terms),
        after=terms_json(new_terms),
    )
    session.add(revision)
    uow.created([*added, *baseline, revision])


# --- reading revisions back -------------------------------------------------------------------


def baseline_vs_revised(engine: Engine, commitment_ref: str) -> pd.DataFrame:
    """A commitment's schedule as first committed beside its current one:
    ``financial_year`` (start year, int64), ``original_pence``, ``revised_pence``
    (int64, zero-filled), one row per year either has, ascending. For a
    commitment never revised the two columns are equal."""
    import pandas as pd

    with read_session(engine) as session:
        commitment = session.scalars(select(Commitment).where(Commitment.ref == commitment_ref)).one_or_none()
        if commitment is None:
            raise NotFound(about(NO_SUCH, "commitment", commitment_ref))
        revised = schedule_of(stored_terms(commitment))
        original = {
            fy.start_year if fy is not None else UNPHASED: pence
            for fy, pence in session.execute(
                select(CommitmentBaseline.financial_year, CommitmentBaseline.amount_pence).where(
                    CommitmentBaseline.commitment_id == commitment.id
                )
            )
        } or revised
    years = sorted(set(original) | set(revised))
    return pd.DataFrame(
        {
            "financial_year": pd.Series(years, dtype="int64"),
            "original_pence": pd.Series([original.get(y, 0) for y in years], dtype="int64"),
            "revised_pence": pd.Series([revised.get(y, 0) for y in years], dtype="int64"),
        }
    )


def revision_history(engine: Engine, commitment_ref: str) -> pd.DataFrame:
    """A commitment's revisions, oldest first: ``revised_at, actor, reason,
    reason_text, before, after`` (before/after: the terms and schedule as JSON)."""
    import pandas as pd

    with read_session(engine) as session:
        commitment_id = session.scalar(select(Commitment.id).where(Commitment.ref == commitment_ref))
        if commitment_id is None:
            raise NotFound(about(NO_SUCH, "commitment", commitment_ref))
        rows = session.execute(
            select(
                CommitmentRevision.revised_at,
                CommitmentRevision.actor,
                CommitmentRevision.reason,
                CommitmentRevision.reason_text,
                CommitmentRevision.before,
                CommitmentRevision.after,
            )
            .where(CommitmentRevision.commitment_id == commitment_id)
            .order_by(CommitmentRevision.id)
        ).all()
    return pd.DataFrame(
        [tuple(row) for row in rows], columns=["revised_at", "actor", "reason", "reason_text", "before", "after"]
    )
