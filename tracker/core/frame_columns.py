"""Engine columns from the DataFrames the dashboard and reports read
(``tracker.figures.data``): one row per commitment, profile lines beside."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tracker.core.columns import CommitmentColumns
from tracker.core.fiscal import FinancialYear
from tracker.core.spread import SpreadError, spread


def _optional(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def columns_from_frame(commitments: pd.DataFrame, profile_lines: pd.DataFrame | None = None) -> CommitmentColumns:
    """Columns for the engine from a commitments DataFrame.

    Needs ``commitment_id, kind, amount_pence, first_year`` (start year, or
    missing when not stated), ``years`` (missing: one year), ``uplift_bp``,
    ``reannounces_id``; reads ``reannounces_earlier``, ``part_of_id``,
    ``spread`` and ``announced_on`` when present.
    """
    frame = commitments.reset_index(drop=True)
    ids = pd.Index(frame["commitment_id"].to_numpy())
    kind = frame["kind"]
    spread = _optional(frame, "spread", "none").fillna("none")
    spread_on = ((kind == "multi-year") & (spread != "none")).to_numpy(dtype=bool, copy=True)
    first_year = pd.to_numeric(frame["first_year"], errors="coerce")
    spread_lines = _spread_lines(frame, np.flatnonzero(spread_on), first_year)
    spread_on[spread_lines[3]] = False  # could not be spread (refused when recorded): stays unphased
    profiled = (kind == "profiled").to_numpy(dtype=bool) | spread_on
    multi = (kind == "multi-year").to_numpy(dtype=bool)
    phased = first_year.notna().to_numpy(dtype=bool) & ~(multi & ~spread_on) | profiled
    years = pd.to_numeric(frame["years"], errors="coerce").fillna(1).to_numpy(dtype=np.int64)
    years = np.where(multi, 1, years)
    reannounces = frame["reannounces_id"]
    restates = reannounces.notna().to_numpy(dtype=bool)
    target = _rows(ids, reannounces)
    part_of = _rows(ids, _optional(frame, "part_of_id", None))
    earlier = _optional(frame, "reannounces_earlier", False).fillna(False).to_numpy(dtype=bool)
    rank = _announced_order(frame) if (target >= 0).any() else None  # orders re-announcements only
    profile_row = profile_year = profile_amount = np.zeros(0, np.int64)
    if profile_lines is not None and len(profile_lines):
        rows = _rows(ids, profile_lines["commitment_id"])
        lines = profile_lines[rows >= 0]
        profile_row = rows[rows >= 0]
        profile_year = lines["financial_year"].to_numpy(dtype=np.int64)
        profile_amount = lines["amount_pence"].to_numpy(dtype=np.int64)
    if len(spread_lines[0]):
        spread_row, spread_year, spread_amount = spread_lines[:3]
        profile_row = np.concatenate([profile_row, spread_row])
        profile_year = np.concatenate([profile_year, spread_year])
        profile_amount = np.concatenate([profile_amount, spread_amount])
    return CommitmentColumns.build(
        start_year=first_year.fillna(0).to_numpy(dtype=np.int64),
        years=years,
        amount=frame["amount_pence"].to_numpy(dtype=np.int64),
        uplift_bp=frame["uplift_bp"].to_numpy(dtype=np.int64),
        restates=restates,
        profiled=profiled,
        profile_row=profile_row,
        profile_year=profile_year,
        profile_amount=profile_amount,
        phased=phased,
        estimated=spread_on,
        earlier=earlier,
        reannounces=target,
        part_of=part_of,
        order=rank,
    )


def _announced_order(frame: pd.DataFrame) -> np.ndarray:
    """Each row's place in the order announced (the undated first, as 1970), then as the rows stand."""
    announced = pd.to_datetime(_optional(frame, "announced_on", None), errors="coerce")
    order = np.lexsort((np.arange(len(frame)), announced.isna().to_numpy(), announced.fillna(pd.Timestamp(0))))
    rank = np.empty(len(frame), np.int64)
    rank[order] = np.arange(len(frame))
    return rank


def _rows(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """The row of each id in ``values`` (-1: none, or not among ``ids``)."""
    if ids.is_unique:
        found: np.ndarray = ids.get_indexer(values).astype(np.int64)
        return found
    position = {cid: i for i, cid in enumerate(ids)}  # the last row of an id given twice
    mapped: np.ndarray = values.map(position).fillna(-1).to_numpy(dtype=np.int64)
    return mapped


def _spread_lines(
    frame: pd.DataFrame, rows: np.ndarray, first_year: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The estimated years of the multi-year rows spread on purpose."""
    out_row: list[int] = []
    out_year: list[int] = []
    out_amount: list[int] = []
    failed: list[int] = []
    picked = [int(i) for i in rows]

    def column(name: str) -> list[Any]:
        return frame[name].iloc[picked].tolist() if name in frame else [None] * len(picked)

    for i, how, amount, fy, years, start, end in zip(
        picked,
        column("spread"),
        column("amount_pence"),
        first_year.iloc[picked].tolist(),
        column("years"),
        column("planned_start"),
        column("planned_end"),
    ):
        try:
            lines = spread(
                str(how),
                int(amount),
                first_year=FinancialYear(int(fy)) if pd.notna(fy) else None,
                years=int(years) if pd.notna(years) else None,
                planned_start=_day(start),
                planned_end=_day(end),
            )
        except SpreadError:
            failed.append(i)
            continue
        for year, pence in lines:
            out_row.append(i)
            out_year.append(year.start_year)
            out_amount.append(pence)
    return (
        np.asarray(out_row, np.int64),
        np.asarray(out_year, np.int64),
        np.asarray(out_amount, np.int64),
        np.asarray(failed, np.int64),
    )


def _day(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value if isinstance(value, date) else pd.Timestamp(value).date()
