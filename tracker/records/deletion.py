"""Soft delete and restore: a deleted record leaves every total and list but
stays in the database (and the audit trail), and an admin can bring it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from db.models import utc_now
from tracker.records.permissions import Actor, authorise
from tracker.records.problems import ALREADY_DELETED, NOT_DELETED, Conflict, about
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
            raise Conflict(about(ALREADY_DELETED, entity, ref))
        soft_delete(uow, [row])
        return row.version

    return write(engine, actor, work, stale=(model, ref))


def soft_delete(uow: UnitOfWork, rows: Sequence[Any]) -> None:
    """Mark live rows of one table (loaded, and locked, in ``uow``) deleted,
    each audited: the one rule for a deletion, shared by ``delete`` and an
    import's undo (``tracker.imports.undo``).

    One UPDATE sent for all the rows at once (the driver's executemany; an
    ORM flush would send them one by one), each still checked against the
    version it was loaded at: a row saved by someone else meanwhile raises
    ``StaleDataError``, as a flush would."""
    if not rows:
        return
    uow.session.flush()  # anything pending first, so the versions below are the stored ones
    table = type(rows[0]).__table__
    befores = [snapshot(row) for row in rows]
    now = utc_now()
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("was"))
        .values(deleted_at=now, updated_at=now, version=table.c.version + 1)
    )
    done = uow.session.connection().execute(statement, [{"row_id": row.id, "was": row.version} for row in rows])
    if done.rowcount != len(rows):
        raise StaleDataError(f"{table.name}: {len(rows) - done.rowcount} of {len(rows)} rows changed meanwhile")
    for row, before in zip(rows, befores):
        for key, value in (("deleted_at", now), ("updated_at", now), ("version", row.version + 1)):
            set_committed_value(row, key, value)  # as stored, with nothing left for a flush to write
        uow.record("delete", row, before, snapshot(row))


def restore(entity: str, ref: str, *, engine: Engine, actor: Actor) -> int:
    """Bring back a soft-deleted record (admins only); its new version."""
    model = model_for(entity)
    authorise(actor, "restore")

    def work(uow: UnitOfWork) -> int:
        row = uow.load_for_change(model, ref, None, live=False)
        if row.deleted_at is None:
            raise Conflict(about(NOT_DELETED, entity, ref))
        before = snapshot(row)
        row.deleted_at = None
        uow.session.flush()
        uow.record("restore", row, before, snapshot(row))
        return row.version

    return write(engine, actor, work, stale=(model, ref))
