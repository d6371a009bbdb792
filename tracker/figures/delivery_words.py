"""The delivery figures in words: where a commitment or a year stands against
its profile ("behind by £780k"), the sentences under the Delivery page's and
the Overview's charts, how late a milestone is, and the notes on new,
unphased and estimated money (``tracker.figures.delivery`` works out the
figures and says them with these).

Everything here is said in the language in use (``tracker.i18n``), from
whole messages with named placeholders; money in words (``£1.5m``) and
financial years (``2020-21``) read the same in every language. The values
code compares stay English: qualifiers as stored (``at least``), whose
words are ``qualified`` and ``qualifier_word``.
"""

from __future__ import annotations

import pandas as pd

from tracker.core import money
from tracker.core.fiscal import UNPHASED
from tracker.core.money import format_short
from tracker.figures.table_cells import percent
from tracker.i18n import N_, _, ngettext


def combine_qualifiers(qualifiers) -> str:
    """The qualifier of a sum: "over" parts make it "at least", "up to" parts "up to"."""
    kinds = set(qualifiers) - {"exact"}
    if not kinds:
        return "exact"
    if kinds == {"over"}:
        return "at least"
    if kinds == {"up to"}:
        return "up to"
    return "about"


def money_notes(committed: int, new_money: int, unphased: int, estimated: int) -> list[str]:
    """Sentences on new money, unphased and estimated money (pence in)."""
    notes = []
    if new_money != committed:
        notes.append(
            _(
                "New money: {new_money} of the {committed} committed; the rest was announced before.",
                new_money=format_short(new_money),
                committed=format_short(committed),
            )
        )
    if unphased:
        notes.append(
            _(
                "{amount} of committed money is unphased: its financial year was not stated. It counts in every "
                "total, in its own row after the years, and is never placed in a year by guess.",
                amount=format_short(unphased),
            )
        )
    if estimated:
        notes.append(
            _(
                "{amount} is placed in years by a chosen spread of a multi-year total: those years are estimated.",
                amount=format_short(estimated),
            )
        )
    return notes


# Qualifiers in words are the one rule in tracker.core.money (re-exported here for the Delivery page's words).
qualified = money.qualified
qualifier_word = money.qualifier_word


def year_sentence(row) -> str:
    """'In 2021-22, £5.4m was committed and £5.4m delivered (100%).'

    The unphased row says that its year was not stated; a year with money
    placed by a chosen spread says how much of it is estimated."""
    committed = qualified(format_short(int(row.committed)), getattr(row, "qualifier", "exact"))
    estimated = int(getattr(row, "estimated", 0) or 0)
    if estimated == int(row.committed) and estimated:
        committed = _("{amount} (all of it estimated by a chosen spread)", amount=committed)
    elif estimated:
        committed = _(
            "{amount} ({estimated} of it estimated by a chosen spread)",
            amount=committed,
            estimated=format_short(estimated),
        )
    delivered = format_short(int(row.delivered))
    if int(row.financial_year) == UNPHASED:
        if row.committed == 0:
            return _(
                "Unphased: {delivered} was delivered with no date, and no money without a stated year.",
                delivered=delivered,
            )
        if row.delivered == 0:
            return _(
                "Unphased: {committed} was committed with no financial year stated; nothing delivered undated.",
                committed=committed,
            )
        return _(
            "Unphased: {committed} was committed with no financial year stated, and {delivered} delivered undated.",
            committed=committed,
            delivered=delivered,
        )
    if row.committed == 0 and row.delivered == 0:
        return _("In {year}, nothing was committed or delivered.", year=row.label)
    if row.committed == 0:
        return _("In {year}, nothing was committed and {delivered} was delivered.", year=row.label, delivered=delivered)
    if row.delivered == 0:
        return _(
            "In {year}, {committed} was committed and nothing has been recorded as delivered yet.",
            year=row.label,
            committed=committed,
        )
    return _(
        "In {year}, {committed} was committed and {delivered} delivered ({share}).",
        year=row.label,
        committed=committed,
        delivered=delivered,
        share=percent(row.delivered / row.committed),
    )


def describe_lateness(days: int) -> str:
    """A person's way of saying how late: '12 days late', 'about 8 months late'."""
    if days < 45:
        return ngettext("{n} day late", "{n} days late", days)
    months = round(days / 30.44)
    if months < 18:
        return ngettext("about {n} month late", "about {n} months late", months)
    return _("about {years} years late", years=format(days / 365.25, ".1f"))


def commitment_status(committed: int, due: int, delivered: int, restates: str | None = None, unphased: int = 0) -> str:
    """Where one commitment stands against its profile, in words (money with
    no stated year is never due, so it has no profile to be ahead of)."""
    if restates:
        return _("restates {ref}: counted there", ref=restates)
    if committed == 0 and delivered == 0:
        return _("nothing committed")
    if committed and unphased == committed:
        if delivered:
            return _("no year stated: {amount} delivered", amount=format_short(delivered))
        return _("no year stated")
    if due == 0 and delivered == 0:
        return _("not yet due")
    if delivered < due:
        return _("behind by {amount}", amount=format_short(due - delivered))
    if delivered > due:
        return _("ahead by {amount}", amount=format_short(delivered - due))
    return _("on profile")


def year_status(started: bool, behind: int) -> str:
    """Where the cumulative profile stands at the end of a year, in words."""
    if not started:
        return _("not yet started")
    if behind > 0:
        return _("behind by {amount}", amount=format_short(behind))
    if behind < 0:
        return _("ahead by {amount}", amount=format_short(-behind))
    return _("on profile")


def cumulative_sentence(yearly: pd.DataFrame, earlier: pd.Series | None = None) -> str:
    """One line under the cumulative chart, for the last year that has started.

    'By the end of 2022-23, at least £13.3m had been committed and £12.52m
    delivered (94.1%): £780k behind the committed profile.' ``earlier``: the
    qualifiers of years before those in ``yearly`` that its cumulative columns count.
    """
    phased = yearly.loc[yearly["financial_year"] != UNPHASED]
    if phased.empty:
        if not yearly.empty:
            return _("None of this money has a stated financial year, so none of it has fallen due.")
        return _("No money is committed or delivered in this view.")
    started = phased.loc[phased["started"]]
    if started.empty:
        first = phased.iloc[0]
        return _("None of this money is due yet: the first year, {year}, has not started.", year=first["label"])
    last = started.iloc[-1]
    committed, delivered = int(last["cumulative_committed"]), int(last["cumulative_delivered"])
    counted = started["qualifier"] if earlier is None else pd.concat([earlier, started["qualifier"]])
    so_far = combine_qualifiers(counted.replace("at least", "over"))
    behind = committed - delivered
    where = "behind" if behind > 0 else "ahead" if behind < 0 else "on"
    return _(
        _BY_THE_END_OF[where, bool(committed)],
        year=last["label"],
        committed=qualified(format_short(committed), so_far),
        delivered=format_short(delivered),
        share=percent(delivered / committed) if committed else "",
        amount=format_short(abs(behind)),
    )


# The cumulative chart's sentence: (behind, ahead of or on the profile; with a share delivered or not).
_BY_THE_END_OF = {
    ("behind", True): N_(
        "By the end of {year}, {committed} had been committed and {delivered} delivered ({share}): "
        "{amount} behind the committed profile."
    ),
    ("ahead", True): N_(
        "By the end of {year}, {committed} had been committed and {delivered} delivered ({share}): "
        "{amount} ahead of the committed profile."
    ),
    ("on", True): N_(
        "By the end of {year}, {committed} had been committed and {delivered} delivered ({share}): on profile."
    ),
    ("behind", False): N_(
        "By the end of {year}, {committed} had been committed and {delivered} delivered: "
        "{amount} behind the committed profile."
    ),
    ("ahead", False): N_(
        "By the end of {year}, {committed} had been committed and {delivered} delivered: "
        "{amount} ahead of the committed profile."
    ),
    ("on", False): N_("By the end of {year}, {committed} had been committed and {delivered} delivered: on profile."),
}


def commitments_sentence(table: pd.DataFrame) -> str:
    """'3 of 6 commitments are behind their profile by £780k in all.'"""
    total = len(table)
    behind = table.loc[table["slippage"] > 0]
    if total == 0:
        return _("No commitments in this view.")
    if behind.empty:
        if total > 1:
            return ngettext(
                "None of the {n} commitment is behind its profile.",
                "None of the {n} commitments is behind its profile.",
                total,
            )
        return _("The commitment is not behind its profile.")
    amount = format_short(int(behind["slippage"].sum()))
    if len(behind) == 1:
        return ngettext(
            "1 of {n} commitment is behind its profile, by {amount}.",
            "1 of {n} commitments is behind its profile, by {amount}.",
            total,
            amount=amount,
        )
    return ngettext(
        "{count} of {n} commitment are behind their profile by {amount} in all.",
        "{count} of {n} commitments are behind their profile by {amount} in all.",
        total,
        count=len(behind),
        amount=amount,
    )
