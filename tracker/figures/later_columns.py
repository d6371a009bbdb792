"""The columns a load leaves for later: each delivery's kind and note, and
each announcement's quoted words.

No page shows them on first view (the Overview needs none of them), and at
the size of real data they are a good part of what a load reads. The pages
and exports that show them ask ``TrackerData.deliveries_in_full`` and
``TrackerData.commitments_with_quotes`` (``tracker.figures.data``), which read
them here once for the load and every view narrowed from it, typed as the
whole load would have typed them.
"""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from tracker.figures import reading

DELIVERY_TEXT = ["kind", "note"]
QUOTE = "quote"
IN_WELSH = ["title_cy", "quote_cy"]  # the announcement's title and quoted words in Welsh, when recorded
HEADLINE = "headline"  # the announcement's headline claim, as stated


class LaterColumns:
    """What a load left out, read from the same database for the same date when first asked."""

    def __init__(self, engine: Engine, as_at: date | None) -> None:
        self._engine = engine
        self._as_at = as_at
        self._lock = threading.Lock()  # the dashboard's sessions share a load
        self._read: dict[str, pd.DataFrame] = {}

    def deliveries(self, deliveries: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """``deliveries`` (a load's, or a view's rows of it) with their kind and
        note, as ``columns``."""
        text = self._text("deliveries", "delivery_id", DELIVERY_TEXT)
        return _joined(deliveries, "delivery_id", text, columns)

    def commitments(self, commitments: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """``commitments`` with their announcement's quoted words (and its Welsh title
        and quote, and its headline claim), as ``columns``."""
        text = self._text("commitments", "commitment_id", [QUOTE, *IN_WELSH, HEADLINE])
        return _joined(commitments, "commitment_id", text, columns)

    def _text(self, table: str, key: str, names: list[str]) -> pd.DataFrame:
        with self._lock:
            if table not in self._read:
                self._read[table] = self._read_text(table, key, names)
            return self._read[table]

    def _read_text(self, table: str, key: str, names: list[str]) -> pd.DataFrame:
        # Every row the load saw (the same query, unsorted), so each column is
        # typed by the same values.
        visible = reading.visible_deliveries if table == "deliveries" else reading.visible_commitments
        with self._engine.connect() as connection:
            found = reading.frame(connection, visible([key, *names], self._as_at, ordered=False), [key, *names])
        return found.set_index(key)


def _joined(frame: pd.DataFrame, key: str, text: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    rows = text.reindex(frame[key].to_numpy())
    added = {name: pd.Series(rows[name].array, index=frame.index, dtype=text[name].dtype) for name in text.columns}
    return frame.assign(**added)[columns]
