"""The review pack as a workbook: the pack's tables (``tracker.review.pack_model``)
written by ``tracker.files.exports.to_xlsx_bytes`` (money as numbers in £
format, bold frozen headings, text neutralised for Excel), with an About sheet
saying which meeting, when and from what. Sheet names, headings and the About
sheet are in the language in use (nothing reads a sheet by its name); the
cells hold the same numbers and data in every language."""

from __future__ import annotations

from tracker.figures.real_terms import Prices
from tracker.files.exports import to_xlsx_bytes
from tracker.i18n import _
from tracker.review import changes as review_changes
from tracker.review.meetings import Meeting
from tracker.review.pack_model import (
    Pack,
    changes_table,
    commitments_table,
    milestones_table,
    statuses_table,
    yearly_table,
)
from tracker.review.pack_real_terms import year_on_year_table


def xlsx_pack(meeting: Meeting, previous: Meeting | None, source: str, prices: Prices | None = None) -> bytes:
    """The meeting's tables as a workbook, with an About sheet; with ``prices`` (real terms), a sheet of
    its years in cash and real terms, and the About sheet naming the release and base year."""
    pack = Pack(meeting, previous, source)
    found = pack.changes
    about = pack.about()
    about[_("Since the last review")] = review_changes.movement_sentence(found)
    new_money = pack.new_money_since()
    if new_money is not None:
        about[_("New money since the last review")] = new_money
    year_on_year = year_on_year_table(pack.figures, prices) if prices is not None else None
    if prices is not None and prices.release is not None and prices.base is not None:
        about[_("Deflator release")] = prices.release.name
        about[_("Base year")] = prices.base.label
    tables = [
        yearly_table(pack.figures),
        *([year_on_year] if year_on_year is not None else []),
        commitments_table(pack),
        milestones_table(pack.figures),
        statuses_table(pack.meeting.statuses()),
        changes_table(found),
    ]
    return to_xlsx_bytes(tables, about)
