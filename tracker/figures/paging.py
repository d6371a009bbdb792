"""Long lists shown a page at a time: the screen sends what a person can
read, not the whole table (the browser and the server both slow down with
every row sent). Searching and filtering narrow the list; the page number
moves through it; downloads still hold every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tracker.i18n import _

PAGE_SIZE = 100  # rows a table shows at once


@dataclass(frozen=True)
class Page:
    """Rows ``first`` to ``last`` (0-based, ``last`` excluded) of ``total``:
    page ``number`` of ``count``."""

    number: int
    count: int
    first: int
    last: int
    total: int

    @property
    def is_whole(self) -> bool:
        """Everything fits on one page: no page control is needed."""
        return self.count <= 1

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.iloc[self.first : self.last]

    def caption(self, many: str) -> str:
        """``Showing 101-200 of 100,000 announcements.``; all of them: ``12 announcements.``
        ``many`` is what the rows are, already in the language in use (``_("announcements")``)."""
        if self.is_whole:
            return _("{total} {many}.", total=format(self.total, ","), many=many)
        return _(
            "Showing {first}–{last} of {total} {many}.",
            first=format(self.first + 1, ","),
            last=format(self.last, ","),
            total=format(self.total, ","),
            many=many,
        )


def page_of(total: int, number: int | None, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (1-based; out of range is the nearest page) of ``total`` rows."""
    count = max(1, -(-total // size))
    number = min(max(1, number or 1), count)
    first = (number - 1) * size
    return Page(number, count, first, min(first + size, total), total)


def page_holding(values: pd.Series, wanted: object, size: int = PAGE_SIZE) -> int | None:
    """The page (1-based) on which ``wanted`` is listed in ``values``; None when it is not."""
    found = np.flatnonzero(values.to_numpy() == wanted)
    return int(found[0]) // size + 1 if len(found) else None


PICK_AT_MOST = 100  # choices a picker lists at once


def matching(
    options: Mapping[Any, str] | Sequence[str], text: str | None, keep: Any = None, limit: int = PICK_AT_MOST
) -> tuple[list, int]:
    """The first ``limit`` options (a mapping's keys, matched on their labels;
    or plain strings, matched on themselves) that contain ``text`` (ignoring
    case), with ``keep`` (the current choice) always among them; and how many
    match in all."""
    needle = (text or "").strip().casefold()
    labelled = options.items() if isinstance(options, Mapping) else zip(options, options)
    found = [key for key, label in labelled if needle in label.casefold()] if needle else list(options)
    listed = found[:limit]
    if keep is not None and keep not in listed and keep in options:
        listed.insert(0, keep)
    return listed, len(found)
