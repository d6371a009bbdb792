"""Imports, recorded so that one can be undone as a unit.

- ``imports``: one row per file an import saved: its kind, file name, who,
  when it started and finished, how many rows it created and updated, and
  when and by whom it was undone;
- ``audit_events.import_id``: the import whose transaction wrote the event
  (NULL for every other write), indexed. Added with a plain ``ALTER TABLE
  ... ADD COLUMN``, never a batch rebuild, so SQLite keeps the append-only
  triggers of 0001.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.add_column("audit_events", sa.Column("import_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_audit_events_import_id"), "audit_events", ["import_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_import_id"), table_name="audit_events")
    # SQLite 3.35+ drops a column in place (no rebuild: the triggers stay).
    op.drop_column("audit_events", "import_id")
    op.drop_table("imports")
