"""Failures said in the tracker's words: what went wrong, what to do, and a
reference that matches the log line holding the traceback.

``explain`` turns an exception nobody handled into one sentence for a person
(the database cannot be reached, the disk is full, the database file is
read-only, the database is newer than this version of the tracker, the
database has migrations still to apply, the database is busy), or a plain
"something went wrong" for anything else. The command line prints that
sentence with the reference (``funding-tracker --debug`` adds the traceback);
the dashboard shows it in place of the page (``dashboard/failure_page.py``,
``for_a_page``); ``report`` logs the traceback under the same reference, so an
administrator can find it.
"""

from __future__ import annotations

import errno
import logging
import secrets
from dataclasses import dataclass

log = logging.getLogger("tracker.failures")

NEWER_SCHEMA = (
    "the database was set up by a newer version of the tracker",
    "upgrade the tracker to the version that wrote it",
)
# Under the dashboard's message: the person reading it may not be the one who runs the server.
PASS_IT_ON = "If you do not run the tracker's server yourself, tell whoever does, quoting the reference."


class SchemaMismatch(Exception):
    """The database is not at the migration this version of the tracker is
    written for (``found``; None: no migration recorded, e.g. an empty file).
    Every command and ``funding-tracker serve`` apply pending migrations when
    they start; a running dashboard finds this when the database was changed
    under it (a restored backup, another version's ``db upgrade``)."""

    def __init__(self, found: str | None, expected: str) -> None:
        self.found = found
        self.expected = expected
        super().__init__(f"the database is at migration {found or '(none)'}; this tracker is written for {expected}")

    @property
    def newer(self) -> bool:
        """Whether the database is at a later migration than this tracker knows."""
        return self.found is not None and self.found.isdigit() and int(self.found) > int(self.expected)


@dataclass(frozen=True)
class Explained:
    what: str  # what went wrong, in a person's words
    todo: str  # what to do about it
    reference: str  # matches the log line with the traceback

    def __str__(self) -> str:
        return f"{self.what}; {self.todo} (reference {self.reference})"

    def for_a_page(self) -> tuple[str, str]:
        """(what went wrong and what to do, in sentences; where to find the
        details and who to tell): the dashboard's words for it (Markdown: the
        commands are code)."""
        said = f"{_sentence(self.what)} {_sentence(self.todo)}"
        return said, f"Reference {self.reference}: the server's log has the details under it. {PASS_IT_ON}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def explain(err: BaseException) -> tuple[str, str]:
    """(what went wrong, what to do) for ``err``."""
    if isinstance(err, SchemaMismatch):
        if err.newer:
            return NEWER_SCHEMA
        return (
            f"the database has migrations still to apply (it is at {err.found or 'none'}; this version of the "
            f"tracker needs {err.expected}), so the tracker cannot read it",
            "run `funding-tracker db upgrade` (restarting `funding-tracker serve` does it too), then try again; "
            "nothing was saved",
        )
    text = " ".join(str(err).split()).lower()
    if (isinstance(err, OSError) and err.errno == errno.ENOSPC) or "database or disk is full" in text:
        return (
            "the disk is full",
            "free some space (or ask whoever runs the server to), then try again; nothing was saved",
        )
    if "read-only transaction" in text:  # PostgreSQL: a connection, role or database set to read only
        return (
            "the database cannot be written (the database server lets the tracker read it, not change it)",
            "ask whoever runs the database to let the tracker's user write to it; nothing was saved",
        )
    if "readonly database" in text or "read-only" in text or (isinstance(err, OSError) and err.errno == errno.EROFS):
        return (
            "the database cannot be written (its file or folder is read-only)",
            "ask whoever runs the server to let the tracker write to it; nothing was saved",
        )
    if "database is locked" in text or "database is busy" in text:
        return "the database is busy", "nothing was saved; try again in a moment"
    if _unreachable(err, text):
        return (
            "the database cannot be reached",
            "check that the database server is running and TRACKER_DATABASE_URL names it, then try again",
        )
    if "can't locate revision" in text:
        return NEWER_SCHEMA
    return "something went wrong that the tracker did not expect", "nothing more is known here; the log has the details"


def _unreachable(err: BaseException, text: str) -> bool:
    if isinstance(err, ConnectionError):
        return True
    markers = (
        "connection refused",
        "could not connect",
        "connection failed",
        "unable to open database file",
        "server closed the connection",
        "name or service not known",
        "could not translate host name",
        "timeout expired",
    )
    return any(marker in text for marker in markers)


def report(err: BaseException, where: str) -> Explained:
    """Log ``err`` with its traceback under a new reference; what to tell a person."""
    reference = secrets.token_hex(4)
    log.error("%s failed (reference %s)", where, reference, exc_info=(type(err), err, err.__traceback__))
    what, todo = explain(err)
    return Explained(what, todo, reference)
