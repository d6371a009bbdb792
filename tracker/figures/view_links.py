"""A view as a link: the filters every page honours, in the address's query string.

The contract (docs/links.md shows examples)::

    fy=2021-22              one financial year
    fy=2020-21..2022-23     a range of financial years (either end may be left
                            out: ``fy=2021-22..`` is 2021-22 onwards)
    funder=NAME             a funder, as the data names it; repeated for more
    recipient=NAME          than one (``recipient=A&recipient=B``)
    programme=NAME
    area=W06000015          an ONS GSS area code (or ``not stated``)

Pages add their own keys for one record (``/announcements?ref=A1``,
``/organisations?id=GB-...``, ``/areas?code=W06000015``) or their own view
(the Overview's ``/?since=2026-11-03``: its changes since that day,
``SINCE``): those belong to the page, these to every page. ``record_address``
writes a record's address. A value the data does not hold is left out with a
note saying so (an address is anyone's text), never a reason to show nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import pandas as pd

from tracker.core.fiscal import FinancialYear
from tracker.figures.filters import Filters
from tracker.i18n import N_, _, ngettext

YEARS = "fy"
RANGE = ".."
# query key -> the Filters field it fills, in the order an address lists them
NAMED = {"funder": "funders", "recipient": "recipients", "programme": "programmes", "area": "areas"}
KEYS = (YEARS, *NAMED)
NOTE_VALUES_AT_MOST = 3  # values a note quotes; past that it counts them
_AS_TYPED = re.compile(r"[A-Za-z0-9_./:-]+")  # what ``quote(value, safe="/:")`` leaves as it is
SINCE = "since"  # the Overview's own key: the day its "Changes since" starts (ISO, 2026-11-03)


def to_params(filters: Filters) -> dict[str, list[str]]:
    """The query parameters that say ``filters`` (none for no filter)."""
    params: dict[str, list[str]] = {}
    first, last = filters.first_year, filters.last_year
    if first or last:
        if first == last and first is not None:
            params[YEARS] = [first.label]
        else:
            params[YEARS] = [f"{first.label if first else ''}{RANGE}{last.label if last else ''}"]
    for key, name in NAMED.items():
        values = getattr(filters, name)
        if values:
            params[key] = list(values)
    return params


@dataclass(frozen=True)
class Asked:
    """What an address asked for, as the sidebar's widgets can show it."""

    filters: Filters
    notes: tuple[str, ...]  # what was asked for and left out, in words


def from_params(params: Mapping[str, Sequence[str]], options: Mapping[str, list]) -> Asked:
    """The filters ``params`` ask for, among ``options`` (``filters.choices``):
    a year or a name the data does not hold is left out, with a note."""
    notes: list[str] = []
    first, last = _years(params.get(YEARS, ()), options["years"], notes)
    chosen: dict[str, tuple[str, ...]] = {}
    for key, name in NAMED.items():
        known = set(options[name])
        asked = list(dict.fromkeys(value for value in params.get(key, ()) if value))
        chosen[name] = tuple(value for value in asked if value in known)
        unknown = [value for value in asked if value not in known]
        if unknown:
            notes.append(_(_NOT_IN_THE_DATA[key], values=_quoted(unknown)))
    filters = Filters(
        first,
        last,
        funders=chosen["funders"],
        recipients=chosen["recipients"],
        programmes=chosen["programmes"],
        areas=chosen["areas"],
    )
    return Asked(filters, tuple(notes))


def _years(
    asked: Sequence[str], years: list[FinancialYear], notes: list[str]
) -> tuple[FinancialYear | None, FinancialYear | None]:
    if not asked or not years:
        return None, None
    text = asked[-1].strip()
    low_text, _range, high_text = text.partition(RANGE) if RANGE in text else (text, "", text)
    try:
        low = FinancialYear.parse(low_text) if low_text else years[0]
        high = FinancialYear.parse(high_text) if high_text else years[-1]
    except ValueError:
        notes.append(
            _(
                "The financial years {asked} are not years like 2021-22 or a range like 2020-21..2022-23: "
                "showing every year.",
                asked=repr(text),
            )
        )
        return None, None
    if high < low:
        low, high = high, low
    kept_low, kept_high = max(low, years[0]), min(high, years[-1])
    if kept_low > kept_high:
        notes.append(
            _(
                "The data has no money in {asked} (it runs from {first} to {last}): showing every year.",
                asked=_span(low, high),
                first=years[0].label,
                last=years[-1].label,
            )
        )
        return None, None
    if (kept_low, kept_high) != (low, high):
        notes.append(
            _(
                "The data runs from {first} to {last}: showing {shown}, not {asked}.",
                first=years[0].label,
                last=years[-1].label,
                shown=_span(kept_low, kept_high),
                asked=_span(low, high),
            )
        )
    if (kept_low, kept_high) == (years[0], years[-1]):
        return None, None  # every year: no filter
    return kept_low, kept_high


def _span(low: FinancialYear, high: FinancialYear) -> str:
    return low.label if low == high else _("{first} to {last}", first=low.label, last=high.label)


def _quoted(values: list[str]) -> str:
    shown = ", ".join(repr(value) for value in values[:NOTE_VALUES_AT_MOST])
    more = len(values) - NOTE_VALUES_AT_MOST
    if more <= 0:
        return shown
    return ngettext(
        "{values} and {count} more", "{values} and {count} more", more, values=shown, count=format(more, ",")
    )


# What a note says of names an address asks for that the data does not hold, by the address's key.
_NOT_IN_THE_DATA = {
    "funder": N_("No funder {values} in the data: left out of the filters."),
    "recipient": N_("No recipient {values} in the data: left out of the filters."),
    "programme": N_("No programme {values} in the data: left out of the filters."),
    "area": N_("No area {values} in the data: left out of the filters."),
}


def record_address(page: str, key: str, value: str) -> str:
    """The address of one record's page, ``/announcements?ref=WG-2020/03``: a
    ref's own characters (letters, digits, ``- _ . / :``) stay as typed, so
    the address shows the ref; anything else is escaped."""
    return f"/{page}?{key}={quote(value, safe='/:')}"


def record_addresses(page: str, key: str, values: pd.Series) -> pd.Series:
    """``record_address`` of each of ``values`` (text), worked out at once: a
    value of a ref's own characters is written as it is, others escaped."""
    text = values.astype(object)
    plain = text.str.fullmatch(_AS_TYPED.pattern).fillna(False).to_numpy(dtype=bool)
    out = (f"/{page}?{key}=" + text.where(plain, "")).astype(object)
    out[~plain] = [record_address(page, key, str(value)) for value in text[~plain]]
    return out


def since_from_param(text: str, earliest: date, latest: date) -> tuple[date | None, str | None]:
    """The day ``?since=`` names (ISO, ``2026-11-03``), or None and why, in words."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None, _("The date {asked} in the address is not a day like 2026-11-03.", asked=repr(text))
    if not earliest <= day <= latest:
        return None, _(
            "The date {asked} in the address is not between {earliest} and {latest}.",
            asked=day.isoformat(),
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
        )
    return day, None
