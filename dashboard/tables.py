"""Every table a page shows: ``st.dataframe`` on screen (``st.data_editor``
for a table a person edits: ``edit_table``), and the same rows as an HTML
table for printing.

``st.dataframe`` draws on a canvas that shows only the rows scrolled into its
box, so a printed page would hold the first screenful of a table, cut at its
edge. ``show_table`` draws the dataframe and, beside it, an HTML table of the
same rows, columns, headings and number formats inside a ``print-only``
block: hidden on screen, it replaces the dataframe when the page is printed
(the styles are in ``page_style.py``). Every value is escaped.

The first column (the year, ref or name a row is about) is pinned, so a wide
table scrolls sideways inside its box and each row still says what it is.

The print copy speaks the language in use: its note on a long table, "Yes"
and "No", and month names in dates (``15 Maw 2023``). Headings and cells are
given to ``show_table`` as the page wants them shown, but for the values of
the closed lists (a qualifier, a kind, a status...), which it says in the
reader's language (``tracker.figures.listed_values``), both copies alike.
"""

from __future__ import annotations

import html
import numbers
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from babel.dates import format_date

from dashboard.table_style import WRITERS, styled
from tracker.figures.listed_values import in_reader_words
from tracker.figures.table_cells import EMPTY
from tracker.i18n import _, current

PRINT_ROWS_AT_MOST = 1_000  # beyond (an import's preview): the first ones, and a note saying so
_MOMENT = {"YYYY": "%Y", "MMM": "%b", "MM": "%m", "DD": "%d", "D": "%-d", "HH": "%H", "mm": "%M", "ss": "%S"}
_MOMENT_TOKEN = re.compile("|".join(sorted(_MOMENT, key=len, reverse=True)))
LONG_WORD = 24  # characters: a word longer (a web address) may be broken anywhere when printed
_PRINTF = re.compile(r"%(,)?(?:\.(\d+))?([dif])")


def show_table(
    data: Any,
    *,
    column_config: Mapping[str, Any] | None = None,
    column_order: Iterable[str] | None = None,
    **dataframe: Any,
):
    """``st.dataframe(data, ...)`` (what it returns: a selection, with
    ``on_select``), its first shown column pinned, and the print copy of its rows."""
    if isinstance(data, pd.DataFrame):
        data = in_reader_words(data)  # closed lists' values in the reader's language (as stored in English)
    frame = _frame(data)
    config = dict(column_config or {})
    columns = _shown_columns(frame, config, column_order)
    if columns:
        config[columns[0]] = _pinned(config.get(columns[0]))
    dataframe.setdefault("placeholder", EMPTY)
    # Money and shares written the one way (-£330,000.00, 93.0%): text for the screen, numbers to sort by.
    on_screen, screen_config = styled(data, config) if isinstance(data, pd.DataFrame) else (data, config)
    shown = st.dataframe(
        on_screen,
        column_config=screen_config,
        column_order=list(column_order) if column_order is not None else None,
        **dataframe,
    )
    st.html(print_table(frame, columns, config, placeholder=dataframe["placeholder"]))
    return shown


def edit_table(
    data: pd.DataFrame,
    *,
    column_config: Mapping[str, Any],
    column_order: Iterable[str],
    key: str,
    **editor: Any,
) -> pd.DataFrame:
    """``st.data_editor(data, ...)`` (what it returns: the rows as edited), its
    first shown column pinned, and the print copy of the rows as given (a
    person prints what they are reviewing: the drafts before their edits are saved)."""
    config = dict(column_config)
    columns = _shown_columns(data, config, column_order)
    if columns:
        config[columns[0]] = _pinned(config.get(columns[0]))
    edited = st.data_editor(data, column_config=config, column_order=list(column_order), key=key, **editor)
    st.html(print_table(data, columns, config, placeholder=EMPTY))
    return edited


def print_table(frame: pd.DataFrame, columns: list[Any], config: Mapping[Any, Any], placeholder: str = "—") -> str:
    """The HTML for printing ``columns`` of ``frame``: headings and values as the dataframe shows them."""
    heads = "".join(f"<th>{html.escape(_label(column, config.get(column)))}</th>" for column in columns)
    rows = frame[columns].head(PRINT_ROWS_AT_MOST)
    kinds = [_type_config(config.get(column)) for column in columns]
    body = "".join(
        "<tr>" + "".join(_td(cell(value, kind, placeholder), kind) for value, kind in zip(row, kinds)) + "</tr>"
        for row in rows.itertuples(index=False, name=None)
    )
    more = (
        '<p class="print-note">'
        + html.escape(
            _(
                "Printed: the first {shown} of {total} rows.",
                shown=format(PRINT_ROWS_AT_MOST, ","),
                total=format(len(frame), ","),
            )
        )
        + "</p>"
        if len(frame) > PRINT_ROWS_AT_MOST
        else ""
    )
    return (
        f'<div class="print-only"><table class="print-table">'
        f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>{more}</div>"
    )


def _td(said: str, kind: Mapping[str, Any]) -> str:
    if kind.get("type") == "number":
        shape = ' class="number"'  # kept on one line
    elif any(len(word) > LONG_WORD for word in said.split()):
        shape = ' class="long"'
    else:
        shape = ""
    return f"<td{shape}>{html.escape(said)}</td>"


def cell(value: Any, kind: Mapping[str, Any], placeholder: str = "—") -> str:
    """One value as the dataframe's column ``kind`` (its ``type_config``) writes it."""
    if _missing(value):
        return placeholder
    shape, form = kind.get("type"), kind.get("format")
    if shape == "checkbox" or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(one) for one in value)
    if isinstance(value, (datetime, date)) and isinstance(form, str):
        return _moment(value, form)
    if isinstance(value, (numbers.Real, Decimal)) and isinstance(form, str):
        return _number(value, form)
    return str(value)


def _moment(value: date, form: str) -> str:
    """A date or time in a dataframe's format ("D MMM YYYY"), the month's short
    name in the language in use (Babel's CLDR data: ``Mar``, ``Maw``)."""

    def said(token: re.Match) -> str:
        if token.group() == "MMM":
            return format_date(value, "MMM", locale=current())
        return value.strftime(_MOMENT[token.group()])

    return _MOMENT_TOKEN.sub(said, form)


def _number(value: Any, form: str) -> str:
    """``form``: one of Streamlit's named formats, or printf-style ("%d"); money and
    shares as the screen writes them (``table_style``)."""
    if form in WRITERS:
        return WRITERS[form](value)
    found = _PRINTF.search(form)
    if found is None:
        return format(value, ",")
    commas, places, letter = found.groups()
    spec = f"{commas or ''}.{places or 6}f" if letter == "f" else f"{commas or ''}d"
    number = value if letter == "f" else int(value)
    return form[: found.start()] + format(number, spec) + form[found.end() :]


def _missing(value: Any) -> bool:
    if isinstance(value, (list, tuple, dict, set)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    inner = getattr(data, "data", None)  # a pandas Styler
    if isinstance(inner, pd.DataFrame):
        return inner
    return pd.DataFrame(data)


def _shown_columns(frame: pd.DataFrame, config: Mapping[Any, Any], order: Iterable[Any] | None) -> list[Any]:
    wanted = list(order) if order is not None else list(frame.columns)
    return [column for column in wanted if column in frame.columns and not _hidden(config, column)]


def _hidden(config: Mapping[Any, Any], column: Any) -> bool:
    return column in config and config[column] is None


def _label(column: Any, said: Any) -> str:
    if isinstance(said, str):
        return said
    if isinstance(said, Mapping) and said.get("label"):
        return str(said["label"])
    return str(column)


def _type_config(said: Any) -> Mapping[str, Any]:
    return said.get("type_config") or {} if isinstance(said, Mapping) else {}


def _pinned(said: Any) -> Any:
    if isinstance(said, Mapping):
        return {**said, "pinned": True}
    return st.column_config.Column(said if isinstance(said, str) else None, pinned=True)
