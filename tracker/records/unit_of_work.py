"""One write: a transaction, the actor it runs as, and the audit events it records.

Every write use-case runs through ``write``: it opens one write transaction
on the engine, hands the use-case a ``UnitOfWork`` (the session and the
actor), and commits only if the use-case returns; any exception rolls the
whole thing back, so a change without its audit record cannot exist. The
use-case records one audit event per row it creates, changes or deletes
through the unit of work (``created``, ``updated``, ``record``), in the same
transaction.

``write`` also turns the database's own refusals into ``ServiceError``s: a
row saved by someone else since it was read becomes ``StaleEdit`` naming
them, and a ref taken by a transaction that committed meanwhile is checked
again in a fresh transaction (which then reports it against the form field).

The bulk importers and the demo loader share ``transaction`` and
``audit_created``: a whole file in one transaction, all rows or none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.audit_rows import audited_columns
from db.models import Announcement, AuditEvent, Commitment, Delivery, Milestone
from db.session import Bind, ensure_schema, read_session, write_session
from tracker.core.fiscal import FinancialYear
from tracker.records.permissions import Actor
from tracker.records.problems import IS_DELETED, NO_SUCH, Conflict, NotFound, StaleEdit, about
from tracker.records.retrying import retrying

T = TypeVar("T")

# The records a person edits one at a time, by the word pages and messages use.
ENTITIES = {"announcement": Announcement, "commitment": Commitment, "delivery": Delivery, "milestone": Milestone}


def entity_word(model) -> str:
    """``"delivery"`` for ``Delivery``."""
    return next(word for word, m in ENTITIES.items() if m is model)


def model_for(entity: str):
    """The model of ``entity`` (a key of ``ENTITIES``); ``ValueError`` for any other word."""
    try:
        return ENTITIES[entity]
    except KeyError:
        raise ValueError(f"entity must be one of {', '.join(ENTITIES)}, not {entity!r}") from None


@contextmanager
def transaction(engine: Bind | None) -> Iterator[Session]:
    """A write transaction on ``engine``, or on the configured database:
    committed when the block ends normally, rolled back otherwise."""
    if engine is not None:
        with write_session(engine) as session:
            yield session
        return
    owned = ensure_schema()
    try:
        with write_session(owned) as session:
            yield session
    finally:
        owned.dispose()


# --- audit ------------------------------------------------------------------


def json_value(value):
    """A column value as JSON-safe data (dates as ISO text, years as labels)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, FinancialYear):
        return value.label
    return value


def snapshot(obj) -> dict:
    """A row's column values as JSON-safe data for the audit trail (the
    columns ``db.audit_rows.audited_columns`` names: all but the timestamps)."""
    return {column.key: json_value(getattr(obj, column.key)) for column in audited_columns(obj.__table__)}


# The execution option that marks a connection as an import's (its id): every
# audit event written on that connection carries it (``audit_events.import_id``),
# including those of the edit use-cases an import joins to its transaction,
# whose sessions bind to the same connection (tracker.imports.history).
IMPORT_OPTION = "tracker_import_id"


def import_id_of(session: Session) -> int | None:
    """The import whose transaction ``session`` writes in (None: not an import)."""
    return session.connection().get_execution_options().get(IMPORT_OPTION)


def audit(session: Session, actor: Actor, action: str, obj, before: dict | None, after: dict | None) -> None:
    """One audit event for ``obj``: ``before`` and ``after`` are ``snapshot``s (None: none)."""
    session.add(
        AuditEvent(
            actor=actor.name,
            action=action,
            entity=obj.__tablename__,
            entity_id=obj.id,
            before=before,
            after=after,
            import_id=import_id_of(session),
        )
    )


def audit_created(session: Session, actor: Actor, objects: Iterable) -> None:
    """One "create" audit event per new row."""
    session.flush()  # ids are needed for the audit events
    import_id = import_id_of(session)
    session.add_all(
        AuditEvent(
            actor=actor.name,
            action="create",
            entity=obj.__tablename__,
            entity_id=obj.id,
            after=snapshot(obj),
            import_id=import_id,
        )
        for obj in objects
    )


def apply_values(obj, values: dict) -> bool:
    """Set attributes; True if any value differs from what is stored."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


# --- the unit of work -----------------------------------------------------------


@dataclass(frozen=True)
class UnitOfWork:
    """The session of one write transaction and the actor it runs as; every
    audit event the write records goes through here."""

    session: Session
    actor: Actor

    def created(self, objects: Iterable) -> None:
        """Audit new rows (flushes first: the events need their ids)."""
        audit_created(self.session, self.actor, objects)

    def record(self, action: str, obj, before: dict | None, after: dict | None) -> None:
        """One audit event for ``obj``."""
        audit(self.session, self.actor, action, obj, before, after)

    def updated(self, obj, before: dict) -> int:
        """Flush an edited row and audit it (``before`` is its ``snapshot``
        from before the edit); its new version."""
        self.session.flush()
        self.record("update", obj, before, snapshot(obj))
        return obj.version

    def load_for_change(self, model, ref: str, expected_version: int | None, *, live: bool = True):
        """The row to change, locked on PostgreSQL (SELECT ... FOR UPDATE; SQLite's
        BEGIN IMMEDIATE already holds the only write lock); refused if it is
        missing, if its version is not ``expected_version``, or (``live``) if it
        is deleted."""
        word = entity_word(model)
        row = self.session.scalars(select(model).where(model.ref == ref).with_for_update()).one_or_none()
        if row is None:
            raise NotFound(about(NO_SUCH, word, ref))
        if expected_version is not None and row.version != expected_version:
            raise _stale_edit(self.session, model, ref, row)
        if live and row.deleted_at is not None:
            raise Conflict(about(IS_DELETED, word, ref))
        return row


def write(engine: Bind, actor: Actor, work: Callable[[UnitOfWork], T], *, stale: tuple[Any, str] | None = None) -> T:
    """Run ``work`` in one write transaction on ``engine`` as ``actor`` and
    return its result; commit only if it returns.

    A stale version found by SQLAlchemy at flush (another transaction saved
    the same row, ``stale`` = (model, ref), between our check and our UPDATE)
    becomes ``StaleEdit``.

    A unique ref taken by a transaction that committed after our check
    (PostgreSQL runs writers side by side) is retried once, in a fresh
    transaction: the retry's own check then reports the duplicate as a
    ValidationFailed naming the field, instead of an IntegrityError.

    A database still busy after the lock wait (another writer held it
    longer than the busy timeout) is tried again as a whole
    (``tracker.records.retrying``), and in the end refused with
    ``DatabaseBusy``: nothing saved.
    """
    if isinstance(engine, Connection):  # joined to a caller's transaction (an import): the caller retries
        return _write_once(engine, actor, work, stale)
    return retrying(lambda: _write_once(engine, actor, work, stale))


def _write_once(engine: Bind, actor: Actor, work: Callable[[UnitOfWork], T], stale: tuple[Any, str] | None) -> T:
    for attempt in (1, 2):
        try:
            with transaction(engine) as session:
                return work(UnitOfWork(session, actor))
        except StaleDataError:
            if stale is None:
                raise
            model, ref = stale
            with read_session(engine) as session:
                row = session.scalars(select(model).where(model.ref == ref)).one_or_none()
                raise _stale_edit(session, model, ref, row) from None
        except IntegrityError as err:
            if attempt == 2 or not _is_duplicate_ref(err):
                raise
    raise AssertionError("unreachable")


def _is_duplicate_ref(err: IntegrityError) -> bool:
    """A unique ref constraint: uq_<table>_ref (PostgreSQL) or <table>.ref (SQLite)."""
    return re.search(r"\buq_\w+_ref\b|UNIQUE constraint failed: \w+\.ref\b", str(err.orig)) is not None


def _stale_edit(session: Session, model, ref: str, row) -> StaleEdit:
    """StaleEdit naming who last changed the row and when (from the audit trail)."""
    latest = None
    if row is not None:
        latest = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == model.__tablename__, AuditEvent.entity_id == row.id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).first()
    if latest is None:
        return StaleEdit(entity_word(model), ref, None, None)
    return StaleEdit(entity_word(model), ref, latest.actor, latest.occurred_at, latest.action)


def create_row(engine: Bind, actor: Actor, model: Any, values: Callable[[Session], dict[str, Any]]) -> int:
    """Add one ``model`` row from ``values(session)`` (which raises ``ValidationFailed``),
    audited, in one transaction; its id. The caller has checked the actor's permission."""

    def work(uow: UnitOfWork) -> int:
        row = model(**values(uow.session))
        uow.session.add(row)
        uow.created([row])
        return int(row.id)

    return write(engine, actor, work)


def update_row(
    engine: Bind,
    actor: Actor,
    model: Any,
    ref: str,
    expected_version: int,
    values: Callable[[Session, int], dict[str, Any]],
) -> int:
    """Change the ``model`` row ``ref`` (at ``expected_version``) to ``values(session, its id)``,
    audited if anything changed, in one transaction; its version. The caller has
    checked the actor's permission."""

    def work(uow: UnitOfWork) -> int:
        row = uow.load_for_change(model, ref, expected_version)
        new = values(uow.session, row.id)
        before = snapshot(row)
        if not apply_values(row, new):
            return int(row.version)
        return uow.updated(row, before)

    return write(engine, actor, work, stale=(model, ref))
