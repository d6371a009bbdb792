"""Money by the areas it benefits.

A commitment may name several areas (``W06000015; W92000004``): its money
appears under each with its full amount, marked as shared, so totals by area
do not add up to the whole and say so. Money that names no area is its own
line, ``area not stated``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from tracker.core.places import area_name
from tracker.figures.shared import per_data

if TYPE_CHECKING:
    from tracker.figures.data import TrackerData

NOT_STATED = "area not stated"
SHARED_NOTE = (
    "Money naming several areas is counted in full under each (marked shared), "
    "so these rows add up to more than the whole."
)


def area_rows(commitments: pd.DataFrame) -> pd.DataFrame:
    """One row per (commitment, area): ``commitment_id, area, area_name, areas_named``
    (how many areas the commitment names; 0 for none)."""
    rows = []
    codes = commitments["areas"] if "areas" in commitments else pd.Series([()] * len(commitments))
    for cid, named in zip(commitments["commitment_id"], codes):
        named = tuple(named or ())
        if not named:
            rows.append((cid, NOT_STATED, NOT_STATED, 0))
        for code in named:
            rows.append((cid, code, area_name(code), len(named)))
    return pd.DataFrame(rows, columns=["commitment_id", "area", "area_name", "areas_named"])


@per_data
def kept_area_rows(data: TrackerData) -> pd.DataFrame:
    """``area_rows`` of a view's commitments, kept with the view."""
    return area_rows(data.commitments)


def area_label(code: str) -> str:
    """``Cardiff (W06000015)``; a code with no known name, or ``area not stated``, as it is."""
    name = area_name(code) if code != NOT_STATED else code
    return f"{name} ({code})" if name != code else code


def shared_note(frame: pd.DataFrame) -> str | None:
    """What a by-area table must say when some money is counted under more than one area."""
    if "shared" not in frame or not int(frame["shared"].sum()):
        return None
    return SHARED_NOTE
