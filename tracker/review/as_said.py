"""A review snapshot's money as it was announced, in words: new money,
unphased and estimated money, shares of pots and money announced before.

Read the same from every snapshot schema (``tracker.review.snapshot``).
Schema 2 carries new money, unphased and estimated money in its headline and
by year, and each commitment's share, "announced before", spread and areas.
Schema 1 snapshots, frozen before those existed, carry none of them: a figure
they lack is absent (``money_split`` gives None and no column or note is
shown for it), never guessed, and a flag they lack reads as not set. Nothing
here changes a snapshot, so its fingerprint stays the one the audit trail
recorded when it was frozen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.core.fiscal import UNPHASED_LABEL
from tracker.core.money import format_pounds, format_short
from tracker.core.vocabulary import SPREAD_LABELS
from tracker.i18n import _

SPLIT = ("new_money", "unphased", "estimated")
# The yearly figures a schema 2 snapshot adds to committed, delivered and variance.
YEARLY_SPLIT = ("new_money", "estimated")


def money_split(figures: Mapping[str, Any]) -> dict[str, int] | None:
    """The headline's new money, unphased and estimated money (pence), or
    None for a snapshot frozen before they were recorded (schema 1)."""
    head = figures.get("headline") or {}
    if not all(key in head for key in SPLIT):
        return None
    return {key: int(head[key] or 0) for key in SPLIT}


def has_split(figures: Mapping[str, Any]) -> bool:
    """The snapshot records new money, unphased and estimated money."""
    return money_split(figures) is not None


def yearly_columns(figures: Mapping[str, Any]) -> tuple[str, ...]:
    """The yearly money columns a snapshot has: committed, delivered,
    variance, then new money and estimated when it records them."""
    return ("committed", "delivered", "variance", *(YEARLY_SPLIT if has_split(figures) else ()))


def is_unphased(row: Mapping[str, Any]) -> bool:
    """A yearly row for money with no financial year stated."""
    return row.get("financial_year") == UNPHASED_LABEL


def yearly_figure(row: Mapping[str, Any], key: str) -> int:
    """One money figure of a yearly row; one a schema 1 row lacks reads as 0."""
    return int(row.get(key) or 0)


@dataclass(frozen=True)
class Note:
    """A sentence about the money (``text``) and what it is about (``topic``:
    ``New money``, ``Unphased``, ``Estimated``), both in the language in use."""

    topic: str
    text: str


def _amount(pence: int) -> str:
    return f"{format_short(pence)} ({format_pounds(pence, always_pence=True)})"


def money_notes(figures: Mapping[str, Any]) -> list[Note]:
    """What the snapshot's committed money holds that is not plain new money
    in a stated year, in words; none for a schema 1 snapshot or when there is
    nothing to say."""
    split = money_split(figures)
    committed = int(figures["headline"]["committed"])
    if split is None:
        return _schema_1_notes(figures, committed)
    notes = []
    if split["new_money"] != committed:
        earlier = committed - split["new_money"]
        notes.append(
            Note(
                _("New money"),
                _(
                    "New money is {amount} of the {committed} committed: the other {earlier} was announced before, "
                    "so it is counted once but is not new money.",
                    amount=_amount(split["new_money"]),
                    committed=format_short(committed),
                    earlier=format_short(earlier),
                ),
            )
        )
    undated = sum(int(r.get("delivered") or 0) for r in figures.get("yearly", []) if is_unphased(r))
    if split["unphased"]:
        notes.append(
            Note(
                _("Unphased"),
                _(
                    "{amount} of committed money is unphased: no financial year was stated for it. It counts in "
                    "every total and sits in the unphased row after the years; it is never placed in a year by "
                    "guess, and never counted as due.",
                    amount=_amount(split["unphased"]),
                ),
            )
        )
    if undated:
        notes.append(
            Note(
                _("Undated deliveries"),
                _("{amount} delivered has no date: it is in the unphased row.", amount=_amount(undated)),
            )
        )
    if split["estimated"]:
        notes.append(
            Note(
                _("Estimated"),
                _(
                    "{amount} of committed money is estimated: a multi-year total that the announcement did not "
                    "split by year, placed in years by a chosen spread (evenly, or by planned dates). The years it "
                    "sits in are our estimate, not what was announced.",
                    amount=_amount(split["estimated"]),
                ),
            )
        )
    return notes


def _schema_1_notes(figures: Mapping[str, Any], committed: int) -> list[Note]:
    """A schema 1 snapshot's yearly figures left out money with no year, which
    its headline counted: say how much, the one thing it lets us know."""
    in_years = sum(int(r.get("committed") or 0) for r in figures.get("yearly", []))
    if committed == in_years:
        return []
    return [
        Note(
            _("Unphased"),
            _(
                "{amount} of committed money is in no year of these figures: it is counted in the headline, but "
                "this snapshot was frozen before money with no year stated had a row of its own.",
                amount=_amount(committed - in_years),
            ),
        )
    ]


def spread_words(spread: str | None) -> str | None:
    """How a multi-year total was spread, in words (in the language in use); None when it was not."""
    if not spread or spread == "none":
        return None
    label = _(SPREAD_LABELS[spread]) if spread in SPREAD_LABELS else spread
    return label[:1].lower() + label[1:]


def how_counted(row: Mapping[str, Any]) -> str:
    """How one snapshot commitment's money is counted, in words ('' when
    plainly: new money in the years announced)."""
    parts = []
    if row.get("restates"):
        parts.append(_("re-announces {ref}: counted there", ref=row["restates"]))
    if row.get("reannounces_earlier"):
        parts.append(_("announced before: counted, not new money"))
    if row.get("part_of"):
        parts.append(_("share of {pot}: inside its pot, not added to it", pot=row["part_of"]))
    unphased = int(row.get("unphased") or 0)
    if unphased:
        parts.append(_("{amount} unphased: no year stated", amount=format_short(unphased)))
    spread = spread_words((row.get("terms") or {}).get("spread"))
    if spread:
        parts.append(_("spread {how}", how=spread))
    return "; ".join(parts)
