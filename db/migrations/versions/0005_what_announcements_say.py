"""What announcements really say: unphased and open-ended money, shares of pots,
money announced before, organisations with identifiers, places.

Every wave-1 row keeps its meaning: the new columns default to what wave 1
meant (not announced before, no pot, not spread), and columns that become
optional only lose their NOT NULL.

- ``organisations``: the name is no longer unique (two organisations may
  share a name when their identifiers differ); ``normalised_name`` (filled
  here from the name) is what imports match on; ``org_identifier`` is unique
  when present.
- ``organisation_names``: other names an organisation is known by.
- ``announcements.announced_on``: optional (undated statements).
- ``commitments``: ``first_year``, ``years`` and ``recipient_id`` optional;
  ``kind`` adds ``multi-year``; new ``reannounces_earlier``, ``part_of_id``,
  ``spread``, ``planned_start``, ``planned_end``.
- ``commitment_areas``: the GSS codes of the areas a commitment benefits.
- ``commitment_baselines.financial_year``: NULL holds unphased money.

SQLite rebuilds the three altered tables (batch mode); ``audit_events`` is
not touched, so its append-only triggers stay as 0001 made them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_KINDS = "kind IN ('one-off', 'recurring', 'profiled')"
_NEW_KINDS = "kind IN ('one-off', 'recurring', 'profiled', 'multi-year')"
_SPREADS = "spread IN ('none', 'even', 'planned-dates')"


def _normalise(name: str) -> str:
    # The rule of tracker.core.identifiers.normalise_name, frozen here: a
    # migration must mean the same whatever the code becomes.
    return " ".join(name.split()).casefold()


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("normalised_name", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    organisations = sa.table(
        "organisations", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("normalised_name")
    )
    for org_id, name in connection.execute(sa.select(organisations.c.id, organisations.c.name)).all():
        connection.execute(
            organisations.update().where(organisations.c.id == org_id).values(normalised_name=_normalise(name))
        )
    with op.batch_alter_table("organisations") as batch:
        batch.alter_column("normalised_name", existing_type=sa.String(length=200), nullable=False)
        batch.drop_constraint(op.f("uq_organisations_name"), type_="unique")
        batch.create_unique_constraint(batch.f("uq_organisations_org_identifier"), ["org_identifier"])
        batch.create_index(batch.f("ix_organisations_normalised_name"), ["normalised_name"])

    op.create_table(
        "organisation_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("normalised_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_names_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_names")),
        sa.UniqueConstraint(
            "organisation_id", "normalised_name", name=op.f("uq_organisation_names_organisation_id_normalised_name")
        ),
    )
    op.create_index(op.f("ix_organisation_names_normalised_name"), "organisation_names", ["normalised_name"])

    with op.batch_alter_table("announcements") as batch:
        batch.alter_column("announced_on", existing_type=sa.Date(), nullable=True)

    with op.batch_alter_table("commitments") as batch:
        batch.alter_column("first_year", existing_type=sa.Integer(), nullable=True)
        # No default any more: NULL means "not stated" (an open-ended recurring amount,
        # a multi-year total over an unstated period) and must never become 1 by itself.
        batch.alter_column(
            "years",
            existing_type=sa.Integer(),
            nullable=True,
            server_default=None,
            existing_server_default=sa.text("1"),
        )
        batch.alter_column("recipient_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("reannounces_earlier", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("part_of_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("spread", sa.String(length=20), server_default="none", nullable=False))
        batch.add_column(sa.Column("planned_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("planned_end", sa.Date(), nullable=True))
        batch.drop_constraint(op.f("ck_commitments_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_commitments_kind"), _NEW_KINDS)
        batch.create_check_constraint(op.f("ck_commitments_spread"), _SPREADS)
        batch.create_foreign_key(
            batch.f("fk_commitments_part_of_id_commitments"), "commitments", ["part_of_id"], ["id"]
        )
        batch.create_index(batch.f("ix_commitments_part_of_id"), ["part_of_id"])

    with op.batch_alter_table("commitment_baselines") as batch:
        # NULL holds a commitment's unphased money in its original schedule.
        batch.alter_column("financial_year", existing_type=sa.Integer(), nullable=True)

    op.create_table(
        "commitment_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("gss_code", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_areas_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_areas")),
        sa.UniqueConstraint("commitment_id", "gss_code", name=op.f("uq_commitment_areas_commitment_id_gss_code")),
    )
    op.create_index(op.f("ix_commitment_areas_gss_code"), "commitment_areas", ["gss_code"])


def downgrade() -> None:
    """Back to 0004. Refused while any row uses what 0004 cannot hold (it
    would have to guess a year, a recipient or a date)."""
    connection = op.get_bind()
    blockers = {
        "commitments with no first year, years or recipient, or of kind multi-year": (
            "SELECT COUNT(*) FROM commitments WHERE first_year IS NULL OR years IS NULL "
            "OR recipient_id IS NULL OR kind = 'multi-year' OR part_of_id IS NOT NULL OR reannounces_earlier"
        ),
        "undated announcements": "SELECT COUNT(*) FROM announcements WHERE announced_on IS NULL",
        "original schedules with unphased money": (
            "SELECT COUNT(*) FROM commitment_baselines WHERE financial_year IS NULL"
        ),
        "organisations sharing a name": (
            "SELECT COUNT(*) FROM (SELECT name FROM organisations GROUP BY name HAVING COUNT(*) > 1) AS shared"
        ),
    }
    for what, query in blockers.items():
        if connection.execute(sa.text(query)).scalar():
            raise RuntimeError(f"cannot downgrade below 0005: the database holds {what}")
    op.drop_index(op.f("ix_commitment_areas_gss_code"), table_name="commitment_areas")
    op.drop_table("commitment_areas")
    with op.batch_alter_table("commitment_baselines") as batch:
        batch.alter_column("financial_year", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("commitments") as batch:
        batch.drop_index(batch.f("ix_commitments_part_of_id"))
        batch.drop_constraint(batch.f("fk_commitments_part_of_id_commitments"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_commitments_spread"), type_="check")
        batch.drop_constraint(op.f("ck_commitments_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_commitments_kind"), _OLD_KINDS)
        for column in ("planned_end", "planned_start", "spread", "part_of_id", "reannounces_earlier"):
            batch.drop_column(column)
        batch.alter_column("recipient_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("years", existing_type=sa.Integer(), nullable=False, server_default=sa.text("1"))
        batch.alter_column("first_year", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("announcements") as batch:
        batch.alter_column("announced_on", existing_type=sa.Date(), nullable=False)
    op.drop_index(op.f("ix_organisation_names_normalised_name"), table_name="organisation_names")
    op.drop_table("organisation_names")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_index(batch.f("ix_organisations_normalised_name"))
        batch.drop_constraint(batch.f("uq_organisations_org_identifier"), type_="unique")
        batch.create_unique_constraint(batch.f("uq_organisations_name"), ["name"])
        batch.drop_column("normalised_name")
