"""``area_rows`` (vectorised for a million commitments) gives what a
commitment-by-commitment reading gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_reading import _same
from tracker.core.places import area_name
from tracker.figures.areas import NOT_STATED, area_rows


def _area_rows_one_by_one(commitments: pd.DataFrame) -> pd.DataFrame:
    """What ``area_rows`` gives, written the plain way (as it was before it was vectorised)."""
    rows = []
    for cid, named in zip(commitments["commitment_id"], commitments["areas"]):
        named = tuple(named or ())
        if not named:
            rows.append((cid, NOT_STATED, NOT_STATED, 0))
        for code in named:
            rows.append((cid, code, area_name(code), len(named)))
    return pd.DataFrame(rows, columns=["commitment_id", "area", "area_name", "areas_named"])


@pytest.mark.parametrize(
    "areas",
    [
        [(), ("W06000015",), ("W06000015", "W92000004", "E06000001"), None, ("X99999999",), ("W06000011",)],
        [(), None],
        [("W06000001", "W06000002")],
    ],
)
def test_area_rows_are_those_of_each_commitment_in_turn(areas) -> None:
    commitments = pd.DataFrame(
        {"commitment_id": np.arange(10, 10 + len(areas)), "areas": pd.Series(areas, dtype=object)}
    )
    _same(_area_rows_one_by_one(commitments), area_rows(commitments))
    empty = commitments.iloc[0:0]
    _same(_area_rows_one_by_one(empty), area_rows(empty))
