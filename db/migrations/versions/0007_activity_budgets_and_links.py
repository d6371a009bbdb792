"""IATI activities' budgets and links, kept beside their commitments.

- ``planned_budgets``: each budget an activity states (original or revised),
  with its period and the financial year of its start; shown beside the
  commitments, never counted as committed.
- ``activity_links``: the other activities an activity names (parent, child,
  sibling, co-funded, third-party), by identifier.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "planned_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("financial_year", sa.Integer(), nullable=True),  # FinancialYear start year
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("status IN ('original', 'revised')", name=op.f("ck_planned_budgets_status")),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_planned_budgets_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_budgets")),
    )
    op.create_index(op.f("ix_planned_budgets_commitment_id"), "planned_budgets", ["commitment_id"])
    op.create_table(
        "activity_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=12), nullable=False),
        sa.Column("other_ref", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(
            "relation IN ('parent', 'child', 'sibling', 'co-funded', 'third-party')",
            name=op.f("ck_activity_links_relation"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_activity_links_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_links")),
        sa.UniqueConstraint(
            "commitment_id", "relation", "other_ref", name=op.f("uq_activity_links_commitment_id_relation_other_ref")
        ),
    )
    op.create_index(op.f("ix_activity_links_commitment_id"), "activity_links", ["commitment_id"])
    op.create_index(op.f("ix_activity_links_other_ref"), "activity_links", ["other_ref"])


def downgrade() -> None:
    op.drop_table("activity_links")
    op.drop_table("planned_budgets")
