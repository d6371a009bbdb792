"""The language each user chose for the interface (issue 18: English or Welsh).

- ``users.language``: ``en`` or ``cy``; NULL until they choose (the address's
  ``?lang=``, then the browser's language, then English decide meanwhile).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch.create_check_constraint(op.f("ck_users_language"), "language IN ('en', 'cy')")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_language"), type_="check")
        batch.drop_column("language")
