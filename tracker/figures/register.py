"""The register of announcements, and the detail of one announcement.

Read models for the Announcements page (and anything else that lists
announcements): pandas frames and frozen dataclasses, money in int64 pence.

* ``read_announcements(engine)``: every visible announcement with the words
  quoted and the notes, which ``queries.load`` does not read; announcements
  that carry no money are included.
* ``register(data, announcements, filters)``: one row per announcement in
  the view, with its headline and new money in the financial years shown.
* ``search(frame, text, statuses)``: the page's own narrowing.
* ``detail(data, announcements, ref, today)``: one announcement: its
  commitments, their schedule, deliveries, milestones and re-announcements.

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from db.models import STATUSES, Announcement, Commitment, Organisation
from db.session import read_session
from tracker.figures.delivery import combine_qualifiers, fy_of_dates, milestone_states, qualified
from tracker.figures.filters import Filters
from tracker.core.fiscal import fy_label, fy_start_year
from tracker.core.money import format_pounds, format_short, to_decimal
from tracker.figures.data import TrackerData
from tracker.figures.finance_tables import Table

__all__ = [
    "STATUSES", "ANNOUNCEMENT_COLUMNS", "REGISTER_COLUMNS", "AnnouncementDetail", "Link",
    "read_announcements", "register", "search", "detail", "register_table", "schedule_table",
    "schedule_sentence", "terms", "escape_markdown", "blockquote", "pick_labels", "in_pounds",
]

ANNOUNCEMENT_COLUMNS = [
    "ref", "announced_on", "title", "funder", "made_by", "source_url", "quote", "notes", "commitment_count",
]

REGISTER_COLUMNS = [
    "ref", "announced_on", "title", "funder", "recipients", "commitments", "years", "headline_pence",
    "qualifier", "new_money_pence", "statuses", "source_url", "purposes", "programmes", "quote",
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
            Announcement.ref, Announcement.announced_on, Announcement.title, Organisation.name,
            Announcement.made_by, Announcement.source_url, Announcement.quote, Announcement.notes,
            func.coalesce(counts.c.n, 0),
        )
        .join(Organisation, Announcement.funder_id == Organisation.id)
        .outerjoin(counts, counts.c.announcement_id == Announcement.id)
        .where(Announcement.deleted_at.is_(None))
        .order_by(Announcement.announced_on, Announcement.ref)
    )
    if as_at is not None:
        query = query.where(Announcement.announced_on <= as_at)
    with read_session(engine) as session:
        rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=ANNOUNCEMENT_COLUMNS)
    return frame.astype({"commitment_count": "int64"})


def _announcements_from(data: TrackerData) -> pd.DataFrame:
    """The announcements ``data`` knows of (those with commitments), without quote or notes."""
    first = data.commitments.drop_duplicates("announcement_ref")
    counts = data.commitments.groupby("announcement_ref").size()
    return pd.DataFrame({
        "ref": first["announcement_ref"].to_numpy(),
        "announced_on": first["announced_on"].to_numpy(),
        "title": first["title"].to_numpy(),
        "funder": first["funder"].to_numpy(),
        "made_by": None,
        "source_url": first["source_url"].to_numpy(),
        "quote": None,
        "notes": None,
        "commitment_count": counts.reindex(first["announcement_ref"]).to_numpy(dtype=np.int64),
    }, columns=ANNOUNCEMENT_COLUMNS)


# --- the register ------------------------------------------------------------


def _joined(values: Iterable, sep: str = ", ") -> str:
    seen = []
    for value in values:
        if isinstance(value, str) and value and value not in seen:
            seen.append(value)
    return sep.join(seen)


def _span(years: Iterable[int]) -> str:
    years = sorted({int(y) for y in years})
    if not years:
        return ""
    if len(years) == 1:
        return fy_label(years[0])
    return f"{fy_label(years[0])} to {fy_label(years[-1])}"


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
    announcements = _announcements_from(data) if announcements is None else announcements
    commitments = data.commitments
    schedule = data.schedule
    money = schedule.groupby("announcement_ref")[["headline_pence", "new_money_pence"]].sum()
    years = schedule.loc[schedule["headline_pence"] != 0].groupby("announcement_ref")["financial_year"].agg(_span)
    grouped = commitments.groupby("announcement_ref")
    summary = pd.DataFrame({
        "recipients": grouped["recipient"].agg(_joined),
        "commitments": grouped["ref"].agg(_joined),
        "qualifier": grouped["qualifier"].agg(combine_qualifiers),
        "statuses": grouped["status"].agg(lambda s: _joined(sorted(s.dropna().unique()))),
        "purposes": grouped["purpose"].agg(lambda s: _joined(s, "; ")),
        "programmes": grouped["programme"].agg(lambda s: _joined(s, "; ")),
        "commitment_count": grouped.size(),
    })

    rows = []
    for ann in announcements.itertuples(index=False):
        in_view = ann.ref in summary.index
        if not _shown(ann, in_view, ann.ref in years.index, data.year_range, filters):
            continue
        own = summary.loc[ann.ref] if in_view else None
        rows.append({
            "ref": ann.ref,
            "announced_on": ann.announced_on,
            "title": ann.title,
            "funder": ann.funder,
            "recipients": own["recipients"] if in_view else "",
            "commitments": own["commitments"] if in_view else "",
            "years": years.get(ann.ref, ""),
            "headline_pence": int(money.at[ann.ref, "headline_pence"]) if ann.ref in money.index else 0,
            "qualifier": own["qualifier"] if in_view else "",
            "new_money_pence": int(money.at[ann.ref, "new_money_pence"]) if ann.ref in money.index else 0,
            "statuses": own["statuses"] if in_view else "",
            "source_url": _text(ann.source_url),
            "purposes": own["purposes"] if in_view else "",
            "programmes": own["programmes"] if in_view else "",
            "quote": _text(ann.quote) or "",
            "commitment_count": int(own["commitment_count"]) if in_view else 0,
        })
    frame = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    frame = frame.sort_values(["announced_on", "ref"], kind="stable").reset_index(drop=True)
    return frame.astype({"headline_pence": "int64", "new_money_pence": "int64", "commitment_count": "int64"})


def _shown(ann, in_view: bool, has_money_in_range: bool, year_range, filters: Filters) -> bool:
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
    return {row.ref: f"{row.ref} — {row.announced_on:%-d %B %Y} — {row.title}" for row in frame.itertuples(index=False)}


# --- the detail of one announcement -----------------------------------------


class Link(NamedTuple):
    """A commitment of this announcement and the commitment it restates (or is restated by)."""

    commitment_ref: str
    other_commitment_ref: str
    other_announcement_ref: str
    other_announced_on: date
    sentence: str


@dataclass(frozen=True)
class AnnouncementDetail:
    """Everything the detail of one announcement shows; money in pence."""

    ref: str
    announced_on: date
    title: str
    funder: str
    made_by: str | None
    source_url: str | None
    quote: str | None
    notes: str | None
    # ref, purpose, programme, recipient, kind, terms, amount_pence, qualifier, status,
    # capital_or_revenue, years (text), reannounces_ref, headline_pence, new_money_pence
    commitments: pd.DataFrame
    # commitment_ref, financial_year (start year), label, headline_pence, new_money_pence, qualifier
    schedule: pd.DataFrame
    # ref, commitment_ref, paid_on, label, amount_pence, kind, note, illustrative
    deliveries: pd.DataFrame
    milestones: pd.DataFrame  # tracker.delivery.milestone_states
    reannounces: tuple[Link, ...]
    reannounced_by: tuple[Link, ...]
    summary: str  # one sentence under the schedule chart

    @property
    def has_money(self) -> bool:
        return not self.commitments.empty

    @property
    def headline_pence(self) -> int:
        return int(self.schedule["headline_pence"].sum())

    @property
    def new_money_pence(self) -> int:
        return int(self.schedule["new_money_pence"].sum())

    @property
    def qualifier(self) -> str:
        return combine_qualifiers(self.commitments["qualifier"]) if self.has_money else "exact"

    @property
    def delivered_pence(self) -> int:
        return int(self.deliveries["amount_pence"].sum())

    @property
    def illustrative_deliveries(self) -> int:
        return int(self.deliveries["illustrative"].sum()) if len(self.deliveries) else 0


def detail(
    data: TrackerData, announcements: pd.DataFrame | None, ref: str, today: date
) -> AnnouncementDetail:
    """One announcement as ``data`` sees it. ``KeyError`` if ``ref`` is not known."""
    announcements = _announcements_from(data) if announcements is None else announcements
    found = announcements.loc[announcements["ref"] == ref]
    if found.empty:
        found = _announcements_from(data).pipe(lambda f: f.loc[f["ref"] == ref])
    if found.empty:
        raise KeyError(f"no announcement {ref!r}")
    ann = found.iloc[0]

    everything = data.commitments
    own = everything.loc[everything["announcement_ref"] == ref].sort_values("ref").reset_index(drop=True)
    ids = set(own["commitment_id"])
    schedule = data.schedule
    schedule = schedule.loc[schedule["commitment_id"].isin(ids)]
    schedule_table = pd.DataFrame({
        "commitment_ref": schedule["ref"].to_numpy(),
        "financial_year": schedule["financial_year"].to_numpy(dtype=np.int64),
        "label": [fy_label(int(y)) for y in schedule["financial_year"]],
        "headline_pence": schedule["headline_pence"].to_numpy(dtype=np.int64),
        "new_money_pence": schedule["new_money_pence"].to_numpy(dtype=np.int64),
        "qualifier": schedule["qualifier"].to_numpy(),
    }, columns=["commitment_ref", "financial_year", "label", "headline_pence", "new_money_pence", "qualifier"])
    schedule_table = schedule_table.sort_values(["financial_year", "commitment_ref"]).reset_index(drop=True)

    return AnnouncementDetail(
        ref=ref,
        announced_on=ann["announced_on"],
        title=ann["title"],
        funder=ann["funder"],
        made_by=_text(ann["made_by"]),
        source_url=_text(ann["source_url"]),
        quote=_text(ann["quote"]),
        notes=_text(ann["notes"]),
        commitments=_commitments_table(own, schedule_table),
        schedule=schedule_table,
        deliveries=_deliveries_table(data.deliveries, own),
        milestones=milestone_states(
            data.milestones.loc[data.milestones["commitment_id"].isin(ids)].reset_index(drop=True),
            everything, today,
        ),
        reannounces=_reannounces(own, everything),
        reannounced_by=_reannounced_by(own, everything),
        summary=schedule_sentence(ref, own, schedule_table, has_commitments=not own.empty),
    )


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def terms(row) -> str:
    """The commitment in words: ``£500,000 a year for 3 years from 2020-21``, ``over £1,000,000 in 2020-21``."""
    amount = qualified(format_pounds(int(row.amount_pence)), row.qualifier)
    first = fy_label(int(row.first_year))
    if row.kind == "recurring":
        years = int(row.years)
        uplift = f", rising {int(row.uplift_bp) / 100:g}% a year" if int(row.uplift_bp) else ""
        if years == 1:
            return f"{amount} in {first}"
        return f"{amount} a year for {years} years from {first}{uplift}"
    if row.kind == "profiled":
        return f"{amount} in all, profiled by year"
    return f"{amount} in {first}"


def _commitments_table(own: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    money = schedule.groupby("commitment_ref")[["headline_pence", "new_money_pence"]].sum()
    spans = schedule.loc[schedule["headline_pence"] != 0].groupby("commitment_ref")["financial_year"]
    out = pd.DataFrame({
        "ref": own["ref"].to_numpy(),
        "purpose": own["purpose"].to_numpy(),
        "programme": own["programme"].to_numpy(),
        "recipient": own["recipient"].to_numpy(),
        "kind": own["kind"].to_numpy(),
        "terms": [terms(row) for row in own.itertuples(index=False)],
        "amount_pence": own["amount_pence"].to_numpy(dtype=np.int64),
        "qualifier": own["qualifier"].to_numpy(),
        "status": own["status"].to_numpy(),
        "capital_or_revenue": own["capital_or_revenue"].to_numpy(),
        "years": [_span(spans.get_group(r)) if r in spans.groups else "" for r in own["ref"]],
        "reannounces_ref": own["reannounces_ref"].to_numpy(),
        "headline_pence": [int(money.at[r, "headline_pence"]) if r in money.index else 0 for r in own["ref"]],
        "new_money_pence": [int(money.at[r, "new_money_pence"]) if r in money.index else 0 for r in own["ref"]],
    })
    return out.astype({"amount_pence": "int64", "headline_pence": "int64", "new_money_pence": "int64"})


def _deliveries_table(deliveries: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    refs = dict(zip(own["commitment_id"], own["ref"]))
    paid = deliveries.loc[deliveries["commitment_id"].isin(refs)].sort_values(["paid_on", "ref"])
    out = pd.DataFrame({
        "ref": paid["ref"].to_numpy(),
        "commitment_ref": paid["commitment_id"].map(refs).to_numpy(),
        "paid_on": paid["paid_on"].to_numpy(),
        "label": [fy_label(int(y)) for y in fy_of_dates(paid["paid_on"])] if len(paid) else [],
        "amount_pence": paid["amount_pence"].to_numpy(dtype=np.int64),
        "kind": paid["kind"].to_numpy(),
        "note": paid["note"].to_numpy(),
        "illustrative": paid["illustrative"].to_numpy(dtype=bool),
    }, columns=["ref", "commitment_ref", "paid_on", "label", "amount_pence", "kind", "note", "illustrative"])
    return out.astype({"amount_pence": "int64", "illustrative": "bool"})


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _reannounces(own: pd.DataFrame, everything: pd.DataFrame) -> tuple[Link, ...]:
    by_id = everything.set_index("commitment_id")
    links = []
    for row in own.loc[own["reannounces_id"].notna()].itertuples(index=False):
        earlier = by_id.loc[int(row.reannounces_id)]
        sentence = (
            f"{row.ref} re-announces {earlier['ref']} (announcement {earlier['announcement_ref']}, "
            f"{_day(earlier['announced_on'])}): it adds no new money."
        )
        links.append(Link(row.ref, earlier["ref"], earlier["announcement_ref"], earlier["announced_on"], sentence))
    return tuple(links)


def _reannounced_by(own: pd.DataFrame, everything: pd.DataFrame) -> tuple[Link, ...]:
    mine = dict(zip(own["commitment_id"], own["ref"]))
    later = everything.loc[everything["reannounces_id"].isin(mine)].sort_values(["announced_on", "ref"])
    links = []
    for row in later.itertuples(index=False):
        original = mine[int(row.reannounces_id)]
        sentence = (
            f"{original} is re-announced by {row.ref} (announcement {row.announcement_ref}, "
            f"{_day(row.announced_on)}): the money is counted once, here."
        )
        links.append(Link(original, row.ref, row.announcement_ref, row.announced_on, sentence))
    return tuple(links)


_QUALIFIER_WORDS = {"over": "a floor ('over')", "up to": "a ceiling ('up to')", "about": "approximate ('about')"}


def schedule_sentence(ref: str, own: pd.DataFrame, schedule: pd.DataFrame, *, has_commitments: bool = True) -> str:
    """The text summary of an announcement's schedule chart.

    'A1 announces at least £2.5m over 2020-21 to 2022-23, all of it new money;
    £1m of it (W2) is a floor ('over').'
    """
    if not has_commitments:
        return f"{ref} carries no money: no commitments are recorded against it."
    headline = int(schedule["headline_pence"].sum())
    if headline == 0:
        return f"None of {ref}'s money falls in the financial years shown."
    new_money = int(schedule["new_money_pence"].sum())
    years = schedule.loc[schedule["headline_pence"] != 0, "financial_year"]
    span = _span(years)
    when = f"over {span}" if " to " in span else f"in {span}"
    total = qualified(format_short(headline), combine_qualifiers(own["qualifier"]))
    if new_money == headline:
        money = "all of it new money"
    elif new_money == 0:
        money = "none of it new money: it re-announces earlier commitments"
    else:
        money = f"{format_short(new_money)} of it new money ({format_short(headline - new_money)} re-announced)"
    sentence = f"{ref} announces {total} {when}, {money}"
    parts = []
    qualifiers = dict(zip(own["ref"], own["qualifier"]))
    by_ref = schedule.groupby("commitment_ref")["headline_pence"].sum()
    for qualifier, words in _QUALIFIER_WORDS.items():
        refs = [r for r in by_ref.index if qualifiers.get(r) == qualifier and by_ref[r]]
        if refs:
            amount = format_short(int(by_ref[refs].sum()))
            parts.append(f"{amount} of it ({', '.join(refs)}) is {words}")
    return sentence + ("; " + "; ".join(parts) if parts else "") + "."


# --- text for the page and files ---------------------------------------------

# Characters that mean something anywhere in Streamlit's Markdown: emphasis,
# code, links and colour directives ([), HTML and entities, strikethrough,
# tables and LaTeX ($). A backslash makes each show as typed. Bare web
# addresses stay as they are, so notes that cite sources keep working links.
_MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>&~|$])")
# Characters that only mean something at the start of a line: headings,
# lists, quotes, rules and numbered lists ("2020. ").
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text to show as typed inside ``st.markdown`` (no HTML is ever allowed)."""
    escaped = _MARKDOWN_ANYWHERE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "2020. " would start a numbered list: escape the dot after the digits
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def blockquote(text: str) -> str:
    """Markdown for a quotation: every line escaped and quoted."""
    lines = [escape_markdown(line.strip()) for line in text.strip().splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def register_table(frame: pd.DataFrame) -> Table:
    """The register as shown, as a finance table (``tracker.formats.exports`` writes it)."""
    columns = {
        "ref": ("ref", "Ref"), "announced_on": ("announced_on", "Announced on"), "title": ("title", "Title"),
        "funder": ("funder", "Funder"), "recipients": ("recipients", "Recipients"),
        "commitments": ("commitments", "Commitments"), "years": ("financial_years", "Financial years"),
        "headline_pence": ("headline", "Headline"), "qualifier": ("headline_qualifier", "Headline is"),
        "new_money_pence": ("new_money", "New money"), "statuses": ("statuses", "Status"),
        "source_url": ("source_url", "Source"),
    }
    return _table("announcements", "Announcements", frame, columns, notes=(
        "Headline: the amounts announced in the financial years shown. New money leaves out "
        "re-announcements, which are counted once.",
    ))


def schedule_table(found: AnnouncementDetail) -> Table:
    """An announcement's schedule (commitment x financial year) as a finance table."""
    columns = {
        "announcement_ref": ("announcement_ref", "Announcement"), "commitment_ref": ("commitment_ref", "Commitment"),
        "label": ("financial_year", "Financial year"), "headline_pence": ("headline", "Headline"),
        "new_money_pence": ("new_money", "New money"), "qualifier": ("qualifier", "Qualifier"),
    }
    return _table(f"schedule-{found.ref}", f"Schedule of {found.ref}", found.schedule.assign(announcement_ref=found.ref),
                  columns)


def _table(name: str, title: str, frame: pd.DataFrame, columns: dict[str, tuple[str, str]],
           notes: tuple[str, ...] = ()) -> Table:
    """A ``Table`` of ``frame``'s ``columns`` ({column: (file header, title)}); money columns end in _pence."""
    out = frame[list(columns)].rename(columns={c: header for c, (header, _) in columns.items()}).reset_index(drop=True)
    return Table(
        name=name, title=title, frame=out, titles={header: t for header, t in columns.values()},
        money_columns=tuple(header for c, (header, _) in columns.items() if c.endswith("_pence")), notes=notes,
    )


def in_pounds(frame: pd.DataFrame) -> pd.DataFrame:
    """For display: each ``x_pence`` column becomes ``x`` holding exact ``Decimal`` pounds."""
    money = [c for c in frame.columns if c.endswith("_pence")]
    out = frame.copy()
    for column in money:
        out[column] = [to_decimal(int(p)) for p in frame[column]]
    return out.rename(columns={c: c.removesuffix("_pence") for c in money})
