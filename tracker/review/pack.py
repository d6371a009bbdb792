"""The review pack: one meeting's frozen figures as files a reviewer can read
on paper or offline.

* ``html_pack(meeting, previous, source)`` (``tracker.review.pack_html``):
  ONE self-contained HTML file, from a Jinja2 template with autoescape on;
  plotly.js inlined once, nothing fetched, print CSS.
* ``xlsx_pack(meeting, previous, source)`` (``tracker.review.pack_xlsx``): the
  same tables as a workbook with an About sheet.
* ``write_pack(engine, held_on, out_dir, actor=..., language=...)``: writes
  ``review-pack-YYYY-MM-DD.html`` and ``.xlsx``, opening the meeting first
  (figures as at its own date) when none was held on that date.

A pack is written in the language in use when it is asked for
(``tracker.i18n``): the dashboard's download in the reader's language,
``funding-tracker review-pack --language cy`` in Welsh.

Everything reads the meeting's snapshot (``tracker.review.snapshot``), never
the live data, so a pack written today for last year's meeting shows what that
meeting saw.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from tracker.i18n import current, speaking
from tracker.records.permissions import Actor
from tracker.records.problems import ValidationFailed
from tracker.review import meetings as review
from tracker.review import recording
from tracker.review.meetings import Meeting
from tracker.review.pack_html import html_pack
from tracker.review.pack_real_terms import pack_prices
from tracker.review.pack_xlsx import xlsx_pack

__all__ = ["ensure_meeting", "html_pack", "pack_names", "source_of", "write_pack", "xlsx_pack"]


# --- files ---------------------------------------------------------------------------------


def pack_names(held_on: date) -> tuple[str, str]:
    stem = f"review-pack-{held_on.isoformat()}"
    return f"{stem}.html", f"{stem}.xlsx"


def ensure_meeting(engine: Engine, held_on: date, *, actor: Actor) -> tuple[Meeting, bool]:
    """The meeting held on ``held_on`` and whether it was opened just now
    (with its own date as the as-at date) because there was none."""
    found = review.meeting(engine, held_on)
    if found is not None:
        return found, False
    try:
        recording.open_meeting(held_on, held_on, engine=engine, actor=actor)
    except ValidationFailed:
        found = review.meeting(engine, held_on)  # opened by someone else in the meantime
        if found is None:
            raise
        return found, False
    found = review.meeting(engine, held_on)
    assert found is not None
    return found, True


def _write_atomically(path: Path, content: bytes) -> None:
    """Write beside ``path`` then rename, so a reader never sees half a file
    (the file gets the usual permissions, as ``open`` gives them)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def source_of(engine: Engine) -> str:
    from tracker.figures.data import describe_source

    return describe_source(engine.url.render_as_string(hide_password=False))


def write_pack(
    engine: Engine, held_on: date, out_dir: Path, *, actor: Actor, language: str | None = None
) -> list[Path]:
    """Write ``review-pack-YYYY-MM-DD.html`` and ``.xlsx`` into ``out_dir``
    (made if missing) for the meeting held on ``held_on``, opening it first
    if there is none; the paths written. The pack is in ``language`` (None:
    the language in use); a refusal to open the meeting is not."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be made opens no meeting
    found, _ = ensure_meeting(engine, held_on, actor=actor)
    previous = review.previous_meeting(engine, held_on)
    source = source_of(engine)
    html_name, xlsx_name = pack_names(held_on)
    with speaking(language or current()):
        prices = pack_prices(engine, found.as_at)
        files = (
            (html_name, html_pack(found, previous, source, prices)),
            (xlsx_name, xlsx_pack(found, previous, source, prices)),
        )
    written = []
    for name, content in files:
        path = out_dir / name
        _write_atomically(path, content)
        written.append(path)
    return written
