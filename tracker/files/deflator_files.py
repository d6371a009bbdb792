"""A deflator release's file: its bytes read under ``limits.MAX_DEFLATOR_BYTES``
and decoded as every CSV the tracker reads is (``tabular.csv_text``: UTF-8 with
or without a byte-order mark, Excel's Windows-1252, UTF-16 with its mark).
What the text must hold is ``tracker.core.deflators.read_release``'s rule."""

from __future__ import annotations

from pathlib import Path

from tracker.files import limits
from tracker.files.tabular import DataError, Problem, csv_text
from tracker.i18n import _


def _too_big() -> DataError:
    most = limits.MAX_DEFLATOR_BYTES
    return DataError(
        [
            Problem(
                None,
                None,
                None,
                _(
                    "is larger than {most} KB, the most a deflator release may be: expected a CSV financial_year,index",
                    most=format(most // 1024, ","),
                ),
            )
        ]
    )


def deflator_text(data: bytes) -> str:
    """The text of a deflator file's bytes; ``DataError`` if it is too big or not CSV text."""
    if len(data) > limits.MAX_DEFLATOR_BYTES:
        raise _too_big()
    return csv_text(data)


def read_deflator_file(path: str | Path) -> str:
    """The text of a deflator file on disk, never reading more than the limit allows."""
    with open(path, "rb") as stream:
        data = stream.read(limits.MAX_DEFLATOR_BYTES + 1)
    return deflator_text(data)
