"""The zip and XML parts of an XLSX workbook, read under ``tracker.files.limits``.

An XLSX file is a zip of XML parts: a few kilobytes can unpack to
gigabytes. ``check_zip`` and ``check_parts`` check the zip's directory before
any part is read; ``open_part`` counts each part's bytes as it unpacks, so a
directory that understates a size cannot make the reader unpack more, and
refuses a tag longer than the limit (the XML parser holds a tag whole);
``parse_part`` streams a part through expat, refusing a DOCTYPE (which
workbooks never have) and XML nested past the limit.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.parsers import expat

from tracker.files import limits
from tracker.i18n import _

CHUNK = 64 * 1024


class XlsxError(Exception):
    """A workbook refused: ``expected`` says why, ``line`` is the sheet row when known."""

    def __init__(self, expected: str, line: int | None = None):
        super().__init__(expected)
        self.expected, self.line = expected, line


class Stop(Exception):
    """Parsing found what it looked for."""


def damage(err: Exception) -> str:
    """Why a damaged workbook could not be read (what ``zipfile``, ``zlib`` or
    expat raised), in the language in use: the kinds a damaged or cut-short
    file gives in words, any other as the library words it (English)."""
    if isinstance(err, zipfile.BadZipFile):
        return _("it is not a zip file, as an XLSX file is, or its zip is damaged or cut short")
    if isinstance(err, zlib.error | EOFError):
        return _("a part's compressed data is damaged or cut short")
    if isinstance(err, expat.ExpatError):
        return _("a part's XML is damaged at line {line}, column {column}", line=err.lineno, column=err.offset)
    return str(err) or type(err).__name__


def size_text(n: int) -> str:
    return f"{n / 1024**3:,.1f} GB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MB"


def too_long(where: str, line: int | None = None) -> XlsxError:
    """``where`` ("cell B2", "a text in the workbook") holds too much text."""
    return XlsxError(
        _(
            "{where} holds more than {limit} characters; at most {limit} characters can be imported in one cell",
            where=where,
            limit=format(limits.MAX_FIELD_CHARS, ","),
        ),
        line,
    )


def check_zip(fp) -> None:
    """The zip's end record, read before ``ZipFile`` reads the directory it points to."""
    end = zipfile._EndRecData(fp)  # type: ignore[attr-defined]  # the record ZipFile itself reads first
    parts, size = (end[4], end[5]) if end else (0, 0)  # zipfile's _ECD_ENTRIES_TOTAL, _ECD_SIZE
    if parts > limits.MAX_XLSX_PARTS or size > limits.MAX_XLSX_DIRECTORY_BYTES:
        raise XlsxError(
            _(
                "the workbook's zip lists {parts} parts in {size} bytes; a workbook has at most "
                "{most} parts, listed in at most {most_size}",
                parts=format(parts, ","),
                size=format(size, ","),
                most=format(limits.MAX_XLSX_PARTS, ","),
                most_size=size_text(limits.MAX_XLSX_DIRECTORY_BYTES),
            )
        )


def check_parts(archive: zipfile.ZipFile) -> None:
    limit, parts = limits.MAX_XLSX_UNPACKED_BYTES, archive.infolist()
    if len(parts) > limits.MAX_XLSX_PARTS:
        raise XlsxError(
            _(
                "the workbook's zip has {parts} parts; at most {most}",
                parts=format(len(parts), ","),
                most=format(limits.MAX_XLSX_PARTS, ","),
            )
        )
    for info in parts:
        if info.file_size > limit:
            raise XlsxError(
                _(
                    "the workbook's part {part} unpacks to {size}; at most {most} can be read "
                    "(an XLSX file is a zip; this one would unpack to more than the tracker reads)",
                    part=info.filename,
                    size=size_text(info.file_size),
                    most=size_text(limit),
                )
            )
    total = sum(info.file_size for info in parts)
    if total > limit:
        raise XlsxError(
            _(
                "the workbook unpacks to {size}; at most {most} can be read "
                "(an XLSX file is a zip; this one would unpack to more than the tracker reads)",
                size=size_text(total),
                most=size_text(limit),
            )
        )


class CountedPart(io.RawIOBase):
    """A part as it unpacks, refused once it gives more bytes than the zip's directory declared."""

    def __init__(self, raw, name: str, declared: int):
        super().__init__()
        self.raw, self.name, self.declared, self.count, self.open_tag = raw, name, declared, 0, 0

    def read(self, size: int = CHUNK) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        if self.count > min(self.declared, limits.MAX_XLSX_UNPACKED_BYTES):
            raise XlsxError(
                _(
                    "the workbook's part {part} unpacks to more than the {declared} bytes its "
                    "zip directory declares (at most {most} can be read): "
                    "the file is damaged or built to exhaust memory",
                    part=self.name,
                    declared=format(self.declared, ","),
                    most=size_text(limits.MAX_XLSX_UNPACKED_BYTES),
                )
            )
        end = data.rfind(b">")  # the XML parser holds a tag whole: bytes since the last ">" are counted
        self.open_tag = self.open_tag + len(data) if end < 0 else len(data) - end - 1
        if self.open_tag > limits.MAX_XLSX_TAG_BYTES:
            raise XlsxError(
                _(
                    "the workbook's part {part} has more than {most} of XML "
                    "in one tag or text: the file is damaged or built to exhaust memory",
                    part=self.name,
                    most=size_text(limits.MAX_XLSX_TAG_BYTES),
                )
            )
        return data

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_part(archive: zipfile.ZipFile, part: str) -> CountedPart:
    info = archive.getinfo(part)
    return CountedPart(archive.open(info), part, info.file_size)


def _no_doctype(*_args) -> None:
    raise XlsxError(_("could not be read as an XLSX workbook (a part declares a DOCTYPE, which workbooks never do)"))


def expat_parser(start, end, text):
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _no_doctype
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    return parser


def too_deep() -> XlsxError:
    return XlsxError(
        _("could not be read as an XLSX workbook (its XML nests more than {most} deep)", most=limits.MAX_XLSX_DEPTH)
    )


def parse_part(archive: zipfile.ZipFile, part: str, start=None, end=None, text=None, *, counts_depth=False) -> None:
    """Stream ``part`` through expat; a handler may raise ``Stop`` to end early. Unless
    the handlers count the depth themselves (``counts_depth``), XML nested past the limit
    is refused here (expat keeps every open element)."""
    if not counts_depth:
        start, end, depth = start or (lambda *_args: None), end or (lambda _tag: None), [0]

        def counted_start(tag, attrs, start=start):
            depth[0] += 1
            if depth[0] > limits.MAX_XLSX_DEPTH:
                raise too_deep()
            start(tag, attrs)

        def counted_end(tag, end=end):
            depth[0] -= 1
            end(tag)

        start, end = counted_start, counted_end
    parser = expat_parser(start, end, text)
    with open_part(archive, part) as stream:
        try:
            while data := stream.read(CHUNK):
                parser.Parse(data, False)
            parser.Parse(b"", True)
        except Stop:
            pass
