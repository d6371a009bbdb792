"""``funding-tracker backup FILE`` and ``funding-tracker restore FILE``
(the work is in ``tracker.backup``).

A restore runs as the local administrator (``tracker.cli_users.cli_actor``),
who is named in the audit trail.
"""

from __future__ import annotations

import argparse
import sys

BACKUP_DESCRIPTION = (
    "Write a backup of the database (TRACKER_DATABASE_URL) to FILE while the dashboard and imports carry on. "
    "SQLite: a copy made with SQLite's online backup API, one consistent moment. PostgreSQL: pg_dump's custom "
    "format (the PostgreSQL client tools must be installed; the password is passed to pg_dump in PGPASSWORD). "
    "The backup is written beside FILE and renamed to FILE only when complete. Prints the file's size, the "
    "migration the database is at and how many announcements, commitments and deliveries it holds."
)
RESTORE_DESCRIPTION = (
    "Put a backup written by `funding-tracker backup` into the database TRACKER_DATABASE_URL names (a SQLite "
    "file is created if missing). Stop the dashboard, the API and any import first. A database that holds any "
    "data is replaced only with --force. A backup from a newer version of the tracker is refused; one from an "
    "older version is restored, then upgraded. SQLite: the backup is checked (PRAGMA integrity_check) before "
    "it replaces the file, and the file's old -wal and -shm are removed. PostgreSQL: pg_restore and psql, in "
    "one transaction. The restore is recorded in the audit trail."
)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """The ``backup`` and ``restore`` sub-commands."""
    backup = commands.add_parser(
        "backup",
        help="write a backup of the database to FILE (safe while the tracker runs)",
        description=BACKUP_DESCRIPTION,
    )
    backup.add_argument("file", metavar="FILE", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    restore = commands.add_parser(
        "restore",
        help="put a backup back into the database (stop the dashboard first)",
        description=RESTORE_DESCRIPTION,
    )
    restore.add_argument("file", metavar="FILE", help="a backup written by funding-tracker backup")
    restore.add_argument("--force", action="store_true", help="replace what the database holds")


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.backup import BackupRefused, backup

    try:
        written = backup(Path(args.file), force=args.force)
    except BackupRefused as err:
        print(f"funding-tracker backup: {err}", file=sys.stderr)
        return 1
    print("\n".join(written.lines()))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tracker.backup import BackupRefused, restore
    from tracker.cli_users import cli_actor
    from tracker.records.permissions import PermissionDenied

    try:
        restored = restore(Path(args.file), actor=cli_actor(), force=args.force)
    except (BackupRefused, PermissionDenied) as err:
        print(f"funding-tracker restore: {err}", file=sys.stderr)
        return 1
    print("\n".join(restored.lines()))
    return 0
