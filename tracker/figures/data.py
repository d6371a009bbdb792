"""Read models for pages, the CLI and exports: DataFrames and frozen dataclasses.

Everything here reads; nothing writes. Soft-deleted rows are left out. An
``as_at`` date shows the data as it stood then: only announcements made and
deliveries paid on or before it. A re-announcement whose original is not
visible (deleted, or announced after ``as_at``) is, as far as that view
knows, the first time the money was announced, so it counts as new money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, nulls_last, or_, select
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
from tracker.figures.totals import committed_vs_delivered, identifier_column

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

    @property
    def schedule(self) -> pd.DataFrame:
        if self.hidden_shares is None or self.hidden_shares[0].empty:
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


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


def load(engine: Engine | None = None, as_at: date | None = None) -> TrackerData:
    """Read every visible commitment, profile line, delivery and milestone."""
    owned = engine is None
    if engine is None:
        engine = ensure_schema()
    try:
        with read_session(engine) as session:
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
            rows = [
                (*row[:15], row[15].start_year if row[15] is not None else None, *row[16:])
                for row in session.execute(query)
            ]
            # The announcement's quoted words ride along for exports (optional column).
            commitments = _frame(rows, [*COMMITMENT_COLUMNS, "quote", *DETAIL_COLUMNS])
            areas: dict[int, list[str]] = {}
            for cid, code in session.execute(
                select(CommitmentArea.commitment_id, CommitmentArea.gss_code).order_by(CommitmentArea.id)
            ):
                areas.setdefault(cid, []).append(code)
            commitments["areas"] = [tuple(areas.get(cid, ())) for cid in commitments["commitment_id"]]

            ids = set(commitments["commitment_id"])
            lines = _frame(
                (
                    (cid, fy.start_year, pence)
                    for cid, fy, pence in session.execute(
                        select(ProfileLine.commitment_id, ProfileLine.financial_year, ProfileLine.amount_pence)
                    )
                    if cid in ids
                ),
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
                (row for row in session.execute(delivery_query) if row[2] in ids),
                ["delivery_id", "ref", "commitment_id", "paid_on", "amount_pence", "kind", "note", "illustrative"],
            )
            milestones = _frame(
                (
                    row
                    for row in session.execute(
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
                        .order_by(Milestone.due_on, Milestone.ref)
                    )
                    if row[2] in ids
                ),
                [
                    "milestone_id",
                    "ref",
                    "commitment_id",
                    "title",
                    "due_on",
                    "achieved_on",
                    "achieved_note",
                    "source_url",
                ],
            )
    finally:
        if owned:
            engine.dispose()

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
    deliveries = deliveries.astype({"amount_pence": "int64", "commitment_id": "int64", "illustrative": "bool"})
    lines = lines.astype({"commitment_id": "int64", "financial_year": "int64", "amount_pence": "int64"})
    return TrackerData(commitments, lines, deliveries, milestones, as_at)


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
