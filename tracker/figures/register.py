"""The register of announcements.

Read models for the Announcements page (and anything else that lists
announcements): pandas frames, money in int64 pence.

* ``read_announcements(engine)``: every visible announcement with the words
  quoted and the notes, which ``queries.load`` does not read; announcements
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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, nulls_last, or_, select

from db.models import Announcement, Commitment, Organisation
from db.session import read_session
from tracker.core.fiscal import UNPHASED, UNPHASED_LABEL, fy_label, fy_start_year
from tracker.core.money import to_decimal
from tracker.core.vocabulary import STATUSES
from tracker.figures.data import TrackerData
from tracker.figures.delivery import combine_qualifiers
from tracker.figures.filters import Filters
from tracker.files.table import Table

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
]

# What the text search looks in.
SEARCHED = ["ref", "commitments", "title", "purposes", "programmes", "recipients", "quote"]

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
        },
        columns=ANNOUNCEMENT_COLUMNS,
    )


# --- the register ------------------------------------------------------------


def _joined(values: Iterable, sep: str = ", ") -> str:
    seen = []
    for value in values:
        if isinstance(value, str) and value and value not in seen:
            seen.append(value)
    return sep.join(seen)


def year_span(years: Iterable[int]) -> str:
    """Financial years (start years) as ``2020-21`` or ``2020-21 to 2022-23``; none: blank."""
    every = {int(y) for y in years}
    unphased = UNPHASED in every
    years = sorted(every - {UNPHASED})
    if not years:
        return UNPHASED_LABEL if unphased else ""
    span = fy_label(years[0]) if len(years) == 1 else f"{fy_label(years[0])} to {fy_label(years[-1])}"
    return f"{span} and {UNPHASED_LABEL}" if unphased else span


def register(
    data: TrackerData, announcements: pd.DataFrame | None = None, filters: Filters | None = None
) -> pd.DataFrame:
    """One row per announcement in the view, earliest first (``REGISTER_COLUMNS``).

    ``announcements`` (from ``read_announcements``) adds the quoted words and
    the announcements that carry no money; without it only announcements with
    commitments in ``data`` are listed. ``filters`` are the ones ``data`` was
    narrowed by (see the module docstring for what they do to announcements
    with no money).
    """
    filters = filters or Filters()
    announcements = announcements_from(data) if announcements is None else announcements
    commitments = data.commitments
    schedule = data.schedule
    money = schedule.groupby("announcement_ref")[["headline_pence", "committed_pence", "new_money_pence"]].sum()
    years = schedule.loc[schedule["headline_pence"] != 0].groupby("announcement_ref")["financial_year"].agg(year_span)
    grouped = commitments.groupby("announcement_ref")
    summary = pd.DataFrame(
        {
            "recipients": grouped["recipient"].agg(_joined),
            "commitments": grouped["ref"].agg(_joined),
            "qualifier": grouped["qualifier"].agg(combine_qualifiers),
            "statuses": grouped["status"].agg(lambda s: _joined(sorted(s.dropna().unique()))),
            "purposes": grouped["purpose"].agg(lambda s: _joined(s, "; ")),
            "programmes": grouped["programme"].agg(lambda s: _joined(s, "; ")),
            "commitment_count": grouped.size(),
        }
    )

    rows = []
    for ann in announcements.itertuples(index=False):
        in_view = ann.ref in summary.index
        if not _shown(ann, in_view, ann.ref in years.index, data.year_range, filters):
            continue
        own = summary.loc[ann.ref] if in_view else None
        rows.append(
            {
                "ref": ann.ref,
                "announced_on": ann.announced_on,
                "title": ann.title,
                "funder": ann.funder,
                "recipients": own["recipients"] if own is not None else "",
                "commitments": own["commitments"] if own is not None else "",
                "years": years.get(ann.ref, ""),
                "headline_pence": int(money.at[ann.ref, "headline_pence"]) if ann.ref in money.index else 0,
                "qualifier": own["qualifier"] if own is not None else "",
                "committed_pence": int(money.at[ann.ref, "committed_pence"]) if ann.ref in money.index else 0,
                "new_money_pence": int(money.at[ann.ref, "new_money_pence"]) if ann.ref in money.index else 0,
                "statuses": own["statuses"] if own is not None else "",
                "source_url": optional_text(ann.source_url),
                "purposes": own["purposes"] if own is not None else "",
                "programmes": own["programmes"] if own is not None else "",
                "quote": optional_text(ann.quote) or "",
                "commitment_count": int(own["commitment_count"]) if own is not None else 0,
            }
        )
    frame = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
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


def _shown(ann, in_view: bool, has_money_in_range: bool, year_range, filters: Filters) -> bool:
    if ann.announced_on is None or pd.isna(ann.announced_on):
        made_in_range = year_range is None  # undated: made in no particular year
    else:
        made_in = fy_start_year(ann.announced_on)
        made_in_range = year_range is None or year_range[0] <= made_in <= year_range[1]
    if int(ann.commitment_count) == 0:  # a statement with no money
        if filters.recipients or filters.programmes:
            return False
        if filters.funders and ann.funder not in filters.funders:
            return False
        return made_in_range
    if not in_view:  # all its commitments are filtered away
        return False
    return made_in_range or has_money_in_range


def search(frame: pd.DataFrame, text: str | None = None, statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows of a register whose words contain ``text`` and that have a commitment with one of ``statuses``.

    The text is matched as typed (one phrase), ignoring case and curly quotes,
    in the ref, commitment refs, title, purposes, programmes, recipients and
    quoted words. Empty text or no statuses means no narrowing; an
    announcement with no commitments has no status, so choosing a status
    hides it.
    """
    keep = pd.Series(True, index=frame.index)
    needle = (text or "").strip().translate(_QUOTES).casefold()
    if needle:
        found = pd.Series(False, index=frame.index)
        for column in SEARCHED:
            words = frame[column].fillna("").astype(str).map(lambda s: s.translate(_QUOTES).casefold())
            found |= words.str.contains(needle, regex=False)
        keep &= found
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
    """``25 October 2019``; ``undated`` when the statement gave no date."""
    if day is None or (not isinstance(day, date) and pd.isna(day)):
        return "undated"
    return f"{day:%-d %B %Y}"


def optional_text(value) -> str | None:
    """Text that says something, else None (blank, NaN and None alike)."""
    return value if isinstance(value, str) and value.strip() else None


def register_table(frame: pd.DataFrame) -> Table:
    """The register as shown, as a finance table (``tracker.files.exports`` writes it)."""
    columns = {
        "ref": ("ref", "Ref"),
        "announced_on": ("announced_on", "Announced on"),
        "title": ("title", "Title"),
        "funder": ("funder", "Funder"),
        "recipients": ("recipients", "Recipients"),
        "commitments": ("commitments", "Commitments"),
        "years": ("financial_years", "Financial years"),
        "headline_pence": ("headline", "Headline"),
        "qualifier": ("headline_qualifier", "Headline is"),
        "new_money_pence": ("new_money", "New money"),
        "statuses": ("statuses", "Status"),
        "source_url": ("source_url", "Source"),
    }
    return titled_table(
        "announcements",
        "Announcements",
        frame,
        columns,
        notes=(
            "Headline: the amounts announced in the financial years shown. New money leaves out "
            "re-announcements, which are counted once.",
        ),
    )


def titled_table(
    name: str, title: str, frame: pd.DataFrame, columns: dict[str, tuple[str, str]], notes: tuple[str, ...] = ()
) -> Table:
    """A ``Table`` of ``frame``'s ``columns`` ({column: (file header, title)}); money columns end in _pence."""
    out = frame[list(columns)].rename(columns={c: header for c, (header, _) in columns.items()}).reset_index(drop=True)
    return Table(
        name=name,
        title=title,
        frame=out,
        titles={header: t for header, t in columns.values()},
        money_columns=tuple(header for c, (header, _) in columns.items() if c.endswith("_pence")),
        notes=notes,
    )


def in_pounds(frame: pd.DataFrame) -> pd.DataFrame:
    """For display: each ``x_pence`` column becomes ``x`` holding exact ``Decimal`` pounds."""
    money = [c for c in frame.columns if c.endswith("_pence")]
    out = frame.copy()
    for column in money:
        out[column] = [to_decimal(int(p)) for p in frame[column]]
    return out.rename(columns={c: c.removesuffix("_pence") for c in money})
