"""An announcement's title and quoted words in Welsh, beside the English (issue 18).

- ``announcements.title_cy``: the title in Welsh, when the funder gave one
  (the Welsh Government publishes most statements in both languages).
- ``announcements.quote_cy``: the words announced, in Welsh, verbatim.

Both NULL when there is no Welsh; pages then show the English and say so.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("title_cy", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("quote_cy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("quote_cy")
        batch.drop_column("title_cy")
