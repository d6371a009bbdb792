"""Money by the areas it benefits.

A commitment may name several areas (``W06000015; W92000004``): its money
appears under each with its full amount, marked as shared, so totals by area
do not add up to the whole and say so. Money that names no area is its own
line, ``area not stated`` (the key, English in data and links; shown in the
language in use, as is each area's name: ``area_label``).
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tracker.core.languages import WELSH
from tracker.core.places import area_name
from tracker.figures.shared import per_data
from tracker.i18n import N_, _, current

if TYPE_CHECKING:
    from tracker.figures.data import TrackerData

NOT_STATED = "area not stated"  # a key (filters, links, group names): shown as ``area_label`` says it
SHARED_NOTE = N_(
    "Money naming several areas is counted in full under each (marked shared), "
    "so these rows add up to more than the whole."
)


def area_rows(commitments: pd.DataFrame) -> pd.DataFrame:
    """One row per (commitment, area): ``commitment_id, area, area_name, areas_named``
    (how many areas the commitment names; 0 for none)."""
    columns = ["commitment_id", "area", "area_name", "areas_named"]
    if commitments.empty:
        return pd.DataFrame([], columns=columns)
    ids, places, named, areas = _named(commitments)
    return pd.DataFrame(
        {
            "commitment_id": ids,
            "area": pd.array(areas["area"].to_numpy(), dtype="str").take(places),
            "area_name": pd.array(areas["area_name"].to_numpy(), dtype="str").take(places),
            "areas_named": named,
        },
        columns=columns,
    )


def area_groups(commitments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``area_rows`` with each area as a number, quick to group a million
    rows by: ``commitment_id, group, areas_named``, and each group's
    ``area, area_name`` (indexed by the number)."""
    if commitments.empty:
        rows = area_rows(commitments)
        return rows.rename(columns={"area": "group"}), pd.DataFrame({"area": [], "area_name": []})
    ids, places, named, areas = _named(commitments)
    return pd.DataFrame({"commitment_id": ids, "group": places, "areas_named": named}), areas


def _named(commitments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Per (commitment, area) row: the commitment's id, the area's place
    among the distinct areas, how many areas the commitment names; and the
    distinct areas (``area, area_name``) in the order first named."""
    named = commitments["areas"].tolist() if "areas" in commitments else [()] * len(commitments)
    counts = np.fromiter((len(codes) if codes else 0 for codes in named), np.int64, len(named))
    rows = np.maximum(counts, 1)  # a commitment naming none is one row, "area not stated"
    area = np.array(list(chain.from_iterable(codes or (None,) for codes in named)), dtype=object)
    area[pd.isna(area)] = NOT_STATED
    places, distinct = pd.factorize(area)  # each area's name looked up once
    codes = np.asarray(distinct, dtype=object)
    names = np.array([NOT_STATED if code == NOT_STATED else area_name(code) for code in codes], dtype=object)
    areas = pd.DataFrame({"area": codes, "area_name": names})
    return np.repeat(commitments["commitment_id"].to_numpy(), rows), places, np.repeat(counts, rows), areas


@per_data
def kept_area_rows(data: TrackerData) -> pd.DataFrame:
    """``area_rows`` of a view's commitments, kept with the view."""
    return area_rows(data.commitments)


def area_label(code: str) -> str:
    """``Cardiff (W06000015)``, in Welsh ``Caerdydd (W06000015)``; a code with
    no known name as it is; ``area not stated`` in the language in use."""
    if code == NOT_STATED:
        return _("area not stated")
    name = area_name(code, welsh=current() == WELSH)
    return f"{name} ({code})" if name != code else code


def identity_line(code: str) -> str:
    """What a place is also known as, under its name on its page: ``ONS code
    W06000015; in Welsh, Caerdydd`` (in Welsh: its English name), the other
    language's name only where it differs."""
    if code == NOT_STATED:
        return _("Money that names no place.")
    welsh = current() == WELSH
    other = area_name(code, welsh=not welsh)
    if other in (code, area_name(code, welsh=welsh)):
        return _("ONS code {code}.", code=code)
    if welsh:
        return _("ONS code {code}; in English, {name}.", code=code, name=other)
    return _("ONS code {code}; in Welsh, {name}.", code=code, name=other)


def shared_note(frame: pd.DataFrame) -> str | None:
    """What a by-area table must say when some money is counted under more than one area."""
    if "shared" not in frame or not int(frame["shared"].sum()):
        return None
    return _(SHARED_NOTE)
