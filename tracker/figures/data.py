"""Read models for pages, the CLI and exports: DataFrames and frozen dataclasses.

Everything here reads; nothing writes. Soft-deleted rows are left out. An
``as_at`` date shows the data as it stood then: only announcements made and
deliveries paid on or before it. A re-announcement whose original is not
visible (deleted, or announced after ``as_at``) is, as far as that view
knows, the first time the money was announced, so it counts as new money.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, func, nulls_last, or_, select
from sqlalchemy.orm import aliased

from db.models import (
    Announcement,
    AuditEvent,
    Commitment,
    CommitmentArea,
    Delivery,
    Milestone,
    Organisation,
    ProfileLine,
)
from db.session import ensure_schema, read_session
from tracker.core.fiscal import UNPHASED
from tracker.core.projection import schedule_frame
from tracker.figures import delivery as delivery_maths
from tracker.figures import shared
from tracker.figures.totals import committed_vs_delivered, identifier_column

T = TypeVar("T")
_RECENT = threading.Lock()  # sessions run in threads and share what is kept

COMMITMENT_COLUMNS = [
    "commitment_id",
    "ref",
    "announcement_ref",
    "announced_on",
    "title",
    "source_url",
    "funder",
    "recipient",
    "purpose",
    "programme",
    "kind",
    "amount_pence",
    "qualifier",
    "status",
    "capital_or_revenue",
    "first_year",
    "years",
    "uplift_bp",
    "reannounces_id",
    "reannounces_ref",
]
# Read from the database beside COMMITMENT_COLUMNS (frames built in tests may
# leave them out: the engine then reads wave 1's meaning). ``funder_org`` and
# ``recipient_org`` are the organisations' own ids, what totals group by;
# ``funder_id`` and ``recipient_id`` their org-id identifiers.
DETAIL_COLUMNS = [
    "reannounces_earlier",
    "part_of_id",
    "part_of_ref",
    "spread",
    "planned_start",
    "planned_end",
    "funder_org",
    "funder_id",
    "recipient_org",
    "recipient_id",
]


@dataclass(frozen=True)
class TrackerData:
    """What the dashboard and reports read: one consistent set of frames."""

    commitments: pd.DataFrame
    profile_lines: pd.DataFrame
    deliveries: pd.DataFrame
    milestones: pd.DataFrame
    as_at: date | None
    # (first, last) financial-year start years the view is limited to, or None.
    year_range: tuple[int, int] | None = None
    # Shares filtered out of view whose pots are in it (commitments and their
    # profile lines): counted only to take them out of their pots, so a pot
    # shows what is left of it whatever the filters (tracker.figures.filters).
    hidden_shares: tuple[pd.DataFrame, pd.DataFrame] | None = None
    # A view narrowed from this one whose commitments have no link (a
    # re-announcement, a share of a pot) to one left out: its schedule is
    # this one's rows for its commitments (tracker.figures.filters).
    narrowed_from: TrackerData | None = field(default=None, repr=False, compare=False)
    # What has been worked out from these frames (``remember``); a new
    # TrackerData (``dataclasses.replace``, a filter) starts with none.
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once for these frames and kept with them.

        The frames never change once loaded (a change to the data is a new
        load), so what is worked out from them stays true; the dashboard keeps
        a loaded TrackerData until the data changes, so a page opened again
        with the same filters shows what it worked out before. What is kept
        is shared: callers read it and never change it in place (under
        ``TRACKER_CHECK_SHARED=1``, as in the tests, a change is caught the
        first time it is read again, and a change to the frames when the
        next figure is worked out: ``tracker.figures.shared``).
        """
        own = ("own frames",)
        if own not in self._memo:  # the frames themselves are shared too
            self._memo[own] = (None, shared.fingerprint(self._frames()))
        if key not in self._memo:  # a new figure: its frames must be as loaded
            shared.check("the frames a figure was worked out from", self._frames(), self._memo[own][1])
        return shared.remember_in(self._memo, key, compute)

    def _frames(self) -> tuple:
        return (self.commitments, self.profile_lines, self.deliveries, self.milestones, self.hidden_shares)

    def remember_recent(self, group: str, key: Hashable, compute: Callable[[], T], most: int = 8) -> T:
        """``remember``, but only the ``most`` most recently used keys of
        ``group`` are kept (for what has many values, e.g. searches as typed)."""
        recent: OrderedDict[Hashable, tuple[T, bytes | None]] = self.keep(("recent", group), OrderedDict)
        with _RECENT:
            if key in recent:
                recent.move_to_end(key)
        value = shared.remember_in(recent, key, compute)
        with _RECENT:
            while len(recent) > most:
                recent.popitem(last=False)
        return value

    def keep(self, key: Hashable, make: Callable[[], T]) -> T:
        """A store kept with these frames that its owner changes as it goes
        (e.g. the most recent filtered views): made once, never checked."""
        if key not in self._memo:
            self._memo[key] = (make(), None)
        return self._memo[key][0]

    @property
    def schedule(self) -> pd.DataFrame:
        return self.remember("schedule", self._schedule)

    def _schedule(self) -> pd.DataFrame:
        if self.narrowed_from is not None:  # nothing left out changes how these commitments count
            schedule = self.narrowed_from.schedule
            schedule = schedule.loc[schedule["commitment_id"].isin(self.commitments["commitment_id"])]
            schedule = schedule.reset_index(drop=True)
        elif self.hidden_shares is None or self.hidden_shares[0].empty:
            schedule = schedule_frame(self.commitments, self.profile_lines)
        else:
            shares, share_lines = self.hidden_shares
            schedule = schedule_frame(
                pd.concat([self.commitments, shares], ignore_index=True),
                pd.concat([self.profile_lines, share_lines], ignore_index=True),
            )
            schedule = schedule.loc[schedule["commitment_id"].isin(self.commitments["commitment_id"])]
            schedule = schedule.reset_index(drop=True)
        if self.year_range is not None:
            low, high = self.year_range
            years = schedule["financial_year"]
            # Money with no year lies in no range of years.
            schedule = schedule.loc[years.between(low, high) & (years != UNPHASED)].reset_index(drop=True)
        return schedule

    @property
    def has_illustrative_deliveries(self) -> int:
        return int(self.deliveries["illustrative"].sum()) if len(self.deliveries) else 0


def _dates(values: pd.Series) -> pd.Series:
    """Dates as ``datetime.date`` whatever the driver hands back (SQLite: ISO
    text; PostgreSQL: dates); each distinct value is parsed once."""
    parsed = {
        value: value if isinstance(value, date) else date.fromisoformat(value) for value in values.dropna().unique()
    }
    return pd.Series([parsed.get(value) if value is not None else None for value in values], dtype=object)


def _frame(connection: Connection, query, names: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """A frame from a Core query, built from the driver's own tuples (no ORM
    objects, no per-row result processing: a financial year comes back as
    its start year, a flag as 0/1 from SQLite, a date as text from SQLite)."""
    result = connection.execute(query)
    rows = result.cursor.fetchall()
    result.close()
    if not rows:
        return pd.DataFrame([], columns=names)
    frame = pd.DataFrame.from_records(rows, columns=names)
    del rows
    for name in dates:
        frame[name] = _dates(frame[name])
    return frame


def load(engine: Engine | None = None, as_at: date | None = None) -> TrackerData:
    """Read every visible commitment, profile line, delivery and milestone."""
    owned = engine is None
    if engine is None:
        engine = ensure_schema()
    try:
        with engine.connect() as connection:
            commitments, lines, deliveries, milestones = _read(connection, as_at)
    finally:
        if owned:
            engine.dispose()
    ids = set(commitments["commitment_id"])
    # A re-announcement of something this view cannot see is new money here;
    # a share of a pot it cannot see stands on its own.
    hidden = ~commitments["reannounces_id"].isin(ids)
    commitments.loc[hidden, ["reannounces_id", "reannounces_ref"]] = None
    hidden_pot = ~commitments["part_of_id"].isin(ids)
    commitments.loc[hidden_pot, ["part_of_id", "part_of_ref"]] = None
    commitments = commitments.astype(
        {
            "commitment_id": "int64",
            "amount_pence": "int64",
            "first_year": "Int64",
            "years": "Int64",
            "uplift_bp": "int64",
            "reannounces_id": "Int64",
            "part_of_id": "Int64",
            "reannounces_earlier": "bool",
        }
    )
    lines = lines.loc[lines["commitment_id"].isin(ids)].reset_index(drop=True)
    deliveries = deliveries.loc[deliveries["commitment_id"].isin(ids)].reset_index(drop=True)
    milestones = milestones.loc[milestones["commitment_id"].isin(ids)].reset_index(drop=True)
    deliveries = deliveries.astype({"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"})
    lines = lines.astype({"commitment_id": "int64", "financial_year": "int64", "amount_pence": "int64"})
    return TrackerData(commitments, lines, deliveries, milestones, as_at)


def _read(connection: Connection, as_at: date | None):
    funder = aliased(Organisation)
    recipient = aliased(Organisation)
    original = aliased(Commitment)
    pot = aliased(Commitment)
    query = (
        select(
            Commitment.id,
            Commitment.ref,
            Announcement.ref,
            Announcement.announced_on,
            Announcement.title,
            Announcement.source_url,
            funder.name,
            recipient.name,
            Commitment.purpose,
            Commitment.programme,
            Commitment.kind,
            Commitment.amount_pence,
            Commitment.qualifier,
            Commitment.status,
            Commitment.capital_or_revenue,
            Commitment.first_year,
            Commitment.years,
            Commitment.uplift_bp,
            Commitment.reannounces_id,
            original.ref,
            Announcement.quote,
            Commitment.reannounces_earlier,
            Commitment.part_of_id,
            pot.ref,
            Commitment.spread,
            Commitment.planned_start,
            Commitment.planned_end,
            funder.id,
            funder.org_identifier,
            recipient.id,
            recipient.org_identifier,
        )
        .join(Announcement, Commitment.announcement_id == Announcement.id)
        .join(funder, Announcement.funder_id == funder.id)
        .outerjoin(recipient, Commitment.recipient_id == recipient.id)
        .outerjoin(original, Commitment.reannounces_id == original.id)
        .outerjoin(pot, Commitment.part_of_id == pot.id)
        .where(Commitment.deleted_at.is_(None), Announcement.deleted_at.is_(None))
        .order_by(nulls_last(Announcement.announced_on.asc()), Commitment.ref)
    )
    if as_at is not None:  # an undated announcement has no date to leave it out by
        query = query.where(or_(Announcement.announced_on <= as_at, Announcement.announced_on.is_(None)))
    # The announcement's quoted words ride along for exports (optional column).
    commitments = _frame(
        connection,
        query,
        [*COMMITMENT_COLUMNS, "quote", *DETAIL_COLUMNS],
        dates=("announced_on", "planned_start", "planned_end"),
    )
    areas: dict[int, list[str]] = {}
    for cid, code in connection.execute(
        select(CommitmentArea.commitment_id, CommitmentArea.gss_code).order_by(CommitmentArea.id)
    ):
        areas.setdefault(cid, []).append(code)
    commitments["areas"] = [tuple(areas.get(cid, ())) for cid in commitments["commitment_id"]]

    lines = _frame(
        connection,
        select(ProfileLine.commitment_id, ProfileLine.financial_year, ProfileLine.amount_pence),
        ["commitment_id", "financial_year", "amount_pence"],
    )
    delivery_query = (
        select(
            Delivery.id,
            Delivery.ref,
            Delivery.commitment_id,
            Delivery.paid_on,
            Delivery.amount_pence,
            Delivery.kind,
            Delivery.note,
            Delivery.illustrative,
        )
        .where(Delivery.deleted_at.is_(None))
        .order_by(nulls_last(Delivery.paid_on.asc()), Delivery.ref)
    )
    if as_at is not None:
        # An undated delivery has no date to leave it out by.
        delivery_query = delivery_query.where(or_(Delivery.paid_on <= as_at, Delivery.paid_on.is_(None)))
    deliveries = _frame(
        connection,
        delivery_query,
        ["delivery_id", "ref", "commitment_id", "paid_on", "amount_pence", "kind", "note", "illustrative"],
        dates=("paid_on",),
    )
    milestones = _frame(
        connection,
        select(
            Milestone.id,
            Milestone.ref,
            Milestone.commitment_id,
            Milestone.title,
            Milestone.due_on,
            Milestone.achieved_on,
            Milestone.achieved_note,
            Milestone.source_url,
        )
        .where(Milestone.deleted_at.is_(None))
        .order_by(Milestone.due_on, Milestone.ref),
        ["milestone_id", "ref", "commitment_id", "title", "due_on", "achieved_on", "achieved_note", "source_url"],
        dates=("due_on", "achieved_on"),
    )
    return commitments, lines, deliveries, milestones


def describe_source(url: str) -> str:
    """Where the figures come from, for an export's About sheet (no password)."""
    from sqlalchemy.engine import make_url

    return f"funding tracker database {make_url(url).render_as_string(hide_password=True)}"


def data_version(engine: Engine) -> int:
    """A number that changes whenever the data does: the newest audit event's
    id (every write, from any page, server process or the CLI, is audited in
    its own transaction). Caches of what pages read are keyed on it."""
    with read_session(engine) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def organisation_names(engine: Engine) -> list[str]:
    """Every organisation's name, for pickers."""
    with read_session(engine) as session:
        return list(session.scalars(select(Organisation.name).order_by(Organisation.name)))


def has_announcements(engine: Engine) -> bool:
    with read_session(engine) as session:
        return session.scalar(select(Announcement.id).limit(1)) is not None


def totals(by: str | None = None, as_at: date | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Committed against delivered per financial year (no unphased row), optionally by a column."""
    data = load(engine, as_at)
    return committed_vs_delivered(data.schedule, data.deliveries, data.commitments, by=by)


@dataclass(frozen=True)
class Overview:
    """Everything the Overview page shows, worked out from one TrackerData."""

    headline: delivery_maths.Headline
    # label, committed, delivered, variance, new_money, estimated, pct, cumulative, qualifier (pence);
    # the last row is ``UNPHASED`` when some money has no stated year.
    yearly: pd.DataFrame
    summaries: list[str]  # one sentence per year, for the chart's text summary
    milestones: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return self.yearly.empty

    @property
    def overdue(self) -> pd.DataFrame:
        return self.milestones.loc[self.milestones["state"] == "overdue"]

    @property
    def upcoming(self) -> pd.DataFrame:
        return self.milestones.loc[self.milestones["state"] == "due"]

    def milestone_summary(self) -> str:
        """'1 milestone overdue; next due: CDO in post on 1 April 2020.'"""
        overdue, upcoming = self.overdue, self.upcoming
        parts = []
        if len(overdue):
            parts.append(
                f"{len(overdue)} milestone{'s' if len(overdue) != 1 else ''} overdue "
                f"(longest: {overdue.sort_values('days_late').iloc[-1]['title']}, "
                f"{overdue['lateness'].iloc[overdue['days_late'].argmax()]})"
            )
        else:
            parts.append("No milestone is overdue")
        if len(upcoming):
            nxt = upcoming.sort_values("due_on").iloc[0]
            parts.append(f"next due: {nxt['title']} on {nxt['due_on']:%-d %B %Y}")
        else:
            parts.append("none is waiting to be achieved")
        return "; ".join(parts) + "."


@shared.per_data
def breakdown(data: TrackerData, by: str) -> pd.DataFrame:
    """Committed against delivered per recipient, programme, funder or purpose
    (all years in the view): ``by, committed, delivered, variance, pct_delivered``,
    largest commitment first."""
    per_year = committed_vs_delivered(data.schedule, data.deliveries, data.commitments, by=by, unphased=True)
    # Two organisations sharing a name stay two lines; an area is named beside its code.
    keys = [by, *([identifier_column(by)] if identifier_column(by) in per_year else [])]
    money = ["committed", "delivered", "variance", *(["shared"] if "shared" in per_year else [])]
    totals = per_year.groupby(keys, as_index=False, dropna=False)[money].sum()
    committed = totals["committed"].to_numpy()
    totals["pct_delivered"] = [d / c if c else None for d, c in zip(totals["delivered"], committed)]
    return totals.sort_values(["committed", by], ascending=[False, True]).reset_index(drop=True)


@shared.per_data
def overview(data: TrackerData, today: date) -> Overview:
    schedule = data.schedule
    yearly = delivery_maths.with_progress(
        committed_vs_delivered(schedule, data.deliveries, data.commitments, unphased=True)
    )
    qualifiers = delivery_maths.year_qualifiers(schedule, data.commitments)
    yearly["qualifier"] = [qualifiers.get(int(y), "exact") for y in yearly["financial_year"]]
    return Overview(
        headline=delivery_maths.headline(schedule, data.deliveries, data.commitments, today),
        yearly=yearly,
        summaries=[delivery_maths.year_sentence(row) for row in yearly.itertuples(index=False)],
        milestones=delivery_maths.milestone_states(data.milestones, data.commitments, today),
    )
