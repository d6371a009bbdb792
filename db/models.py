"""The database tables, as SQLAlchemy 2.x typed declarative models.

Rules these models keep (docs/architecture.md):

- Money is ``BigInteger`` integer pence, never Float or Numeric: SQLite stores
  Numeric via float, and a finance table must add up to the penny.
- A financial year is stored as the integer year it starts in, but the Python
  value is always ``tracker.core.fiscal.FinancialYear`` (``FinancialYearType``).
- Timestamps are timezone-aware UTC on every database (``UTCDateTime``).
- Every editable table carries a ``version`` column that SQLAlchemy checks on
  UPDATE and DELETE (optimistic concurrency): two people editing the same row
  cannot silently overwrite each other; the second save raises
  ``sqlalchemy.orm.exc.StaleDataError``.
- Rows people edit are soft-deleted (``deleted_at``) so the audit trail and
  the totals of past reports can still point at them.
- ``audit_events`` is append-only; the initial migration adds triggers that
  refuse UPDATE and DELETE.
- Enumerations are short strings guarded by named CHECK constraints, which
  read plainly in SQL and need no ALTER TYPE on PostgreSQL to extend.
- Every ``String`` column is as long as ``tracker.core.limits.LIMITS`` allows
  its field, and ``Text`` columns hold fields with a limit there too: forms,
  files and the command line check text against that table, so text that
  passes always fits.

The schema itself is created by the Alembic migrations in ``db/migrations``;
a test checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from db.types import FinancialYearType, UTCDateTime
from tracker.core import limits, vocabulary
from tracker.core.fiscal import FinancialYear
from tracker.core.identifiers import normalise_name

# Every constraint and index gets a predictable name. Alembic batch mode on
# SQLite recreates tables and can only drop or alter a constraint it can name;
# PostgreSQL would otherwise invent names that differ from SQLite's.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The closed lists live in tracker.core.vocabulary (with their labels): the
# CHECK constraints below are built from them, and code that needs a list
# imports it from there. The sizes of text columns come from
# tracker.core.limits, the table every way in checks text against.


def utc_now() -> datetime:
    return datetime.now(UTC)


def _sized(field: str) -> String:
    """A ``String`` column as long as ``field`` may be (``tracker.core.limits.LIMITS``)."""
    return String(limits.LIMITS[field])


def _one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    """A named CHECK that ``column`` holds one of ``values`` (NULL passes, as in SQL)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """When a row was created and last changed (UTC, set by the application)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)


class Organisation(Timestamps, Base):
    """A funder, a recipient or an oversight body.

    Two organisations may share a name (different identifiers); an identifier
    is unique when present. ``normalised_name`` is the name as matched
    (``tracker.core.identifiers.normalise_name``).
    """

    __tablename__ = "organisations"
    __table_args__ = (_one_of("kind", vocabulary.ORGANISATION_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(_sized("organisation_name"))
    normalised_name: Mapped[str] = mapped_column(_sized("normalised_name"), index=True)
    kind: Mapped[str] = mapped_column(_sized("organisation_kind"), default="other", server_default="other")
    # A 360Giving/org-id style identifier, e.g. GB-PLA-... for a Welsh council.
    org_identifier: Mapped[str | None] = mapped_column(_sized("org_identifier"), unique=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # Optimistic concurrency: SQLAlchemy adds "AND version = <loaded>" to each
    # UPDATE/DELETE and bumps it, so a stale edit fails instead of winning.
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    announcements: Mapped[list[Announcement]] = relationship(back_populates="funder")
    commitments_received: Mapped[list[Commitment]] = relationship(back_populates="recipient")
    other_names: Mapped[list[OrganisationName]] = relationship(
        back_populates="organisation", order_by="OrganisationName.id", cascade="all, delete-orphan"
    )

    @validates("name")
    def _match_on(self, _key: str, name: str) -> str:
        self.normalised_name = normalise_name(name)
        return name

    def __repr__(self) -> str:
        return f"<Organisation id={self.id} name={self.name!r} kind={self.kind!r}>"


class OrganisationName(Base):
    """Another name an organisation is known by (matched like its own name)."""

    __tablename__ = "organisation_names"
    __table_args__ = (UniqueConstraint("organisation_id", "normalised_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(_sized("organisation_name"))
    normalised_name: Mapped[str] = mapped_column(_sized("normalised_name"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="other_names")

    @validates("name")
    def _match_on(self, _key: str, name: str) -> str:
        self.normalised_name = normalise_name(name)
        return name


class Announcement(Timestamps, Base):
    """A public statement by a funder, carrying one or more commitments
    (``announced_on`` is NULL when the statement is undated)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(_sized("ref"), unique=True)
    announced_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(_sized("title"))
    funder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    made_by: Mapped[str | None] = mapped_column(_sized("made_by"))
    source_url: Mapped[str | None] = mapped_column(Text)
    # The exact words announced ("over £1m will be made available ...").
    quote: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    funder: Mapped[Organisation] = relationship(back_populates="announcements")
    commitments: Mapped[list[Commitment]] = relationship(back_populates="announcement", order_by="Commitment.id")

    def __repr__(self) -> str:
        return f"<Announcement id={self.id} ref={self.ref!r} announced_on={self.announced_on}>"


class Commitment(Timestamps, Base):
    """One line of money promised in an announcement.

    ``amount_pence`` means the total for ``one-off``, ``multi-year`` and
    ``profiled`` commitments and the amount per year for ``recurring`` ones
    (for ``years`` years from ``first_year``, rising by ``uplift_bp`` a year).
    ``first_year`` NULL: not stated (the money is unphased); ``years`` NULL:
    "a year", end not stated (recurring) or an unstated period (multi-year);
    ``recipient_id`` NULL: no recipient named.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        _one_of("kind", vocabulary.COMMITMENT_KINDS),
        _one_of("qualifier", vocabulary.QUALIFIERS),
        _one_of("status", vocabulary.STATUSES),
        _one_of("capital_or_revenue", vocabulary.CAPITAL_OR_REVENUE),
        _one_of("spread", vocabulary.SPREADS),
        CheckConstraint("years >= 1", name="years_at_least_one"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(_sized("ref"), unique=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(_sized("programme"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(_sized("commitment_kind"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    # "over £1m" is a floor, "up to £1m" a ceiling: the amount alone misleads.
    qualifier: Mapped[str] = mapped_column(_sized("qualifier"), default="exact", server_default="exact")
    status: Mapped[str] = mapped_column(_sized("status"), default="confirmed", server_default="confirmed")
    capital_or_revenue: Mapped[str | None] = mapped_column(_sized("capital_or_revenue"))
    first_year: Mapped[FinancialYear | None] = mapped_column(FinancialYearType)
    # No default: NULL means "not stated" and must never become 1 by itself.
    years: Mapped[int | None] = mapped_column(Integer)
    # Annual uplift in basis points (hundredths of a percent): 2.5% = 250.
    # An integer keeps the projection exact; no float percentages.
    uplift_bp: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The earlier commitment this one restates: it adds no new money and
    # is counted once.
    reannounces_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    # Announced before, the original not recorded here: counted, not new money.
    reannounces_earlier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The pot this commitment is a share of: taken out of it, never added on top.
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    # How a multi-year total is placed in years (vocabulary.SPREADS).
    spread: Mapped[str] = mapped_column(_sized("spread"), default="none", server_default="none")
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    announcement: Mapped[Announcement] = relationship(back_populates="commitments")
    recipient: Mapped[Organisation | None] = relationship(back_populates="commitments_received")
    reannounces: Mapped[Commitment | None] = relationship(
        remote_side=[id], back_populates="reannounced_by", foreign_keys=[reannounces_id]
    )
    reannounced_by: Mapped[list[Commitment]] = relationship(back_populates="reannounces", foreign_keys=[reannounces_id])
    part_of: Mapped[Commitment | None] = relationship(
        remote_side=[id], back_populates="shares", foreign_keys=[part_of_id]
    )
    shares: Mapped[list[Commitment]] = relationship(back_populates="part_of", foreign_keys=[part_of_id])
    areas: Mapped[list[CommitmentArea]] = relationship(
        back_populates="commitment", order_by="CommitmentArea.id", cascade="all, delete-orphan", passive_deletes=True
    )
    # Profile lines belong to their commitment (the database cascades the
    # delete too); deliveries and milestones are records in their own right.
    profile_lines: Mapped[list[ProfileLine]] = relationship(
        back_populates="commitment",
        order_by="ProfileLine.financial_year",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="commitment", order_by=lambda: [Delivery.paid_on, Delivery.id]
    )
    milestones: Mapped[list[Milestone]] = relationship(back_populates="commitment", order_by="Milestone.id")

    def __repr__(self) -> str:
        return (
            f"<Commitment id={self.id} ref={self.ref!r} kind={self.kind!r} "
            f"amount_pence={self.amount_pence} first_year={self.first_year!r}>"
        )


class CommitmentArea(Base):
    """An area a commitment benefits, as an ONS GSS code (``tracker.core.places``)."""

    __tablename__ = "commitment_areas"
    __table_args__ = (UniqueConstraint("commitment_id", "gss_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    gss_code: Mapped[str] = mapped_column(_sized("gss_code"), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="areas")


class ProfileLine(Timestamps, Base):
    """The amount of a ``profiled`` commitment in one financial year."""

    __tablename__ = "profile_lines"
    __table_args__ = (UniqueConstraint("commitment_id", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    financial_year: Mapped[FinancialYear] = mapped_column(FinancialYearType)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="profile_lines")

    def __repr__(self) -> str:
        return (
            f"<ProfileLine id={self.id} commitment_id={self.commitment_id} "
            f"financial_year={self.financial_year!r} amount_pence={self.amount_pence}>"
        )


class Delivery(Timestamps, Base):
    """Money actually paid or spent against a commitment; its FY comes from ``paid_on``."""

    __tablename__ = "deliveries"
    __table_args__ = (_one_of("kind", vocabulary.DELIVERY_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(_sized("ref"), unique=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    # NULL: the delivery's date is not known (its money is then unphased).
    paid_on: Mapped[date | None] = mapped_column(Date)
    # May be negative: a correction or clawback of an earlier payment.
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(_sized("delivery_kind"))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    # Demo figures that nobody published: shown, but always labelled as such.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return (
            f"<Delivery id={self.id} ref={self.ref!r} paid_on={self.paid_on} "
            f"amount_pence={self.amount_pence} kind={self.kind!r}>"
        )


class Milestone(Timestamps, Base):
    """Non-financial delivery tied to a commitment (e.g. "CDO in post")."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(_sized("ref"), unique=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    title: Mapped[str] = mapped_column(_sized("title"))
    due_on: Mapped[date | None] = mapped_column(Date)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    # What the sources actually say when the exact day is unknown,
    # e.g. "late November 2020; the day was not published".
    achieved_note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    commitment: Mapped[Commitment] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<Milestone id={self.id} ref={self.ref!r} title={self.title!r}>"


class AuditEvent(Base):
    """One change to the data: who, when, what, before and after.

    Append-only: database triggers refuse UPDATE and DELETE, so there is no
    version column and no updated_at. ``before`` is NULL for a create and
    ``after`` is NULL for a delete.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        _one_of("action", vocabulary.AUDIT_ACTIONS),
        Index("ix_audit_events_entity_entity_id", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
    actor: Mapped[str] = mapped_column(_sized("actor"))
    action: Mapped[str] = mapped_column(_sized("audit_action"))
    entity: Mapped[str] = mapped_column(_sized("entity"))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # none_as_null: a missing snapshot is SQL NULL, not the JSON text 'null'.
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    def __repr__(self) -> str:
        return (
            f"<AuditEvent id={self.id} {self.action} {self.entity} #{self.entity_id} "
            f"by {self.actor!r} at {self.occurred_at}>"
        )


class CommitmentBaseline(Base):
    """A commitment's schedule as first committed: one row per financial year.

    Written once, on the commitment's first revision (before that, the
    baseline is simply the current schedule), so the original profile stays
    beside the revised one however often the money is re-profiled. Never
    updated, so no version column.
    """

    __tablename__ = "commitment_baselines"
    __table_args__ = (UniqueConstraint("commitment_id", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No ON DELETE CASCADE: commitments are only ever soft-deleted, and the
    # history must outlive any attempt to remove them.
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"))
    # NULL: the commitment's unphased money (its year was not stated).
    financial_year: Mapped[FinancialYear | None] = mapped_column(FinancialYearType)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        return (
            f"<CommitmentBaseline commitment_id={self.commitment_id} "
            f"financial_year={self.financial_year!r} amount_pence={self.amount_pence}>"
        )


class CommitmentRevision(Base):
    """One change to a commitment's money (amount, profile, years, first year
    or uplift): who, when, why, and the terms before and after.

    ``reason`` is one of ``vocabulary.REVISION_REASONS``; "other" needs ``reason_text``.
    Append-only in practice (the write use-cases in tracker.records never change a revision).
    """

    __tablename__ = "commitment_revisions"
    __table_args__ = (
        _one_of("reason", vocabulary.REVISION_REASONS),
        CheckConstraint("reason <> 'other' OR reason_text IS NOT NULL", name="other_has_text"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(_sized("actor"))
    reason: Mapped[str] = mapped_column(_sized("revision_reason"))
    reason_text: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return (
            f"<CommitmentRevision id={self.id} commitment_id={self.commitment_id} "
            f"reason={self.reason!r} by {self.actor!r} at {self.revised_at}>"
        )


class ReviewMeeting(Base):
    """A Digital Advisory Group meeting: the day it is held and the date its
    figures are taken as at. Opening one freezes the figures (``ReviewSnapshot``)."""

    __tablename__ = "review_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, unique=True)
    as_at: Mapped[date] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(_sized("title"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    snapshot: Mapped[ReviewSnapshot | None] = relationship(back_populates="meeting")

    def __repr__(self) -> str:
        return f"<ReviewMeeting id={self.id} held_on={self.held_on} as_at={self.as_at}>"


class ReviewSnapshot(Base):
    """The figures as they stood when a meeting was opened, frozen as one JSON
    document (``tracker.review.snapshot.build_snapshot`` describes it).

    Append-only: database triggers (migration 0003) refuse UPDATE and DELETE,
    so later edits to the data can never move a meeting's figures.
    """

    __tablename__ = "review_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meetings.id"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    taken_by: Mapped[str] = mapped_column(_sized("taken_by"))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)

    meeting: Mapped[ReviewMeeting] = relationship(back_populates="snapshot")

    def __repr__(self) -> str:
        return f"<ReviewSnapshot id={self.id} meeting_id={self.meeting_id} taken_at={self.taken_at}>"


class ProgressStatus(Base):
    """A reviewer's judgement of a commitment's (or a programme's) progress.

    A status change is a new row, never an edit: the history is the table,
    the current status is the latest row for its subject. Append-only by
    database triggers (migration 0003). Exactly one of ``commitment_id`` and
    ``programme`` names the subject.
    """

    __tablename__ = "progress_statuses"
    __table_args__ = (
        _one_of("status", vocabulary.PROGRESS_STATUSES),
        CheckConstraint("(commitment_id IS NULL) <> (programme IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    programme: Mapped[str | None] = mapped_column(_sized("programme"), index=True)
    status: Mapped[str] = mapped_column(_sized("progress_status"))
    assessed_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(_sized("reviewer"))
    evidence_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meetings.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        subject = f"commitment_id={self.commitment_id}" if self.commitment_id else f"programme={self.programme!r}"
        return f"<ProgressStatus id={self.id} {subject} {self.status!r} on {self.assessed_on}>"


class User(Timestamps, Base):
    """Someone who may sign in: a local account (Argon2id password hash) or,
    with single sign-on, an email the identity provider vouches for.

    ``password_hash`` is never copied into the audit trail. ``failed_attempts``
    and ``locked_until`` implement the lockout (tracker/accounts.py).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(_sized("username"), unique=True)
    email: Mapped[str | None] = mapped_column(_sized("email"), unique=True)  # stored lower-case
    password_hash: Mapped[str | None] = mapped_column(Text)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    def __repr__(self) -> str:
        return f"<User id={self.id} username={self.username!r} roles={sorted(self.role_names)}>"


class UserRole(Base):
    """One role a user holds (a user can hold several)."""

    __tablename__ = "user_roles"
    __table_args__ = (_one_of("role", vocabulary.ROLES),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(_sized("role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def __repr__(self) -> str:
        return f"<UserRole user_id={self.user_id} role={self.role!r}>"
