"""Every chart the tracker draws, built from small made-up data that gives
each chart every series it can draw (estimated money, unphased money, a
re-announcement, behind and ahead, eight commitments on one announcement),
for the tests of what every chart must do (tests/unit/test_chart_colours.py,
test_chart_text.py). Money is int64 pence.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from tracker.core.fiscal import UNPHASED
from tracker.figures.delivery import with_progress, with_slippage
from tracker.review.pack_chart import yearly_figure

POUND = 100
TODAY = date(2022, 11, 27)  # in 2022-23: 2020-21 to 2022-23 have started, 2023-24 has not


def yearly(
    committed: tuple[int, ...] = (1_500_000, 5_400_000, 6_400_000, 2_000_000, 700_000),
    delivered: tuple[int, ...] = (1_170_000, 5_600_000, 5_950_000, 0, 100_000),
    estimated: tuple[int, ...] = (0, 0, 1_000_000, 2_000_000, 0),
    qualifiers: tuple[str, ...] = ("at least", "exact", "exact", "exact", "exact"),
) -> pd.DataFrame:
    """Four financial years from 2020-21 and an unphased row last (pounds in, pence out),
    with the Overview's and the Delivery page's columns."""
    years = [2020, 2021, 2022, 2023, UNPHASED][: len(committed)]
    frame = pd.DataFrame(
        {
            "financial_year": years,
            "committed": pd.array([c * POUND for c in committed], dtype="int64"),
            "delivered": pd.array([d * POUND for d in delivered], dtype="int64"),
            "estimated": pd.array([e * POUND for e in estimated], dtype="int64"),
        }
    )
    frame["new_money"] = frame["committed"]
    frame["variance"] = frame["delivered"] - frame["committed"]
    out = with_progress(frame)
    out["qualifier"] = list(qualifiers[: len(committed)])
    return out


def by_year(**kwargs) -> pd.DataFrame:
    """``yearly`` with the Delivery page's slippage and status (as at ``TODAY``)."""
    return with_slippage(yearly(**kwargs), TODAY)


def by_commitment(delivered: tuple[int, ...] = (1_200_000, 920_000, 4_900_000, 600_000, 5_000_000)) -> pd.DataFrame:
    """Five commitments W1..W5, each with money due; some behind, one ahead."""
    due = [1_500_000, 1_000_000, 4_900_000, 1_000_000, 4_900_000]
    refs = [f"W{i}" for i in range(1, len(due) + 1)]
    frame = pd.DataFrame(
        {
            "ref": refs,
            "purpose": [f"Purpose of {ref}" for ref in refs],
            "due_to_date": pd.array([d * POUND for d in due], dtype="int64"),
            "delivered": pd.array([d * POUND for d in delivered], dtype="int64"),
        }
    )
    frame["slippage"] = (frame["due_to_date"] - frame["delivered"]).clip(lower=0).astype("int64")
    frame["pct_of_due_delivered"] = frame["delivered"] / frame["due_to_date"]
    frame["status"] = ["behind" if s else "on or ahead of profile" for s in frame["slippage"]]
    return frame


def schedule(commitments: int = 8) -> pd.DataFrame:
    """One announcement's schedule: ``commitments`` commitments C1.. over 2020-21 to 2022-23;
    C2 re-announces (no new money), C3's years are placed by a chosen spread."""
    rows = []
    for i in range(1, commitments + 1):
        for year in (2020, 2021, 2022):
            headline = (i * 100_000 + (year - 2020) * 10_000) * POUND
            rows.append(
                {
                    "commitment_ref": f"C{i}",
                    "financial_year": year,
                    "headline_pence": headline,
                    "committed_pence": 0 if i == 2 else headline,
                    "new_money_pence": 0 if i == 2 else headline,
                    "qualifier": "over" if i == 4 else "exact",
                    "estimated": i == 3,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.astype({"headline_pence": "int64", "committed_pence": "int64", "new_money_pence": "int64"})


def comparison(original: tuple[int, ...] = (1_000_000, 0, 0), revised: tuple[int, ...] = (0, 500_000, 2_000_000)):
    """A revised commitment's profiles by year, as ``revisions.comparison_table(...).body``."""
    return pd.DataFrame(
        {
            "financial_year": ["2020-21", "2021-22", "2022-23"][: len(original)],
            "original": pd.array([o * POUND for o in original], dtype="int64"),
            "revised": pd.array([r * POUND for r in revised], dtype="int64"),
        }
    )


def pack_figures() -> dict:
    """A review meeting's snapshot, as much of it as the pack's chart reads."""
    frame = yearly()
    return {
        "yearly": [
            {
                "financial_year": "unphased" if int(row.financial_year) == UNPHASED else row.label,
                "committed": int(row.committed),
                "delivered": int(row.delivered),
                "estimated": int(row.estimated),
            }
            for row in frame.itertuples()
        ]
    }


def every_figure() -> dict[str, go.Figure]:
    """Every chart the tracker draws, by name."""
    return {
        "overview committed against delivered": charts.committed_vs_delivered(yearly()),
        "delivery cumulative": charts.cumulative_slippage(by_year()),
        "delivery share of due": charts.share_of_due_delivered(by_commitment()),
        "announcement schedule": charts.announcement_schedule(schedule()),
        "original and revised": charts.original_vs_revised(comparison()),
        "review pack": yearly_figure(pack_figures()),
    }
