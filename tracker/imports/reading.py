"""Step one of an import: the file's bytes -> rows -> records, for each kind of file.

Both ways in use this: the Import page with an upload's bytes, the CLI with a
path (streamed from disk). What each kind of file is (its header aliases, the
workbook sheet named for it, its row parser) is said once, in ``KINDS``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.files.tabular import Problem, Row, RowTaker, Table, missing_columns, read_table, read_table_bytes
from tracker.i18n import N_, _, ngettext
from tracker.open_data import giving360, iati
from tracker.records import commitment_rows, delivery_rows
from tracker.records.activity_rows import ActivityExtras
from tracker.records.bundles import Bundle
from tracker.records.delivery_rows import DeliveryRecord

log = logging.getLogger(__name__)

# Shown instead of a traceback if a reader or parser fails unexpectedly; the
# tests look for it, so that such a failure is a bug found, not a message
# (kept in English here, said in the language in use where shown).
INTERNAL_ERROR = N_("could not be read because of an internal error")

Source = bytes | Path


@dataclass(frozen=True)
class Options:
    """Choices made for one import (the command's flags, the Import page's controls)."""

    grants: str = "award-year"  # where a 360Giving grant's money goes: one of vocabulary.GRANT_PLACINGS


@dataclass(frozen=True)
class Kind:
    """One kind of file the tracker imports."""

    name: str  # "commitments"
    one: str  # "commitment"
    many: str  # "commitments"
    sheet: str  # the workbook sheet read when there are several
    aliases: dict[str, str]
    permission: str  # the action in tracker.records.permissions
    required: tuple[str, ...]  # columns the header must have
    parse_row: Callable[[Row, list[Problem]], Any]  # one row -> a record, or None with its problems
    records: str = ""  # what its rows become and are saved as: "commitments" or "deliveries" (default: name)
    json_package: bool = False  # may be a JSON data package (360Giving) as well as CSV or XLSX
    repeats_once: bool = False  # an identical repeat of a row is imported once, with a note
    titles: dict[str, str] = field(default_factory=dict)  # a column's name in messages, where not its own
    # The row parser for an import's options, where they change it (else ``parse_row``).
    with_options: Callable[[Options], Callable[[Row, list[Problem]], Any]] | None = None
    # Reads a file that is not a table (IATI XML) into rows, each handed to the parser.
    reader: Callable[[Source, RowTaker], Table] | None = None
    file_types: tuple[str, ...] = ("csv", "xlsx")  # the files it may be, by extension (an upload's choice)

    def parser(self, options: Options) -> Callable[[Row, list[Problem]], Any]:
        return self.with_options(options) if self.with_options is not None else self.parse_row

    @property
    def saves(self) -> str:
        """The kind of record saved: "commitments" or "deliveries"."""
        return self.records or self.name


KINDS: dict[str, Kind] = {
    "commitments": Kind(
        "commitments",
        "commitment",
        "commitments",
        "Commitments",
        commitment_rows.HEADER_ALIASES,
        "import_commitments",
        commitment_rows.REQUIRED,
        commitment_rows.parse_commitment_row,
    ),
    "deliveries": Kind(
        "deliveries",
        "delivery",
        "deliveries",
        "Deliveries",
        delivery_rows.HEADER_ALIASES,
        "import_deliveries",
        delivery_rows.REQUIRED,
        delivery_rows.parse_delivery_row,
    ),
    "360giving": Kind(
        "360giving",
        "grant",
        "grants",
        "grants",
        giving360.ALIASES,
        "import_commitments",
        giving360.REQUIRED,
        giving360.parse_grant_row,
        records="commitments",
        json_package=True,
        repeats_once=True,
        file_types=("csv", "xlsx", "json"),
        titles=giving360.TITLES,
        with_options=lambda options: giving360.parser(options.grants),
    ),
    "iati": Kind(
        "iati",
        "activity",
        "activities",
        "activities",
        {},
        "import_commitments",
        ("ref",),
        iati.parse_activity_row,
        records="commitments",
        titles={"ref": "iati-identifier"},
        reader=iati.read_file,
        file_types=("xml",),
    ),
}


NOTES_SHOWN = 20  # notes said one by one; the rest are counted (the page lists them all on request)
# A note about one grant or activity: "activity GB-1-A: left aside 1 incoming-funds transaction ...",
# as the language in use says it; and the same note about many, counted.
_ABOUT = {"activity": iati.ABOUT_ACTIVITY, "grant": giving360.ABOUT_GRANT}


def _many(subject: str, count: int, line: int | None, which: str) -> str:
    """``30,000 activities from line 1: GB-1-A1, GB-1-A2, GB-1-A3 and 29,997 more``."""
    said = {"count": format(count, ","), "line": line, "which": which}
    if subject == "activity":
        return ngettext(
            "{count} activity from line {line}: {which}", "{count} activities from line {line}: {which}", count, **said
        )
    return ngettext(
        "{count} grant from line {line}: {which}", "{count} grants from line {line}: {which}", count, **said
    )


def _about_one() -> list[tuple[str, re.Pattern[str]]]:
    """(subject, the pattern of a note about one of it) in the language in use."""
    patterns = []
    for subject, template in _ABOUT.items():
        pattern = re.escape(_(template)).replace(r"\{ref\}", r"(?P<ref>\S+)").replace(r"\{text\}", r"(?P<text>.+)")
        patterns.append((subject, re.compile(f"^{pattern}$", re.DOTALL)))
    return patterns


def _about(expected: str, patterns: list[tuple[str, re.Pattern[str]]]) -> tuple[str, str, str] | None:
    """(subject, ref, text) of a note about one grant or activity, else None."""
    for subject, pattern in patterns:
        found = pattern.match(expected)
        if found:
            return subject, found["ref"], found["text"]
    return None


def notes_said(notes: list[Problem] | tuple[Problem, ...]) -> list[str]:
    """The notes as said to a person: the same note about many grants or
    activities once, with how many and which; then the first
    ``NOTES_SHOWN`` of those, and how many more there are."""
    patterns = _about_one()
    groups: dict[tuple[str | None, str, str], list[tuple[Problem, str]]] = {}
    for note in notes:
        about = _about(note.expected, patterns)
        key = (note.column, about[0], about[2]) if about else (note.column, "", f"{note.line}\0{note.expected}")
        groups.setdefault(key, []).append((note, about[1] if about else ""))
    said = []
    for (column, subject, text), found in groups.items():
        first = found[0][0]
        if len(found) == 1:
            said.append(str(first))
            continue
        which = ", ".join(name for _note, name in found[:3])
        if len(found) > 3:
            which = _("{names} and {more} more", names=which, more=format(len(found) - 3, ","))
        group = _many(subject, len(found), first.line, which)
        said.append(
            _("{column}: {text} ({group})", column=column, text=text, group=group)
            if column
            else _("{text} ({group})", text=text, group=group)
        )
    if len(said) > NOTES_SHOWN:
        left = len(said) - NOTES_SHOWN
        said = [
            *said[:NOTES_SHOWN],
            ngettext("… and {count} more note", "… and {count} more notes", left, count=format(left, ",")),
        ]
    return said


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


@dataclass
class Parsed:
    """A file read and each row parsed as it was read (the rows themselves are
    not kept: a million-row file is held as its records only).

    ``problems``: reading the file (its header, rows set aside); ``row_problems``:
    each row's own (a missing column: the header's). ``rows``: data rows read.
    ``checkable``: whether to go on to the rules across rows and the database
    (if not, only ``problems`` are reported)."""

    header: list[str]
    records: list[Any]
    problems: list[Problem]
    row_problems: list[Problem]
    rows: int
    checkable: bool
    sheet: str | None = None
    notes: list[Problem] = field(default_factory=list)  # said, but no reason to refuse the file
    # Deliveries that came with the file's commitments (``tracker.records.bundles``), saved after them.
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    extras: list[ActivityExtras] = field(default_factory=list)  # IATI activities' budgets and links


def read_parsed(kind: Kind, source: Source, filename: str, options: Options = Options()) -> Parsed:
    """The file read and every row parsed (the validation forms use too), in
    one pass; never raises for bad data."""
    parse = kind.parser(options)
    row_problems: list[Problem] = []
    count = [0]
    repeats = giving360.Repeats() if kind.repeats_once else None
    deliveries: list[DeliveryRecord] = []
    extras: list[ActivityExtras] = []
    notes: list[Problem] = []

    def take(header: list[str]) -> Callable[[Row], Any]:
        missing = missing_columns(header, kind.required)
        row_problems.extend(
            Problem(p.line, kind.titles.get(p.column or "", p.column), p.value, p.expected) for p in missing
        )

        def parse_row(row: Row) -> Any:
            count[0] += 1
            if missing or (repeats is not None and repeats.is_repeat(row)):
                return None
            record = parse(row, row_problems)
            if isinstance(record, Bundle):
                deliveries.extend(record.deliveries)
                notes.extend(record.notes)
                if record.extras is not None:
                    extras.append(record.extras)
                return record.commitment
            return record

        return parse_row

    try:
        if kind.reader is not None:
            table = kind.reader(source, take)
        elif kind.json_package and giving360.looks_like_json(source):
            table = giving360.read_package(source, take)
        elif isinstance(source, bytes):
            table = read_table_bytes(source, filename, kind.aliases, sheet=kind.sheet, take=take)
        else:
            table = read_table(source, kind.aliases, sheet=kind.sheet, take=take)
    except Exception:  # a reader or parser bug must not take the page down; the log has the detail
        log.exception("reading %r failed", filename)
        return Parsed([], [], [Problem(None, None, None, INTERNAL_ERROR)], [], 0, False)
    checkable = _checkable(table.header, table.problems, count[0])
    notes = sorted((repeats.notes if repeats is not None else []) + notes, key=lambda p: p.line or 0)
    return Parsed(
        table.header,
        table.rows,
        table.problems,
        row_problems,
        count[0],
        checkable,
        table.sheet,
        notes,
        deliveries,
        extras,
    )


def _checkable(header: list[str], problems: list[Problem], rows: int) -> bool:
    """Whether to go on to the rows after problems reading the file: yes if
    the header was read with no column named twice and only some rows were
    set aside (a row with too many cells, a formula with no saved result),
    so that the preview lists every bad row at once."""
    if not problems:
        return True
    names = [name for name in header if name]
    return bool(names) and len(set(names)) == len(names) and rows > 0
