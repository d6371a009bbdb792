"""Which database errors mean "busy, try again" (tracker.records.retrying), and how often it tries."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from tracker.records.retrying import ATTEMPTS, BUSY, DatabaseBusy, is_busy, retrying


class PgError(Exception):
    def __init__(self, sqlstate: str, text: str = "") -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


def wrapped(orig: Exception, kind=OperationalError):
    return kind("INSERT ...", {}, orig)


@pytest.mark.parametrize(
    "orig",
    [
        Exception("database is locked"),
        Exception("database is busy"),
        PgError("40001", "could not serialize access"),
        PgError("40P01", "deadlock detected"),
        PgError("55P03", "could not obtain lock"),
    ],
)
def test_busy(orig):
    assert is_busy(wrapped(orig))


@pytest.mark.parametrize(
    "error",
    [
        wrapped(Exception("no such table: commitments")),
        wrapped(PgError("23505", "duplicate key value"), IntegrityError),
        wrapped(Exception("disk I/O error")),
        ValueError("database is locked"),  # not from the database
    ],
)
def test_not_busy(error):
    assert not is_busy(error)


def test_a_busy_write_is_tried_again_until_it_lands():
    pauses: list[float] = []
    tries = iter([wrapped(Exception("database is locked")), wrapped(PgError("40P01")), None])

    def work() -> str:
        error = next(tries)
        if error is not None:
            raise error
        return "saved"

    assert retrying(work, sleep=pauses.append) == "saved"
    assert len(pauses) == 2 and pauses[0] < pauses[1]  # growing pauses


def test_busy_every_time_ends_in_database_busy_after_the_last_try():
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise wrapped(Exception("database is locked"))

    with pytest.raises(DatabaseBusy) as err:
        retrying(work, sleep=lambda seconds: None)
    assert len(calls) == ATTEMPTS
    assert str(err.value) == BUSY


def test_any_other_failure_is_not_tried_again():
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        raise wrapped(Exception("no such column"))

    with pytest.raises(OperationalError):
        retrying(work, sleep=lambda seconds: None)
    assert calls == [1]
