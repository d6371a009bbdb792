"""Frames from the driver's tuples (``tracker.figures.reading``): typed as
pandas would type them, only faster, so every page sees the frames it saw."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tracker.figures import reading

ROWS = [
    # int, int or None, nothing, text, text or None, flag (SQLite), flag, float or None, date text, date or None
    (1, 10, None, "C1", "Cardiff", 0, True, 1.5, "2020-04-01", date(2021, 3, 31)),
    (2, None, None, "C2", None, 1, False, None, "2019-12-31", None),
    (3, 2**40, None, "C3", "Café “quoted”", 0, True, 2.0, "2020-04-01", date(2020, 4, 1)),
]
NAMES = ["id", "maybe", "never", "ref", "name", "bit", "flag", "share", "on", "paid"]


def _same(expected: pd.DataFrame, found: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    for name in expected:
        assert str(found[name].dtype) == str(expected[name].dtype), name
        assert [repr(v) for v in found[name].tolist()] == [repr(v) for v in expected[name].tolist()], name


def test_frame_of_types_every_column_as_pandas_would() -> None:
    expected = pd.DataFrame.from_records(ROWS, columns=NAMES)
    expected["on"] = pd.Series([date(2020, 4, 1), date(2019, 12, 31), date(2020, 4, 1)], dtype=object)
    _same(expected, reading.frame_of(ROWS, NAMES, dates=("on", "paid")))


@pytest.mark.parametrize("column", range(len(NAMES)))
def test_frame_of_one_column_at_a_time(column: int) -> None:
    rows = [(row[column],) for row in ROWS]
    _same(pd.DataFrame.from_records(rows, columns=["x"]), reading.frame_of(rows, ["x"]))


def test_frame_of_nothing_has_the_columns() -> None:
    assert list(reading.frame_of([], NAMES).columns) == NAMES


def test_as_dates_parses_each_distinct_value_and_keeps_none() -> None:
    found = reading.as_dates(np.array(["2020-04-01", None, date(2021, 1, 2), "2020-04-01"], dtype=object))
    assert found.tolist() == [date(2020, 4, 1), None, date(2021, 1, 2), date(2020, 4, 1)]
    assert found.dtype == object
    assert reading.as_dates(pd.Series([None, None])).tolist() == [None, None]


def test_typed_frame_takes_the_types_it_is_told() -> None:
    kinds = {"id": "int", "maybe": "nullable", "bit": "flag", "name": "text", "paid": "date"}
    rows = [(row[0], row[1], row[5], row[4], row[9]) for row in ROWS]
    found = reading.typed_frame([rows[:2], rows[2:]], kinds)
    assert [str(t) for t in found.dtypes] == ["int64", "Int64", "bool", "object", "object"]
    assert found["maybe"].tolist() == [10, pd.NA, 2**40]
    assert found["bit"].tolist() == [False, True, False]
    assert found["name"].tolist() == ["Cardiff", None, "Café “quoted”"]
    assert found["paid"].tolist() == [date(2021, 3, 31), None, date(2020, 4, 1)]
    assert list(reading.typed_frame([], kinds).columns) == list(kinds)


def test_typed_frame_takes_closed_lists_apart_from_the_one_number_they_come_in() -> None:
    kinds = {"qualifier": ("exact", "over", "up to", "about"), "id": "int", "spread": ("none", "even")}
    # Last in each row: qualifier's place + 5 x spread's place (5: four values and "none of them").
    found = reading.typed_frame([[(7, 0 + 5 * 1), (8, 3)], [(9, 1 + 5 * 0)]], kinds)
    assert list(found.columns) == ["qualifier", "id", "spread"]
    assert found["qualifier"].tolist() == ["exact", "about", "over"]
    assert found["spread"].tolist() == ["even", "none", "none"]
    assert found["id"].tolist() == [7, 8, 9]
    assert found["qualifier"].dtype == object
    with pytest.raises(ValueError, match="qualifier: a value outside exact, over"):
        reading.typed_frame([[(1, 4)]], kinds)
