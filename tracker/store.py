"""The tracker's way to the database for the dashboard: which database, and an
engine with the schema up to date.

Pages never import ``db``; they ask ``tracker`` (this module) for the engine
and hand it to the read models and write use-cases.
"""

from __future__ import annotations

from sqlalchemy import Engine

from db import session as db_session
from tracker.figures.data import describe_source


def database_url() -> str:
    """The configured database (``TRACKER_DATABASE_URL``, else the local SQLite file)."""
    return db_session.database_url()


def open_database(url: str) -> Engine:
    """An engine on ``url`` with pending migrations applied (``funding-tracker serve``
    creates the database; a plain ``streamlit run`` does too, as it always has)."""
    return db_session.ensure_schema(url)


def source_description() -> str:
    """Where the figures come from, in words (the database, without its password)."""
    return describe_source(database_url())
