"""Cells of the finance tables: text, pence and financial-year columns built
the one way every table (and so every export) writes them, and the notes
that say what "committed" means.

The words the tracker itself writes into cells (``Total``, ``unphased``,
``estimated``) stay in English in a table's frame, which a CSV is written
from; ``cell_words`` gives them in the language in use for the screen and the
XLSX (``tracker.files.table.Table.words``). The notes are marked for the
message catalogue: say them with ``_(note)``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.i18n import N_, _

TOTAL = N_("Total")
UNPHASED_WORD = N_("unphased")  # what fy_label writes for UNPHASED
ESTIMATED_WORD = N_("estimated")  # a schedule row placed by a chosen spread
EMPTY = "—"  # a value that is not there, on screen: a dash, never "None" or "nan"


def percent(share: float | None) -> str:
    """A share as every page, sentence and pack writes it: one decimal place
    ("93.0%"); a share of nothing is the dash."""
    if share is None or share != share:
        return EMPTY
    return f"{share:.1%}"


def pounds_cell(pounds) -> str:
    """Pounds as every table on screen writes them: ``£1,234.50``, ``-£330,000.00``
    (the sign before the pound sign, never brackets). ``pounds`` is an exact
    ``Decimal`` of pence / 100 (or whole pounds)."""
    sign = "-" if pounds < 0 else ""
    return f"{sign}£{abs(pounds):,.2f}"


# What "committed" means, said once for every table that shows it.
COMMITTED_NOTE = N_(
    "Committed counts every pound once: a re-announcement once, a share inside its pot; "
    "'over' amounts count at their floor and 'up to' amounts at their ceiling. "
    "New money leaves out money announced before."
)
UNPHASED_NOTE = N_(
    "Unphased is money whose financial year was not stated (and undated deliveries): counted in every total."
)
ESTIMATED_NOTE = N_("Estimated is the part of committed money placed in years by a chosen spread, not as announced.")
ILLUSTRATIVE_NOTE = N_("Demo delivery figures are illustrative: no payment figures were published.")


def cell_words(*words: str) -> dict[str, str]:
    """Each of the tracker's own cell ``words`` (marked with ``N_``) as a person
    reads it in the language in use: ``{"Total": "Cyfanswm"}`` in Welsh."""
    return {word: _(word) for word in words}


def text_cells(values) -> list[str]:
    """Text cells with blanks (None, NaN) as empty strings."""
    return ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]


def pence_cells(values) -> np.ndarray:
    """Money cells: int64 pence (floats are refused, never rounded)."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        raise TypeError("money must be integer pence, not float")
    return array.astype(np.int64)


def year_labels(years) -> list[str]:
    """Financial-year labels (``unphased`` for ``UNPHASED``); blank where there is no year."""
    return ["" if pd.isna(y) else fy_label(int(y)) for y in years]


def optional_column(frame: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    """A column the loaded data carries beside the contract's (blank when a frame lacks it)."""
    if name not in frame:
        return pd.Series([default] * len(frame), dtype=object)
    return pd.Series(
        [default if v is None or (not isinstance(v, (str, tuple)) and pd.isna(v)) else v for v in frame[name]],
        dtype=object,
    )


def year_span(years) -> list[int]:
    """Every financial year from the first to the last given, then ``UNPHASED`` if it is given."""
    years = {int(y) for y in years}
    phased = [y for y in years if y != UNPHASED]
    span = list(range(min(phased), max(phased) + 1)) if phased else []
    return span + ([UNPHASED] if UNPHASED in years else [])
