"""Files built to exhaust the server are refused by the readers, quickly and
in little memory, with a problem that names the limit (``tracker.files.limits``).

Every hostile file is built here, small: a workbook with one cell at
XFD1048576, zip bombs whose directory declares a huge part or understates
one, sheets and CSV files one row or column past a limit (the limits are
lowered for the test where a real file would be slow), over-long cells and
bytes that are not text. The files just inside each limit are read.
"""

from __future__ import annotations

import io
import re
import resource
import struct
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.files import limits, xlsx_parts
from tracker.files.tabular import Table, read_csv_text, read_table, read_table_bytes

HEADER = ["ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year", "years"]
ROW = ["W{n}", "2023-05-01", "Welsh Government", "Welsh councils", "Digital skills", "one-off", "£1m", "2023-24", ""]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def commitments(n: int) -> list[list[object]]:
    return [HEADER] + [[cell.format(n=i) for cell in ROW] for i in range(1, n + 1)]


def replace_part(data: bytes, name: str, edit) -> bytes:
    """The workbook with part ``name`` rewritten by ``edit(bytes) -> bytes``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, edit(content) if info.filename == name else content)
    return out.getvalue()


def add_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with the central directory's uncompressed size of ``name`` set to ``size``."""
    data = bytearray(data)
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at += 4
    raise AssertionError(f"no {name} in the zip")


SHEET = "xl/worksheets/sheet1.xml"
_INLINE = re.compile(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')


def with_shared_strings(data: bytes) -> bytes:
    """The workbook with its texts moved from the cells (openpyxl writes them there) to a
    shared-string table, as Excel keeps them."""
    texts: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        texts.append(match[2])
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match[1], len(texts) - 1)

    data = replace_part(data, SHEET, lambda xml: _INLINE.sub(shared, xml))
    data = replace_part(
        data,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            (
                b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
            ),
        ),
    )
    table = b"".join(b"<si><t>%s</t></si>" % text for text in texts)
    return add_part(
        data,
        "xl/sharedStrings.xml",
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(texts), len(texts), table),
    )


def only(table: Table) -> str:
    header, rows, problems = table
    assert (header, rows) == ([], []) and len(problems) == 1, problems
    return str(problems[0])


@contextmanager
def bounded(megabytes: int = 60) -> Iterator[None]:
    """The reading inside must allocate less than ``megabytes`` at its peak; the
    address space is capped too, so a reader that materialised the declared grid
    fails with MemoryError instead of swamping the machine. (No bound on time: a
    test never times anything; bench/ measures speed.)"""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        used = int(re.search(r"VmSize:\s+(\d+) kB", status.read())[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (used + 1024**3, hard))
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert peak < megabytes * 1024**2, f"peak {peak / 1024**2:.0f} MB"


@pytest.fixture
def few_rows(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    return 100


# --- a sheet that declares 16,384 x 1,048,576 cells --------------------------------------------


def far_cell_workbook(title: str = "Commitments") -> bytes:
    book = Workbook()
    book.active.title = title
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_declaring_cells_up_to_xfd1048576_is_refused_before_a_cell_is_read(tmp_path: Path) -> None:
    data = far_cell_workbook()
    assert len(data) < 10_000 and b'<dimension ref="XFD1048576' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)

    with bounded(megabytes=10):
        from_path = read_table(path, sheet="Commitments")
        from_upload = read_table_bytes(data, "far.xlsx", sheet="Commitments")

    assert (
        only(from_path)
        == only(from_upload)
        == (
            "file: the sheet 'Commitments' declares cells up to XFD1048576 (16,384 columns x 1,048,576 rows); "
            "at most 60 columns and 1,000,000 rows can be imported: delete the empty rows and columns after the "
            "data (or copy the data into a new workbook) and save it again"
        )
    )


def test_the_same_cell_with_no_declared_dimension_is_refused_while_streaming() -> None:
    data = replace_part(far_cell_workbook(), SHEET, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)

    with bounded(megabytes=10):
        table = read_table_bytes(data, "far.xlsx")

    assert only(table) == ("line 1048576: column XFD (column 16,384) holds a value; at most 60 columns can be imported")


def test_a_false_small_dimension_does_not_hide_rows_or_columns() -> None:
    wide = commitments(3)
    wide[2] = wide[2] + [""] * (61 - len(wide[2])) + ["x"]  # a value in column 62
    data = replace_part(
        workbook(("Sheet", wide)), SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
    )

    assert (
        only(read_table_bytes(data, "c.xlsx"))
        == "line 3: column BJ (column 62) holds a value; at most 60 columns can be imported"
    )


def test_empty_formatted_cells_and_rows_after_the_data_cost_nothing() -> None:
    rows_xml = b"".join(b'<row r="%d"><c r="XFD%d" s="1"/></row>' % (n, n) for n in range(5, 2000))
    data = replace_part(
        workbook(("Sheet", commitments(3))), SHEET, lambda xml: xml.replace(b"</sheetData>", rows_xml + b"</sheetData>")
    )

    with bounded(megabytes=10):
        header, rows, problems = read_table_bytes(data, "c.xlsx")

    assert problems == [] and header == HEADER and [row.line for row in rows] == [2, 3, 4]


# --- zip bombs -----------------------------------------------------------------------------------


def test_a_part_whose_directory_declares_more_than_500_mb_is_refused_unread() -> None:
    data = declare_size(workbook(("Commitments", commitments(2))), SHEET, 600 * 1024**2)

    with bounded(megabytes=10):
        message = only(read_table_bytes(data, "bomb.xlsx"))

    assert message == (
        "file: the workbook's part xl/worksheets/sheet1.xml unpacks to 600 MB; at most 500 MB can "
        "be read (an XLSX file is a zip; this one would unpack to more than the tracker reads)"
    )


def test_parts_that_together_unpack_past_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 3 * 1024**2)
    data = workbook(("Commitments", commitments(2)))
    for n in range(2):  # each part under the limit, the two together over it
        data = add_part(data, f"xl/media/padding{n}.bin", b"\0" * (2 * 1024**2))
    assert len(data) < 50_000

    message = only(read_table_bytes(data, "bomb.xlsx"))

    assert message.startswith("file: the workbook unpacks to 4 MB; at most 3 MB can be read"), message
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 1024**2)
    assert only(read_table_bytes(data, "bomb.xlsx")).startswith(
        "file: the workbook's part xl/media/padding0.bin unpacks to 2 MB; at most 1 MB can be read"
    )


def test_a_part_that_unpacks_to_more_than_its_directory_declares_is_refused_without_unpacking_it() -> None:
    bomb = replace_part(
        workbook(("Commitments", commitments(2))),
        SHEET,
        lambda xml: xml.replace(b"</worksheet>", b"<!--" + b"0" * (50 * 1024**2) + b"--></worksheet>"),
    )
    data = declare_size(bomb, SHEET, 2000)
    assert len(data) < 200_000

    with bounded(megabytes=10):
        message = only(read_table_bytes(data, "bomb.xlsx"))

    # zipfile itself stops at the declared size and finds the checksum wrong
    assert message.startswith("file: could not be read as an XLSX workbook ("), message


class Inflating(io.RawIOBase):
    """A part that keeps giving bytes, whatever its directory said."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.given += 65536
        return b"0" * 65536


def test_the_bytes_of_a_part_are_counted_as_it_unpacks_and_stop_at_its_declared_size() -> None:
    raw = Inflating()
    part = xlsx_parts.CountedPart(raw, "xl/worksheets/sheet1.xml", declared=100_000)

    with pytest.raises(xlsx_parts.XlsxError) as refused:
        while part.read(65536):
            pass

    assert raw.given == 2 * 65536  # stopped at the first read past 100,000 bytes
    assert refused.value.expected == (
        "the workbook's part xl/worksheets/sheet1.xml unpacks to more than the 100,000 bytes its zip directory "
        "declares (at most 500 MB can be read): the file is damaged or built to exhaust memory"
    )


def test_a_zip_listing_more_parts_than_a_workbook_has_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_PARTS", 5)

    message = only(read_table_bytes(workbook(("Commitments", commitments(2))), "many.xlsx"))

    assert re.fullmatch(
        r"file: the workbook's zip lists \d+ parts in [\d,]+ bytes; a workbook has at most 5 parts, "
        r"listed in at most 4 MB",
        message,
    ), message


def test_a_part_declaring_a_doctype_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    data = replace_part(workbook(("Commitments", commitments(1))), SHEET, lambda _: laughs)

    assert "a part declares a DOCTYPE" in only(read_table_bytes(data, "lol.xlsx"))


MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.mark.parametrize("where", ["before the cells", "among the cells"])
def test_xml_nested_past_the_limit_is_refused(where: str) -> None:
    nest = b"<x>" * 150 + b"</x>" * 150
    xml = (
        MAIN + nest + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ref</t></is></c></row></sheetData>'
        if where == "before the cells"
        else MAIN
        + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ref</t></is></c></row>'
        + nest
        + b"</sheetData>"
    )
    data = replace_part(workbook(("Commitments", commitments(1))), SHEET, lambda _: xml + b"</worksheet>")

    assert only(read_table_bytes(data, "deep.xlsx")) == (
        "file: could not be read as an XLSX workbook (its XML nests more than 100 deep)"
    )


def test_a_tag_longer_than_the_limit_is_refused_before_it_is_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_TAG_BYTES", 1024**2)
    long_tag = b'<c r="B2" t="inlineStr" x="' + b"a" * (2 * 1024**2) + b'"><is><t>x</t></is></c>'
    data = replace_part(
        workbook(("Commitments", [["ref", "note"], ["W1"]])),
        SHEET,
        lambda xml: xml.replace(b"</row></sheetData>", long_tag + b"</row></sheetData>", 1),
    )
    assert b'x="aaa' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)

    assert only(read_table_bytes(data, "c.xlsx")) == (
        "file: the workbook's part xl/worksheets/sheet1.xml has more "
        "than 1 MB of XML in one tag or text: the file is damaged or "
        "built to exhaust memory"
    )


# --- rows and columns ----------------------------------------------------------------------------


def test_a_sheet_one_row_past_the_limit_is_refused_and_one_at_it_is_read(few_rows: int) -> None:
    at_limit = workbook(("Commitments", commitments(few_rows)))
    past = workbook(("Commitments", commitments(few_rows + 1)))

    assert only(read_table_bytes(past, "c.xlsx")) == (
        "file: the sheet 'Commitments' declares cells up to I102 (9 columns x 102 rows); at most 60 columns and "
        "100 rows can be imported: delete the empty rows and columns after the data (or copy the data into a new "
        "workbook) and save it again"
    )
    undeclared = replace_part(past, SHEET, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    assert only(read_table_bytes(undeclared, "c.xlsx")) == (
        "line 102: the file has more than 100 rows of data: at most 100 rows can be imported from one file (split it)"
    )
    _, rows, problems = read_table_bytes(at_limit, "c.xlsx")
    assert problems == [] and len(rows) == few_rows


def test_a_csv_one_row_past_the_limit_is_refused_and_one_at_it_is_read(few_rows: int) -> None:
    def text(n: int) -> str:
        return "\n".join(",".join(row) for row in commitments(n)) + "\n\n\n"  # blank lines are not rows

    assert only(read_csv_text(text(few_rows + 1))) == (
        "line 102: the file has more than 100 rows of data: at most 100 rows can be imported from one file (split it)"
    )
    _, rows, problems = read_csv_text(text(few_rows))
    assert problems == [] and len(rows) == few_rows


def wide(columns: int) -> list[list[object]]:
    return [[f"column {n}" for n in range(1, columns + 1)], [str(n) for n in range(1, columns + 1)]]


def test_a_sheet_with_a_61st_column_is_refused_and_one_with_60_is_read() -> None:
    message = only(read_table_bytes(workbook(("Sheet", wide(61))), "w.xlsx"))
    header, rows, problems = read_table_bytes(workbook(("Sheet", wide(60))), "w.xlsx")

    assert "declares cells up to BI2 (61 columns x 2 rows); at most 60 columns" in message
    assert problems == [] and len(header) == 60 and rows[0].get("column_60") == "60"


def test_a_csv_with_a_61st_column_is_refused_and_one_with_60_is_read() -> None:
    def text(columns: int) -> str:
        return "\n".join(",".join(row) for row in wide(columns)) + "\n"

    assert only(read_csv_text(text(61))) == "line 1: has 61 cells: at most 60 columns can be imported"
    header, rows, problems = read_csv_text(text(60) + "a" + "," * 500 + "\n")  # empty cells after the data are fine
    assert problems == [] and len(header) == 60 and rows[0].get("column_60") == "60"


# --- sheets --------------------------------------------------------------------------------------


def test_a_workbook_with_two_sheets_of_data_and_none_named_for_the_import_is_refused() -> None:
    data = workbook(("Sheet1", commitments(2)), ("Notes", [["said"], ["hello"]]))

    assert only(read_table_bytes(data, "two.xlsx", sheet="Commitments")) == (
        "file: the workbook has 2 sheets holding data ('Sheet1', 'Notes') and none named 'Commitments': "
        "name the sheet to import 'Commitments', or remove the other sheets"
    )


def test_the_sheet_named_for_the_import_is_read_in_any_case_and_named() -> None:
    data = workbook(("Notes", [["said"], ["hello"]]), ("commitments", commitments(2)))

    table = read_table_bytes(data, "two.xlsx", sheet="Commitments")

    assert table.sheet == "commitments" and table.problems == [] and [r.get("ref") for r in table.rows] == ["W1", "W2"]


def test_empty_sheets_beside_the_data_do_not_count() -> None:
    data = workbook(("Sheet2", []), ("Data", commitments(1)), ("Sheet3", [[None, None]]))

    table = read_table_bytes(data, "c.xlsx", sheet="Deliveries")

    assert table.sheet == "Data" and table.problems == [] and len(table.rows) == 1


def test_a_sheet_listed_many_times_is_read_once() -> None:
    def many(xml: bytes) -> bytes:
        sheet = re.search(rb"<sheet [^>]*/>", xml)[0]
        copies = b"".join(sheet.replace(b'name="Sheet1"', b'name="Copy %d"' % n) for n in range(50_000))
        return xml.replace(sheet, sheet + copies)

    data = replace_part(workbook(("Sheet1", commitments(1)), ("Notes", [["said"]])), "xl/workbook.xml", many)

    with bounded(megabytes=60):
        message = only(read_table_bytes(data, "many.xlsx", sheet="Commitments"))

    assert message.startswith("file: the workbook has 2 sheets holding data ('Sheet1', 'Notes')"), message


def test_with_no_sheet_asked_for_the_first_sheet_is_read_and_named() -> None:
    data = workbook(("Texts", [["text"], ["a"]]), ("About", [["As at", "today"]]))

    table = read_table_bytes(data, "export.xlsx")

    assert table.sheet == "Texts" and [r.get("text") for r in table.rows] == ["a"]
    assert read_csv_text("text\na\n").sheet is None


# --- cells ---------------------------------------------------------------------------------------


def test_a_csv_cell_past_the_field_limit_is_refused_with_its_line_and_one_at_it_is_read() -> None:
    limit = limits.MAX_FIELD_CHARS
    text = "ref,note\nW1,short\nW2," + "x" * (limit + 1) + "\n"

    assert only(read_csv_text(text)) == (
        "line 3: is not valid CSV (a cell is longer than 100,000 characters, the "
        "most one cell may hold, or a quote is not closed)"
    )
    assert only(read_csv_text('ref,note\nW1,"' + "x" * 300_000)).startswith(
        "line 2: is not valid CSV (a cell is longer than 100,000 characters"
    )  # csv's own limit, an open quote
    _, rows, problems = read_csv_text("ref,note\nW1," + "x" * limit + "\n")
    assert problems == [] and len(rows[0].get("note")) == limit


def test_a_csv_line_with_no_end_is_refused_without_being_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_LINE_CHARS", 1000)

    message = only(read_csv_text("ref,note\n" + "W1,x\n" * 3 + "," * 5000))

    assert message == (
        "line 5: is not valid CSV (the line is longer than 1,000 characters: at most 60 cells of 100,000 characters)"
    )


def test_an_xlsx_cell_past_the_field_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 50)
    inline = workbook(("Commitments", [["ref", "note"], ["W1", "x" * 51]]))
    shared = with_shared_strings(inline)
    assert b"<sst" in zipfile.ZipFile(io.BytesIO(shared)).read("xl/sharedStrings.xml")

    assert only(read_table_bytes(shared, "c.xlsx")) == (
        "file: a text in the workbook holds more than 50 characters; at most 50 characters can be imported in one cell"
    )
    assert only(read_table_bytes(inline, "c.xlsx")) == (
        "line 2: cell B2 holds more than 50 characters; at most 50 characters can be imported in one cell"
    )


def test_a_shared_string_table_past_its_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_SHARED_STRINGS", 10)

    def texts(rows: int) -> bytes:  # two texts a row, the header's too
        table = [["ref", "note"]] + [[f"W{n}", f"note {n}"] for n in range(1, rows + 1)]
        return with_shared_strings(workbook(("Commitments", table)))

    header, rows, problems = read_table_bytes(texts(4), "c.xlsx")
    assert problems == [] and header == ["ref", "note"] and rows[-1].cells == {"ref": "W4", "note": "note 4"}

    message = only(read_table_bytes(texts(5), "c.xlsx"))

    assert message == "file: the workbook holds more than 10 different texts; at most 10 can be read"


# --- bytes that are not text -----------------------------------------------------------------


def test_a_byte_undefined_in_windows_1252_is_refused_with_its_line() -> None:
    lines = [b"ref,amount,note"] + [b"W%d,\xa3%d,ok" % (n, n) for n in range(1, 5)]  # \xa3: a cp1252 pound
    lines[5 - 1] += b" caf\xe9"
    data = b"\r\n".join([*lines, b"W6,\xa31,bad \x81 byte", b"W7,\xa31,ok"]) + b"\r\n"

    assert only(read_table_bytes(data, "c.csv")) == "line 6: byte 0x81 is not a character in UTF-8 or Windows-1252"
    for byte in (0x8D, 0x8F, 0x90, 0x9D):
        assert f"byte 0x{byte:02X} is not a character" in only(
            read_table_bytes(data.replace(b"\x81", bytes([byte])), "c.csv")
        )
    _, rows, problems = read_table_bytes(data.replace(b"\x81", b"-"), "c.csv")
    assert problems == [] and rows[0].get("amount") == "£1" and rows[3].get("note") == "ok café"


def test_a_file_with_the_utf8_mark_must_be_utf8() -> None:
    data = "\ufeffref,note\nW1,ok\n".encode() + b"W2,\xa3\n"

    assert only(read_table_bytes(data, "c.csv")) == (
        "line 3: byte 0xA3 is not UTF-8, though the file starts with the UTF-8 byte-order mark"
    )


def test_a_csv_file_on_disk_is_read_as_it_streams(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(("\n".join(",".join(row) for row in commitments(20_000)) + "\n").encode("cp1252"))

    with bounded(megabytes=80):
        _, rows, problems = read_table(path, sheet="Commitments")

    assert problems == [] and len(rows) == 20_000 and rows[-1].get("amount") == "£1m"
