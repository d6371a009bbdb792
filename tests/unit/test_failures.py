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
        (
            _operational("cannot execute INSERT in a read-only transaction"),
            "the database cannot be written (the database server lets the tracker read it",
        ),
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
        (failures.SchemaMismatch("0099", "0009"), "the database was set up by a newer version"),
        (failures.SchemaMismatch("0007", "0009"), "the database has migrations still to apply (it is at 0007"),
        (failures.SchemaMismatch(None, "0009"), "the database has migrations still to apply (it is at none"),
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


def test_a_migration_still_to_apply_says_which_command_applies_it():
    said, todo = failures.explain(failures.SchemaMismatch("0007", "0009"))
    assert "this version of the tracker needs 0009" in said
    assert todo.startswith("run `funding-tracker db upgrade`")


def test_the_pages_words_are_sentences_with_the_reference_and_who_to_tell():
    explained = failures.Explained("the disk is full", "free some space; nothing was saved", "0a1b2c3d")
    said, reference = explained.for_a_page()
    assert said == "The disk is full. Free some space; nothing was saved."
    assert reference.startswith("Reference 0a1b2c3d: the server's log has the details under it.")
    assert failures.PASS_IT_ON in reference
