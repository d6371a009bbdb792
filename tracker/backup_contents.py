"""What a database or a backup holds, and the checks every backup and restore makes.

- ``kind_of(path)``: a SQLite file (its header ``SQLite format 3\\0``) or a
  ``pg_dump`` custom archive (``PGDMP``), read from the first bytes.
- ``Holdings``: the migration revision and the rows of every table (counted
  by ``holdings``, given a way to run a query), with the announcements,
  commitments and deliveries that are not deleted.
- ``check_revision``: a backup is refused unless this version's migrations
  know its revision (a backup from a newer tracker cannot be read here).
- ``temporary_beside(path)``: a temporary file in ``path``'s folder, removed
  unless the caller renames it into place: a failed backup or restore never
  leaves a half-written file under the name asked for.

``BackupRefused`` is a backup or restore that cannot go ahead: its message
says why, what to do, and that nothing was changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
KIND_WORDS = {SQLITE: "a SQLite database file", POSTGRESQL: "a PostgreSQL backup (pg_dump custom format)"}
_HEADERS = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}

REVISION_TABLE = "alembic_version"
# The records a person counts a database by (those not deleted).
RECORDS = ("announcements", "commitments", "deliveries")


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def kind_of(path: Path) -> str | None:
    """``SQLITE`` or ``POSTGRESQL`` by the file's first bytes; None for anything else."""
    with path.open("rb") as handle:
        start = handle.read(16)
    return next((kind for kind, header in _HEADERS.items() if start.startswith(header)), None)


# --- what a database holds ------------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    """A database's migration revision, the rows of each of its tables (the
    revision table aside), and its records that are not deleted."""

    revision: str | None
    rows: Mapping[str, int] = field(default_factory=dict)
    records: Mapping[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Holds no row at all (a database just migrated is empty)."""
        return not any(self.rows.values())

    def rows_said(self) -> str:
        """``6 announcements, 40 audit events, 3 users``: every table that holds rows."""
        held = [f"{count:,} {table.replace('_', ' ')}" for table, count in sorted(self.rows.items()) if count]
        return ", ".join(held) or "nothing"

    def records_said(self) -> str:
        """``6 announcements, 6 commitments, 7 deliveries`` (not counting deleted ones)."""
        return ", ".join(f"{self.records.get(name, 0):,} {name}" for name in RECORDS)

    def audited(self) -> dict[str, Any]:
        """What the audit trail keeps of it: the revision and the records."""
        return {"revision": self.revision, **{name: self.records.get(name, 0) for name in RECORDS}}


Query = Callable[[str], list[tuple[Any, ...]]]


def holdings(query: Query, tables: Iterable[str]) -> Holdings:
    """Count what a database holds; ``query(sql)`` runs one statement and
    returns its rows; ``tables`` are the names of its tables."""
    names = sorted(set(tables))
    revision = None
    if REVISION_TABLE in names:
        found = query(f"SELECT version_num FROM {REVISION_TABLE}")
        revision = str(found[0][0]) if len(found) == 1 else None
    rows = {name: int(query(f"SELECT count(*) FROM {_quoted(name)}")[0][0]) for name in names if name != REVISION_TABLE}
    records = {}
    for name in RECORDS:
        if name in rows:
            records[name] = int(query(f"SELECT count(*) FROM {_quoted(name)} WHERE deleted_at IS NULL")[0][0])
    return Holdings(revision, rows, records)


def connection_holdings(connection: Any) -> Holdings:
    """``holdings`` of the database a SQLAlchemy connection is on (its default schema)."""
    from sqlalchemy import inspect

    tables = inspect(connection).get_table_names()
    return holdings(lambda sql: [tuple(row) for row in connection.exec_driver_sql(sql)], tables)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- migration revisions --------------------------------------------------------


@cache
def known_revisions() -> frozenset[str]:
    """Every migration revision this version of the tracker knows."""
    from alembic.script import ScriptDirectory

    from db.session import alembic_config

    return frozenset(script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions())


def check_revision(revision: str | None, backup: Path) -> None:
    """Refuse a backup this version cannot restore: none of the tracker's, or from a newer tracker."""
    from db.session import SCHEMA_HEAD

    if revision is None:
        raise BackupRefused(
            f"{backup} holds no funding tracker database (no migration revision in it); nothing was changed"
        )
    if revision not in known_revisions():
        raise BackupRefused(
            f"{backup} was made by a newer version of the funding tracker (its database is at migration "
            f"{revision}; this version knows migrations up to {SCHEMA_HEAD}): restore it with that version or "
            "a later one; nothing was changed"
        )


def revision_said(revision: str | None) -> str:
    from db.session import SCHEMA_HEAD

    if revision == SCHEMA_HEAD:
        return f"migration {revision} (this version's newest)"
    return f"migration {revision}"


# --- files ----------------------------------------------------------------------


@contextmanager
def temporary_beside(path: Path, purpose: str) -> Iterator[Path]:
    """A new, empty temporary file in ``path``'s folder; removed when the block
    ends unless the block renamed it into place."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.{purpose}-", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for leftover in (temporary, *sidecars(temporary)):
            leftover.unlink(missing_ok=True)


def sidecars(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps beside a database: its write-ahead log, shared
    memory index and rollback journal."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def sync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def size_said(size: int) -> str:
    """``1.2 MB`` (``294,912 bytes`` below a megabyte)."""
    if size < 1_000_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:,.1f} MB"
