"""Fresh databases for tests, made by copying one built once per run.

Building a test's database (every migration; for page tests also the demo
and the test admin) takes 0.3 to 0.6 s on PostgreSQL and 0.1 to 0.25 s on
SQLite. Copying one built once per run takes about 0.05 s on PostgreSQL and
a few milliseconds on SQLite: over the suite that is several minutes, the
difference between the PostgreSQL run fitting CI's time limit or not.

- SQLite: the built file is copied to the test's (``copy_sqlite``).
- PostgreSQL: the test's database is dropped (ending any connection the
  test role left open) and made again with ``CREATE DATABASE ... TEMPLATE``
  from a template database built at its first use in the run
  (``fresh_postgres``). The template is named after the test database
  (``<name>_tpl_<kind>``), so runs against different test databases never
  share one, and it is built again in every run, so a new migration is
  always in it. The test role needs ``CREATEDB`` (``.ci/run`` gives it) and
  connects to the server's ``postgres`` database to drop and create.

The migrations themselves are tested from an empty database
(tests/integration/test_db.py); tests that need an empty database use
``reset_postgres`` (tests/integration/conftest.py).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from psycopg.errors import ObjectInUse
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

T = TypeVar("T")
ATTEMPTS = 5  # drops tried while a connection to the database comes back

_built: dict[tuple[str, str], object] = {}


def copy_sqlite(built: Path, url: str) -> str:
    """``url``, a SQLite file made now as a copy of ``built`` (an existing file is kept)."""
    target = Path(make_url(url).database or "")
    if target.name and not target.exists():
        shutil.copyfile(built, target)
    return url


def fresh_postgres(url: str, kind: str, build: Callable[[str], T]) -> T:
    """Make the database at ``url`` again as a copy of the template ``kind``.

    ``build(template_url)`` fills the template, once per run (per ``url`` and
    ``kind``); it must close its connections. Its result, kept from that one
    build, is returned on every call (e.g. the id of a user it added)."""
    parsed = make_url(url)
    name = parsed.database or ""
    template = f"{name}_tpl_{kind}"
    key = (url, kind)
    if key not in _built:
        _make_database(parsed, template, from_template=None)
        _built[key] = build(parsed.set(database=template).render_as_string(hide_password=False))
    _make_database(parsed, name, from_template=template)
    return _built[key]  # type: ignore[return-value]


def empty_postgres(url: str) -> str:
    """``url``, its database dropped (if there) and made again, empty."""
    parsed = make_url(url)
    _make_database(parsed, parsed.database or "", from_template=None)
    return url


def _make_database(server: URL, name: str, *, from_template: str | None) -> None:
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            _drop(connection, name)
            template = f' TEMPLATE "{from_template}"' if from_template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{template}'))
    finally:
        admin.dispose()


def _drop(connection, name: str) -> None:
    """Drop the database ``name``, ending the test role's own connections to it
    first (a server a test started, a pool not yet closed). Not ``WITH
    (FORCE)``: that refuses when an autovacuum worker is in the database, which
    a plain drop waits out."""
    for attempt in range(ATTEMPTS):
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND usename = current_user AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            return
        except OperationalError as err:  # "is being accessed by other users": one came back
            if attempt == ATTEMPTS - 1 or not isinstance(err.orig, ObjectInUse):
                raise
            time.sleep(0.2)
