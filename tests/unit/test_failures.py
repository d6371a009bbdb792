"""Failures in the tracker's words (``tracker.failures``): each kind of
failure a person can do something about is named with what to do."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from tracker import failures


def _operational(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("err", "what"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        (_operational("database or disk is full"), "the disk is full"),
        (_operational("attempt to write a readonly database"), "the database cannot be written"),
        (OSError(errno.EROFS, "Read-only file system"), "the database cannot be written"),
        (_operational("database is locked"), "the database is busy"),
        (
            _operational(
                'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
            ),
            "the database cannot be reached",
        ),
        (_operational("unable to open database file"), "the database cannot be reached"),
        (ConnectionRefusedError(111, "Connection refused"), "the database cannot be reached"),
        (RuntimeError("Can't locate revision identified by '0099'"), "the database was set up by a newer version"),
        (ValueError("boom"), "something went wrong that the tracker did not expect"),
    ],
)
def test_each_failure_is_said_with_what_to_do(err, what):
    said, todo = failures.explain(err)
    assert said.startswith(what)
    assert todo and "Traceback" not in said + todo


def test_a_report_logs_the_traceback_under_the_reference_it_gives(caplog):
    failure = ValueError("secret-detail-42")
    try:
        raise failure
    except ValueError as err:
        with caplog.at_level(logging.ERROR, logger="tracker.failures"):
            explained = failures.report(err, "funding-tracker totals")
    (record,) = caplog.records
    assert explained.reference in record.getMessage() and record.exc_info[1] is failure
    assert str(explained).endswith(f"(reference {explained.reference})") and "secret-detail-42" not in str(explained)
