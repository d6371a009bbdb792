"""Shares of pots already recorded: does a new or changed share fit its pot?

A share (``part_of``) is taken out of its pot, never added on top
(``tracker.core.counting``). A file's own pots are checked with the file
(``commitment_rows.check_shares``); this module checks shares whose pot is in
the database, with the pot's other stored shares, so a form, an import and
the command line refuse the same share with the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Commitment
from tracker.core.columns import CommitmentLike
from tracker.core.fiscal import FinancialYear
from tracker.core.projection import columns_from_records, problems_of
from tracker.core.spread import SpreadError, spread
from tracker.core.vocabulary import ANNOUNCED_EARLIER
from tracker.records.commitment_rows import CommitmentRecord


@dataclass(frozen=True)
class StoredTerms:
    """What the engine reads of a stored commitment (``CommitmentLike``)."""

    ref: str
    kind: str
    amount_pence: int
    first_year: FinancialYear | None
    years: int | None
    uplift_bp: int
    reannounces: str | None
    part_of: str | None
    announced_on: date | None
    profile: tuple[tuple[FinancialYear, int], ...] = ()
    spread_lines: tuple[tuple[FinancialYear, int], ...] = field(default=())

    @property
    def estimated(self) -> bool:
        return bool(self.spread_lines)


def stored_terms(commitment: Commitment) -> StoredTerms:
    lines: tuple[tuple[FinancialYear, int], ...] = ()
    if commitment.kind == "multi-year" and commitment.spread != "none":
        try:
            lines = tuple(
                spread(
                    commitment.spread,
                    commitment.amount_pence,
                    first_year=commitment.first_year,
                    years=commitment.years,
                    planned_start=commitment.planned_start,
                    planned_end=commitment.planned_end,
                )
            )
        except SpreadError:
            lines = ()
    if commitment.reannounces_earlier:
        reannounces: str | None = ANNOUNCED_EARLIER
    else:
        reannounces = commitment.reannounces.ref if commitment.reannounces is not None else None
    return StoredTerms(
        ref=commitment.ref,
        kind=commitment.kind,
        amount_pence=commitment.amount_pence,
        first_year=commitment.first_year,
        years=commitment.years,
        uplift_bp=commitment.uplift_bp,
        reannounces=reannounces,
        part_of=commitment.part_of.ref if commitment.part_of is not None else None,
        announced_on=commitment.announcement.announced_on,
        profile=tuple((line.financial_year, line.amount_pence) for line in commitment.profile_lines),
        spread_lines=lines,
    )


def stored_pot_problems(
    session: Session, records: Sequence[CommitmentRecord], *, replacing: Iterable[str] = ()
) -> dict[str, str]:
    """``{share ref: what is wrong}`` for the ``records`` that are shares of a
    pot in the database and do not fit it beside the pot's other stored
    shares. ``replacing``: refs of stored commitments these records replace
    (a share being changed is not counted twice)."""
    in_hand = {rec.ref for rec in records}
    pot_refs = sorted({rec.part_of for rec in records if rec.part_of and rec.part_of not in in_hand})
    if not pot_refs:
        return {}
    detail = (
        selectinload(Commitment.profile_lines),
        selectinload(Commitment.announcement),
        selectinload(Commitment.reannounces),
        selectinload(Commitment.part_of),
    )
    pots = session.scalars(
        select(Commitment).where(Commitment.ref.in_(pot_refs), Commitment.deleted_at.is_(None)).options(*detail)
    ).all()
    if not pots:
        return {}
    skip = in_hand | set(replacing)
    siblings = session.scalars(
        select(Commitment)
        .where(Commitment.part_of_id.in_([p.id for p in pots]), Commitment.deleted_at.is_(None))
        .options(*detail)
    ).all()
    stored = [stored_terms(c) for c in [*pots, *siblings] if c.ref not in skip]
    # The pots stand alone here: their own pots and re-announcements are checked where they are.
    stored = [
        StoredTerms(**{**t.__dict__, "part_of": None, "reannounces": None}) if t.ref in pot_refs else t for t in stored
    ]
    mine = [rec for rec in records if rec.part_of in pot_refs]
    everything: list[CommitmentLike] = [*stored, *mine]
    found: dict[str, str] = {}
    for problem in problems_of(columns_from_records(everything)):
        item = everything[problem.row]
        if item.ref in {rec.ref for rec in mine}:
            found.setdefault(item.ref, problem.expected)
        elif mine:  # the pot's stored shares already fill it: say so on the new share
            found.setdefault(mine[-1].ref, problem.expected)
    return found
