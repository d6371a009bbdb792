"""One sheet of an XLSX workbook, read without trusting the file's sizes.

An XLSX file is a zip of XML parts: a few kilobytes can declare a sheet of
16,384 x 1,048,576 cells or unpack to gigabytes. Before any cell is read the
zip's directory is checked against ``tracker.files.limits``, and so is the
sheet's declared ``<dimension>`` (from the start of its XML). Each part is
counted as it unpacks, so a directory that understates a size cannot make
the reader unpack more. The sheet's XML then streams through expat: only
cells holding a value are kept, and the first cell past the column limit
stops the read. Values are those openpyxl reads with ``data_only=True`` (the
result Excel saved for a formula), as text. A DOCTYPE is refused.

``open_sheet`` reads the sheet named as asked (in any case, and in any language
the tracker writes workbooks in: ``tracker.files.headings``), else the only
sheet holding data, else the first sheet when no name was asked; several
sheets holding data, none of the name asked, are refused rather than guessed.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from array import array
from collections.abc import Generator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import cast

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from tracker.files import limits
from tracker.files.headings import sheet_names
from tracker.files.xlsx_parts import (
    CHUNK,
    Stop,
    XlsxError,
    check_parts,
    check_zip,
    expat_parser,
    open_part,
    parse_part,
    too_deep,
    too_long,
)
from tracker.i18n import _, ngettext

_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_SHEET_TAGS = ("row", "c", "v", "f", "is", "si", "t", "rPh", "dimension", "sheetData")
# expat names a namespaced element "namespace}local"; the sheet parser looks names up here.
_TAG = {f"{ns}}}{tag}": tag for ns in _NAMESPACES for tag in _SHEET_TAGS} | {tag: tag for tag in _SHEET_TAGS}
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,9})$")

Record = tuple[int, list[str], dict[int, str] | None]
"""A sheet row: its number, its cells' text up to the last one holding a value,
and the formulas (by column index from 0) whose result was never saved."""


def _local(name: str) -> str:
    return name[name.rfind("}") + 1 :]


@dataclass
class _Book:
    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, part) of each worksheet
    parts: dict[str, str] = field(default_factory=dict)  # "sharedStrings" / "styles" -> part
    date1904: bool = False


def _relationships(archive: zipfile.ZipFile, owner: str) -> dict[str, tuple[str, str]]:
    """``Id -> (type, part)`` for the relationships of ``owner`` ("" for the package)."""
    folder, name = posixpath.split(owner)
    rels, found = posixpath.join(folder, "_rels", f"{name}.rels"), {}

    def start(tag, attrs):
        if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), part)
            if len(found) > limits.MAX_XLSX_PARTS:
                raise XlsxError(
                    _(
                        "the workbook lists more than {limit} parts in {part}",
                        limit=format(limits.MAX_XLSX_PARTS, ","),
                        part=rels,
                    )
                )

    if rels in archive.NameToInfo:
        parse_part(archive, rels, start)
    return found


def _read_book(archive: zipfile.ZipFile) -> _Book:
    office = [part for kind, part in _relationships(archive, "").values() if kind.endswith("/officeDocument")]
    workbook = office[0] if office else "xl/workbook.xml"
    if workbook not in archive.NameToInfo:
        raise ValueError(_("it has no {part}", part=workbook))
    rels = _relationships(archive, workbook)
    book = _Book(
        archive, parts={kind.rpartition("/")[2]: part for kind, part in rels.values() if part in archive.NameToInfo}
    )
    seen: set[str] = set()

    def start(tag, attrs):
        local = _local(tag)
        if local == "sheet":
            kind, part = rels.get(next((v for k, v in attrs.items() if k.endswith("}id")), ""), ("", ""))
            if kind.endswith("/worksheet") and part in archive.NameToInfo and part not in seen:
                seen.add(part)  # a part is one sheet, however often the workbook lists it
                book.sheets.append((attrs.get("name", ""), part))
        elif local == "workbookPr":
            book.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

    parse_part(archive, workbook, start)
    return book


class _Strings:
    """The shared-string table, held as UTF-8 in one buffer rather than one object per text,
    read as openpyxl reads it (with ``x005F_`` removed)."""

    def __init__(self, book: _Book) -> None:
        self.buffer, self.ends = bytearray(), array("Q")
        if "sharedStrings" in book.parts:
            texts = _SheetParser(None, self)
            parse_part(book.archive, book.parts["sharedStrings"], texts.start, texts.end, texts.text, counts_depth=True)

    def append(self, text: str) -> None:
        if len(self.ends) >= limits.MAX_XLSX_SHARED_STRINGS:
            raise XlsxError(
                _(
                    "the workbook holds more than {limit} different texts; at most {limit} can be read",
                    limit=format(limits.MAX_XLSX_SHARED_STRINGS, ","),
                )
            )
        self.buffer += text.replace("x005F_", "").encode("utf-8", "surrogatepass")
        self.ends.append(len(self.buffer))

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        return self.buffer[self.ends[index - 1] if index else 0 : self.ends[index]].decode("utf-8", "surrogatepass")


def _date_styles(book: _Book) -> tuple[bytearray, bytearray]:
    """One flag per cell style: whether it shows a number as a date; as a duration."""
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    dates, durations, custom, known, depth = bytearray(), bytearray(), {}, {}, [0]

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            custom[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth[0] += 1
        elif local == "xf" and depth[0]:
            number_format = int(attrs.get("numFmtId", 0))
            if number_format not in known:
                code = custom.get(number_format) or builtin_format_code(number_format)
                known[number_format] = (is_date_format(code), is_timedelta_format(code))
            dates.append(known[number_format][0])
            durations.append(known[number_format][1])

    def end(tag):
        depth[0] -= _local(tag) == "cellXfs"

    if "styles" in book.parts:
        parse_part(book.archive, book.parts["styles"], start, end)
    return dates, durations


def cell_text(value: object) -> str:
    """A cell's value as the text an import reads."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # The shortest text that reads back as the same float: 1234.56 stays
        # 1234.56, and a whole number loses its ".0".
        text = repr(value)
        return str(int(value)) if value.is_integer() else format(Decimal(text), "f")
    return str(value)


class _Cells:
    """A cell's saved value as text, as openpyxl reads it with ``data_only=True``."""

    def __init__(self, book: _Book) -> None:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.dates, self.durations = _date_styles(book)
        self.strings = _Strings(book)
        self.epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900

    def text(self, kind: str, raw: str, style: int) -> str:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        if kind == "n":
            number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
            if style < len(self.dates) and self.dates[style]:
                try:
                    return cell_text(from_excel(number, self.epoch, timedelta=bool(self.durations[style])))
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return cell_text(number)
        if kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.strings):
                raise ValueError(
                    _(
                        "a cell refers to shared text {index}, but the workbook has {count}",
                        index=index,
                        count=len(self.strings),
                    )
                )
            return self.strings[index]
        if kind == "b":
            return cell_text(bool(int(raw)))
        if kind == "d":
            return cell_text(from_ISO8601(raw))
        return raw  # "str" (a formula's text), "e" (an error such as #N/A)


def _check_declared(book: _Book, name: str, part: str) -> None:
    """Refuse a sheet whose ``<dimension ref=...>`` (read from the start of its XML)
    is past the limits; a sheet may declare none, or one that cannot be read."""
    found: list[str] = []

    def start(tag, attrs):
        local = _TAG.get(tag)
        if local == "dimension":
            found.append(attrs.get("ref", ""))
        if local in ("dimension", "sheetData"):
            raise Stop

    parse_part(book.archive, part, start)
    corner = found[0].rpartition(":")[2].replace("$", "").upper() if found else ""
    match = _REF.match(corner)
    columns, rows = (column_index_from_string(match[1]), int(match[2])) if match else (0, 0)
    if columns > limits.MAX_COLUMNS or rows > limits.MAX_ROWS + 1:  # + 1 for the header
        raise XlsxError(
            _(
                "the sheet {sheet} declares cells up to {corner} ({columns} columns x {rows} rows); "
                "at most {most_columns} columns and {most_rows} rows can be imported: "
                "delete the empty rows and columns after the data (or copy the data into a new workbook) "
                "and save it again",
                sheet=repr(name),
                corner=corner,
                columns=format(columns, ","),
                rows=format(rows, ","),
                most_columns=limits.MAX_COLUMNS,
                most_rows=format(limits.MAX_ROWS, ","),
            )
        )


def _holds_data(book: _Book, part: str) -> bool:
    """Whether any cell of the sheet holds a value or a formula (stops at the first)."""
    found = []

    def start(tag, _attrs):
        if _TAG.get(tag) in ("v", "f", "is"):
            found.append(True)
            raise Stop

    parse_part(book.archive, part, start)
    return bool(found)


class _SheetParser:
    """Expat handlers for a worksheet; complete rows collect in ``pending``. A text
    is its ``t`` elements, rich text runs included, phonetic guides not (as openpyxl
    reads it): a cell's own (``is``), or one of the shared-string table (``si``),
    which goes to ``strings``."""

    def __init__(self, cells: _Cells | None, strings: _Strings | None = None) -> None:
        self.cells, self.strings, self.pending = cells, strings, cast(list[Record], [])
        self.row_number = self.column = self.style = self.size = self.phonetic = self.depth = 0
        self.row: dict[int, str] = {}
        self.unsaved: dict[int, str] | None = None
        self.ref: str | None = None
        self.kind = "n"
        self.formula: dict[str, str] | None = None
        self.value: list[str] | None = None
        self.formula_text: list[str] = []
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None
        self.shared: dict[str, tuple[str, str]] = {}  # a shared formula's text and first cell

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > limits.MAX_XLSX_DEPTH:
            raise too_deep()
        local = _TAG.get(tag)
        if local == "c":
            self.ref, self.kind, self.style = attrs.get("r"), attrs.get("t", "n"), int(attrs.get("s") or 0)
            self.value = self.inline = self.buffer = self.formula = None
            self.formula_text = []
        elif local == "v":
            self.value = self.buffer = []
            self.size = 0
        elif local == "f":
            self.formula, self.formula_text, self.size = attrs, [], 0
            self.buffer = self.formula_text
        elif local == "is" or local == "si":
            self.inline = []
            self.size = self.phonetic = 0
        elif local == "t" and self.inline is not None and not self.phonetic:
            self.buffer = self.inline
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            number = attrs.get("r")
            self.row_number = int(float(number)) if number else self.row_number + 1
            self.row, self.unsaved, self.column = {}, None, 0

    def text(self, data):
        if self.buffer is not None:
            self.size += len(data)
            if self.size > limits.MAX_FIELD_CHARS:
                if self.strings is not None:
                    raise too_long(_("a text in the workbook"))
                raise too_long(_("cell {cell}", cell=self.ref or get_column_letter(self.column + 1)), self.row_number)
            self.buffer.append(data)

    def end(self, tag):
        self.depth -= 1
        local = _TAG.get(tag)
        if local in ("v", "f", "t"):
            self.buffer = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            self.end_cell()
        elif local == "si" and self.strings is not None and self.inline is not None:
            self.strings.append("".join(self.inline))
            self.inline = None
        elif local == "row":
            values = [""] * max(self.row, default=0)
            for column, value in self.row.items():
                values[column - 1] = value
            self.pending.append((self.row_number, values, self.unsaved))

    def end_cell(self):
        if self.ref:
            match = _REF.match(self.ref)
            if not match:
                raise ValueError(_("a cell is named {name}, not like B2", name=repr(self.ref)))
            self.column = column_index_from_string(match[1].upper())
        else:
            self.column += 1
        if self.kind == "inlineStr":
            text = "".join(self.inline) if self.inline is not None else ""
        else:
            raw = "".join(self.value) if self.value else ""
            text = self.cells.text(self.kind, raw, self.style) if raw and self.cells else ""
        shared = self.formula.get("si") if self.formula is not None and self.formula.get("t") == "shared" else None
        if shared is not None and self.formula_text and shared not in self.shared and len(self.shared) < 10_000:
            self.shared[shared] = ("=" + "".join(self.formula_text), self.ref or "")
        unsaved = self.formula is not None and text == ""
        if not text and not unsaved:
            return  # an empty cell (Excel keeps formatted ones) costs nothing
        if self.column > limits.MAX_COLUMNS:
            raise XlsxError(
                _(
                    "column {letter} (column {number}) holds a value; at most {most} columns can be imported",
                    letter=get_column_letter(self.column),
                    number=format(self.column, ","),
                    most=limits.MAX_COLUMNS,
                ),
                self.row_number,
            )
        if len(text) > limits.MAX_FIELD_CHARS:
            raise too_long(_("cell {cell}", cell=self.ref or get_column_letter(self.column)), self.row_number)
        self.row[self.column] = text
        if unsaved:
            formula = "=" + "".join(self.formula_text)
            if formula == "=" and shared in self.shared and self.ref:  # a copy of a shared formula
                from openpyxl.formula.translate import Translator

                formula = Translator(*self.shared[shared]).translate_formula(self.ref)
            self.unsaved = {**(self.unsaved or {}), self.column - 1: formula}


@dataclass
class Sheet:
    """The sheet chosen, by name, and its rows as they stream."""

    name: str
    records: Iterator[Record]


def _choose(book: _Book, wanted: str | None) -> tuple[str, str]:
    if wanted is not None:
        # "Commitments", or its name in another language the tracker writes workbooks in ("Ymrwymiadau").
        asked = {name.strip().casefold() for name in sheet_names(wanted.strip())}
        for name, part in book.sheets:
            if name.strip().casefold() in asked:
                return name, part
    if len(book.sheets) == 1 or wanted is None:
        return book.sheets[0]
    with_data = [(name, part) for name, part in book.sheets if _holds_data(book, part)]
    if len(with_data) <= 1:
        return (with_data or book.sheets)[0]
    names = ", ".join(repr(name) for name, _part in with_data)
    wanted_name = repr(_(wanted))  # as the reader's language names it
    raise XlsxError(
        ngettext(
            "the workbook has {n} sheet holding data ({names}) and none named {wanted}: "
            "name the sheet to import {wanted}, or remove the other sheets",
            "the workbook has {n} sheets holding data ({names}) and none named {wanted}: "
            "name the sheet to import {wanted}, or remove the other sheets",
            len(with_data),
            names=names,
            wanted=wanted_name,
        )
    )


def _records(book: _Book, part: str, cells: _Cells) -> Generator[Record, None, None]:
    handlers = _SheetParser(cells)
    parser = expat_parser(handlers.start, handlers.end, handlers.text)
    with open_part(book.archive, part) as stream:
        while True:
            data = stream.read(CHUNK)
            parser.Parse(data, not data)
            if handlers.pending:
                done, handlers.pending = handlers.pending, []
                yield from done
            if not data:
                return


@contextmanager
def open_sheet(source: bytes | Path, wanted: str | None = None) -> Iterator[Sheet | None]:
    """The sheet to read from an XLSX file (its bytes or its path), or None if the
    workbook has no worksheets. Raises ``XlsxError`` for a workbook past a limit,
    and other exceptions (``zipfile.BadZipFile``, ``ValueError``...) for a damaged
    one, while opening or while its records are read."""
    with ExitStack() as stack:
        fp = stack.enter_context(io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb"))  # noqa: SIM115
        check_zip(fp)
        archive = stack.enter_context(zipfile.ZipFile(fp))
        check_parts(archive)
        book = _read_book(archive)
        if not book.sheets:
            yield None
            return
        name, part = _choose(book, wanted)
        _check_declared(book, name, part)
        records = _records(book, part, _Cells(book))
        stack.callback(records.close)
        yield Sheet(name, records)
