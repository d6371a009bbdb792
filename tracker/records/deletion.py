"""Soft delete and restore: a deleted record leaves every total and list but
stays in the database (and the audit trail), and an admin can bring it back.
"""

from __future__ import annotations

from sqlalchemy import Engine

from db.models import utc_now
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import Conflict
from tracker.records.unit_of_work import UnitOfWork, model_for, snapshot, write


def delete(entity: str, ref: str, *, expected_version: int, engine: Engine, actor: Actor) -> int:
    """Soft-delete an announcement, commitment, delivery or milestone: it
    disappears from every total and list but stays in the database (and the
    audit trail) and an admin can ``restore`` it. Its new version.

    Deleting an announcement hides its commitments too (they are read
    through it); they come back with it.
    """
    model = model_for(entity)
    authorise(actor, f"delete_{entity}")

    def work(uow: UnitOfWork) -> int:
        row = uow.load_for_change(model, ref, expected_version, live=False)
        if row.deleted_at is not None:
            raise Conflict(f"{entity} {ref!r} is already deleted")
        before = snapshot(row)
        row.deleted_at = utc_now()
        uow.session.flush()
        uow.record("delete", row, before, snapshot(row))
        return row.version

    return write(engine, actor, work, stale=(model, ref))


def restore(entity: str, ref: str, *, engine: Engine, actor: Actor) -> int:
    """Bring back a soft-deleted record (admins only); its new version."""
    model = model_for(entity)
    authorise(actor, "restore")

    def work(uow: UnitOfWork) -> int:
        row = uow.load_for_change(model, ref, None, live=False)
        if row.deleted_at is None:
            raise Conflict(f"{entity} {ref!r} is not deleted: there is nothing to restore")
        before = snapshot(row)
        row.deleted_at = None
        uow.session.flush()
        uow.record("restore", row, before, snapshot(row))
        return row.version

    return write(engine, actor, work, stale=(model, ref))
