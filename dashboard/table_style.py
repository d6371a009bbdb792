"""How every table on screen writes its cells: money as ``£1,234.50`` and
``-£330,000.00`` (never in brackets), a share as ``93.0%`` (one decimal) and
a value that is not there as a dash.

Streamlit's own number formats cannot put the minus sign before the pound
sign, and give a share two decimals; so the columns a page declares with
``money_column`` or ``percent_column`` are written by a pandas ``Styler``
(display text only: the cells keep their numbers, so a column still sorts as
numbers) and Streamlit's format for them is dropped (it would win over the
Styler's text).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from tracker.figures.table_cells import EMPTY, percent, pounds_cell

MONEY_FORMAT = "£%,.2f"  # Streamlit's own, kept for a table drawn without ``styled``
PERCENT_FORMAT = "percent"


def money_column(label: str, help: str | None = None):
    """A column of pounds (exact decimals of pence / 100), negative ones too: ``-£330,000.00``."""
    return st.column_config.NumberColumn(label, help=help, format=MONEY_FORMAT)


def percent_column(label: str, help: str | None = None):
    """A share (0.93) written ``93.0%``."""
    return st.column_config.NumberColumn(label, help=help, format=PERCENT_FORMAT)


def _pounds(value: Any) -> str:
    if value is None or (not isinstance(value, (str, Decimal)) and pd.isna(value)):
        return EMPTY
    return pounds_cell(value)


WRITERS = {MONEY_FORMAT: _pounds, PERCENT_FORMAT: percent}  # the print copies write them the same way


def styled(frame: pd.DataFrame, column_config: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """``frame`` with its money and share columns written as text for the
    screen, and the column settings without Streamlit's format for them."""
    writers: dict[str, Any] = {}
    config: dict[str, Any] = dict(column_config)
    for name, setting in column_config.items():
        if not isinstance(setting, dict) or name not in frame.columns:
            continue
        kind = setting.get("type_config") or {}
        writer = WRITERS.get(str(kind.get("format")))
        if writer is None:
            continue
        writers[name] = writer
        config[name] = {**setting, "type_config": {**kind, "format": None}}
    if not writers:
        return frame, config
    return frame.style.format(writers), config
