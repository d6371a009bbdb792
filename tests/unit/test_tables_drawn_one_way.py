"""Every table a page shows goes through ``dashboard.tables.show_table``: it
writes money and shares the one way (-£330,000.00, 93.0%), empty cells as a
dash, pins the first column and adds the print copy. A page that called
``st.dataframe`` itself would show ``£-330,000.00`` and print a clipped table."""

from __future__ import annotations

import ast
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _calls_dataframe(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("dataframe", "data_editor", "table")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "st"
    ]


def test_only_show_table_draws_a_table():
    found = {
        str(path.relative_to(DASHBOARD)): lines
        for path in sorted(DASHBOARD.rglob("*.py"))
        if path.name != "tables.py" and (lines := _calls_dataframe(path))
    }
    assert found == {}, f"tables drawn without show_table: {found}"


def test_the_check_finds_a_table_drawn_directly(tmp_path):
    page = tmp_path / "page.py"
    page.write_text("import streamlit as st\nst.dataframe(frame)\n", encoding="utf-8")
    assert _calls_dataframe(page) == [2]
