"""Deflator releases kept in the database (issue 20).

- ``deflator_releases``: a release an admin loaded: its name (unique, and
  unique case-folded in ``name_key``), who loaded it and when;
- ``deflator_indices``: its index for each financial year, stored as the
  exact text of a decimal, one per year of a release.

Rows are never updated or deleted: releases are kept side by side. The
release shipped with the tracker is never stored; the default release is an
``app_settings`` row (none: the shipped one).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deflator_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deflator_releases")),
        sa.UniqueConstraint("name", name=op.f("uq_deflator_releases_name")),
        sa.UniqueConstraint("name_key", name=op.f("uq_deflator_releases_name_key")),
    )
    op.create_table(
        "deflator_indices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),  # FinancialYear start year
        sa.Column("deflator_index", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["deflator_releases.id"],
            name=op.f("fk_deflator_indices_release_id_deflator_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deflator_indices")),
        sa.UniqueConstraint("release_id", "financial_year", name=op.f("uq_deflator_indices_release_id_financial_year")),
    )


def downgrade() -> None:
    op.drop_table("deflator_indices")
    op.drop_table("deflator_releases")
