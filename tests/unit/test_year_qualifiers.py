"""How exact each year's committed total is, from the qualifiers of the
commitments with money in that year (a year's zero rows say nothing)."""

from __future__ import annotations

import pandas as pd

from tracker.figures.delivery import year_qualifiers


def test_each_year_takes_the_qualifiers_of_the_commitments_with_money_in_it():
    commitments = pd.DataFrame(
        {
            "commitment_id": [1, 2, 3, 4, 5],
            "qualifier": pd.Series(["exact", "over", "up to", "about", "over"], dtype="string[pyarrow]"),
        }
    )
    schedule = pd.DataFrame(
        {
            "commitment_id": [1, 1, 2, 2, 3, 4, 5, 5, 3],
            "financial_year": [2020, 2021, 2021, 2022, 2023, 2024, 2022, 2025, 2025],
            "committed_pence": [100, 100, 5, 5, 7, 9, 3, 0, 4],
        }
    )
    assert year_qualifiers(schedule, commitments) == {
        2020: "exact",  # commitment 1 alone
        2021: "at least",  # exact and over
        2022: "at least",  # over twice
        2023: "up to",
        2024: "about",
        2025: "up to",  # commitment 5 has nothing in 2025: only 3 (up to) counts
    }
