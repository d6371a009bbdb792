"""Deliveries as real data records them: disbursement, expenditure, refund; undated.

- ``deliveries.kind``: ``payment`` becomes ``disbursement`` (money passed to a
  recipient) and ``spend`` becomes ``expenditure`` (money spent), the same
  meaning under the names real grant and aid data use; ``refund`` is added
  (stored negative). The column grows to 12 characters.
- ``deliveries.paid_on``: optional (a delivery whose date is not known; its
  money is unphased).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RENAMED = {"payment": "disbursement", "spend": "expenditure"}


def _set_kinds(mapping: dict[str, str]) -> None:
    deliveries = sa.table("deliveries", sa.column("kind", sa.String))
    for old, new in mapping.items():
        op.get_bind().execute(deliveries.update().where(deliveries.c.kind == old).values(kind=new))


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(op.f("ck_deliveries_kind"), type_="check")
        batch.alter_column("kind", existing_type=sa.String(length=10), type_=sa.String(length=12))
        batch.alter_column("paid_on", existing_type=sa.Date(), nullable=True)
    _set_kinds(_RENAMED)
    with op.batch_alter_table("deliveries") as batch:
        batch.create_check_constraint(op.f("ck_deliveries_kind"), "kind IN ('disbursement', 'expenditure', 'refund')")


def downgrade() -> None:
    """Back to 0005: refused while a delivery is a refund or undated (0005 cannot hold them)."""
    connection = op.get_bind()
    held = connection.execute(
        sa.text("SELECT COUNT(*) FROM deliveries WHERE kind = 'refund' OR paid_on IS NULL")
    ).scalar()
    if held:
        raise RuntimeError("cannot downgrade below 0006: the database holds refunds or undated deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(op.f("ck_deliveries_kind"), type_="check")
    _set_kinds({new: old for old, new in _RENAMED.items()})
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("paid_on", existing_type=sa.Date(), nullable=False)
        batch.alter_column("kind", existing_type=sa.String(length=12), type_=sa.String(length=10))
        batch.create_check_constraint(op.f("ck_deliveries_kind"), "kind IN ('payment', 'spend')")
