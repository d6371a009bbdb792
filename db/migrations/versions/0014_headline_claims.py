"""An announcement's headline claim, as stated (issue 19).

- ``announcements.headline``: the headline the announcement made about its
  money, in its own words ("£14.3m for digital", "multi-million", "over
  £1bn"), so the tracker can check it against the commitments recorded
  (``tracker.figures.headlines``).

NULL when no headline was recorded.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("headline", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("headline")
