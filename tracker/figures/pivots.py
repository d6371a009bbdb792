"""Committed money by commitment, recipient, programme, funder or area per
financial year: the pivots of the Finance tables and the workbook.

Money with no stated year is its own column, ``unphased``, after the years.
Recipients and funders are organisations, not names: two organisations
sharing a name are two rows, each with its identifier. Money naming several
areas is under each area in full, so the area rows add up to more than the
Total row, which counts every pound once (and says so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.figures.areas import NOT_STATED as AREA_NOT_STATED
from tracker.figures.areas import SHARED_NOTE, area_rows, kept_area_rows
from tracker.figures.data import TrackerData
from tracker.figures.table_cells import (
    COMMITTED_NOTE,
    ESTIMATED_NOTE,
    TOTAL,
    UNPHASED_NOTE,
    UNPHASED_WORD,
    cell_words,
    pence_cells,
    text_cells,
    year_labels,
    year_span,
)
from tracker.figures.totals import NO_VALUE, NOT_STATED, ORGANISATION_KEYS
from tracker.files.table import Table
from tracker.i18n import N_, _

PIVOT_ROWS = ("commitment", "recipient", "programme", "funder", "area")
PIVOT_TITLES = {
    "commitment": N_("Committed by commitment"),
    "recipient": N_("Committed by recipient"),
    "programme": N_("Committed by programme"),
    "funder": N_("Committed by funder"),
    "area": N_("Committed by area"),
}
_LABEL_TITLES = {
    "ref": N_("Ref"),
    "purpose": N_("Purpose"),
    "recipient": N_("Recipient"),
    "recipient_id": N_("Recipient ID"),
    "programme": N_("Programme"),
    "funder": N_("Funder"),
    "funder_id": N_("Funder ID"),
    "area": N_("Area code"),
    "area_name": N_("Area"),
}


def _last(name: str) -> tuple[bool, str, str]:
    """Sort key: named groups by name, "(none)" and "not stated" lines last."""
    blank = name in (NO_VALUE, *NOT_STATED.values()) or name.endswith("not stated")
    return (blank, name.casefold(), name)


def _rows(data: TrackerData, rows: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labels: one row per pivot row; members: ``commitment_id, row`` pairs,
    a commitment in several rows only for areas)."""
    commitments = data.commitments
    ids = commitments["commitment_id"].astype("int64").to_numpy()
    if rows == "commitment":
        labels = pd.DataFrame({c: text_cells(commitments[c]) for c in ("ref", "purpose", "recipient")})
        return labels, pd.DataFrame({"commitment_id": ids, "row": np.arange(len(ids))})
    if rows == "area":
        areas = area_rows(commitments)
        names = dict(zip(areas["area"], areas["area_name"]))
        codes = sorted(names, key=lambda code: _last(names[code]))
        labels = pd.DataFrame({"area": codes, "area_name": [names[c] if names[c] != c else "" for c in codes]})
        position = {c: i for i, c in enumerate(codes)}
        return labels, pd.DataFrame(
            {"commitment_id": areas["commitment_id"].astype("int64"), "row": areas["area"].map(position)}
        )
    names = pd.Series(text_cells(commitments[rows]), index=ids).replace("", NOT_STATED.get(rows, NO_VALUE))
    keys = ORGANISATION_KEYS.get(rows)
    if keys is not None and keys[0] in commitments:
        identifiers = pd.Series(text_cells(commitments[keys[1]]), index=ids)
        org = commitments[keys[0]]
        group = pd.Series([f"org:{int(o)}" if pd.notna(o) else f"name:{n}" for o, n in zip(org, names)], index=ids)
        firsts = ~group.duplicated()
        found = pd.DataFrame(
            {"group": group[firsts].to_numpy(), rows: names[firsts].to_numpy(), keys[1]: identifiers[firsts].to_numpy()}
        )
        found = found.sort_values([rows, keys[1]], key=lambda c: c.map(_last) if c.name == rows else c, kind="stable")
        position = {g: i for i, g in enumerate(found["group"])}
        labels = found[[rows, keys[1]]].reset_index(drop=True)
        return labels, pd.DataFrame({"commitment_id": ids, "row": group.map(position).to_numpy()})
    ordered = sorted(set(names), key=_last)
    position = {n: i for i, n in enumerate(ordered)}
    return pd.DataFrame({rows: ordered}), pd.DataFrame({"commitment_id": ids, "row": names.map(position).to_numpy()})


def pivot(data: TrackerData, rows: str) -> pd.DataFrame:
    """Committed money: ``rows`` x financial year, with a Total column and row.

    ``rows`` is ``commitment`` (labelled by ``ref``, ``purpose`` and
    ``recipient``), ``recipient`` or ``funder`` (the organisation's name and
    identifier), ``programme`` or ``area`` (code and name). Year columns are
    labelled ``2020-21`` and run from the first to the last year with money,
    zero-filled, then ``unphased`` when some money has no year. Every visible
    commitment (or group) has a row, so a re-announcement shows as zeros.
    Groups are in name order, blank lines last; commitments in announcement
    order. The Total row counts every pound once. Money is int64 pence.
    """
    if rows not in PIVOT_ROWS:
        raise ValueError(f"rows must be one of {', '.join(PIVOT_ROWS)}, not {rows!r}")
    schedule = data.schedule
    counted = schedule.loc[schedule["committed_pence"] != 0]
    years = year_span(counted["financial_year"].unique())
    labels, members = _rows(data, rows)
    placed = counted[["commitment_id", "financial_year", "committed_pence"]].merge(members, on="commitment_id")
    year_index = {y: j for j, y in enumerate(years)}
    grid = np.zeros((len(labels), len(years)), np.int64)
    if len(placed):
        np.add.at(
            grid,
            (placed["row"].to_numpy(dtype=np.int64), placed["financial_year"].map(year_index).to_numpy(dtype=np.int64)),
            pence_cells(placed["committed_pence"]),
        )
    columns = year_labels(years)
    money = pd.DataFrame(grid, columns=columns, dtype="int64")
    money[TOTAL] = grid.sum(axis=1, dtype=np.int64)
    body = pd.concat([labels.reset_index(drop=True), money], axis=1)
    # Every pound once: straight from the schedule, not the rows (an area row may share money).
    whole = counted.groupby("financial_year")["committed_pence"].sum()
    total: dict[str, object] = {c: "" for c in labels.columns}
    total[labels.columns[0]] = TOTAL
    total.update({label: int(whole.get(y, 0)) for y, label in zip(years, columns)})
    total[TOTAL] = int(counted["committed_pence"].sum())
    frame = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    return frame.astype({c: "int64" for c in money.columns})


def pivot_table(data: TrackerData, rows: str) -> Table:
    """``pivot(data, rows)`` as a ``Table``, in the language in use."""
    frame = pivot(data, rows)
    labels = [c for c in frame.columns if c in _LABEL_TITLES]
    money = [c for c in frame.columns if c not in _LABEL_TITLES]
    # Years read the same in every language; "unphased" and "Total" do not.
    titles = {c: _(_LABEL_TITLES[c]) for c in labels} | {c: _(c) if c in (TOTAL, UNPHASED_WORD) else c for c in money}
    notes: tuple[str, ...] = (COMMITTED_NOTE,)
    if "unphased" in frame.columns:
        notes += (UNPHASED_NOTE,)
    schedule = data.schedule
    if "estimated" in schedule and bool(
        (schedule["estimated"].astype(bool) & (schedule["committed_pence"] != 0)).any()
    ):
        notes += (ESTIMATED_NOTE,)
    if rows == "area" and (kept_area_rows(data)["areas_named"] > 1).any():
        notes += (SHARED_NOTE,)
    unstated = (NO_VALUE, *NOT_STATED.values(), AREA_NOT_STATED)
    return Table(
        name=f"pivot-{rows}",
        title=_(PIVOT_TITLES[rows]),
        frame=frame,
        titles=titles,
        money_columns=tuple(money),
        total_row=True,
        notes=tuple(_(note) for note in notes),
        row_total=TOTAL,
        words={labels[0]: cell_words(TOTAL, *unstated)},
    )
