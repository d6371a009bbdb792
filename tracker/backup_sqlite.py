"""Backing up and restoring a SQLite database file (``tracker.backup`` chooses this for SQLite).

A backup is SQLite's online backup API (``sqlite3.Connection.backup``) in one
step: one read transaction copies every page, so the copy is the database as
it was at one moment, whatever the dashboard or an import is writing (in WAL
mode a reader neither waits for the writer nor sees its uncommitted rows).
The copy is switched to the rollback journal (one self-contained file, no
``-wal`` beside it) and checked with ``PRAGMA integrity_check``.

A restore copies the backup to a temporary file beside the target and checks
it there (integrity, migration revision) before the target is touched. Then
the target's own log is folded in and its ``-wal``, ``-shm`` and
``-journal`` files are removed (a stale write-ahead log beside a restored
file would be replayed into it, bringing back rows the backup does not
hold), and the checked copy is renamed over the target. A target that
another program has open (the dashboard, the API, an import) is refused:
switching it out of WAL mode needs every other connection closed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from db.session import SQLITE_BUSY_TIMEOUT_MS
from tracker.backup_contents import BackupRefused, Holdings, check_revision, holdings, sidecars, sync_file, sync_folder

# How long a restore waits for a target someone else is writing to before saying it is in use.
IN_USE_WAIT_SECONDS = 5.0


def back_up(source: Path, temporary: Path) -> Holdings:
    """Copy the database at ``source`` (which exists) into the empty file
    ``temporary``; what the copy holds."""
    origin = _connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = _connect(temporary)
        try:
            # pages=-1: every page in one step, so in one read transaction (a
            # stepwise copy would restart whenever another connection writes).
            origin.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, f"the database {source}", "no backup was written")
            held = read_holdings(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as err:
        if _damaged(err):
            raise BackupRefused(f"the database {source} is damaged ({err}); no backup was written") from None
        raise  # busy, read-only, disk full: tracker.failures says those
    finally:
        origin.close()
    sync_file(temporary)
    return held


def prepare(backup: Path, temporary: Path) -> Holdings:
    """Copy ``backup`` into ``temporary`` and check it: a sound SQLite
    database at a migration this version knows. What it holds."""
    shutil.copyfile(backup, temporary)
    copy = _connect(temporary)
    try:
        _check_integrity(copy, str(backup))
        held = read_holdings(copy)
        check_revision(held.revision, backup)
        copy.execute("PRAGMA journal_mode=DELETE")  # a backup of a live file may say WAL: one file, no log
    except sqlite3.DatabaseError as err:
        if _damaged(err):
            raise BackupRefused(f"{backup} is damaged ({err}); nothing was changed") from None
        raise
    finally:
        copy.close()
    sync_file(temporary)
    return held


def target_holdings(target: Path) -> Holdings | None:
    """What the database at ``target`` holds (empty if there is no file); None
    when it cannot be read as a database."""
    if not target.exists():
        return Holdings(None)
    try:
        connection = _connect(target, timeout=IN_USE_WAIT_SECONDS)
        try:
            return read_holdings(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None


def replace(target: Path, temporary: Path) -> None:
    """Put the checked copy ``temporary`` in the place of ``target``.

    Refuses (``BackupRefused``) while another program has the target open.
    """
    if target.exists():
        _take_over(target)
        shutil.copymode(target, temporary)  # keep who may read and write it
    for leftover in sidecars(target):
        leftover.unlink(missing_ok=True)
    os.replace(temporary, target)
    sync_folder(target.parent)


def check_integrity(target: Path) -> None:
    """``PRAGMA integrity_check`` of the database at ``target``."""
    connection = _connect(target)
    try:
        _check_integrity(connection, str(target))
    finally:
        connection.close()


def read_holdings(connection: sqlite3.Connection) -> Holdings:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    ]
    return holdings(lambda sql: connection.execute(sql).fetchall(), tables)


def _take_over(target: Path) -> None:
    """Fold the target's write-ahead log into it and switch it out of WAL mode,
    which SQLite allows only when no other connection has it open."""
    in_use = BackupRefused(
        f"the database {target} is in use (the dashboard, the API or an import has it open): stop them, "
        "then restore again; nothing was changed"
    )
    try:
        connection = _connect(target, timeout=IN_USE_WAIT_SECONDS)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise in_use from None
        return  # not readable as a database: it is replaced whole
    except sqlite3.DatabaseError:
        return
    if str(mode).lower() != "delete":
        raise in_use


def _connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    # Autocommit: PRAGMA journal_mode must run outside a transaction.
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def _damaged(err: sqlite3.DatabaseError) -> bool:
    """A file SQLite cannot read (corrupt, or not a database), not a busy or read-only one."""
    return not isinstance(err, sqlite3.OperationalError)


def _check_integrity(connection: sqlite3.Connection, what: str, outcome: str = "nothing was changed") -> None:
    found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if found != ["ok"]:
        said = "; ".join(str(problem) for problem in found[:3])
        raise BackupRefused(f"{what} is damaged (PRAGMA integrity_check: {said}); {outcome}")
