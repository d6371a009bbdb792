"""Step one of an import: the file's bytes -> rows -> records, for each kind of file.

Both ways in use this: the Import page with an upload's bytes, the CLI with a
path (streamed from disk). What each kind of file is (its header aliases, the
workbook sheet named for it, its row parser) is said once, in ``KINDS``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.files.tabular import Problem, Row, Table, read_table, read_table_bytes
from tracker.records import commitment_rows, delivery_rows

log = logging.getLogger(__name__)

# Shown instead of a traceback if a reader or parser fails unexpectedly; the
# tests look for it, so that such a failure is a bug found, not a message.
INTERNAL_ERROR = "could not be read because of an internal error"

Source = bytes | Path


@dataclass(frozen=True)
class Kind:
    """One kind of file the tracker imports."""

    name: str  # "commitments"
    one: str  # "commitment"
    many: str  # "commitments"
    sheet: str  # the workbook sheet read when there are several
    aliases: dict[str, str]
    permission: str  # the action in tracker.records.permissions


KINDS: dict[str, Kind] = {
    "commitments": Kind(
        "commitments", "commitment", "commitments", "Commitments", commitment_rows.HEADER_ALIASES, "import_commitments"
    ),
    "deliveries": Kind(
        "deliveries", "delivery", "deliveries", "Deliveries", delivery_rows.HEADER_ALIASES, "import_deliveries"
    ),
}


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {name!r}")
    return KINDS[name]


def content_hash(source: Source) -> str:
    """SHA-256 of the file's bytes (read from disk in chunks for a path)."""
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    digest = hashlib.sha256()
    with open(source, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read(kind: Kind, source: Source, filename: str) -> Table:
    """The file's header, rows and reading problems; never raises for bad data."""
    try:
        if isinstance(source, bytes):
            return read_table_bytes(source, filename, kind.aliases, sheet=kind.sheet)
        return read_table(source, kind.aliases, sheet=kind.sheet)
    except Exception:  # a reader bug must not take the page down; the log has the detail
        log.exception("reading %r failed", filename)
        return Table([], [], [Problem(None, None, None, INTERNAL_ERROR)])


def parse(kind: Kind, header: list[str], rows: list[Row], known_refs: set[str]) -> tuple[list[Any], list[Problem]]:
    """Rows -> records with every problem (the validation forms use too)."""
    parsers: dict[str, Callable[[], tuple[list[Any], list[Problem]]]] = {
        "commitments": lambda: commitment_rows.parse_commitments(header, rows, known_refs=known_refs),
        "deliveries": lambda: delivery_rows.parse_deliveries(header, rows),
    }
    try:
        return parsers[kind.name]()
    except Exception:
        log.exception("parsing a %s file failed", kind.name)
        return [], [Problem(None, None, None, INTERNAL_ERROR)]


def rows_can_be_checked(table: Table) -> bool:
    """Whether to go on to the rows after problems reading the file: yes if
    the header was read with no column named twice and only some rows were
    set aside (a row with too many cells, a formula with no saved result),
    so that the preview lists every bad row at once."""
    header, rows, problems = table
    if not problems:
        return True
    names = [name for name in header if name]
    return bool(names) and len(set(names)) == len(names) and bool(rows)
