"""Reviews: meetings, their frozen snapshots, and progress statuses.

Three new tables, nothing else touched:
- ``review_meetings``: a meeting's date and the date its figures are as at;
- ``review_snapshots``: the figures as they stood when the meeting was opened
  (one JSON document per meeting);
- ``progress_statuses``: each status a reviewer gives a commitment or a
  programme, with date, reviewer, evidence and note.

Snapshots and statuses are history: triggers refuse UPDATE and DELETE on
both (SQLite and PostgreSQL), as 0001 does for ``audit_events``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("review_snapshots", "progress_statuses")


def upgrade() -> None:
    op.create_table(
        "review_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_meetings")),
        sa.UniqueConstraint("held_on", name=op.f("uq_review_meetings_held_on")),
    )
    op.create_table(
        "review_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=200), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["review_meetings.id"], name=op.f("fk_review_snapshots_meeting_id_review_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_snapshots")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_review_snapshots_meeting_id")),
    )
    op.create_table(
        "progress_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("evidence_url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('not started', 'on track', 'at risk', 'off track', 'achieved', 'stalled')",
            name=op.f("ck_progress_statuses_status"),
        ),
        sa.CheckConstraint(
            "(commitment_id IS NULL) <> (programme IS NULL)", name=op.f("ck_progress_statuses_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"], ["commitments.id"], name=op.f("fk_progress_statuses_commitment_id_commitments")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["review_meetings.id"], name=op.f("fk_progress_statuses_meeting_id_review_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_statuses")),
    )
    op.create_index(op.f("ix_progress_statuses_commitment_id"), "progress_statuses", ["commitment_id"])
    op.create_index(op.f("ix_progress_statuses_programme"), "progress_statuses", ["programme"])
    for table in APPEND_ONLY:
        _create_append_only_triggers(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        _drop_append_only_triggers(table)
    op.drop_table("progress_statuses")
    op.drop_table("review_snapshots")
    op.drop_table("review_meetings")


def _create_append_only_triggers(table: str) -> None:
    """Refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on ``table``."""
    message = f"{table} is append-only"
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"    RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';\n"
            "END\n"
            "$$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        raise NotImplementedError(f"no append-only trigger for {dialect}")


def _drop_append_only_triggers(table: str) -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
