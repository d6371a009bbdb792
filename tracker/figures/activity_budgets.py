"""What an IATI activity says beside its money, for the detail of its
announcement: its budgets by financial year next to what it committed
(``budgets_frame``), and the other activities it names (``links``). Budgets
are the activity's plan, never counted as committed. Money in pence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from db.models import ActivityLink, Commitment, PlannedBudget
from db.session import read_session
from tracker.core.fiscal import fy_label
from tracker.core.vocabulary import ACTIVITY_RELATION_LABELS, label

BUDGET_COLUMNS = ("commitment_ref", "financial_year", "label", "committed_pence", "original_pence", "revised_pence")


@dataclass(frozen=True)
class Link:
    commitment_ref: str
    relation: str  # its label ("Parent activity"), in the language in use
    other_ref: str
    held: bool  # the tracker holds a commitment with that ref


@dataclass(frozen=True)
class ActivityFacts:
    budgets: pd.DataFrame  # BUDGET_COLUMNS: one row per commitment and financial year with a budget
    links: list[Link]
    undated_budget_pence: int  # budgets whose period has no start (no financial year)

    @property
    def empty(self) -> bool:
        return self.budgets.empty and not self.links and not self.undated_budget_pence


def activity_facts(engine: Engine, commitment_refs: list[str], schedule: pd.DataFrame) -> ActivityFacts:
    """The budgets and links of the commitments ``commitment_refs``; the
    committed column comes from ``schedule`` (``commitment_ref``,
    ``financial_year``, ``committed_pence``, as the announcement's detail has it)."""
    with read_session(engine) as session:
        budgets = session.execute(
            select(Commitment.ref, PlannedBudget.financial_year, PlannedBudget.status, PlannedBudget.amount_pence)
            .join(Commitment, PlannedBudget.commitment_id == Commitment.id)
            .where(Commitment.ref.in_(commitment_refs))
        ).all()
        links = session.execute(
            select(Commitment.ref, ActivityLink.relation, ActivityLink.other_ref)
            .join(Commitment, ActivityLink.commitment_id == Commitment.id)
            .where(Commitment.ref.in_(commitment_refs))
            .order_by(Commitment.ref, ActivityLink.id)
        ).all()
        others = {link.other_ref for link in links}
        held = set(
            session.scalars(select(Commitment.ref).where(Commitment.ref.in_(others), Commitment.deleted_at.is_(None)))
        )
    totals: dict[tuple[str, int], dict[str, int]] = {}
    undated = 0
    for ref, year, status, pence in budgets:
        if year is None:
            undated += pence
            continue
        cell = totals.setdefault((ref, year.start_year), {"original": 0, "revised": 0})
        cell[status] += pence
    committed = {
        (ref, int(year)): int(pence)
        for ref, year, pence in zip(schedule["commitment_ref"], schedule["financial_year"], schedule["committed_pence"])
    }
    rows = [
        (ref, year, fy_label(year), committed.get((ref, year), 0), cell["original"], cell["revised"])
        for (ref, year), cell in sorted(totals.items())
    ]
    frame = pd.DataFrame(rows, columns=list(BUDGET_COLUMNS)).astype(
        {name: "int64" for name in BUDGET_COLUMNS if name.endswith("_pence") or name == "financial_year"}
    )
    said = [
        Link(ref, label(ACTIVITY_RELATION_LABELS, relation), other, other in held) for ref, relation, other in links
    ]
    return ActivityFacts(frame, said, undated)
