"""Alembic environment for the tracker database.

Which database: the connection handed over in ``config.attributes["connection"]``
(``db.session.upgrade`` does this, in process), else ``TRACKER_DATABASE_URL``,
else the default SQLite file (``db.session.database_url``). The ``alembic``
command line works too, from the repository root (``alembic.ini``).

``render_as_batch`` on SQLite: SQLite cannot ALTER most things, so Alembic
rebuilds the table (copy, drop, rename). A rebuild drops the table's
triggers: a migration that batch-alters ``audit_events`` must recreate its
append-only triggers (a test checks they survive a full upgrade).
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from db.models import Base
from db.session import database_url, make_engine, migration_transaction, write_engine

config = context.config

# Only the command line configures logging; in process (tests, the app) the
# caller's logging stays as it was.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate our column types as the plain types they store.

    Migrations then never import model code (which keeps changing): a
    ``FinancialYearType`` column is written as ``sa.Integer()``.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    """``alembic upgrade --sql``: print the SQL instead of running it."""
    url = database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    _configure(
        connection=connection,
        render_as_batch=connection.dialect.name == "sqlite",
        # SQLite DDL is transactional once pysqlite stops committing on its
        # own (db.session issues BEGIN itself), so every pending migration
        # runs in one transaction: all of them apply, or none do.
        transactional_ddl=True,
    )
    with migration_transaction(connection, context.begin_transaction):
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine()
    try:
        with write_engine(engine).connect() as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
