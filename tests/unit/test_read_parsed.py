"""Reading a file parses each row as it is read (``reading.read_parsed``), so
an import never holds a large file as rows: the records and problems are
exactly those of reading every row first and parsing them after, for real
files and for garbage."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_import_garbage import csv_like, valid_header_random_cells, xlsx_bytes
from tracker.demo import DEMO_FOLDER
from tracker.files.tabular import read_table_bytes
from tracker.imports import reading
from tracker.records import commitment_rows, delivery_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = sorted([*FIXTURES.rglob("*.csv"), *Path(DEMO_FOLDER).glob("*.csv")])
# The kinds whose rows the tracker's own formats parse (a 360Giving grant becomes a
# commitments row first: tests/integration/test_import_360giving.py).
OWN_KINDS = ("commitments", "deliveries")


def _rows_first(kind: reading.Kind, data: bytes, filename: str):
    """The way before: every row read into memory, then parsed."""
    table = read_table_bytes(data, filename, kind.aliases, sheet=kind.sheet)
    if kind.name == "commitments":
        records, problems = commitment_rows.parse_commitments(table.header, table.rows)
    else:
        records, problems = delivery_rows.parse_deliveries(table.header, table.rows)
    return table, records, problems


def _as_parsed(kind: reading.Kind, data: bytes, filename: str):
    parsed = reading.read_parsed(kind, data, filename)
    check = commitment_rows.check_commitments if kind.name == "commitments" else delivery_rows.check_deliveries
    records, problems = (
        check(parsed.records, list(parsed.row_problems), any_rows=parsed.rows > 0) if parsed.checkable else ([], [])
    )
    return parsed, records, problems


def _same(kind_name: str, data: bytes, filename: str) -> None:
    kind = reading.kind_of(kind_name)
    table, old_records, old_problems = _rows_first(kind, data, filename)
    parsed, records, problems = _as_parsed(kind, data, filename)
    assert (parsed.header, parsed.problems, parsed.sheet) == (table.header, table.problems, table.sheet)
    assert parsed.rows == len(table.rows)
    assert parsed.checkable == reading._checkable(table.header, table.problems, len(table.rows))
    if parsed.checkable:
        assert records == old_records
        assert [str(p) for p in problems] == [str(p) for p in old_problems]
    assert not any(type(r).__name__ == "Row" for r in parsed.records)  # rows are not kept


def test_real_files_give_the_same_records_and_problems():
    assert len(FILES) >= 5
    for path in FILES:
        for kind in OWN_KINDS:
            _same(kind, path.read_bytes(), path.name)


def test_a_workbook_gives_the_same_records_and_problems():
    rows = [list(commitment_rows.REQUIRED), ["W1", "Welsh Government", "Broadband", "one-off", "£1m"]]
    rows += [["W2", "", "Roads", "weekly", "lots"], ["W1", "Welsh Government", "Again", "one-off", "5"]]
    for kind in OWN_KINDS:
        _same(kind, xlsx_bytes(rows), "upload.xlsx")


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(kind=st.sampled_from(OWN_KINDS), data=csv_like())
def test_csv_like_garbage_gives_the_same_records_and_problems(kind, data):
    _same(kind, data, "upload.csv")


@SETTINGS
@given(case=valid_header_random_cells())
def test_random_cells_under_a_valid_header_give_the_same_records_and_problems(case):
    kind, data = case
    _same(kind, data, "upload.csv")


def test_a_taker_sees_each_row_once_and_only_what_it_returns_is_kept():
    seen: list[int] = []

    def take(header: list[str]):
        assert header == ["a", "b"]

        def keep_odd(row):
            seen.append(row.line)
            return row.line if row.line % 2 else None

        return keep_odd

    table = read_table_bytes(b"a,b\n1,2\n3,4\n5,6\n7,8,9\n", "x.csv", take=take)
    assert seen == [2, 3, 4]  # line 5 has a cell beyond the header: set aside with a problem, as before
    assert table.rows == [3]
    assert [p.line for p in table.problems] == [5]
