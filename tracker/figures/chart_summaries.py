"""Each chart in words: the one sentence shown beside it (and given to screen
readers as the chart's description), and the words its hover text uses for
under and over, built from the same data the chart draws.

Where each chart's sentence is built:

- the Overview's committed against delivered (``dashboard.charts.committed_vs_delivered``):
  ``committed_vs_delivered`` here;
- the Delivery page's cumulative chart (``cumulative_slippage``):
  ``tracker.figures.delivery.cumulative_sentence`` (``DeliveryProgress.year_summary``);
- the Delivery page's "% of what is due delivered" (``share_of_due_delivered``):
  ``share_of_due_delivered`` here;
- an announcement's money by year (``announcement_schedule``):
  ``tracker.figures.announcement_detail.schedule_sentence`` (``AnnouncementDetail.summary``);
- a revised commitment's original and revised profiles (``original_vs_revised``):
  ``tracker.figures.revisions.summary``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tracker.core.fiscal import UNPHASED
from tracker.core.money import format_short
from tracker.figures.delivery import combine_qualifiers, commitments_sentence, qualified
from tracker.figures.table_cells import percent


def against_committed(committed: Iterable[int], delivered: Iterable[int]) -> list[str]:
    """Each year's delivery against its committed money in words: ``£800k less
    than committed``, ``£50k more than committed`` or ``as committed``."""
    return [_against(int(d) - int(c), "committed") for c, d in zip(committed, delivered)]


def against_original(original: Iterable[int], revised: Iterable[int]) -> list[str]:
    """Each year's revised money against the original in words: ``£1m more
    than the original``, ``£1m less than the original`` or ``as the original``."""
    return [_against(int(r) - int(o), "the original") for o, r in zip(original, revised)]


def _against(change: int, what: str) -> str:
    if change < 0:
        return f"{format_short(-change)} less than {what}"
    if change > 0:
        return f"{format_short(change)} more than {what}"
    return f"as {what}"


def committed_vs_delivered(yearly: pd.DataFrame) -> str:
    """The Overview chart's sentence: the years it covers, what was committed
    and delivered in all, and in how many years delivery was less (or more)
    than committed, with the largest gap.

    'From 2019-20 to 2021-22, at least £13.3m was committed and £12.5m
    delivered (94.0%); delivery was less than committed in 2 of 3 years, most
    in 2021-22 (£800k less).'

    ``yearly`` is ``tracker.figures.data.Overview.yearly``: ``label``,
    ``financial_year``, ``committed`` and ``delivered`` (pence), ``qualifier``;
    an ``UNPHASED`` row counts in the totals and is said apart.
    """
    if yearly.empty:
        return "No money is committed or delivered in this view."
    phased = yearly.loc[yearly["financial_year"] != UNPHASED]
    unphased = int(yearly.loc[yearly["financial_year"] == UNPHASED, "committed"].sum())
    committed, delivered = int(yearly["committed"].sum()), int(yearly["delivered"].sum())
    qualifiers = yearly["qualifier"] if "qualifier" in yearly else pd.Series(["exact"])
    so_far = combine_qualifiers(qualifiers.replace("at least", "over"))
    labels = list(phased["label"])
    if len(labels) > 1:
        when = f"From {labels[0]} to {labels[-1]}"
    elif labels:
        when = f"In {labels[0]}"
    else:
        when = "With no financial year stated"
    no_year = f" ({format_short(unphased)} of it with no financial year stated)" if unphased and labels else ""
    share = f" ({percent(delivered / committed)})" if committed else ""
    total = qualified(format_short(committed), so_far)
    said = f"{when}, {total} was committed{no_year} and {format_short(delivered)} delivered{share}"
    if phased.empty:
        return said + "."
    return f"{said}; {_years_against_committed(phased)}."


def _years_against_committed(phased: pd.DataFrame) -> str:
    """'delivery was less than committed in 2 of 3 years, most in 2021-22 (£800k less)'."""
    gap = (phased["delivered"] - phased["committed"]).astype("int64")
    years = len(phased)
    parts = []
    for rows, word in ((gap < 0, "less"), (gap > 0, "more")):
        if not rows.any():
            continue
        sizes = gap[rows].abs()
        largest = sizes.idxmax()  # the first of equal ones: the earliest year
        label, amount = phased.loc[largest, "label"], format_short(int(sizes[largest]))
        if years == 1:
            parts.append(f"{amount} {word} than committed")
        elif int(rows.sum()) == 1:
            parts.append(f"{word} than committed in 1 of {years} years ({label}, {amount} {word})")
        else:
            count = int(rows.sum())
            parts.append(f"{word} than committed in {count} of {years} years, most in {label} ({amount} {word})")
    if not parts:
        return "delivery was as committed" + (" in every year" if years > 1 else "")
    return "delivery was " + ", and ".join(parts)


def share_of_due_delivered(by_commitment: pd.DataFrame) -> str:
    """The sentence of the Delivery page's "% of what is due delivered" chart:
    how many commitments are behind their profile and by how much in all
    (``tracker.figures.delivery.commitments_sentence``), and which is furthest
    behind with the share of its due money delivered.

    '3 of 6 commitments are behind their profile by £780k in all; furthest
    behind is W3, with 40.0% of its money due to date delivered.'

    ``by_commitment`` is ``tracker.figures.delivery.by_commitment``.
    """
    said = commitments_sentence(by_commitment)
    behind = by_commitment.loc[(by_commitment["slippage"] > 0) & (by_commitment["due_to_date"] > 0)]
    if behind.empty:
        return said
    worst = behind.sort_values(["slippage", "ref"], ascending=[False, True], kind="stable").iloc[0]
    share = percent(int(worst["delivered"]) / int(worst["due_to_date"]))
    who = "it is" if len(behind) == 1 else "furthest behind is"
    return f"{said.removesuffix('.')}; {who} {worst['ref']}, with {share} of its money due to date delivered."
