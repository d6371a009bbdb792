"""Each row's cells as read from a CSV: every named column's value (blank
when the row is short), the apostrophe a spreadsheet export adds before
``=+-@'`` removed, a column with no heading left out, and blank rows
skipped; the same however the row is taken (``tabular._rows_from_records``
has a one-step path for rows with no apostrophe)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.files import tabular

NAMES = st.sampled_from(["ref", "amount", "note", ""])
CELLS = st.text(alphabet="ax0 '=-+@", max_size=5)


def _expected(header: list[str], rows: list[list[str]]) -> list[tuple[int, dict[str, str]]]:
    found = []
    for line, values in enumerate(rows, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            continue  # set aside with a problem
        cells = {}
        for i, name in enumerate(header):
            if name:
                value = values[i] if i < len(values) else ""
                cells[name] = tabular._PROTECTED.sub("", value) if value.startswith("'") else value
        found.append((line, cells))
    return found


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(NAMES, min_size=1, max_size=5).filter(lambda h: any(h)),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=6),
)
def test_cells_are_each_named_columns_value_as_written(header: list[str], rows: list[list[str]]) -> None:
    rows = [row for row in rows if row]  # (csv writes an empty list as a blank line, which it skips)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    table = tabular.read_table_bytes(out.getvalue().encode(), "rows.csv")
    named = [name for name in header if name]
    named_twice = len(set(named)) < len(named)  # a problem; the last column's value is kept
    assert [(row.line, row.cells) for row in table.rows] == _expected(header, rows)
    assert any(p.column and "twice" in p.expected for p in table.problems) == named_twice


def test_a_protected_cell_keeps_its_value_and_loses_only_the_apostrophe() -> None:
    table = tabular.read_table_bytes(b"ref,note,,amount\nR1,'=SUM(A1),x,'12\nR2,plain\n", "rows.csv")
    assert [row.cells for row in table.rows] == [
        {"ref": "R1", "note": "=SUM(A1)", "amount": "'12"},  # an apostrophe before a digit is the value's own
        {"ref": "R2", "note": "plain", "amount": ""},
    ]
