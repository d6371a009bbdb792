"""Search across everything: announcements, commitments, organisations, programmes and places.

One portable approach for SQLite and PostgreSQL alike: the words of every
record (titles, purposes, quoted words, names, other names, identifiers,
refs, area codes and their English and Welsh names) are gathered once per
load of the data into one folded text per record (``build``), and a search
keeps the records holding every word typed (``search``). Folding is
``casefold`` with accents taken off, so "ynys mon" finds "Ynys Môn" and
"CAERDYDD" finds "Caerdydd". At 100,000 commitments building takes about a
second, once per change of the data, and a search tens of milliseconds
(bench/README.md).

Search ignores the sidebar's filters: it finds what exists, and each result
is a link to its own page (``Result.address``: an address of docs/links.md).

The index is kept for everyone (the Search page keeps it until the data
changes), so it holds no words in any one language: each kind keeps what its
results' labels and details are made from, and ``search`` says them, for the
few records it lists, in the language in use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from tracker.core.languages import ENGLISH
from tracker.core.places import principal_areas
from tracker.figures.areas import NOT_STATED, area_label, kept_area_rows
from tracker.figures.data import TrackerData
from tracker.figures.filters import NO_PROGRAMME
from tracker.i18n import N_, _, ngettext, speaking
from tracker.i18n.dates import short_date

KINDS = ("announcements", "commitments", "organisations", "programmes", "places")
KIND_LABELS = {  # headings: shown as _(KIND_LABELS[kind])
    "announcements": N_("Announcements"),
    "commitments": N_("Commitments"),
    "organisations": N_("Organisations"),
    "programmes": N_("Programmes"),
    "places": N_("Places"),
}
SHOWN_AT_MOST = 20  # results listed per kind; the rest are counted
WORDS_AT_MOST = 12  # words of a search used; more add nothing but time
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """``text`` as search compares it: case and accents taken off."""
    if text.isascii():  # most of it: casefold is lower, and there are no accents
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of a search, folded, each once, at most ``WORDS_AT_MOST``."""
    return list(dict.fromkeys(_WORD.findall(fold(text))))[:WORDS_AT_MOST]


def _as_it_is(value: Any) -> str:
    return str(value)


@dataclass(frozen=True)
class Kind:
    """One kind of record, searchable: per record a label, a detail and where
    it opens (the page's address, its query), and its folded text. The label
    and detail are what ``say_label`` and ``say_detail`` put in words (in
    the language in use, when a result is listed); by default, as they are."""

    page: str  # the address of the page each record opens on (docs/links.md)
    label: pd.Series
    detail: pd.Series
    query: pd.Series  # the query naming the record on that page: {key: value}
    text: np.ndarray  # object array of folded strings
    say_label: Callable[[Any], str] = _as_it_is
    say_detail: Callable[[Any], str] = _as_it_is


@dataclass(frozen=True)
class Result:
    label: str
    detail: str
    page: str
    query: dict[str, str]

    @property
    def address(self) -> str:
        return f"/{self.page}?{urlencode(self.query)}"


@dataclass(frozen=True)
class Found:
    kind: str
    total: int  # records of this kind holding every word
    results: list[Result]  # the first SHOWN_AT_MOST


def _joined(*columns: pd.Series) -> np.ndarray:
    """The folded text of each row: the columns' values joined, blanks left out."""
    parts = [column.fillna("").astype(str) for column in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " " + part
    return np.array([fold(value) for value in joined], dtype=object)


def _announcements(announcements: pd.DataFrame) -> Kind:
    a = announcements
    dated = pd.to_datetime(a["announced_on"], errors="coerce")
    days = [None if pd.isna(day) else day.date() for day in dated]
    return Kind(
        page="announcements",
        label=a["ref"] + ": " + a["title"].fillna(""),
        detail=pd.Series(list(zip(days, a["funder"].fillna(""))), index=a.index, dtype=object),
        query=a["ref"].map(lambda ref: {"ref": ref}),
        text=_joined(
            a["ref"], a["title"], a["title_cy"], a["funder"], a["made_by"], a["quote"], a["quote_cy"], a["notes"]
        ),
        say_detail=_announced,
    )


def _announced(detail: tuple[date | None, str]) -> str:
    """``25 Oct 2019, Welsh Government``; ``undated, ...`` when the statement gave no date."""
    day, funder = detail
    if isinstance(day, date):
        return _("{day}, {funder}", day=short_date(day), funder=funder)
    return _("undated, {funder}", funder=funder)


def _commitments(data: TrackerData) -> Kind:
    c = data.commitments_with_quotes
    return Kind(
        page="announcements",
        label=c["ref"] + ": " + c["purpose"].fillna(""),
        detail=pd.Series(list(zip(c["recipient"], c["announcement_ref"])), index=c.index, dtype=object),
        query=c["announcement_ref"].map(lambda ref: {"ref": ref}),
        text=_joined(c["ref"], c["purpose"], c["recipient"], c["programme"], c["title"], c["quote"]),
        say_detail=_committed,
    )


def _committed(detail: tuple[str | None, str]) -> str:
    """``Welsh councils, announced in A1``; ``no recipient named, ...``."""
    recipient, announcement = detail
    if isinstance(recipient, str):
        return _("{recipient}, announced in {announcement}", recipient=recipient, announcement=announcement)
    return _("no recipient named, announced in {announcement}", announcement=announcement)


def organisation_key(organisation_id: int, identifier: str) -> str:
    """How an address names an organisation (``/organisations?id=...``): its
    org-id identifier (``GB-CHC-1234567``), else its number in the tracker."""
    return identifier or str(organisation_id)


def _organisations(organisations: pd.DataFrame) -> Kind:
    o = organisations
    identifier = o["identifier"].fillna("")
    keys = [organisation_key(int(i), key) for i, key in zip(o["organisation_id"], identifier, strict=True)]
    return Kind(
        page="organisations",
        label=o["name"],
        detail=pd.Series(list(zip(identifier, o["other_names"])), index=o.index, dtype=object),
        query=pd.Series([{"id": key} for key in keys], index=o.index, dtype=object),
        text=_joined(o["name"], o["identifier"], o["other_names"]),
        say_detail=_known_as,
    )


def _known_as(detail: tuple[str, str | None]) -> str:
    """``GB-CHC-1234567; also WLGA``; ``no identifier`` when it has none."""
    identifier, other_names = detail
    if isinstance(other_names, str) and other_names:
        if identifier:
            return _("{identifier}; also {names}", identifier=identifier, names=other_names)
        return _("no identifier; also {names}", names=other_names)
    return identifier or _("no identifier")


def _programmes(data: TrackerData) -> Kind:
    names = sorted(set(data.commitments["programme"].dropna()) - {NO_PROGRAMME})
    series = pd.Series(names, dtype=object)
    counts = data.commitments["programme"].value_counts()
    return Kind(
        page="overview",
        label=series,
        detail=series.map(lambda name: int(counts.get(name, 0))),
        query=series.map(lambda name: {"programme": name}),
        text=_joined(series),
        say_detail=_commitments_counted,
    )


def _commitments_counted(count: int) -> str:
    return ngettext("{count} commitment", "{count} commitments", count, count=format(count, ","))


def _places(data: TrackerData) -> Kind:
    named = kept_area_rows(data)
    codes = sorted((set(named["area"]) | set(principal_areas())) - {NOT_STATED})
    welsh = {code: area.name_cy for code, area in principal_areas().items()}
    series = pd.Series(codes, dtype=object)
    with_money = set(named["area"])
    with speaking(ENGLISH):  # English names, and (below) the Welsh: found in either language
        english = series.map(area_label)
    return Kind(
        page="areas",
        label=series,
        detail=series.map(lambda code: code in with_money),
        query=series.map(lambda code: {"code": code}),
        text=_joined(series, english, series.map(lambda code: welsh.get(code, ""))),
        say_label=lambda code: area_label(str(code)),
        say_detail=lambda has_money: _("money recorded") if has_money else _("no money recorded"),
    )


@dataclass(frozen=True)
class SearchIndex:
    kinds: dict[str, Kind]


def build(data: TrackerData, announcements: pd.DataFrame, organisations: pd.DataFrame) -> SearchIndex:
    """Everything searchable in ``data`` (whole, not filtered), ``announcements``
    (``register.read_announcements``) and ``organisations`` (``organisation_id,
    name, identifier, other_names``, as ``records.listings.organisations`` lists them)."""
    return SearchIndex(
        {
            "announcements": _announcements(announcements),
            "commitments": _commitments(data),
            "organisations": _organisations(organisations),
            "programmes": _programmes(data),
            "places": _places(data),
        }
    )


def search(index: SearchIndex, text: str) -> list[Found]:
    """The records holding every word of ``text``, by kind (kinds with none left out)."""
    wanted = words(text)
    if not wanted:
        return []
    found = []
    for name in KINDS:
        kind = index.kinds[name]
        keep = np.ones(len(kind.text), dtype=bool)
        for word in wanted:
            keep &= np.fromiter((word in value for value in kind.text), dtype=bool, count=len(kind.text))
        hits = np.flatnonzero(keep)
        if len(hits):
            first = hits[:SHOWN_AT_MOST]
            results = [
                Result(kind.say_label(label), kind.say_detail(detail), kind.page, dict(query))
                for label, detail, query in zip(
                    kind.label.iloc[first], kind.detail.iloc[first], kind.query.iloc[first], strict=True
                )
            ]
            found.append(Found(name, len(hits), results))
    return found
