"""The register of announcements.

Read models for the Announcements page (and anything else that lists
announcements): pandas frames, money in int64 pence.

* ``read_announcements(engine)``: every visible announcement with the words
  quoted, the notes and the headline claim, which ``queries.load`` does not read; announcements
  that carry no money are included.
* ``register(data, announcements, filters)``: one row per announcement in
  the view, with its headline and new money in the financial years shown.
* ``search(frame, text, statuses)``: the page's own narrowing.

The detail of one announcement is ``tracker.figures.announcement_detail``;
escaping text for Markdown is ``tracker.figures.markdown_text``.

Which announcements a filtered view shows:

* an announcement with commitments is shown when at least one of them is in
  the view (the sidebar's funder/recipient/programme filters) and, when a
  range of financial years is chosen, it has money in those years or was made
  in one of them;
* an announcement with no commitments (a statement with no money) is shown
  unless a recipient or programme filter is set (it has neither), its funder
  is filtered away, or it was made outside the years chosen.

The headline of an announcement is the sum of the amounts its commitments
announced in the years shown; its new money leaves out re-announcements
(they are counted once, under the commitment they restate).

The register says its years in words (``2020-21 to 2022-23``, in Welsh
``2020-21 i 2022-23``), so a kept register is kept once per language; its
qualifiers and statuses stay the values stored (a page shows their words:
``tracker.core.money.qualifier_word``, ``tracker.core.vocabulary.in_words``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, nulls_last, or_, select

from db.models import Announcement, Commitment, Organisation
from db.session import read_session
from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import to_decimal
from tracker.core.vocabulary import STATUSES
from tracker.figures.data import TrackerData
from tracker.figures.delivery import combine_qualifiers
from tracker.figures.filters import Filters
from tracker.figures.totals import fy_of_dates
from tracker.files.table import Table
from tracker.i18n import N_, _, current
from tracker.i18n.dates import long_date

__all__ = [
    "ANNOUNCEMENT_COLUMNS",
    "REGISTER_COLUMNS",
    "STATUSES",
    "announcements_from",
    "in_pounds",
    "optional_text",
    "pick_labels",
    "read_announcements",
    "register",
    "register_table",
    "search",
    "titled_table",
    "year_span",
]

ANNOUNCEMENT_COLUMNS = [
    "ref",
    "announced_on",
    "title",
    "funder",
    "made_by",
    "source_url",
    "quote",
    "notes",
    "commitment_count",
    "title_cy",
    "quote_cy",
    "headline",
]

REGISTER_COLUMNS = [
    "ref",
    "announced_on",
    "title",
    "funder",
    "recipients",
    "commitments",
    "years",
    "headline_pence",
    "qualifier",
    "committed_pence",
    "new_money_pence",
    "statuses",
    "source_url",
    "purposes",
    "programmes",
    "quote",
    "commitment_count",
    "title_cy",
    "quote_cy",
]

# Money with no stated year, in words (``tracker.core.fiscal.UNPHASED_LABEL``, the key, stays English).
UNPHASED_WORD = N_("unphased")

# What the text search looks in.
SEARCHED = ["ref", "commitments", "title", "purposes", "programmes", "recipients", "quote", "title_cy", "quote_cy"]

# Curly quotes in stored text match straight ones typed into a search box.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


# --- reading -----------------------------------------------------------------


def read_announcements(engine: Engine, as_at: date | None = None) -> pd.DataFrame:
    """Every visible announcement, with its quoted words and notes.

    ``commitment_count`` counts its visible commitments: 0 for a statement
    that carries no money. Soft-deleted announcements are left out; with
    ``as_at``, so are those made after it.
    """
    counts = (
        select(Commitment.announcement_id, func.count(Commitment.id).label("n"))
        .where(Commitment.deleted_at.is_(None))
        .group_by(Commitment.announcement_id)
        .subquery()
    )
    query = (
        select(
            Announcement.ref,
            Announcement.announced_on,
            Announcement.title,
            Organisation.name,
            Announcement.made_by,
            Announcement.source_url,
            Announcement.quote,
            Announcement.notes,
            func.coalesce(counts.c.n, 0),
            Announcement.title_cy,
            Announcement.quote_cy,
            Announcement.headline,
        )
        .join(Organisation, Announcement.funder_id == Organisation.id)
        .outerjoin(counts, counts.c.announcement_id == Announcement.id)
        .where(Announcement.deleted_at.is_(None))
        .order_by(nulls_last(Announcement.announced_on.asc()), Announcement.ref)
    )
    if as_at is not None:  # an undated announcement has no date to leave it out by
        query = query.where(or_(Announcement.announced_on <= as_at, Announcement.announced_on.is_(None)))
    with read_session(engine) as session:
        rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=ANNOUNCEMENT_COLUMNS)
    return frame.astype({"commitment_count": "int64"})


def announcements_from(data: TrackerData) -> pd.DataFrame:
    """The announcements ``data`` knows of (those with commitments), without quote or notes:
    ``ANNOUNCEMENT_COLUMNS``, as ``read_announcements`` gives them."""
    first = data.commitments.drop_duplicates("announcement_ref")
    counts = data.commitments.groupby("announcement_ref").size()
    return pd.DataFrame(
        {
            "ref": first["announcement_ref"].to_numpy(),
            "announced_on": first["announced_on"].to_numpy(),
            "title": first["title"].to_numpy(),
            "funder": first["funder"].to_numpy(),
            "made_by": None,
            "source_url": first["source_url"].to_numpy(),
            "quote": None,
            "notes": None,
            "commitment_count": counts.reindex(first["announcement_ref"]).to_numpy(dtype=np.int64),
            "title_cy": None,
            "quote_cy": None,
            "headline": None,
        },
        columns=ANNOUNCEMENT_COLUMNS,
    )


# --- the register ------------------------------------------------------------


def _joined(keys: pd.Series, values: pd.Series, sep: str = ", ", *, sort: bool = False) -> pd.Series:
    """Per key, its distinct non-blank text values joined by ``sep``: in the
    order first seen, or sorted. Worked out for every key at once (most
    announcements have one commitment: their value is their text)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()})
    frame = frame.loc[(frame["value"].notna() & (frame["value"] != "")).to_numpy(dtype=bool)].drop_duplicates()
    if sort:
        frame = frame.sort_values(["key", "value"], kind="stable")
    many = frame.groupby("key", sort=False)["value"].transform("size").to_numpy() > 1
    single = pd.Series(frame["value"].to_numpy()[~many], index=frame["key"].to_numpy()[~many], dtype=object)
    joined = frame.loc[many].groupby("key", sort=False)["value"].agg(sep.join)
    return pd.concat([single, joined.astype(object)])


def _qualifiers(keys: pd.Series, qualifiers: pd.Series) -> pd.Series:
    """Per key, ``combine_qualifiers`` of its commitments' qualifiers, worked out at once."""
    frame = pd.DataFrame(
        {
            "key": keys.to_numpy(),
            "other": (qualifiers != "exact").to_numpy(dtype=bool),
            "over": (qualifiers == "over").to_numpy(dtype=bool),
            "up_to": (qualifiers == "up to").to_numpy(dtype=bool),
        }
    )
    counts = frame.groupby("key", sort=False)[["other", "over", "up_to"]].sum()
    other, over, up_to = (counts[c].to_numpy() for c in ("other", "over", "up_to"))
    words = np.select(
        [other == 0, over == other, up_to == other], [combine_qualifiers([]), "at least", "up to"], "about"
    )
    return pd.Series(words, index=counts.index, dtype=object)


def _year_spans(keys: pd.Series, years: pd.Series) -> pd.Series:
    """Per key, ``year_span`` of its years, worked out at once."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "year": years.to_numpy(dtype=np.int64)})
    frame["unphased"] = frame["year"] == UNPHASED
    frame["placed"] = frame["year"].where(~frame["unphased"])
    grouped = frame.groupby("key", sort=False).agg(
        first=("placed", "min"), last=("placed", "max"), unphased=("unphased", "any")
    )
    spans: dict[tuple[float, float, bool], str] = {}  # most announcements share a few spans: each said once
    said = []
    for first, last, unphased in zip(grouped["first"], grouped["last"], grouped["unphased"]):
        key = (first, last, bool(unphased))
        if key not in spans:
            placed = () if first != first else (int(first), int(last))  # NaN: only unphased money
            spans[key] = _span_words(*placed, unphased=bool(unphased))
        said.append(spans[key])
    return pd.Series(said, index=grouped.index, dtype=object)


def year_span(years: Iterable[int]) -> str:
    """Financial years (start years) as ``2020-21`` or ``2020-21 to 2022-23``
    (and ``unphased`` money), in the language in use; none: blank."""
    every = {int(y) for y in years}
    placed = sorted(every - {UNPHASED})
    return _span_words(*((placed[0], placed[-1]) if placed else ()), unphased=UNPHASED in every)


def _span_words(*years: int, unphased: bool) -> str:
    """``years`` (none, or the first and last start years) in words, with unphased money or not."""
    if not years:
        return _(UNPHASED_WORD) if unphased else ""
    first, last = years
    if first == last:
        if unphased:
            return _("{year} and unphased", year=fy_label(first))
        return fy_label(first)
    if unphased:
        return _("{first} to {last} and unphased", first=fy_label(first), last=fy_label(last))
    return _("{first} to {last}", first=fy_label(first), last=fy_label(last))


def register(
    data: TrackerData, announcements: pd.DataFrame | None = None, filters: Filters | None = None
) -> pd.DataFrame:
    """One row per announcement in the view, earliest first (``REGISTER_COLUMNS``).

    ``announcements`` (from ``read_announcements``) adds the quoted words and
    the announcements that carry no money; without it only announcements with
    commitments in ``data`` are listed. ``filters`` are the ones ``data`` was
    narrowed by (see the module docstring for what they do to announcements
    with no money). Worked out column by column, not announcement by
    announcement: 100,000 announcements take about a second.
    """
    filters = filters or Filters()
    announcements = announcements_from(data) if announcements is None else announcements
    commitments = data.commitments
    schedule = data.schedule
    money = schedule.groupby("announcement_ref")[["headline_pence", "committed_pence", "new_money_pence"]].sum()
    with_money = schedule.loc[schedule["headline_pence"] != 0]
    years = _year_spans(with_money["announcement_ref"], with_money["financial_year"])
    keys = commitments["announcement_ref"]
    counts = keys.value_counts(sort=False)
    summary = pd.DataFrame(
        {
            "recipients": _joined(keys, commitments["recipient"]),
            "commitments": _joined(keys, commitments["ref"]),
            "qualifier": _qualifiers(keys, commitments["qualifier"]),
            "statuses": _joined(keys, commitments["status"], sort=True),
            "purposes": _joined(keys, commitments["purpose"], "; "),
            "programmes": _joined(keys, commitments["programme"], "; "),
        },
        index=counts.index,
    )

    refs = announcements["ref"]
    in_view = summary.index.get_indexer(refs) >= 0
    shown = _shown(announcements, in_view, years.index.get_indexer(refs) >= 0, data.year_range, filters)
    listed = announcements.loc[shown].reset_index(drop=True)
    refs = listed["ref"]
    own = summary.reindex(refs)
    sums = money.reindex(refs).fillna(0)

    def text(column: str) -> np.ndarray:
        return own[column].fillna("").to_numpy(dtype=object)

    frame = pd.DataFrame(
        {
            "ref": refs.to_numpy(),
            "announced_on": listed["announced_on"].to_numpy(),
            "title": listed["title"].to_numpy(),
            "funder": listed["funder"].to_numpy(),
            "recipients": text("recipients"),
            "commitments": text("commitments"),
            "years": years.reindex(refs).fillna("").to_numpy(dtype=object),
            "headline_pence": sums["headline_pence"].to_numpy(dtype=np.int64),
            "qualifier": text("qualifier"),
            "committed_pence": sums["committed_pence"].to_numpy(dtype=np.int64),
            "new_money_pence": sums["new_money_pence"].to_numpy(dtype=np.int64),
            "statuses": text("statuses"),
            "source_url": [optional_text(v) for v in listed["source_url"]],
            "purposes": text("purposes"),
            "programmes": text("programmes"),
            "quote": [optional_text(v) or "" for v in listed["quote"]],
            "commitment_count": counts.reindex(refs).fillna(0).to_numpy(dtype=np.int64),
            "title_cy": [optional_text(v) for v in listed["title_cy"]],
            "quote_cy": [optional_text(v) or "" for v in listed["quote_cy"]],
        },
        columns=REGISTER_COLUMNS,
    )
    frame = frame.sort_values(["announced_on", "ref"], kind="stable", key=_dates_first_undated_last).reset_index(
        drop=True
    )
    return frame.astype(
        {"headline_pence": "int64", "committed_pence": "int64", "new_money_pence": "int64", "commitment_count": "int64"}
    )


def _dates_first_undated_last(column: pd.Series) -> pd.Series:
    if column.name == "announced_on":
        return pd.to_datetime(column)  # None -> NaT, sorted last
    return column


def _shown(
    announcements: pd.DataFrame, in_view: np.ndarray, has_money_in_range: np.ndarray, year_range, filters: Filters
) -> np.ndarray:
    """Which announcements the register lists (the module docstring says why)."""
    dated = announcements["announced_on"].notna().to_numpy()
    if year_range is None:
        made_in_range = np.ones(len(announcements), bool)
    else:
        made_in = fy_of_dates(announcements["announced_on"])
        made_in_range = dated & (made_in >= year_range[0]) & (made_in <= year_range[1])
    statement = announcements["commitment_count"].to_numpy() == 0  # a statement with no money
    if filters.recipients or filters.programmes:
        statement_shown = np.zeros(len(announcements), bool)
    elif filters.funders:
        statement_shown = announcements["funder"].isin(filters.funders).to_numpy() & made_in_range
    else:
        statement_shown = made_in_range
    return np.where(statement, statement_shown, in_view & (made_in_range | has_money_in_range))


def kept_register(data: TrackerData, announcements: pd.DataFrame, version: int, filters: Filters) -> pd.DataFrame:
    """``register(data, announcements, filters)``, worked out once per language
    and kept with ``data`` (``version``: the data version ``announcements`` were read at)."""
    key = ("register", version, filters, current())
    return data.remember(key, lambda: register(data, announcements, filters))


def kept_search(
    data: TrackerData,
    announcements: pd.DataFrame,
    version: int,
    filters: Filters,
    text: str | None = None,
    statuses: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``search`` of the kept register, itself kept (the last few searches
    are a page's reruns: a selection, a page number)."""
    frame = kept_register(data, announcements, version, filters)
    # The words searched are the same in every language (the years, said in words, are not searched).
    folded = data.remember(("register words", version, filters), lambda: _words(frame))
    key = (version, filters, current(), text or "", tuple(statuses or ()))
    return data.remember_recent("register searches", key, lambda: search(frame, text, statuses, words=folded))


def _words(frame: pd.DataFrame) -> pd.Series:
    """Each row's searched text, folded for matching, in one string (a
    search box holds one line, so a line break never matches across columns)."""
    words = pd.Series("", index=frame.index, dtype=object)
    for column in SEARCHED:
        words = words + "\n" + frame[column].fillna("").astype(str).to_numpy(dtype=object)
    return words.map(lambda s: s.translate(_QUOTES).casefold())


def search(
    frame: pd.DataFrame,
    text: str | None = None,
    statuses: Sequence[str] | None = None,
    *,
    words: pd.Series | None = None,
) -> pd.DataFrame:
    """Rows of a register whose words contain ``text`` and that have a commitment with one of ``statuses``.

    The text is matched as typed (one phrase), ignoring case and curly quotes,
    in the ref, commitment refs, title (and its Welsh), purposes, programmes, recipients and
    quoted words. Empty text or no statuses means no narrowing; an
    announcement with no commitments has no status, so choosing a status
    hides it.
    """
    keep = pd.Series(True, index=frame.index)
    needle = (text or "").strip().translate(_QUOTES).casefold()
    if needle:
        if "\n" in needle:  # typed text is one line; this keeps a match inside one column
            haystack = (
                frame[SEARCHED]
                .fillna("")
                .astype(str)
                .agg("\0".join, axis=1)
                .map(lambda s: s.translate(_QUOTES).casefold())
            )
            found = [any(needle in part for part in w.split("\0")) for w in haystack]
        else:
            haystack = _words(frame) if words is None else words
            found = [needle in w for w in haystack]
        keep &= pd.Series(found, index=frame.index, dtype=bool)
    if statuses:
        wanted = set(statuses)
        keep &= frame["statuses"].fillna("").map(lambda s: bool(wanted & set(filter(None, s.split(", ")))))
    return frame.loc[keep].reset_index(drop=True)


def pick_labels(frame: pd.DataFrame) -> dict[str, str]:
    """How each announcement is named in a list: ``A1 — 25 October 2019 — Chief Digital Officer…``."""
    return {
        row.ref: f"{row.ref} — {said_date(row.announced_on)} — {row.title}" for row in frame.itertuples(index=False)
    }


def said_date(day) -> str:
    """``25 October 2019`` (``25 Hydref 2019``); ``undated`` when the statement gave no date."""
    if day is None or (not isinstance(day, date) and pd.isna(day)):
        return _("undated")
    return long_date(day)


def optional_text(value) -> str | None:
    """Text that says something, else None (blank, NaN and None alike)."""
    return value if isinstance(value, str) and value.strip() else None


def register_table(frame: pd.DataFrame) -> Table:
    """The register as shown, as a finance table (``tracker.files.exports`` writes it)."""
    columns = {
        "ref": ("ref", _("Ref")),
        "announced_on": ("announced_on", _("Announced on")),
        "title": ("title", _("Title")),
        "funder": ("funder", _("Funder")),
        "recipients": ("recipients", _("Recipients")),
        "commitments": ("commitments", _("Commitments")),
        "years": ("financial_years", _("Financial years")),
        "headline_pence": ("headline", _("Headline")),
        "qualifier": ("headline_qualifier", _("Headline is")),
        "new_money_pence": ("new_money", _("New money")),
        "statuses": ("statuses", _("Status")),
        "source_url": ("source_url", _("Source")),
        "title_cy": ("title_cy", _("Title in Welsh")),  # last: the columns before it keep their places
    }
    return titled_table(
        "announcements",
        _("Announcements"),
        frame,
        columns,
        notes=(
            _(
                "Headline: the amounts announced in the financial years shown. New money leaves out "
                "re-announcements, which are counted once."
            ),
        ),
    )


def titled_table(
    name: str, title: str, frame: pd.DataFrame, columns: dict[str, tuple[str, str]], notes: tuple[str, ...] = ()
) -> Table:
    """A ``Table`` of ``frame``'s ``columns`` ({column: (file header, title)}); money columns end in _pence.
    The file headers stay English (a CSV reads the same in either language); titles are for people."""
    out = (
        frame[list(columns)]
        .rename(columns={c: header for c, (header, _title) in columns.items()})
        .reset_index(drop=True)
    )
    return Table(
        name=name,
        title=title,
        frame=out,
        titles={header: t for header, t in columns.values()},
        money_columns=tuple(header for c, (header, _title) in columns.items() if c.endswith("_pence")),
        notes=notes,
    )


def in_pounds(frame: pd.DataFrame) -> pd.DataFrame:
    """For display: each ``x_pence`` column becomes ``x`` holding exact ``Decimal`` pounds."""
    money = [c for c in frame.columns if c.endswith("_pence")]
    out = frame.copy()
    for column in money:
        out[column] = [to_decimal(int(p)) for p in frame[column]]
    return out.rename(columns={c: c.removesuffix("_pence") for c in money})
