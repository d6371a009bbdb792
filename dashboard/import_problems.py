"""An import's problems (or notes) as a table: where, the column, the value, what was expected.

The Import page lists a file's problems by its lines; the Record page's "From
a press release" tab lists a save's problems by draft. Both say them here, in
the language in use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import streamlit as st

from dashboard.tables import show_table
from tracker.files.tabular import Problem
from tracker.i18n import _
from tracker.imports import plan as planning


def problems_table(
    problems: Sequence[Problem],
    *,
    line: str | None = None,
    line_help: str | None = None,
    whole: str | None = None,
    columns: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """``problems`` as a table. ``line``: the heading of the first column (the
    file's line, by default) and ``line_help`` its help; ``whole``: what it says
    for a problem with no line (the file). ``columns``: what each column is
    called where it was typed (a column's name as it is, by default)."""
    frame = planning.problems_frame(list(problems))
    frame["line"] = [(whole or _("file")) if at == "file" else at for at in frame["line"]]
    frame["column"] = [columns.get(name, name) for name in frame["column"]]
    frame["expected"] = [_(expected) if expected else "" for expected in frame["expected"]]  # a constant, said here
    show_table(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "line": st.column_config.TextColumn(
                line or _("Line"),
                help=line_help or _("The file's own line (header = line 1); for XLSX the sheet row."),
            ),
            "column": _("Column"),
            "value": _("Value"),
            "expected": st.column_config.TextColumn(_("Expected"), width="large"),
        },
    )
