"""A list of the announcements some commitments belong to: an organisation's
page (those it made) and an area's (those with money naming it) both show one.

``announcements_of(commitments, committed)``: one row per announcement,
earliest first (undated last, then by ref): ``ref``, ``announced_on``,
``title``, ``funder``, ``address`` (its page, ``/announcements?ref=A1``) and,
given each commitment's committed money (pence, by ``commitment_id``),
``committed``: the sum over the commitments listed, so over the page's own
share of the announcement, not the announcement's whole.
"""

from __future__ import annotations

import pandas as pd

from tracker.figures.view_links import record_addresses

COLUMNS = ["ref", "announced_on", "title", "funder", "address"]


def announcements_of(commitments: pd.DataFrame, committed: pd.Series | None = None) -> pd.DataFrame:
    """The announcements of ``commitments`` (frames of ``TrackerData.commitments``'s columns)."""
    first = commitments.drop_duplicates("announcement_ref")
    frame = pd.DataFrame(
        {
            "ref": first["announcement_ref"].to_numpy(dtype=object),
            "announced_on": first["announced_on"].to_numpy(dtype=object),
            "title": first["title"].to_numpy(dtype=object),
            "funder": first["funder"].to_numpy(dtype=object),
        }
    )
    frame["address"] = record_addresses("announcements", "ref", frame["ref"])
    if committed is not None:
        by_commitment = pd.Series(
            commitments["commitment_id"].map(committed).fillna(0).to_numpy(dtype="int64"),
            index=commitments["announcement_ref"].to_numpy(dtype=object),
        )
        sums = by_commitment.groupby(level=0).sum()
        frame["committed"] = sums.reindex(frame["ref"]).to_numpy(dtype="int64")
    frame = frame.sort_values(["announced_on", "ref"], na_position="last", kind="stable", key=_dates)
    return frame.reset_index(drop=True)


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column) if column.name == "announced_on" else column
