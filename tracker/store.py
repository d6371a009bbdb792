"""The tracker's way to the database for the dashboard: which database, and an
engine with the schema up to date.

Pages never import ``db``; they ask ``tracker`` (this module) for the engine
and hand it to the read models and write use-cases.
"""

from __future__ import annotations

from sqlalchemy import Engine

from db import session as db_session
from tracker.failures import SchemaMismatch
from tracker.figures.data import describe_source


def database_url() -> str:
    """The configured database (``TRACKER_DATABASE_URL``, else the local SQLite file)."""
    return db_session.database_url()


def open_database(url: str) -> Engine:
    """An engine on ``url`` with pending migrations applied (``funding-tracker serve``
    creates the database; a plain ``streamlit run`` does too, as it always has)."""
    return db_session.ensure_schema(url)


def check_schema(engine: Engine) -> None:
    """Raise ``SchemaMismatch`` unless the database is at the migration this
    version of the tracker is written for. One small query (the dashboard asks
    on every run, so a database changed under a running server is said so, not
    met as a missing column half-way through a page). A database that cannot be
    reached raises the driver's error, never ``SchemaMismatch``."""
    found = db_session.stored_revision(engine)
    if found == db_session.SCHEMA_HEAD:
        return
    # stored_revision reads "no such table" and "cannot connect" alike as None: connect again to tell them apart.
    with engine.connect():
        pass
    raise SchemaMismatch(db_session.stored_revision(engine), db_session.SCHEMA_HEAD)


def source_description() -> str:
    """Where the figures come from, in words (the database, without its password)."""
    return describe_source(database_url())
