"""The Delivery page's "% of what is due delivered" chart stays readable and
cheap however many commitments there are: at most MOST_BARS bars (the
furthest behind, then "All N others"), labels as text on the bars."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import charts
from tracker.figures.shortfall import MOST_BARS, chart_rows


def by_commitment(n: int) -> pd.DataFrame:
    """``n`` commitments, C00001..: due £100 each; commitment i delivered i pence short (the last ones furthest behind)."""
    refs = [f"C{i:05d}" for i in range(1, n + 1)]
    due = np.full(n, 10_000, dtype=np.int64)
    slippage = np.arange(1, n + 1, dtype=np.int64) % 10_000
    delivered = due - slippage
    return pd.DataFrame(
        {
            "ref": refs,
            "purpose": [f"Purpose {i}" for i in range(n)],
            "due_to_date": due,
            "delivered": delivered,
            "slippage": slippage,
            "status": ["behind" if s else "on profile" for s in slippage],
        }
    )


def test_a_few_commitments_are_each_a_bar_with_its_share_written_on_it() -> None:
    table = by_commitment(3)
    rows = chart_rows(table)
    assert list(rows["name"]) == ["C00001 Purpose 0", "C00002 Purpose 1", "C00003 Purpose 2"]
    assert list(rows["share"]) == [0.9999, 0.9998, 0.9997]
    fig = charts.share_of_due_delivered(table)
    assert not fig.layout.annotations  # labels are text on the bars, set in one step
    texts = [t for trace in fig.data for t in (trace.text or ())]
    assert texts == ["100.0%", "100.0%", "100.0%"]


def test_five_thousand_commitments_draw_the_furthest_behind_and_one_bar_for_the_others() -> None:
    table = by_commitment(5_000)
    rows = chart_rows(table)
    assert len(rows) == MOST_BARS
    # Slippage 1..5,000 pence: the 24 largest are C05000 down to C04977.
    assert list(rows["name"][:3]) == ["C05000 Purpose 4999", "C04999 Purpose 4998", "C04998 Purpose 4997"]
    others = rows.iloc[-1]
    assert others["name"] == "All 4,976 others"
    rest = table.loc[~table["ref"].isin([n.split()[0] for n in rows["name"][:-1]])]
    assert (others["delivered"], others["due"]) == (int(rest["delivered"].sum()), int(rest["due_to_date"].sum()))
    assert bool(others["behind"])
    fig = charts.share_of_due_delivered(table)
    assert sum(len(trace.y) for trace in fig.data) == MOST_BARS
    assert not fig.layout.annotations


def test_commitments_with_nothing_due_have_no_bar() -> None:
    table = by_commitment(2).assign(due_to_date=[10_000, 0])
    assert list(chart_rows(table)["name"]) == ["C00001 Purpose 0"]
