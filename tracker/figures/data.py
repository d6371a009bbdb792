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
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select

from db.models import Announcement, Milestone, Organisation, ProfileLine
from db.session import ensure_schema, read_session
from tracker.core.fiscal import UNPHASED
from tracker.core.frame_columns import columns_from_frame
from tracker.core.projection import Schedule, expand, schedule_frame, schedule_rows
from tracker.figures import delivery as delivery_maths
from tracker.figures import later_columns, reading, shared
from tracker.figures.data_version import data_version as data_version  # what caches of the figures are keyed on
from tracker.figures.later_columns import LaterColumns
from tracker.figures.totals import committed_vs_delivered, identifier_column
from tracker.i18n import _, ngettext
from tracker.i18n.dates import long_date

T = TypeVar("T")
_RECENT = threading.Lock()  # sessions run in threads and share what is kept
# What ``TrackerData.schedule_money`` holds of a schedule: the commitment's id
# and qualifier, the engine's figures (``tracker.core.projection.schedule_frame``).
MONEY_COLUMNS = [
    "commitment_id",
    "qualifier",
    "financial_year",
    "headline_pence",
    "committed_pence",
    "new_money_pence",
    "estimated",
]

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
    # The view this one was narrowed from, when its schedule can be taken
    # from that view's (tracker.figures.filters): that view's rows for this
    # one's commitments, but for those ``counted_apart`` (linked, through any
    # chain of re-announcements and shares of pots, to a commitment left out:
    # they may count differently here), worked out again with the hidden shares.
    narrowed_from: TrackerData | None = field(default=None, repr=False, compare=False)
    # With ``narrowed_from``: the ids (int64) of the commitments counted apart; None: none.
    counted_apart: np.ndarray | None = field(default=None, repr=False, compare=False)
    # The commitments' columns each schedule row carries (None: every one;
    # ``funding-tracker totals`` needs only a few of them).
    carried: tuple[str, ...] | None = None
    # The columns the load left for later, read when first asked
    # (``deliveries_in_full``, ``commitments_with_quotes``); None: the frames hold all they have.
    later: LaterColumns | None = field(default=None, repr=False, compare=False)
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
        return self.remember("schedule", lambda: self._schedule(money=False))

    @property
    def schedule_money(self) -> pd.DataFrame:
        """``schedule`` with only the columns totals read of it
        (``MONEY_COLUMNS``), row for row: for a narrowed view much quicker to
        work out than its whole schedule, which carries every commitment column."""
        if self.narrowed_from is None or "schedule" in self._memo:
            return self.remember("schedule money", lambda: _money_of(self.schedule))
        return self.remember("schedule money", lambda: self._schedule(money=True))

    def _schedule(self, money: bool) -> pd.DataFrame:
        if self.narrowed_from is not None:
            schedule = self._taken_schedule(self.narrowed_from, money)
        else:
            schedule = self._worked_out()
        if self.year_range is not None:
            low, high = self.year_range
            years = schedule["financial_year"]
            # Money with no year lies in no range of years.
            schedule = schedule.loc[years.between(low, high) & (years != UNPHASED)].reset_index(drop=True)
        return schedule

    def _worked_out(self) -> pd.DataFrame:
        """The schedule worked out by the engine from these frames alone (and
        the hidden shares, which are still taken out of their pots)."""
        if self.hidden_shares is None or self.hidden_shares[0].empty:
            return schedule_frame(self.commitments, self.profile_lines, self.carried)
        shares, share_lines = self.hidden_shares
        schedule = schedule_frame(
            pd.concat([self.commitments, shares], ignore_index=True),
            pd.concat([self.profile_lines, share_lines], ignore_index=True),
            self.carried,
        )
        mine = among(schedule["commitment_id"], self.commitments["commitment_id"].to_numpy())
        return schedule.loc[mine].reset_index(drop=True)

    def _taken_schedule(self, source: TrackerData, money: bool) -> pd.DataFrame:
        """This view's schedule (``money``: its ``schedule_money``) from
        ``source``'s: as the engine gives it, each commitment's rows in the
        order of this view's commitments."""
        if self.counted_apart is None or not len(self.counted_apart):  # every row as there
            full = source.schedule_money if money else source.schedule
            ids = self.commitments["commitment_id"].to_numpy()
            return full.iloc[np.flatnonzero(among(full["commitment_id"], ids))].reset_index(drop=True)
        rows = self.remember("schedule rows", lambda: self._schedule_rows(source))
        carry = self.carried
        if money:
            carry = tuple(name for name in MONEY_COLUMNS if name in (carry or self.commitments.columns))
        base = self.commitments
        if self.hidden_shares is not None and not self.hidden_shares[0].empty:
            # Each column's type as the engine gives it: worked out with the hidden shares.
            names = list(base.columns if carry is None else carry)
            base = pd.concat([base[names], self.hidden_shares[0][names]], ignore_index=True)
        return schedule_rows(base, rows, carry)

    def _schedule_rows(self, source: TrackerData) -> Schedule:
        """This view's schedule rows (``row``: the commitment's position among
        this view's): ``source``'s for the commitments that count here as
        there; those counted apart (and the hidden shares) worked out again."""
        full = source.schedule_money
        ids = self.commitments["commitment_id"].to_numpy()
        apart = among(self.commitments["commitment_id"], np.asarray(self.counted_apart))
        same = np.flatnonzero(among(full["commitment_id"], ids[~apart]))
        commitments, lines = self.commitments.loc[apart], self.profile_lines
        lines = lines.loc[among(lines["commitment_id"], ids[apart])]
        if self.hidden_shares is not None and not self.hidden_shares[0].empty:
            shares, share_lines = self.hidden_shares
            commitments = pd.concat([commitments, shares], ignore_index=True)
            lines = pd.concat([lines, share_lines], ignore_index=True)
        again = expand(columns_from_frame(commitments, lines))
        mine = again.row < np.count_nonzero(apart)  # not the hidden shares, which come after
        position = np.flatnonzero(apart)[again.row[mine]]
        if len(same):  # (all counted apart: ids given twice, not from a database, have no place to look up)
            position = np.concatenate([pd.Index(ids).get_indexer(full["commitment_id"].to_numpy()[same]), position])
        order = np.argsort(position, kind="stable")

        def merged(column: str, worked_out: np.ndarray) -> np.ndarray:
            return np.concatenate([full[column].to_numpy()[same], worked_out[mine]])[order]

        return Schedule(
            row=position[order],
            year=merged("financial_year", again.year),
            headline=merged("headline_pence", again.headline),
            committed=merged("committed_pence", again.committed),
            new_money=merged("new_money_pence", again.new_money),
            estimated=merged("estimated", again.estimated),
        )

    @property
    def deliveries_in_full(self) -> pd.DataFrame:
        """``deliveries`` with every column of the record (``DELIVERY_COLUMNS``:
        the kind and note, which no figure needs, are read when first asked)."""
        later = self.later
        if later is None or "note" in self.deliveries:
            return self.deliveries
        return self.remember("deliveries in full", lambda: later.deliveries(self.deliveries, DELIVERY_COLUMNS))

    @property
    def commitments_with_quotes(self) -> pd.DataFrame:
        """``commitments`` with each announcement's quoted words (``quote``,
        after ``reannounces_ref``), its Welsh title and quote (``title_cy``,
        ``quote_cy``) and its headline claim (``headline``, last); read when first asked."""
        later = self.later
        if later is None or "quote" in self.commitments:
            return self.commitments
        columns = list(self.commitments.columns)
        columns.insert(columns.index("reannounces_ref") + 1, "quote")
        columns += [*later_columns.IN_WELSH, later_columns.HEADLINE]
        return self.remember("commitments with quotes", lambda: later.commitments(self.commitments, columns))

    @property
    def has_illustrative_deliveries(self) -> int:
        return int(self.deliveries["illustrative"].sum()) if len(self.deliveries) else 0


def _money_of(schedule: pd.DataFrame) -> pd.DataFrame:
    return schedule[[name for name in schedule.columns if name in MONEY_COLUMNS]]


def among(values: pd.Series, ids: np.ndarray) -> np.ndarray:
    """Which of ``values`` (commitment ids) are among ``ids``, as a mask."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "i" and ids.dtype.kind == "i":
        return np.isin(values.to_numpy(), ids)  # integers: by a table of the ids, quick
    return values.isin(ids).to_numpy(dtype=bool)


def load(engine: Engine | None = None, as_at: date | None = None) -> TrackerData:
    """Read every visible commitment, profile line, delivery and milestone
    (a delivery's kind and note and an announcement's quoted words when
    first asked: ``TrackerData.deliveries_in_full``, ``commitments_with_quotes``)."""
    owned = engine is None
    if engine is None:
        engine = ensure_schema()
    try:
        with engine.connect() as connection:
            commitments, lines, deliveries, milestones = _read(connection, as_at)
    finally:
        if owned:
            engine.dispose()
    return replace(settle(commitments, lines, deliveries, milestones, as_at), later=LaterColumns(engine, as_at))


def settle(
    commitments: pd.DataFrame,
    lines: pd.DataFrame,
    deliveries: pd.DataFrame,
    milestones: pd.DataFrame,
    as_at: date | None,
) -> TrackerData:
    """The frames as read, as one consistent view: links to commitments it
    cannot see dropped, the rest of those commitments left out, the types
    every figure expects. (Frames may hold fewer columns, as totals read.)"""
    ids = commitments["commitment_id"]
    # A re-announcement of something this view cannot see is new money here;
    # a share of a pot it cannot see stands on its own.
    for link, ref in (("reannounces_id", "reannounces_ref"), ("part_of_id", "part_of_ref")):
        if link in commitments:
            hidden = commitments[link].notna() & ~commitments[link].isin(ids)
            if hidden.any():
                commitments.loc[hidden, [link, *([ref] if ref in commitments else [])]] = None
    types = {
        "commitment_id": "int64",
        "amount_pence": "int64",
        "first_year": "Int64",
        "years": "Int64",
        "uplift_bp": "int64",
        "reannounces_id": "Int64",
        "part_of_id": "Int64",
        "reannounces_earlier": "bool",
    }
    commitments = commitments.astype({name: kind for name, kind in types.items() if name in commitments})
    lines = lines.loc[lines["commitment_id"].isin(ids)].reset_index(drop=True)
    deliveries = deliveries.loc[deliveries["commitment_id"].isin(ids)].reset_index(drop=True)
    milestones = milestones.loc[milestones["commitment_id"].isin(ids)].reset_index(drop=True)
    deliveries = deliveries.astype(
        {name: kind for name, kind in DELIVERY_TYPES.items() if name in deliveries}  # as read for totals too
    )
    lines = lines.astype({"commitment_id": "int64", "financial_year": "int64", "amount_pence": "int64"})
    return TrackerData(commitments, lines, deliveries, milestones, as_at)


LINE_COLUMNS = ["commitment_id", "financial_year", "amount_pence"]
DELIVERY_TYPES = {"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"}
DELIVERY_COLUMNS = ["delivery_id", "ref", "commitment_id", "paid_on", "amount_pence", "kind", "note", "illustrative"]
# What a load reads of each delivery (the rest: ``TrackerData.deliveries_in_full``).
DELIVERY_READ = [name for name in DELIVERY_COLUMNS if name not in later_columns.DELIVERY_TEXT]
MILESTONE_COLUMNS = [
    "milestone_id",
    "ref",
    "commitment_id",
    "title",
    "due_on",
    "achieved_on",
    "achieved_note",
    "source_url",
]


def _read(connection: Connection, as_at: date | None):
    # The announcement's quoted words are read when asked (``commitments_with_quotes``).
    names = [*COMMITMENT_COLUMNS, *DETAIL_COLUMNS]
    commitments = reading.commitments_frame(connection, names, as_at)
    areas = reading.areas_by_commitment(connection)
    commitments["areas"] = [areas.get(cid, ()) for cid in commitments["commitment_id"]]
    lines = reading.frame(
        connection,
        select(ProfileLine.commitment_id, ProfileLine.financial_year, ProfileLine.amount_pence),
        LINE_COLUMNS,
    )
    deliveries = reading.ordered_frame(
        connection, reading.visible_deliveries, DELIVERY_READ, as_at, "paid_on", ("paid_on",)
    )
    milestones = reading.frame(
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
        MILESTONE_COLUMNS,
        dates=("due_on", "achieved_on"),
    )
    return commitments, lines, deliveries, milestones


def describe_source(url: str) -> str:
    """Where the figures come from, for an export's About sheet (no password)."""
    from sqlalchemy.engine import make_url

    return _("funding tracker database {address}", address=make_url(url).render_as_string(hide_password=True))


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
    """Everything the Overview page shows, worked out from one TrackerData
    (and kept with it, once per language: its milestones' lateness is in
    words; its sentences are said when asked, in the language in use)."""

    headline: delivery_maths.Headline
    # label, committed, delivered, variance, new_money, estimated, pct, cumulative, qualifier (pence);
    # the last row is ``UNPHASED`` when some money has no stated year.
    yearly: pd.DataFrame
    milestones: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return self.yearly.empty

    @property
    def summaries(self) -> list[str]:
        """One sentence per year, for the chart's text summary."""
        return [delivery_maths.year_sentence(row) for row in self.yearly.itertuples(index=False)]

    @property
    def overdue(self) -> pd.DataFrame:
        return self.milestones.loc[self.milestones["state"] == "overdue"]

    @property
    def upcoming(self) -> pd.DataFrame:
        return self.milestones.loc[self.milestones["state"] == "due"]

    def milestone_summary(self) -> str:
        """'1 milestone overdue (longest: CDO in post, 12 days late); next due: Squads hired on 1 April 2020.'"""
        overdue, upcoming = self.overdue, self.upcoming
        nxt = upcoming.sort_values("due_on").iloc[0] if len(upcoming) else None
        if not len(overdue):
            if nxt is None:
                return _("No milestone is overdue; none is waiting to be achieved.")
            return _(
                "No milestone is overdue; next due: {next} on {day}.", next=nxt["title"], day=long_date(nxt["due_on"])
            )
        count = len(overdue)
        latest = overdue.sort_values("days_late").iloc[-1]["title"]
        lateness = delivery_maths.describe_lateness(int(overdue["days_late"].max()))
        if nxt is None:
            return ngettext(
                "{count} milestone overdue (longest: {title}, {lateness}); none is waiting to be achieved.",
                "{count} milestones overdue (longest: {title}, {lateness}); none is waiting to be achieved.",
                count,
                count=format(count, ","),
                title=latest,
                lateness=lateness,
            )
        return ngettext(
            "{count} milestone overdue (longest: {title}, {lateness}); next due: {next} on {day}.",
            "{count} milestones overdue (longest: {title}, {lateness}); next due: {next} on {day}.",
            count,
            count=format(count, ","),
            title=latest,
            lateness=lateness,
            next=nxt["title"],
            day=long_date(nxt["due_on"]),
        )


@shared.per_data
def breakdown(data: TrackerData, by: str) -> pd.DataFrame:
    """Committed against delivered per recipient, programme, funder or purpose
    (all years in the view): ``by, committed, delivered, variance, pct_delivered``,
    largest commitment first."""
    per_year = committed_vs_delivered(data.schedule_money, data.deliveries, data.commitments, by=by, unphased=True)
    # Two organisations sharing a name stay two lines; an area is named beside its code.
    keys = [by, *([identifier_column(by)] if identifier_column(by) in per_year else [])]
    money = ["committed", "delivered", "variance", *(["shared"] if "shared" in per_year else [])]
    totals = per_year.groupby(keys, as_index=False, dropna=False)[money].sum()
    committed = totals["committed"].to_numpy()
    totals["pct_delivered"] = [d / c if c else None for d, c in zip(totals["delivered"], committed)]
    return totals.sort_values(["committed", by], ascending=[False, True]).reset_index(drop=True)


@shared.per_data_in_language  # its milestones say how late each is, in words
def overview(data: TrackerData, today: date) -> Overview:
    schedule = data.schedule_money
    yearly = delivery_maths.with_progress(
        committed_vs_delivered(schedule, data.deliveries, data.commitments, unphased=True)
    )
    qualifiers = delivery_maths.year_qualifiers(schedule, data.commitments)
    yearly["qualifier"] = [qualifiers.get(int(y), "exact") for y in yearly["financial_year"]]
    return Overview(
        headline=delivery_maths.headline(schedule, data.deliveries, data.commitments, today),
        yearly=yearly,
        milestones=delivery_maths.milestone_states(data.milestones, data.commitments, today),
    )
