"""The imports the tracker remembers: one ``db.models.Import`` row per file saved.

``begin`` adds the row at the start of an import's transaction and marks the
transaction's connection as the import's (``unit_of_work.IMPORT_OPTION``), so
every audit event written on it carries the import's id: the bulk rows'
(``db.audit_rows``), the ORM's (``unit_of_work.audit``), and those of the edit
use-cases the import joins to its transaction (their sessions bind to the
same connection). ``finish`` sets the counts and the finish time. An import
that fails rolls back with its row; one that changes nothing adds none.

The row is bookkeeping, an index of the audit events that carry its id, and
has no audit event of its own (as a failed sign-in has none): those events
already say who changed what and when, the undo's included. ``recent`` lists them, newest first, for
``funding-tracker import list`` and the Import page; ``tracker.imports.undo``
undoes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import Import, utc_now
from db.session import read_session
from tracker.core.limits import limit
from tracker.imports import reading
from tracker.imports.saving import ImportResult
from tracker.records.permissions import PERMISSIONS, Actor, holds
from tracker.records.unit_of_work import IMPORT_OPTION

RECENT = 20  # how many imports a list shows unless asked for more


def stored_name(name: str | None) -> str:
    """A file's name as the row keeps it: anything unprintable (a control or
    direction character) shown as ``?``, at most ``LIMITS["file_name"]`` characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in (name or ""))
    return clean[: limit("file_name")] or "(no name)"


def begin(session: Session, kind: str, file_name: str | None, actor: Actor) -> Import:
    """Record an import starting, in its transaction (``session``'s connection),
    and mark that connection as the import's: every audit event written on it
    from now on carries the new row's id."""
    row = Import(kind=kind, file_name=stored_name(file_name), actor=actor.name, created=0, updated=0)
    session.add(row)
    session.flush()
    session.connection().execution_options(**{IMPORT_OPTION: row.id})
    return row


def finish(session: Session, row: Import, result: ImportResult) -> None:
    """The import's counts (its file's own rows created and updated) and its finish time."""
    row.created, row.updated, row.finished_at = result.created_rows, result.updated_rows, utc_now()
    session.flush()


@dataclass(frozen=True)
class ImportSummary:
    """One import as ``recent`` lists it."""

    id: int
    kind: str
    file_name: str
    actor: str
    started_at: datetime
    finished_at: datetime | None
    created: int
    updated: int
    undone_at: datetime | None
    undone_by: str | None

    @property
    def permission(self) -> str:
        """What undoing it needs: what importing such a file needs (an admin may do both)."""
        return undo_permission(self.kind)


def undo_permission(kind: str) -> str:
    """The action (``tracker.records.permissions``) that undoing an import of ``kind`` needs:
    the one importing it needs. A kind no longer known needs an admin."""
    found = reading.KINDS.get(kind)
    return found.permission if found is not None else "restore"


def may_undo(actor: Actor, summary: ImportSummary) -> bool:
    """Whether ``actor`` may undo the import (it is not undone yet, and they hold its permission)."""
    return summary.undone_at is None and holds(actor.roles, PERMISSIONS[summary.permission])


def recent(engine: Engine, limit_to: int = RECENT) -> list[ImportSummary]:
    """The ``limit_to`` most recent imports, newest first."""
    with read_session(engine) as session:
        rows = session.scalars(select(Import).order_by(Import.id.desc()).limit(limit_to)).all()
        return [
            ImportSummary(
                row.id,
                row.kind,
                row.file_name,
                row.actor,
                row.started_at,
                row.finished_at,
                row.created,
                row.updated,
                row.undone_at,
                row.undone_by,
            )
            for row in rows
        ]
