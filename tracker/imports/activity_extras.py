"""An IATI import's budgets and links (``tracker.records.activity_rows``):
compared with what is stored for each commitment, and saved.

An activity's budgets and links are one thing: when a re-import says
anything different about them, the stored ones are replaced whole (each row
deleted and each new one created, every one with its audit event), in the
import's transaction and after the commitments they belong to are saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from db.fast_insert import one_of_lists
from db.models import ActivityLink, Commitment, PlannedBudget
from tracker.core.money import format_pounds
from tracker.core.phrases import changed
from tracker.i18n import N_, _, ngettext
from tracker.imports import bulk
from tracker.records.activity_rows import ActivityExtras, BudgetLine
from tracker.records.permissions import Actor
from tracker.records.unit_of_work import audit, snapshot

Stored = tuple[list[BudgetLine], list[tuple[str, str]]]


def stored(session: Session, refs: Iterable[str]) -> dict[str, Stored]:
    """The budgets and links stored for each of the commitments ``refs`` (those stored)."""
    dialect = session.get_bind().dialect.name
    found: dict[str, Stored] = {}
    for where in one_of_lists(dialect, Commitment.ref, list(refs)):
        ids = dict(session.execute(select(Commitment.id, Commitment.ref).where(where)).all())
        for ref in ids.values():
            found[ref] = ([], [])
        if not ids:
            continue
        for budget in _of(session, PlannedBudget, ids):
            found[ids[budget.commitment_id]][0].append(
                BudgetLine(budget.status, budget.period_start, budget.period_end, budget.amount_pence)
            )
        for link in _of(session, ActivityLink, ids):
            found[ids[link.commitment_id]][1].append((link.relation, link.other_ref))
    return found


def _of(session: Session, model: type[PlannedBudget] | type[ActivityLink], ids: Iterable[int]) -> list[Any]:
    """The rows of ``model`` belonging to the commitments ``ids``."""
    dialect = session.get_bind().dialect.name
    rows: list[Any] = []
    for where in one_of_lists(dialect, model.commitment_id, list(ids)):
        rows += session.scalars(select(model).where(where).order_by(model.id))
    return rows


# A budget's status as the preview says it (the stored value stays English).
STATUS_WORDS = {"original": N_("original"), "revised": N_("revised")}


def summary(extras: ActivityExtras) -> str:
    """``budgets 3 (original £268,963.00); links: parent GB-1-1``, as the preview says it."""
    parts = []
    if extras.budgets:
        by_status: dict[str, int] = {}
        for line in extras.budgets:
            by_status[line.status] = by_status.get(line.status, 0) + line.amount_pence
        totals = ", ".join(
            _("{status} {amount}", status=_(STATUS_WORDS.get(status, status)), amount=format_pounds(pence))
            for status, pence in by_status.items()
        )
        parts.append(
            ngettext(
                "{count} budget ({totals})",
                "{count} budgets ({totals})",
                len(extras.budgets),
                count=format(len(extras.budgets), ","),
                totals=totals,
            )
        )
    if extras.links:
        parts.append(_("links: {links}", links=", ".join(f"{relation} {ref}" for relation, ref in extras.links)))
    return "; ".join(parts) or _("no budgets or links")


def changes(extras: ActivityExtras, before: Stored) -> list[tuple[str, str]]:
    """What differs from ``before``, as ``(field, "Budgets changed from … to …")``."""
    budgets, links = before
    said: list[tuple[str, str]] = []
    if sorted(map(_key, budgets)) != sorted(map(_key, extras.budgets)):
        old, new = sum(b.amount_pence for b in budgets), sum(b.amount_pence for b in extras.budgets)
        said.append(
            (
                "budgets",
                changed(
                    _("budgets"),
                    f"{len(budgets)} ({format_pounds(old)})",
                    f"{len(extras.budgets)} ({format_pounds(new)})",
                ),
            )
        )
    if sorted(links) != sorted(extras.links):
        said.append(("links", changed(_("links"), _links(links), _links(list(extras.links)))))
    return said


def _key(line: BudgetLine) -> tuple[str, str, str, int]:
    start = line.period_start.isoformat() if line.period_start else ""
    end = line.period_end.isoformat() if line.period_end else ""
    return (line.status, start, end, line.amount_pence)


def _links(links: list[tuple[str, str]]) -> str:
    return ", ".join(f"{relation} {ref}" for relation, ref in sorted(links)) or _("none")


def save(session: Session, records: list[ActivityExtras], actor: Actor, *, replacing: bool) -> None:
    """Save the budgets and links of each record's commitment (all saved
    already, in this transaction), in bulk with an audit event each;
    ``replacing``: first delete those stored (each deletion audited)."""
    if not records:
        return
    dialect = session.get_bind().dialect.name
    ids: dict[str, int] = {}
    for where in one_of_lists(dialect, Commitment.ref, [r.commitment_ref for r in records]):
        ids.update(session.execute(select(Commitment.ref, Commitment.id).where(where)).all())
    if replacing:
        for model in (PlannedBudget, ActivityLink):
            for old in _of(session, model, ids.values()):
                audit(session, actor, "delete", old, snapshot(old), None)
                session.delete(old)
        session.flush()
    budgets = [
        {
            "commitment_id": ids[rec.commitment_ref],
            "status": line.status,
            "period_start": line.period_start,
            "period_end": line.period_end,
            "financial_year": line.financial_year,
            "amount_pence": line.amount_pence,
            "version": 1,
        }
        for rec in records
        for line in rec.budgets
    ]
    links = [
        {"commitment_id": ids[rec.commitment_ref], "relation": relation, "other_ref": ref, "version": 1}
        for rec in records
        for relation, ref in rec.links
    ]
    bulk.insert_audited(session, actor, _table(PlannedBudget), budgets)
    bulk.insert_audited(session, actor, _table(ActivityLink), links)


def _table(model: type[PlannedBudget] | type[ActivityLink]) -> Table:
    return model.__table__  # type: ignore[return-value]
