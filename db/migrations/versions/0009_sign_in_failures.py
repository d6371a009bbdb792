"""Sign-in throttling: failed sign-ins by username and client address.

- ``sign_in_failures``: one row per failed sign-in (the username as typed,
  the client address, when), counted to slow the sender down and, after
  many from many addresses, to lock the account (tracker/sign_in_guard.py);
- ``users.failed_attempts`` goes: the count per user alone let anyone lock
  anyone out; the failures table replaces it. ``users.locked_until`` stays,
  now the hard lock.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index("ix_sign_in_failures_username_client", "sign_in_failures", ["username", "client"])
    op.create_index("ix_sign_in_failures_client", "sign_in_failures", ["client"])
    op.create_index(op.f("ix_sign_in_failures_failed_at"), "sign_in_failures", ["failed_at"])
    with op.batch_alter_table("users") as batch:
        batch.drop_column("failed_attempts")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.drop_index(op.f("ix_sign_in_failures_failed_at"), table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_client", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_username_client", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
