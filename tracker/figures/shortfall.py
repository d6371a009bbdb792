"""Which commitments the Delivery page's "% of what is due delivered" chart
draws: every commitment with money due when there are few, else the ones
furthest behind (largest slippage) and one bar for all the others, so the
chart stays readable and its cost does not grow with the data. The bar for
the others and its status are said in the language in use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.money import format_short
from tracker.figures.chart_style import clip
from tracker.i18n import _, ngettext

# A chart with more bars than this cannot be read; the table beside it lists every commitment.
MOST_BARS = 25


def chart_rows(by_commitment: pd.DataFrame, most: int = MOST_BARS) -> pd.DataFrame:
    """One row per bar: ``name``, ``share`` (delivered / due), ``delivered``
    and ``due`` (pence), ``behind`` (bool) and ``status`` in words.

    ``by_commitment`` is ``tracker.figures.delivery.by_commitment``;
    commitments with nothing due are left out (they have no share to show).
    With more than ``most`` of them, the ``most - 1`` furthest behind are
    drawn (largest slippage first, then by ref) and the rest are one bar,
    "All N others", whose share is their delivered over their due.
    """
    due = by_commitment.loc[by_commitment["due_to_date"] > 0]
    rows = pd.DataFrame(
        {
            "name": [f"{ref} {clip(purpose, 24)}" for ref, purpose in zip(due["ref"], due["purpose"])],
            "delivered": due["delivered"].to_numpy(dtype=np.int64),
            "due": due["due_to_date"].to_numpy(dtype=np.int64),
            "slippage": due["slippage"].to_numpy(dtype=np.int64),
            "status": due["status"].astype(object).to_numpy(),
            "ref": due["ref"].astype(str).to_numpy(),
        }
    )
    if len(rows) > most:
        rows = rows.sort_values(["slippage", "ref"], ascending=[False, True], kind="stable")
        shown, rest = rows.iloc[: most - 1], rows.iloc[most - 1 :]
        behind = int(rest["slippage"].sum())
        delivered, owed = int(rest["delivered"].sum()), int(rest["due"].sum())
        others = {
            "name": ngettext("All {count} other", "All {count} others", len(rest), count=format(len(rest), ",")),
            "delivered": delivered,
            "due": owed,
            "slippage": behind,
            "status": _("behind by {amount} in all", amount=format_short(behind)) if behind else _("none behind"),
            "ref": "",
        }
        rows = pd.concat([shown, pd.DataFrame([others])], ignore_index=True)
    rows["share"] = rows["delivered"] / rows["due"]
    rows["behind"] = rows["slippage"].to_numpy() > 0
    return rows[["name", "share", "delivered", "due", "behind", "status"]].reset_index(drop=True)
