"""Writes that queue instead of failing.

A writer waits for another's lock (SQLite: BEGIN IMMEDIATE with a busy
timeout long enough for a large import, db/session.py; PostgreSQL: row and
advisory locks). If it still finds the database busy (SQLite's "database is
locked"; PostgreSQL's serialization failure, deadlock or lock timeout), the
whole unit of work, which was rolled back, is tried again after a short,
growing, randomised pause; after ``ATTEMPTS`` tries the person is told
``BUSY`` and nothing was saved. Only a whole transaction is ever retried, so
nothing is saved twice or in part.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from tracker.i18n import N_, _
from tracker.records.problems import ServiceError

T = TypeVar("T")

ATTEMPTS = 3
FIRST_PAUSE_SECONDS = 0.25
BUSY = N_("The database is busy (someone else is saving a lot at once); nothing was saved; try again in a minute.")
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
_PG_BUSY = frozenset({"40001", "40P01", "55P03"})


class DatabaseBusy(ServiceError):
    """The database stayed busy through every try; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_(BUSY))

    def said(self) -> str:
        return _(BUSY)


def is_busy(err: BaseException) -> bool:
    """Whether ``err`` says another writer held the database too long (not a fault in the write)."""
    if not isinstance(err, DBAPIError):
        return False
    if getattr(err.orig, "sqlstate", None) in _PG_BUSY:
        return True
    text = str(err.orig).lower()
    return "database is locked" in text or "database is busy" in text


def retrying(work: Callable[[], T], *, attempts: int = ATTEMPTS, sleep: Callable[[float], None] = time.sleep) -> T:
    """``work()`` (one whole transaction), tried again while the database is busy;
    ``DatabaseBusy`` after ``attempts`` tries."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as err:
            if not is_busy(err):
                raise
            if attempt == attempts:
                raise DatabaseBusy() from err
            sleep(FIRST_PAUSE_SECONDS * 2 ** (attempt - 1) * (1 + random.random()))
    raise AssertionError("unreachable")
