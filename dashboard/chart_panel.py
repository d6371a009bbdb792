"""A chart as every reader can take it: the chart, its sentence, and its
figures as a table on request. Pages call ``chart_panel`` rather than
drawing a chart themselves.

- The sentence (``tracker.figures.chart_summaries`` says where each is built)
  is shown under the chart and given to the chart as its accessible name
  (``st.plotly_chart``'s ``alt``), so a screen reader announces it there.
- "Show as table" (a toggle: a switch a keyboard reaches with Tab and turns
  with Space) shows what the chart draws (``tracker.figures.chart_tables``)
  through ``tables.show_table``, money written as in every other table.

Its own words (the switch and its help) are in the language in use; the
figure, sentence and table come already said in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.page_style import show_chart
from dashboard.table_style import money_column, percent_column
from dashboard.tables import show_table
from tracker.core.money import to_decimal
from tracker.figures.chart_tables import ChartTable
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _

SHOW_AS_TABLE = N_("Show as table")


def chart_panel(figure: Any, summary: str, table: ChartTable, *, key: str, details: Sequence[str] = ()) -> bool:
    """Draw ``figure`` (its element keyed ``key``), ``summary`` under it (and
    as its accessible name), ``details`` as one list of sentences, and the
    "Show as table" toggle (keyed ``{key}_as_table``) with ``table`` below it
    when on. Every text is shown as typed. Returns whether the table is shown."""
    show_chart(figure, width="stretch", key=key, alt=summary)
    st.markdown(escape_markdown(summary))
    if details:  # one list: one element to draw, one list for a screen reader
        st.markdown("\n".join(f"- {escape_markdown(sentence)}" for sentence in details))
    shown = st.toggle(_(SHOW_AS_TABLE), key=f"{key}_as_table", help=_("The chart's figures, row by row."))
    if shown:
        show_table(in_pounds(table), hide_index=True, width="stretch", column_config=column_config(table))
    return shown


def in_pounds(table: ChartTable) -> pd.DataFrame:
    """The table's shown columns, money as exact pounds (Decimal), blanks left blank."""
    frame = table.shown
    return frame.assign(
        **{
            name: [None if _blank(p) else to_decimal(int(p)) for p in frame[name]]
            for name in table.money
            if name in frame
        }
    )


def column_config(table: ChartTable) -> dict[str, Any]:
    """Each column under its heading: money and shares as in every table, the rest as text."""
    config: dict[str, Any] = {}
    for name, heading in table.headings.items():
        if name in table.money:
            config[name] = money_column(heading)
        elif name in table.shares:
            config[name] = percent_column(heading)
        else:
            config[name] = st.column_config.TextColumn(heading)
    return config


def _blank(value: Any) -> bool:
    return value is None or bool(pd.isna(value))
