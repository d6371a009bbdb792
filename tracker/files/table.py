"""A table as the writers take it: a DataFrame with machine column names plus
what a person needs to read it.

``tracker.files.exports`` writes a ``Table`` as CSV or XLSX; the finance
tables (``tracker.figures.finance_tables``), the register, the audit trail
and the review pack build them. Money columns hold int64 pence, never float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Table:
    """A finance table and how to present it.

    ``frame`` has machine column names (the CSV header); ``titles`` maps every
    column, in order, to its heading for people (the dashboard and the XLSX
    header). Money columns hold int64 pence; percent columns hold a ratio
    (0.5 is 50%), NaN where there is nothing to divide by. Missing values
    (NaN, ``pd.NA``, None) are written as empty cells. With ``total_row``
    the frame's last row is the total of the rows above.

    A table is made in the language in use: ``title``, ``titles`` and
    ``notes`` are in it. The frame is not: it is what a CSV holds, the same in
    every language, so the words the tracker writes into its cells stay in
    English there (``Total``, ``unphased``), and ``words`` gives, by column,
    each such word as the screen and the XLSX show it (``shown``).
    """

    name: str  # e.g. "pivot-recipient": the CLI's name for it and a file name
    title: str  # e.g. "Committed by recipient": a heading and the XLSX sheet name
    frame: pd.DataFrame  # money: int64 (or nullable Int64) pence
    titles: Mapping[str, str]
    money_columns: tuple[str, ...] = ()
    percent_columns: tuple[str, ...] = ()
    total_row: bool = False
    notes: tuple[str, ...] = ()  # what a reader needs to know, e.g. what committed means
    row_total: str | None = None
    running_totals: Mapping[str, str] = field(default_factory=dict)
    ratios: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # column -> {word in frame: as shown}

    def __post_init__(self) -> None:
        columns = list(self.frame.columns)
        if list(self.titles) != columns:
            raise ValueError(f"{self.name}: titles must name every column in order: {columns}")
        for column in self.money_columns:
            dtype = self.frame[column].dtype
            if not pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
                raise TypeError(f"{self.name}: money column {column!r} must hold integer pence, not {dtype}")
        for column in self.percent_columns:
            if column not in self.frame.columns:
                raise ValueError(f"{self.name}: no percent column {column!r}")
        if self.total_row and self.frame.empty:
            raise ValueError(f"{self.name}: a table with a total row needs that row")
        derived = [self.row_total] if self.row_total else []
        derived += [c for pair in self.running_totals.items() for c in pair]
        derived += [c for pair in self.ratios.values() for c in pair]
        for column in derived:
            if column not in self.money_columns:
                raise ValueError(f"{self.name}: {column!r} is worked out from money, so must be a money column")
        for column in self.ratios:
            if column not in self.percent_columns:
                raise ValueError(f"{self.name}: the ratio {column!r} must be a percent column")
        for column in self.words:
            if column not in columns or column in self.money_columns or column in self.percent_columns:
                raise ValueError(f"{self.name}: words are for the text column {column!r}, which it must have")

    @property
    def body(self) -> pd.DataFrame:
        """The rows without the total row."""
        return self.frame.iloc[:-1] if self.total_row else self.frame

    @property
    def total(self) -> pd.Series | None:
        return self.frame.iloc[-1] if self.total_row else None

    def shown(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """``frame`` (some rows of this table's; else all of them) with the
        tracker's words in its cells as people read them (``words``)."""
        frame = self.frame if frame is None else frame
        changed = {
            column: [words.get(value, value) if isinstance(value, str) else value for value in frame[column]]
            for column, words in self.words.items()
            if column in frame.columns and any(word != said for word, said in words.items())
        }
        return frame.assign(**changed) if changed else frame

    def titled(self) -> pd.DataFrame:
        """The frame with people's headings and words, e.g. for ``st.dataframe``."""
        return self.shown().rename(columns=dict(self.titles))
