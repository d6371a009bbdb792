"""Committed against delivered per financial year (and per group): the totals
every page, export and ``funding-tracker totals`` start from.

One row per financial year, zero-filled from the first to the last year with
money, then one ``UNPHASED`` row when some money has no year (asked for with
``unphased=True``; screens that draw years only leave it out and say so).
Columns (int64 pence unless said): ``committed`` (every pound once),
``delivered``, ``variance`` (delivered - committed), ``new_money`` (committed
less money announced before), ``estimated`` (the part of committed placed by
a chosen spread) and ``qualifiers`` (text: the non-exact qualifiers of the
row's committed money, sorted, joined by ``;``).

Grouped ``by`` funder or recipient, rows group by organisation, not by name
(two organisations sharing a name stay two lines), and a ``funder_id`` or
``recipient_id`` column (the organisation's identifier) follows the name.
Money with no recipient is its own line, ``recipient not stated``.

Those lines' names are data here (the ``totals`` command's CSV and the API
say them in English); they are marked for the message catalogue so that a
table showing them says them in the reader's language (``_(NO_VALUE)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED
from tracker.figures.areas import area_groups
from tracker.i18n import N_

NO_VALUE = N_("(none)")
MONEY = ["committed", "delivered", "variance"]
FIGURES = [*MONEY, "new_money", "estimated"]
NOT_STATED = {"recipient": N_("recipient not stated")}
ORGANISATION_KEYS = {"funder": ("funder_org", "funder_id"), "recipient": ("recipient_org", "recipient_id")}
# What the totals read of a schedule (the columns it has of these).
SCHEDULE_READ = ["commitment_id", "financial_year", "committed_pence", "new_money_pence", "estimated", "qualifier"]
# Money naming several areas is under each in full: ``shared`` says how much of a row that is.
AREA_FIGURES = [*FIGURES, "shared"]


def figures_for(by: str | None) -> list[str]:
    """The money columns of totals grouped ``by``."""
    return AREA_FIGURES if by == "area" else FIGURES


def fy_of_dates(dates: pd.Series) -> np.ndarray:
    """Start year of the financial year of each date (vectorised); ``UNPHASED``
    where there is no date (an undated delivery)."""
    stamps = pd.to_datetime(pd.Series(dates), errors="raise")
    years = (stamps.dt.year - (stamps.dt.month < 4)).fillna(UNPHASED)
    return years.to_numpy(dtype=np.int64)


def identifier_column(by: str | None) -> str | None:
    """The column that follows ``by`` in totals: an organisation's identifier,
    an area's name (None when there is none)."""
    if by == "area":
        return "area_name"
    return ORGANISATION_KEYS[by][1] if by in ORGANISATION_KEYS else None


def _groups(commitments: pd.DataFrame, by: str) -> tuple[pd.Series, pd.DataFrame]:
    """Each commitment's group key, and each key's label (and identifier)."""
    keys = ORGANISATION_KEYS.get(by)
    read = dict.fromkeys(["commitment_id", by, *(name for name in keys or () if name in commitments)])
    frame = commitments[list(read)].set_index("commitment_id")
    label = frame[by].fillna(NOT_STATED.get(by, NO_VALUE))
    if keys is None or keys[0] not in frame:  # grouped by the label, as a number (quick to group a million rows by)
        codes, labels = pd.factorize(label)
        return pd.Series(codes, index=frame.index), pd.DataFrame({by: labels.to_numpy()})
    # Keyed by the organisation's id as text ("" for none), which orders two
    # organisations of one name; as a number in that order (quick to group by).
    codes, orgs = pd.factorize(frame[keys[0]], use_na_sentinel=True)
    text = np.array([*pd.Series(orgs).astype("Int64").astype(str), ""], dtype=object)  # code -1 (none): the last
    place = np.empty(len(text), np.int64)
    place[np.argsort(text, kind="stable")] = np.arange(len(text))
    first = np.unique(codes, return_index=True)[1]  # each organisation's first row
    described = pd.DataFrame(
        {by: label.to_numpy()[first], keys[1]: frame[keys[1]].fillna("").to_numpy()[first]},
        index=place[codes[first]],
    )
    return pd.Series(place[codes], index=frame.index), described


def _year_range(*years) -> np.ndarray:
    present = np.concatenate([np.asarray(y, dtype=np.int64) for y in years]) if years else np.zeros(0, np.int64)
    present = present[present != UNPHASED]
    if len(present) == 0:
        return np.zeros(0, np.int64)
    return np.arange(present.min(), present.max() + 1, dtype=np.int64)


def _qualifiers(counted: pd.DataFrame, index_keys: list[str]) -> pd.Series:
    """Per group of ``counted``'s rows with a qualifier other than ``exact``,
    those qualifiers, distinct and sorted, joined by ``;`` (a group not here:
    all exact, blank)."""
    other = counted.loc[(counted["qualifier"] != "exact").to_numpy(dtype=bool), [*index_keys, "qualifier"]]
    # A few distinct qualifiers: as numbers until the few rows left are joined.
    codes, names = pd.factorize(other["qualifier"], use_na_sentinel=False)
    distinct = other[index_keys].assign(qualifier=codes).drop_duplicates()
    distinct["qualifier"] = names.take(distinct["qualifier"].to_numpy())
    joined = distinct.sort_values([*index_keys, "qualifier"]).groupby(index_keys)["qualifier"].agg(";".join)
    return joined.astype("str").rename("qualifiers")


def committed_vs_delivered(
    schedule: pd.DataFrame,
    deliveries: pd.DataFrame,
    commitments: pd.DataFrame,
    by: str | None = None,
    unphased: bool = False,
) -> pd.DataFrame:
    """Totals per financial year (per group with ``by``): see the module's words."""
    # Only the columns worked with, before rows are picked (a schedule carries every commitment column).
    money = schedule[[name for name in SCHEDULE_READ if name in schedule]]
    money = money.loc[(money["committed_pence"] != 0) | (money["new_money_pence"] != 0)]
    if not unphased:
        money = money.loc[money["financial_year"] != UNPHASED]
    money = money.assign(
        estimated_pence=np.where(money["estimated"].to_numpy(dtype=bool), money["committed_pence"], 0)
        if "estimated" in money
        else 0
    )
    paid = deliveries[["commitment_id", "paid_on", "amount_pence"]]
    paid = paid.loc[paid["amount_pence"] != 0]
    paid = paid.assign(financial_year=fy_of_dates(paid["paid_on"]) if len(paid) else [])
    if not unphased:
        paid = paid.loc[paid["financial_year"] != UNPHASED]
    described = None
    if by == "area":  # a commitment naming several areas is under each
        areas, described = area_groups(commitments)
        money = money.merge(areas[["commitment_id", "group", "areas_named"]], on="commitment_id")
        paid = paid.merge(areas[["commitment_id", "group"]], on="commitment_id")
        money = money.assign(shared_pence=np.where(money["areas_named"] > 1, money["committed_pence"], 0))
    elif by is not None:
        keys, described = _groups(commitments, by)
        money = money.assign(group=money["commitment_id"].map(keys))
        paid = paid.assign(group=paid["commitment_id"].map(keys))
    index_keys = (["group"] if by else []) + ["financial_year"]

    summed = ["committed_pence", "new_money_pence", "estimated_pence", *(["shared_pence"] if by == "area" else [])]
    sums = money.groupby(index_keys)[summed].sum()
    sums.columns = [c.removesuffix("_pence") for c in summed]
    delivered = paid.groupby(index_keys)["amount_pence"].sum().rename("delivered")
    counted = money.loc[money["committed_pence"] != 0]
    if "qualifier" not in counted:
        qualifier_of = commitments.set_index("commitment_id")["qualifier"]
        counted = counted.assign(qualifier=counted["commitment_id"].map(qualifier_of))
    qualifiers = _qualifiers(counted, index_keys)
    all_years = np.concatenate(
        [sums.index.get_level_values("financial_year"), delivered.index.get_level_values("financial_year")]
    )
    years = _year_range(all_years)
    if (all_years == UNPHASED).any():
        years = np.append(years, np.int64(UNPHASED))
    if by is None:
        index = pd.Index(years, name="financial_year")
    else:
        groups = sorted(set(sums.index.get_level_values("group")) | set(delivered.index.get_level_values("group")))
        index = pd.MultiIndex.from_product([groups, years], names=["group", "financial_year"])
    frame = pd.concat([sums, delivered], axis=1).reindex(index).fillna(0).astype("int64")
    frame["variance"] = frame["delivered"] - frame["committed"]
    frame["qualifiers"] = qualifiers.reindex(index).fillna("")
    frame = frame.reset_index()
    columns = ["financial_year", *FIGURES, "qualifiers", *(["shared"] if by == "area" else [])]
    if by is None:
        return frame[columns]
    assert described is not None
    shown = described.reindex(frame["group"])
    frame[by] = shown[by].to_numpy()
    identifier = identifier_column(by)
    if identifier is not None and identifier in shown:
        frame[identifier] = shown[identifier].to_numpy()
        lead = [by, identifier]
    else:
        lead = [by]
    frame = frame.sort_values([by, "group", "financial_year"], kind="stable")
    return frame[[*lead, *columns]].reset_index(drop=True)
