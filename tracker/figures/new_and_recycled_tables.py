"""New versus recycled as tables, a chart's steps and its sentence: what the New and
recycled page shows and downloads (``tracker.figures.new_and_recycled`` works the
figures out). Money stays int64 pence in files; a page shows exact pounds.

CSV headers are English machine names (``financial_year``, ``headline``, ``new``,
``restated``, ``earlier``, ``pot_share``, ``rise_or_cut``, ``new_money``); titles,
notes and the unphased row's word are in the reader's language on screen and in the XLSX.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from tracker.core.fiscal import UNPHASED_LABEL
from tracker.core.money import format_pounds, to_decimal
from tracker.figures.chart_tables import ChartTable
from tracker.figures.new_and_recycled import COLUMNS, PART_NAMES, PARTS, Breakdown
from tracker.files.exports import to_xlsx_bytes
from tracker.files.table import Table
from tracker.i18n import N_, _, speaking

NOTE = N_(
    "Headline: every commitment's money as recorded, a pot and its shares both in full. It is split into new "
    "commitments, re-announcements of money recorded here (at the amount they restate), money announced before "
    "but not recorded, money counted in a pot and in its share, and the rise (or, negative, the cut) a "
    "re-announcement makes. The parts add up to the headline; new money is new commitments plus the rise or cut."
)
LEADS = {
    "by-year": ("financial_year", N_("Financial year")),
    "by-funder": ("funder", N_("Funder")),
    "by-announcement": ("announcement_ref", N_("Announcement")),
}
TITLES = {
    "by-year": N_("New and recycled by financial year"),
    "by-funder": N_("New and recycled by funder"),
    "by-announcement": N_("New and recycled by announcement"),
}


def export_table(name: str, frame: pd.DataFrame) -> Table:
    """One of ``by-year``, ``by-funder``, ``by-announcement`` (``frame`` from
    ``by_year``, ``by_funder``, ``by_announcement``) as a finance table."""
    lead, heading = LEADS[name]
    out = frame.assign(financial_year=frame["label"]) if name == "by-year" else frame
    out = out[[lead, *COLUMNS]].reset_index(drop=True)
    titles = {lead: _(heading), **{c: _(PART_NAMES[c]) for c in COLUMNS}}
    words = {"financial_year": {UNPHASED_LABEL: _("unphased")}} if name == "by-year" else {}
    return Table(
        name=f"new-and-recycled-{name}",
        title=_(TITLES[name]),
        frame=out,
        titles=titles,
        money_columns=tuple(COLUMNS),
        notes=(_(NOTE),),
        words=words,
    )


def workbook(frames: Mapping[str, pd.DataFrame], about: Mapping[str, str], language: str) -> bytes:
    """The three tables as one XLSX workbook (then About), written in ``language``."""
    with speaking(language):
        return to_xlsx_bytes([export_table(name, frame) for name, frame in frames.items()], about)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a page: money as exact ``Decimal`` pounds, a year's label in words."""
    out = frame.assign(**{c: [to_decimal(int(p)) for p in frame[c]] for c in COLUMNS})
    if "label" in out:
        out = out.assign(label=[_("unphased") if label == UNPHASED_LABEL else label for label in out["label"]])
    return out


class Step(NamedTuple):
    """One bar of the waterfall: ``measure`` is Plotly's (absolute, relative, total)."""

    name: str
    measure: str
    pence: int


def steps(found: Breakdown) -> list[Step]:
    """From the headline to new money: the headline, each recycled part taken away
    (as a negative step), then new money (a total, the rise or cut included)."""
    return [
        Step(_(PART_NAMES["headline"]), "absolute", found.headline),
        Step(_(PART_NAMES["restated"]), "relative", -found.restated),
        Step(_(PART_NAMES["earlier"]), "relative", -found.earlier),
        Step(_(PART_NAMES["pot_share"]), "relative", -found.pot_share),
        Step(_(PART_NAMES["new_money"]), "total", found.new_money),
    ]


def chart_table(found: Breakdown) -> ChartTable:
    """The waterfall as a table: each step and the running figure after it."""
    rows = steps(found)
    running, after = 0, []
    for step in rows:
        running = step.pence if step.measure != "relative" else running + step.pence
        after.append(running)
    frame = pd.DataFrame({"step": [s.name for s in rows], "pence": [s.pence for s in rows], "after": after})
    return ChartTable(
        frame,
        {"step": _("Step"), "pence": _("Amount"), "after": _("Running figure")},
        money=frozenset({"pence", "after"}),
    )


def summary(found: Breakdown) -> str:
    """The chart's sentence: the headline, what is taken away, and the new money left."""
    text = _(
        "From a headline of {headline}: {restated} re-announces money recorded here, {earlier} was announced before "
        "and is not recorded, and {pot_share} is counted in a pot and in its share, leaving {new_money} of new "
        "money.",
        headline=format_pounds(found.headline),
        restated=format_pounds(found.restated),
        earlier=format_pounds(found.earlier),
        pot_share=format_pounds(found.pot_share),
        new_money=format_pounds(found.new_money),
    )
    if found.rise_or_cut > 0:
        text += " " + _("That includes a rise of {rise} on re-announcements.", rise=format_pounds(found.rise_or_cut))
    elif found.rise_or_cut < 0:
        text += " " + _("That is after a cut of {cut} on re-announcements.", cut=format_pounds(-found.rise_or_cut))
    return text


def parts_rows(found: Breakdown) -> pd.DataFrame:
    """One announcement's breakdown for its page: each part (``part``, in words) and its
    ``amount`` in exact pounds, the headline first and the new money last."""
    names = ["headline", *PARTS, "new_money"]
    amounts = [found.headline, *found.parts.values(), found.new_money]
    return pd.DataFrame({"part": [_(PART_NAMES[n]) for n in names], "amount": [to_decimal(p) for p in amounts]})
