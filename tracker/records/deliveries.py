"""Deliveries typed into a form: record a disbursement, expenditure or refund against a commitment, correct one.

Each use-case checks the actor may do it, validates completely
(``ValidationFailed`` naming every form field at fault) and writes and
audits in one unit of work (tracker.records.unit_of_work). A file of
deliveries is imported by tracker.imports.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.models import Delivery
from db.session import Bind
from tracker.i18n import _
from tracker.records.inputs import Checks, DeliveryInput, delivery_record
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import FieldProblem, ValidationFailed, raise_if_any
from tracker.records.refs import check_new_ref, live_commitment
from tracker.records.unit_of_work import create_row, update_row


def _values(session: Session, inp: DeliveryInput, keep_id: int | None = None) -> dict:
    """The delivery's column values; ``ValidationFailed`` naming every problem."""
    problems: list[FieldProblem] = []
    rec = delivery_record(inp, Checks(problems))
    if rec is None:
        raise ValidationFailed(problems)
    check_new_ref(session, Delivery, "ref", rec.ref, problems, keep_id=keep_id)
    commitment = live_commitment(session, rec.commitment_ref, share_lock=True)
    if commitment is None:
        problems.append(
            FieldProblem("commitment_ref", rec.commitment_ref, _("expected the ref of a commitment in the database"))
        )
        raise ValidationFailed(problems)
    raise_if_any(problems)
    return {
        "ref": rec.ref,
        "commitment_id": commitment.id,
        "paid_on": rec.paid_on,
        "amount_pence": rec.amount_pence,
        "kind": rec.kind,
        "note": rec.note,
        "evidence_url": rec.evidence_url,
        "illustrative": rec.illustrative,
    }


def record_delivery(inp: DeliveryInput, *, engine: Engine, actor: Actor) -> int:
    """Record a disbursement, expenditure or refund against a commitment; its id."""
    authorise(actor, "record_delivery")
    return create_row(engine, actor, Delivery, lambda session: _values(session, inp))


def update_delivery(ref: str, inp: DeliveryInput, *, expected_version: int, engine: Bind, actor: Actor) -> int:
    """Change a delivery record; its new version."""
    authorise(actor, "update_delivery")
    return update_row(
        engine, actor, Delivery, ref, expected_version, lambda session, id_: _values(session, inp, keep_id=id_)
    )
