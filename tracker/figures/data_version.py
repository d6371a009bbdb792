"""``data_version``: a number that changes whenever the data does, read on
every run to key the caches of what pages read (``dashboard/components.py``).

Every write, from any page, server process or the command line, records its
audit events in its own transaction, so the newest audit event's id is the
mark. On SQLite that is the whole story: one writer at a time, so ids are
handed out in the order writes commit.

On PostgreSQL writers run side by side, and an id is handed out when a row is
inserted, not when it commits. A long import can hold ids below the id of a
quick edit that commits first; a page run between the two would key its
figures on the edit's id, and after the import commits the newest id would
still be the edit's: the import would not be shown until the next write. So
on PostgreSQL the mark also names the transactions still running that have
inserted audit events (they hold a RowExclusiveLock on ``audit_events``
until they end): while one runs the mark differs, and it changes again when
that transaction commits or rolls back. Three short reads, in this order:

1. the last id the sequence handed out, ``handed_out``;
2. the running transactions holding that lock in this database;
3. the newest committed id, ``newest`` (READ COMMITTED: each read sees what
   had committed when it began).

A transaction that can still commit ids below ``newest`` took them before
``newest`` was taken. If ``newest <= handed_out``, every id up to ``newest``
was handed out before step 2, so such a transaction held the lock then and
is named. Otherwise ids were handed out and committed between the steps:
the reads are taken again (a few times, then a mark no later read has, which
only costs a reload). Other databases' transactions and writers that record
no audit events (a sign-in's bookkeeping) do not change the mark.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Select, func, select, text

from db.models import AuditEvent
from db.session import read_session
from tracker.i18n import _
from tracker.i18n.dates import long_moment

ATTEMPTS = 5
READ_COMMITTED = "READ COMMITTED"

_HANDED_OUT = text("SELECT pg_sequence_last_value(pg_get_serial_sequence('audit_events', 'id')::regclass)")
_AUDIT_WRITERS = text(
    """
    SELECT virtualtransaction FROM pg_locks
    WHERE locktype = 'relation' AND mode = 'RowExclusiveLock' AND granted
      AND relation = 'audit_events'::regclass
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY virtualtransaction
    """
)
# What the figures never show: who may sign in, their tokens and settings. Their
# events (a lock after failed sign-ins, a single sign-on sign-in, a new token)
# leave every cache as it was; otherwise anyone at the sign-in page could make
# the server load everything again for everyone (bench/README, "sessions").
NOT_DATA = ("users", "user_roles", "api_tokens", "app_settings")
_NEWEST = select(func.max(AuditEvent.id)).where(AuditEvent.entity.not_in(NOT_DATA))
_NEWEST_OF_ALL = select(func.max(AuditEvent.id))  # the audit trail shows every event


def data_version(engine: Engine, *, every_event: bool = False) -> int:
    """A number that changes whenever the data does (see the module docstring):
    the newest audit event's id, or, on PostgreSQL while transactions that
    have recorded audit events are running, a negative number naming them too.
    Events about users, tokens and settings (``NOT_DATA``) count only with
    ``every_event`` (the audit trail, which shows them)."""
    newest = _NEWEST_OF_ALL if every_event else _NEWEST
    if engine.dialect.name != "postgresql":
        with read_session(engine) as session:
            return session.scalar(newest) or 0
    # Each read must see what had committed when it began (the server's usual level).
    usual = engine.dialect.default_isolation_level == READ_COMMITTED
    with engine.connect().execution_options(**({} if usual else {"isolation_level": READ_COMMITTED})) as connection:
        return _postgres_version(connection, newest)


def _postgres_version(connection: Connection, newest_query: Select) -> int:
    for _attempt in range(ATTEMPTS):
        handed_out = connection.execute(_HANDED_OUT).scalar() or 0
        writers = list(connection.execute(_AUDIT_WRITERS).scalars())
        newest = connection.execute(newest_query).scalar() or 0
        if newest <= handed_out:
            return mark(newest, writers)
    return mark(newest, [*writers, secrets.token_hex(8)])  # unsure: a mark nothing else has


def mark(newest: int, writers: list[str]) -> int:
    """``newest`` itself when no writer is running; otherwise a negative number
    (never an id) that differs for each set of running writers."""
    if not writers:
        return newest
    digest = hashlib.blake2b(f"{newest}:{','.join(writers)}".encode(), digest_size=7).digest()
    return -1 - int.from_bytes(digest, "big")


def last_changed(engine: Engine) -> datetime | None:
    """When the data last changed: the time of the newest audit event the
    figures show (``NOT_DATA`` left out); None when nothing was ever recorded."""
    with read_session(engine) as session:
        newest = session.scalar(_NEWEST)
        if newest is None:
            return None
        return session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.id == newest))


def last_changed_sentence(when: datetime | None) -> str:
    """'Data last changed 5 December 2026 at 14:02 UTC.' (the audit trail's times are UTC too)."""
    if when is None:
        return _("No data recorded yet.")
    return _("Data last changed {moment} UTC.", moment=long_moment(when.astimezone(UTC)))
