"""Backing up and restoring the tracker's database: ``funding-tracker backup
FILE`` and ``funding-tracker restore FILE``.

``backup(path)`` writes a backup of the database ``TRACKER_DATABASE_URL``
names, while the dashboard and imports carry on: a SQLite file by SQLite's
online backup API (``tracker.backup_sqlite``), PostgreSQL by ``pg_dump``'s
custom format (``tracker.backup_postgres``). The backup is written to a
temporary file beside ``path`` and renamed to ``path`` only when complete;
an existing ``path`` is replaced only with ``force``.

``restore(path)`` puts a backup back into the database
``TRACKER_DATABASE_URL`` names (a SQLite file is created if missing):

1. the backup's kind must match the database's (a SQLite file for SQLite,
   a pg_dump archive for PostgreSQL), and its migration revision must be
   one this version knows: a backup from a newer tracker is refused before
   the database is touched;
2. a database that holds any row is replaced only with ``force`` (a
   database that was only migrated counts as empty);
3. after restoring, a backup from an older version is upgraded to this
   version's migrations, and the restore is recorded in the audit trail
   (action "restore", entity "database": what the database held before and
   what it holds now).

Every refusal is a ``BackupRefused`` whose message says what to do; after a
refusal nothing was changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from db.models import AuditEvent
from db.session import (
    SCHEMA_HEAD,
    database_url,
    make_engine,
    normalise_url,
    sqlite_file,
    upgrade,
    write_session,
)
from tracker import backup_postgres, backup_sqlite
from tracker.backup_contents import (
    KIND_WORDS,
    POSTGRESQL,
    SQLITE,
    BackupRefused,
    Holdings,
    connection_holdings,
    kind_of,
    revision_said,
    size_said,
    sync_folder,
    temporary_beside,
)
from tracker.records.permissions import Actor, authorise

__all__ = ["BackupRefused", "BackupWritten", "Restored", "backup", "restore"]

AUDIT_ENTITY = "database"


@dataclass(frozen=True)
class BackupWritten:
    """A backup written: where, how big, of which database, and what it holds."""

    path: Path
    size: int
    database: str  # the URL, without its password
    held: Holdings

    def lines(self) -> list[str]:
        return [
            f"wrote {self.path} ({size_said(self.size)}): a backup of {self.database}",
            f"at {revision_said(self.held.revision)}; it holds {self.held.records_said()}",
        ]


@dataclass(frozen=True)
class Restored:
    """A restore done: from which backup, into which database, what it replaced and holds now."""

    backup: Path
    database: str  # the URL, without its password
    replaced: Holdings | None  # None: what was there could not be read as a database
    backup_revision: str
    held: Holdings

    def lines(self) -> list[str]:
        lines = [f"restored {self.backup} into {self.database}"]
        if self.replaced is None:
            lines.append("it replaced a file that could not be read as a database")
        elif not self.replaced.empty:
            lines.append(f"it replaced what the database held: {self.replaced.rows_said()}")
        if self.backup_revision != self.held.revision:
            lines.append(
                f"the backup was at migration {self.backup_revision}, from an older version of the tracker: "
                f"upgraded to migration {self.held.revision}"
            )
        else:
            lines.append(f"at {revision_said(self.held.revision)}")
        lines.append(f"it holds {self.held.records_said()}; the restore is in the audit trail")
        return lines


def backup(path: Path, *, force: bool = False, url: str | URL | None = None) -> BackupWritten:
    """Write a backup of the database at ``url`` (default: the configured one) to ``path``."""
    parsed = normalise_url(url if url is not None else database_url())
    kind = _kind_of_database(parsed)
    _check_destination(path, force)
    with temporary_beside(path, "backup") as temporary:
        if kind == SQLITE:
            source = _sqlite_path(parsed, "backed up")
            if not source.is_file():
                raise BackupRefused(f"no database at {source}: nothing to back up (is TRACKER_DATABASE_URL set?)")
            if path.exists() and path.resolve() == source.resolve():
                raise BackupRefused(f"{path} is the database itself: write the backup to another file")
            held = backup_sqlite.back_up(source, temporary)
        else:
            held = backup_postgres.back_up(parsed, temporary)
        if path.exists() and not force:
            raise BackupRefused(_exists(path))
        os.replace(temporary, path)
    sync_folder(path.parent)
    return BackupWritten(path, path.stat().st_size, _shown(parsed), held)


def restore(path: Path, *, actor: Actor, force: bool = False, url: str | URL | None = None) -> Restored:
    """Put the backup at ``path`` into the database at ``url`` (default: the
    configured one), replacing what it holds only with ``force``.

    Admins only (the "restore" permission: bringing data back overrides
    what people have changed since); ``PermissionDenied`` otherwise.
    """
    authorise(actor, "restore")
    parsed = normalise_url(url if url is not None else database_url())
    target_kind = _kind_of_database(parsed)
    if not path.is_file():
        raise BackupRefused(f"{path}: no such file; nothing was changed")
    kind = kind_of(path)
    if kind is None:
        raise BackupRefused(
            f"{path} is not a funding tracker backup (neither a SQLite database file nor a pg_dump custom archive); "
            "nothing was changed"
        )
    if kind != target_kind:
        raise BackupRefused(
            f"{path} is {KIND_WORDS[kind]}, but the database to restore into ({_shown(parsed)}) is "
            f"{'SQLite' if target_kind == SQLITE else 'PostgreSQL'}: set TRACKER_DATABASE_URL to a "
            f"{'SQLite' if kind == SQLITE else 'PostgreSQL'} database to restore it; nothing was changed"
        )
    if kind == SQLITE:
        target = _sqlite_path(parsed, "restored into")
        target.parent.mkdir(parents=True, exist_ok=True)
        with temporary_beside(target, "restore") as temporary:
            backup_revision = backup_sqlite.prepare(path, temporary).revision
            replaced = backup_sqlite.target_holdings(target)
            _refuse_unless_empty(replaced, parsed, force)
            backup_sqlite.replace(target, temporary)
    else:
        plan = backup_postgres.plan(parsed, path)
        backup_revision, replaced = plan.revision, plan.target
        _refuse_unless_empty(replaced, parsed, force)
        backup_postgres.run(plan, parsed, path)
    assert backup_revision is not None
    if backup_revision != SCHEMA_HEAD:
        upgrade(parsed)
    held = _record(parsed, path, actor, replaced, backup_revision)
    return Restored(path, _shown(parsed), replaced, backup_revision, held)


def _record(url: URL, path: Path, actor: Actor, replaced: Holdings | None, backup_revision: str) -> Holdings:
    """Write the restore into the restored database's audit trail; what it holds now."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            restored = connection_holdings(connection)
        before = replaced.audited() if replaced is not None and (replaced.revision or not replaced.empty) else None
        after = {"backup": str(path), "backup_revision": backup_revision, **restored.audited()}
        with write_session(engine) as session:
            session.add(
                AuditEvent(
                    actor=actor.name, action="restore", entity=AUDIT_ENTITY, entity_id=None, before=before, after=after
                )
            )
        with engine.connect() as connection:
            return connection_holdings(connection)
    finally:
        engine.dispose()


def _kind_of_database(url: URL) -> str:
    backend = url.get_backend_name()
    if backend in (SQLITE, POSTGRESQL):
        return backend
    raise BackupRefused(f"backup and restore work with SQLite and PostgreSQL, not {backend}")


def _sqlite_path(url: URL, done: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise BackupRefused(f"an in-memory SQLite database cannot be {done}: set TRACKER_DATABASE_URL to a file")
    return path


def _check_destination(path: Path, force: bool) -> None:
    if path.is_dir():
        raise BackupRefused(f"{path} is a folder: name the backup file to write, e.g. {path / 'tracker-backup'}")
    if not path.parent.is_dir():
        raise BackupRefused(f"{path}: no folder {path.parent}; make it first, or write the backup elsewhere")
    if path.exists() and not force:
        raise BackupRefused(_exists(path))


def _exists(path: Path) -> str:
    return f"{path} already exists: name another file, or give --force to replace it; no backup was written"


def _refuse_unless_empty(replaced: Holdings | None, url: URL, force: bool) -> None:
    if force:
        return
    if replaced is None:
        raise BackupRefused(
            f"{_shown(url)} is a file that cannot be read as a database: give --force to replace it; "
            "nothing was changed"
        )
    if not replaced.empty:
        raise BackupRefused(
            f"{_shown(url)} already holds data ({replaced.rows_said()}): give --force to replace all of it "
            "with the backup; nothing was changed"
        )


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)
