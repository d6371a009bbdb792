"""Milestones typed into a form: add one to a commitment, change one (e.g. record when it was achieved).

Each use-case checks the actor may do it, validates completely
(``ValidationFailed`` naming every form field at fault) and writes and
audits in one unit of work (tracker.records.unit_of_work).
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.models import Milestone
from tracker.core.limits import never_stored
from tracker.i18n import _
from tracker.records.inputs import Checks, MilestoneInput, as_text, milestone_fields
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, raise_if_any
from tracker.records.refs import check_new_ref, live_commitment
from tracker.records.unit_of_work import create_row, update_row


def _values(session: Session, inp: MilestoneInput, keep_id: int | None = None) -> dict:
    """The milestone's column values; ``ValidationFailed`` naming every problem."""
    problems: list[FieldProblem] = []
    fields = milestone_fields(inp, Checks(problems))
    check_new_ref(session, Milestone, "ref", fields["ref"], problems, keep_id=keep_id)
    commitment = live_commitment(session, fields.pop("commitment_ref"), share_lock=True)
    typed = as_text(inp.commitment_ref).strip()
    if commitment is None and typed and not never_stored(typed):  # (a NUL is refused by its text check)
        problems.append(
            FieldProblem(
                "commitment_ref",
                as_text(inp.commitment_ref).strip(),
                _("expected the ref of a commitment in the database"),
            )
        )
    raise_if_any(problems)
    return {**fields, "commitment_id": commitment.id if commitment else None}


def create_milestone(inp: MilestoneInput, *, engine: Engine, actor: Actor) -> int:
    """Add a milestone to a commitment; its id."""
    authorise(actor, "create_milestone")
    return create_row(engine, actor, Milestone, lambda session: _values(session, inp))


def update_milestone(ref: str, inp: MilestoneInput, *, expected_version: int, engine: Engine, actor: Actor) -> int:
    """Change a milestone (e.g. record when it was achieved); its new version."""
    authorise(actor, "update_milestone")
    return update_row(
        engine, actor, Milestone, ref, expected_version, lambda session, id_: _values(session, inp, keep_id=id_)
    )
