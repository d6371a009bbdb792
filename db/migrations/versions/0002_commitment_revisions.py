"""Commitment revisions: the original schedule kept beside the revised one.

Two new tables, nothing else touched:
- ``commitment_baselines``: a commitment's schedule (financial year, pence) as
  first committed, written on its first revision;
- ``commitment_revisions``: each change to a commitment's money, with who,
  when, why (one of a fixed list; "other" needs words) and the terms before
  and after.

No existing table is altered, so SQLite batch mode never rebuilds
``audit_events`` and its append-only triggers stay as 0001 made them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commitment_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),  # FinancialYear start year
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_baselines_commitment_id_commitments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_baselines")),
        # Also serves as the index on commitment_id (its first column).
        sa.UniqueConstraint(
            "commitment_id",
            "financial_year",
            name=op.f("uq_commitment_baselines_commitment_id_financial_year"),
        ),
    )

    op.create_table(
        "commitment_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('re-profiled', 'slippage', 'underspend carried forward', 'correction', 'other')",
            name=op.f("ck_commitment_revisions_reason"),
        ),
        sa.CheckConstraint(
            "reason <> 'other' OR reason_text IS NOT NULL",
            name=op.f("ck_commitment_revisions_other_has_text"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_revisions_commitment_id_commitments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_revisions")),
    )
    op.create_index(op.f("ix_commitment_revisions_commitment_id"), "commitment_revisions", ["commitment_id"])


def downgrade() -> None:
    # Dropping a table drops its indexes too.
    op.drop_table("commitment_revisions")
    op.drop_table("commitment_baselines")
