"""Original and revised profiles: what the Delivery page shows for a revised commitment.

Pure functions over the read models in ``tracker.records.revisions``:

* ``baseline_vs_revised(engine, ref)``: ``financial_year`` (start year),
  ``original_pence``, ``revised_pence`` per year either profile has;
* ``revision_history(engine, ref)``: ``revised_at, actor, reason,
  reason_text, before, after``, oldest first (``before``/``after`` are the
  terms and schedule as JSON, see ``tracker.records.revisions.terms_json``);
* ``records.revised_commitments(engine)``: ``ref, purpose, revisions,
  last_revised_at``.

Money stays int64 pence in the ``Table``; ``in_pounds`` turns it into exact
Decimal pounds for display.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tracker.core.fiscal import fy_label
from tracker.core.money import format_pounds, to_decimal
from tracker.core.vocabulary import in_words
from tracker.figures.finance_tables import TOTAL
from tracker.files.table import Table
from tracker.i18n import N_, _, ngettext

# Headings for people (shown as _(title)); the keys are the CSV's column names.
COMPARISON_TITLES = {
    "financial_year": N_("Financial year"),
    "original": N_("Original"),
    "revised": N_("Revised"),
    "change": N_("Change"),
}
COMPARISON_MONEY = ("original", "revised", "change")
HISTORY_TITLES = {
    "revised_at": N_("When (UTC)"),
    "actor": N_("Who"),
    "reason": N_("Reason"),
    "reason_text": N_("Reason given"),
    "changed": N_("What changed"),
}


def choices(revised: pd.DataFrame) -> dict[str, str]:
    """ref -> ``W3 · purpose`` for ``records.revised_commitments``, in its order."""
    return {str(ref): f"{ref} · {purpose}" for ref, purpose in zip(revised["ref"], revised["purpose"])}


def comparison_table(frame: pd.DataFrame, ref: str) -> Table:
    """Original against revised by financial year, with a Total row.

    ``frame`` is ``tracker.records.revisions.baseline_vs_revised``. Every year from the first
    to the last either profile has money in (or lists) is a row, zero-filled,
    labelled ``2020-21``; ``change`` is revised minus original.
    """
    original = {int(y): int(p) for y, p in zip(frame["financial_year"], frame["original_pence"])}
    revised = {int(y): int(p) for y, p in zip(frame["financial_year"], frame["revised_pence"])}
    years = list(range(min(original), max(original) + 1)) if original else []
    rows = pd.DataFrame(
        {
            "financial_year": [fy_label(y) for y in years],
            "original": pd.Series([original.get(y, 0) for y in years], dtype="int64"),
            "revised": pd.Series([revised.get(y, 0) for y in years], dtype="int64"),
        }
    )
    rows["change"] = rows["revised"] - rows["original"]
    total = pd.DataFrame([{"financial_year": TOTAL, **{c: int(rows[c].sum()) for c in COMPARISON_MONEY}}])
    table = pd.concat([rows, total], ignore_index=True).astype({c: "int64" for c in COMPARISON_MONEY})
    return Table(
        name=f"original-and-revised-{ref}",
        title=_("{ref}: original and revised", ref=ref),
        frame=table,
        titles={column: _(title) for column, title in COMPARISON_TITLES.items()},
        money_columns=COMPARISON_MONEY,
        total_row=True,
        notes=(_("Original is the profile as first committed; change is revised minus original."),),
    )


def in_pounds(table: Table) -> pd.DataFrame:
    """The table with its money as exact Decimal pounds, for ``st.dataframe``."""
    return table.frame.assign(**{c: [to_decimal(int(p)) for p in table.frame[c]] for c in table.money_columns})


def _schedule(terms: Mapping) -> dict[str, int]:
    return {str(label): int(p) for label, p in dict(terms.get("schedule") or {}).items()}


def what_changed(before: Mapping, after: Mapping) -> str:
    """One revision in words (as ``tracker.core.phrases.changed`` says a
    change), in the language in use: the kind if it changed, each year whose
    money changed, then the total, e.g. ``2020-21 changed from £1,000,000 to
    £0; 2022-23 changed from £0 to £2,000,000; Total changed from £1,000,000
    to £2,000,000``."""
    parts = []
    if before.get("kind") != after.get("kind"):
        kinds = {"before": in_words(str(before.get("kind"))), "after": in_words(str(after.get("kind")))}
        parts.append(_("Kind changed from {before} to {after}", **kinds))
    old, new = _schedule(before), _schedule(after)
    for label in sorted(set(old) | set(new)):
        if old.get(label, 0) != new.get(label, 0):
            money = {"before": format_pounds(old.get(label, 0)), "after": format_pounds(new.get(label, 0))}
            parts.append(_("{year} changed from {before} to {after}", year=label, **money))
    old_total, new_total = sum(old.values()), sum(new.values())
    if old_total != new_total:
        totals = {"before": format_pounds(old_total), "after": format_pounds(new_total)}
        parts.append(_("Total changed from {before} to {after}", **totals))
    return "; ".join(parts) or _("no change to the money by year")


def history(frame: pd.DataFrame) -> pd.DataFrame:
    """``tracker.records.revisions.revision_history`` for display, oldest first: ``revised_at``
    (UTC), ``actor``, ``reason``, ``reason_text`` (blank for none) and
    ``changed`` (``what_changed``)."""
    return pd.DataFrame(
        {
            "revised_at": pd.Series(frame["revised_at"], dtype="datetime64[us, UTC]").reset_index(drop=True),
            "actor": [str(a) for a in frame["actor"]],
            "reason": [in_words(str(r)) for r in frame["reason"]],
            "reason_text": [
                "" if t is None or (not isinstance(t, str) and pd.isna(t)) else str(t) for t in frame["reason_text"]
            ],
            "changed": [what_changed(b, a) for b, a in zip(frame["before"], frame["after"])],
        },
        columns=list(HISTORY_TITLES),
    )


def describe_profile(by_year: Mapping[int, int]) -> str:
    """A profile in words: ``£1,000,000 in 2021-22``, ``£500,000 a year from
    2020-21 to 2022-23``, ``£1,500,000 in all from 2020-21 to 2022-23`` or
    ``nothing``."""
    years = sorted(y for y, p in by_year.items() if p)
    if not years:
        return _("nothing")
    amounts = [int(by_year[y]) for y in years]
    if len(years) == 1:
        return _("{amount} in {year}", amount=format_pounds(amounts[0]), year=fy_label(years[0]))
    span = {"first": fy_label(years[0]), "last": fy_label(years[-1])}
    if len(set(amounts)) == 1 and years == list(range(years[0], years[-1] + 1)):
        return _("{amount} a year from {first} to {last}", amount=format_pounds(amounts[0]), **span)
    return _("{amount} in all from {first} to {last}", amount=format_pounds(sum(amounts)), **span)


def summary(ref: str, frame: pd.DataFrame, revisions: pd.DataFrame) -> str:
    """One sentence: the profile as first committed, as it is now, and how many
    revisions with their reasons, e.g. ``W3 was £1,000,000 in 2020-21; it is
    now £2,000,000 in 2022-23 after 1 revision (slippage).``

    ``frame`` is ``tracker.records.revisions.baseline_vs_revised``, ``revisions``
    ``tracker.records.revisions.revision_history``.
    """
    original = {int(y): int(p) for y, p in zip(frame["financial_year"], frame["original_pence"])}
    revised = {int(y): int(p) for y, p in zip(frame["financial_year"], frame["revised_pence"])}
    count = len(revisions)
    now = describe_profile(revised)
    if count == 0:
        return _("{ref} is {now} and has not been revised.", ref=ref, now=now)
    reasons = ", ".join(in_words(reason) for reason in dict.fromkeys(str(r) for r in revisions["reason"]))
    values = {"ref": ref, "now": now, "count": format(count, ","), "reasons": reasons}
    if {y: p for y, p in original.items() if p} == {y: p for y, p in revised.items() if p}:
        return ngettext(
            "{ref} is {now}, as first committed, after {count} revision ({reasons}).",
            "{ref} is {now}, as first committed, after {count} revisions ({reasons}).",
            count,
            **values,
        )
    return ngettext(
        "{ref} was {then}; it is now {now} after {count} revision ({reasons}).",
        "{ref} was {then}; it is now {now} after {count} revisions ({reasons}).",
        count,
        then=describe_profile(original),
        **values,
    )
