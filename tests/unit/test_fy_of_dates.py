"""``tracker.figures.totals.fy_of_dates``: each date's financial year (its
start year), worked out once per distinct date; no date: unphased."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tracker.core.fiscal import UNPHASED, FinancialYear
from tracker.figures.totals import fy_of_dates

DAYS = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))


@given(st.lists(DAYS, max_size=60))
def test_each_date_gets_the_start_year_of_its_financial_year(days) -> None:
    expected = [UNPHASED if day is None else FinancialYear.from_date(day).start_year for day in days]
    found = fy_of_dates(pd.Series(days, dtype=object))
    assert found.dtype == np.int64 and list(found) == expected


def test_the_edges_of_a_year_and_other_forms_of_a_date() -> None:
    days = pd.Series([date(2021, 3, 31), date(2021, 4, 1), None, pd.NaT, "2022-04-01", pd.Timestamp("2020-01-15")])
    assert list(fy_of_dates(days)) == [2020, 2021, UNPHASED, UNPHASED, 2022, 2019]
    assert list(fy_of_dates(pd.Series([], dtype=object))) == []
