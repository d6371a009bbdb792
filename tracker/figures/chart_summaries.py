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

Each is said in the language in use (``tracker.i18n``), from whole messages
with named placeholders; money in words (``£1.5m``) and financial years
(``2020-21``) read the same in every language.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tracker.core.fiscal import UNPHASED
from tracker.core.money import format_short
from tracker.figures.delivery_words import combine_qualifiers, commitments_sentence, qualified
from tracker.figures.table_cells import percent
from tracker.i18n import N_, _, ngettext

# How one amount stands against another, in words: (less, more, the same).
AGAINST_COMMITTED = (
    N_("{amount} less than committed"),
    N_("{amount} more than committed"),
    N_("as committed"),
)
AGAINST_ORIGINAL = (
    N_("{amount} less than the original"),
    N_("{amount} more than the original"),
    N_("as the original"),
)


def against_committed(committed: Iterable[int], delivered: Iterable[int]) -> list[str]:
    """Each year's delivery against its committed money in words: ``£800k less
    than committed``, ``£50k more than committed`` or ``as committed``."""
    return [_against(int(d) - int(c), AGAINST_COMMITTED) for c, d in zip(committed, delivered)]


def against_original(original: Iterable[int], revised: Iterable[int]) -> list[str]:
    """Each year's revised money against the original in words: ``£1m more
    than the original``, ``£1m less than the original`` or ``as the original``."""
    return [_against(int(r) - int(o), AGAINST_ORIGINAL) for o, r in zip(original, revised)]


def _against(change: int, words: tuple[str, str, str]) -> str:
    less, more, same = words
    if change < 0:
        return _(less, amount=format_short(-change))
    if change > 0:
        return _(more, amount=format_short(change))
    return _(same)


# The Overview chart's first clause: (with a share delivered, without one), each with and
# without the part of the money that has no year.
_COMMITTED_AND_DELIVERED = {
    (True, False): N_("{period}, {committed} was committed and {delivered} delivered ({share})"),
    (False, False): N_("{period}, {committed} was committed and {delivered} delivered"),
    (True, True): N_(
        "{period}, {committed} was committed ({unphased} of it with no financial year stated) "
        "and {delivered} delivered ({share})"
    ),
    (False, True): N_(
        "{period}, {committed} was committed ({unphased} of it with no financial year stated) and {delivered} delivered"
    ),
}


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
        return _("No money is committed or delivered in this view.")
    phased = yearly.loc[yearly["financial_year"] != UNPHASED]
    unphased = int(yearly.loc[yearly["financial_year"] == UNPHASED, "committed"].sum())
    committed, delivered = int(yearly["committed"].sum()), int(yearly["delivered"].sum())
    qualifiers = yearly["qualifier"] if "qualifier" in yearly else pd.Series(["exact"])
    so_far = combine_qualifiers(qualifiers.replace("at least", "over"))
    labels = list(phased["label"])
    if len(labels) > 1:
        period = _("From {first} to {last}", first=labels[0], last=labels[-1])
    elif labels:
        period = _("In {year}", year=labels[0])
    else:
        period = _("With no financial year stated")
    said = _(
        _COMMITTED_AND_DELIVERED[bool(committed), bool(unphased and labels)],
        period=period,
        committed=qualified(format_short(committed), so_far),
        unphased=format_short(unphased),
        delivered=format_short(delivered),
        share=percent(delivered / committed) if committed else "",
    )
    if phased.empty:
        # Translators: {said} is the sentence above ("From 2019-20 to 2021-22, £13.3m was committed and ...").
        return _("{said}.", said=said)
    # Translators: {said} as above; {years} is how delivery stood against committed ("delivery was less ...").
    return _("{said}; {years}.", said=said, years=_years_against_committed(phased))


def _years_against_committed(phased: pd.DataFrame) -> str:
    """'delivery was less than committed in 2 of 3 years, most in 2021-22 (£800k less)'."""
    gap = (phased["delivered"] - phased["committed"]).astype("int64")
    years = len(phased)
    parts = []
    for rows, less in ((gap < 0, True), (gap > 0, False)):
        if not rows.any():
            continue
        sizes = gap[rows].abs()
        largest = sizes.idxmax()  # the first of equal ones: the earliest year
        label, amount = phased.loc[largest, "label"], format_short(int(sizes[largest]))
        count = int(rows.sum())
        if years == 1:
            parts.append(_(AGAINST_COMMITTED[0 if less else 1], amount=amount))
        elif count == 1 and less:
            parts.append(
                ngettext(
                    "less than committed in 1 of {n} year ({year}, {amount} less)",
                    "less than committed in 1 of {n} years ({year}, {amount} less)",
                    years,
                    year=label,
                    amount=amount,
                )
            )
        elif count == 1:
            parts.append(
                ngettext(
                    "more than committed in 1 of {n} year ({year}, {amount} more)",
                    "more than committed in 1 of {n} years ({year}, {amount} more)",
                    years,
                    year=label,
                    amount=amount,
                )
            )
        elif less:
            parts.append(
                ngettext(
                    "less than committed in {count} of {n} year, most in {year} ({amount} less)",
                    "less than committed in {count} of {n} years, most in {year} ({amount} less)",
                    years,
                    count=count,
                    year=label,
                    amount=amount,
                )
            )
        else:
            parts.append(
                ngettext(
                    "more than committed in {count} of {n} year, most in {year} ({amount} more)",
                    "more than committed in {count} of {n} years, most in {year} ({amount} more)",
                    years,
                    count=count,
                    year=label,
                    amount=amount,
                )
            )
    if not parts:
        return _("delivery was as committed in every year") if years > 1 else _("delivery was as committed")
    if len(parts) == 1:
        return _("delivery was {how}", how=parts[0])
    return _("delivery was {less}, and {more}", less=parts[0], more=parts[1])


def share_of_due_delivered(by_commitment: pd.DataFrame) -> str:
    """The sentence of the Delivery page's "% of what is due delivered" chart:
    how many commitments are behind their profile and by how much in all
    (as ``tracker.figures.delivery.commitments_sentence`` says it), and which
    is furthest behind with the share of its due money delivered.

    '3 of 6 commitments are behind their profile by £780k in all; furthest
    behind is W3, with 40.0% of its money due to date delivered.'

    ``by_commitment`` is ``tracker.figures.delivery.by_commitment``.
    """
    behind = by_commitment.loc[by_commitment["slippage"] > 0]
    due = behind.loc[behind["due_to_date"] > 0]
    if due.empty:
        return commitments_sentence(by_commitment)
    worst = due.sort_values(["slippage", "ref"], ascending=[False, True], kind="stable").iloc[0]
    values = dict(
        amount=format_short(int(behind["slippage"].sum())),
        ref=worst["ref"],
        share=percent(int(worst["delivered"]) / int(worst["due_to_date"])),
    )
    total = len(by_commitment)
    if len(behind) == 1:
        return ngettext(
            "1 of {n} commitment is behind its profile, by {amount}; it is {ref}, with {share} of its money due to "
            "date delivered.",
            "1 of {n} commitments is behind its profile, by {amount}; it is {ref}, with {share} of its money due to "
            "date delivered.",
            total,
            **values,
        )
    return ngettext(
        "{count} of {n} commitment are behind their profile by {amount} in all; furthest behind is {ref}, with "
        "{share} of its money due to date delivered.",
        "{count} of {n} commitments are behind their profile by {amount} in all; furthest behind is {ref}, with "
        "{share} of its money due to date delivered.",
        total,
        count=len(behind),
        **values,
    )
