"""One PostgreSQL database per pytest-xdist worker.

``make test`` runs the suite on several workers at once (``-n``). Tests
that use PostgreSQL drop and make their database again, so two workers must
never share one: in a worker (``PYTEST_XDIST_WORKER`` is set, e.g. ``gw1``)
the database named by ``TRACKER_TEST_POSTGRES_URL`` and by a PostgreSQL
``TRACKER_DATABASE_URL`` becomes ``<name>_<worker>``, made here if the server
has none of that name. The templates and the extra databases tests derive
from the name (tests/fresh_databases.py, the two-server test) follow it.
A server that does not answer is left alone: the tests that need it skip or
fail with their own reason (tests/services.py).
"""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from db.session import normalise_url
from tests.services import DEFAULT_POSTGRES_URL, TEST_POSTGRES_URL_ENV

WORKER_ENV = "PYTEST_XDIST_WORKER"
DATABASE_URL_ENV = "TRACKER_DATABASE_URL"


def give_each_worker_its_database() -> None:
    """In an xdist worker, point the PostgreSQL URLs at the worker's own database."""
    worker = os.environ.get(WORKER_ENV)
    if not worker:
        return
    configured = os.environ.get(DATABASE_URL_ENV, "")
    test_url = os.environ.get(TEST_POSTGRES_URL_ENV) or (
        configured if configured.startswith("postgresql") else DEFAULT_POSTGRES_URL
    )
    os.environ[TEST_POSTGRES_URL_ENV] = _made(for_worker(test_url, worker))
    if configured.startswith("postgresql"):
        os.environ[DATABASE_URL_ENV] = _made(for_worker(configured, worker))


def for_worker(url: str, worker: str) -> str:
    """``url`` with the worker's name added to its database's name."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _made(url: str) -> str:
    """``url``, its database made on the server when missing (if the server answers)."""
    parsed = make_url(normalise_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    except OperationalError:
        pass  # no server here: the tests that need one say so
    finally:
        admin.dispose()
    return url
