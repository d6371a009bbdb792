"""The one place that opens the database: engines, sessions and migrations.

Where the database is: ``TRACKER_DATABASE_URL`` (any SQLAlchemy URL), else
``sqlite:///data/tracker.db`` relative to the working directory. PostgreSQL
(``postgresql+psycopg://...``) is the multi-user production store; SQLite is
the single-machine default.

SQLite needs care to behave like a proper multi-user database:

- ``PRAGMA foreign_keys=ON`` on every connection: SQLite ignores foreign keys
  unless each connection asks for them.
- ``journal_mode=WAL`` so readers do not block the writer (and the writer does
  not block readers); ``synchronous=NORMAL`` is safe with WAL and much faster.
- ``busy_timeout`` so a writer waits for another writer instead of failing.
- Write transactions start with ``BEGIN IMMEDIATE``. Python's sqlite3 opens
  DEFERRED transactions: a transaction that reads and then writes tries to
  upgrade its lock half-way, and if another connection wrote in between,
  SQLite returns SQLITE_BUSY at once, whatever the busy timeout. Taking the
  write lock at BEGIN means a writer waits its turn instead.
- Reads start with a plain (deferred) ``BEGIN`` so that showing a dashboard
  never queues behind, or blocks, someone saving.

So there are two kinds of session: ``write_session`` (BEGIN IMMEDIATE on
SQLite; commits on success, rolls back on error) and ``read_session`` (plain
BEGIN; never commits). Both come from one engine: a write session binds to
``write_engine(engine)``, which shares the engine's connection pool and only
adds an execution option that the "begin" event reads.

Every command that opens the database applies pending migrations first:
``ensure_schema()`` does both. Only the commands that set a database up
(``serve``, ``db upgrade``, ``demo``) may create a missing SQLite file; the
others call ``ensure_schema(create=False)``, which raises ``NoDatabase``
rather than silently starting an empty database in whatever folder the
command happened to run from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config  # alembic is imported when migrations run, not by every command

# What sessions bind to: an engine, or a connection already inside a transaction
# (an import joins the edit use-cases' sessions to its own transaction).
Bind = Engine | Connection

DEFAULT_DATABASE_URL = "sqlite:///data/tracker.db"
DATABASE_URL_ENV = "TRACKER_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Execution option that marks an engine (and its connections) as writing.
_WRITE_OPTION = "tracker_write"

# How long a writer waits for another writer's lock before giving up: long
# enough for a large import to finish (bench/README: 100,000 rows in about
# 8 s, a million in 80 s); tracker.records.retrying then tries the whole write again.
SQLITE_BUSY_TIMEOUT_MS = 60_000

# Any fixed number: PostgreSQL advisory lock taken while migrating, so two
# processes starting at once do not both try to create the tables.
_MIGRATION_LOCK_ID = 7_412_019
# Another: held by a transaction that may add organisations (an import, from
# its check to its commit; a form naming a new one), so that two of them
# never both add the same new organisation (``take_organisations_lock``).
_ORGANISATIONS_LOCK_ID = 7_412_020


class NoDatabase(Exception):
    """The SQLite file a command would open does not exist, and the command may not create it."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"no database at {path}; run `funding-tracker db upgrade` or set {DATABASE_URL_ENV}")


def database_url() -> str:
    """``TRACKER_DATABASE_URL``, else the default SQLite file under ``data/``."""
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; a bare ``postgresql://`` uses psycopg 3 (the driver we ship)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default ``database_url()``), set up for its database.

    Make one per process and share it (e.g. with ``st.cache_resource``).
    Extra keyword arguments go to ``sqlalchemy.create_engine``.
    """
    parsed = normalise_url(url if url is not None else database_url())
    if parsed.get_backend_name() == "sqlite":
        _create_sqlite_folder(parsed)
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    # pre_ping: a server restart should cost one retry, not an error page.
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


@overload
def write_engine(engine: Engine) -> Engine: ...
@overload
def write_engine(engine: Connection) -> Connection: ...
def write_engine(engine: Bind) -> Bind:
    """``engine`` marked for writing: on SQLite its transactions BEGIN IMMEDIATE.

    Shares the original engine's pool and events; on other databases it is
    the same as ``engine``.
    """
    return engine.execution_options(**{_WRITE_OPTION: True})


def session_factory(engine: Bind, *, write: bool = False) -> sessionmaker[Session]:
    """A ``sessionmaker`` for reads, or with ``write=True`` for writes.

    ``expire_on_commit=False``: objects stay readable after their session
    has committed and closed (a page can show what it just saved). A later
    save of such an object is still checked against its version column.
    """
    bind = write_engine(engine) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


@contextmanager
def write_session(engine: Bind) -> Iterator[Session]:
    """A session in a write transaction: commits if the block succeeds, else rolls back."""
    with session_factory(engine, write=True).begin() as session:
        yield session


@contextmanager
def read_session(engine: Bind) -> Iterator[Session]:
    """A session for reading. Nothing is committed: changes made in it are discarded.

    Closing (rather than rolling back) leaves loaded objects readable once
    the block ends, detached from the session.
    """
    with session_factory(engine)() as session:
        yield session


def take_organisations_lock(session: Session) -> None:
    """Wait for, then hold until the transaction ends, the right to add
    organisations. PostgreSQL runs writers side by side: two imports naming
    the same new funder would each add it (an advisory lock, so readers and
    other writers are not held up). On SQLite a writer already holds the only
    write lock (BEGIN IMMEDIATE): nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ORGANISATIONS_LOCK_ID})


def alembic_config() -> Config:
    """Alembic configuration for ``db/migrations``, independent of the working directory."""
    from alembic.config import Config

    config = Config()
    # ConfigParser treats % as interpolation: escape it in the path.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


# The newest migration's revision: a database already there needs nothing
# from Alembic (whose start-up took 0.2 s of every command).
# tests/integration/test_db.py checks it is Alembic's head.
SCHEMA_HEAD = "0015"


def stored_revision(engine: Engine) -> str | None:
    """The migration the database says it is at (None: none, or no table for it)."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no such table: a new database
        return None
    return found[0] if len(found) == 1 else None


def upgrade(engine_or_url: Engine | str | URL | None = None, revision: str = "head") -> None:
    """Apply pending migrations up to ``revision`` (default: the latest)."""
    from alembic import command

    _run_alembic(engine_or_url, lambda config: command.upgrade(config, revision))


def downgrade(engine_or_url: Engine | str | URL | None, revision: str) -> None:
    """Undo migrations down to ``revision`` (``"base"`` removes every table)."""
    from alembic import command

    _run_alembic(engine_or_url, lambda config: command.downgrade(config, revision))


def sqlite_file(url: str | URL | None = None) -> Path | None:
    """The file a SQLite ``url`` (default ``database_url()``) names, as written.

    ``None`` for other databases and for in-memory SQLite. A relative path is
    relative to the working directory, as SQLite reads it.
    """
    parsed = normalise_url(url if url is not None else database_url())
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database.startswith("file:"):  # a URI filename (``?uri=true``); SQLAlchemy parses its query
        if parsed.query.get("mode") == "memory":
            return None
        database = database.removeprefix("file:").partition("?")[0]
    if not database or database == ":memory:":
        return None
    return Path(database)


def require_database(url: str | URL | None = None) -> None:
    """Raise ``NoDatabase`` if ``url`` names a SQLite file that does not exist.

    Connecting to a missing SQLite file creates it; this check comes first.
    A server database (PostgreSQL) is not checked here: its server decides.
    """
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise NoDatabase(str(path))


def ensure_schema(url: str | URL | None = None, *, create: bool = True) -> Engine:
    """An engine for ``url`` whose database has every migration applied.

    With ``create=False`` a missing SQLite file is not created:
    ``NoDatabase`` is raised instead (for commands that only use a database
    that has been set up).
    """
    if not create:
        require_database(url)
    engine = make_engine(url)
    try:
        if stored_revision(engine) != SCHEMA_HEAD:
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _run_alembic(engine_or_url: Engine | str | URL | None, action: Callable[[Config], None]) -> None:
    owned = not isinstance(engine_or_url, Engine)
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        # Handing Alembic our connection (rather than a URL) keeps this in
        # process, with our pragmas, and lets an in-memory database work.
        with write_engine(engine).connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config)
    finally:
        if owned:
            engine.dispose()


@contextmanager
def migration_transaction(
    connection: Connection, begin_transaction: Callable[[], AbstractContextManager[Any]]
) -> Iterator[None]:
    """The transaction migrations run in (used by ``db/migrations/env.py``).

    ``begin_transaction`` is Alembic's ``context.begin_transaction``.

    SQLite: Alembic's batch mode copies a table, drops the original and
    renames the copy. With foreign keys on, dropping a parent table first
    deletes its rows, which fails or, worse, cascades (profile lines would
    vanish). SQLite's advice for schema changes: switch foreign keys off
    (possible only outside a transaction), make the change, run
    ``PRAGMA foreign_key_check`` before committing, switch them back on.
    If the caller already opened a transaction, they stay on.

    PostgreSQL: an advisory lock makes processes that start at the same
    moment migrate one after the other (on SQLite, BEGIN IMMEDIATE does it).
    """
    with _sqlite_foreign_keys_off(connection):
        with begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
            before = _sqlite_changes(connection)
            yield
            # The check reads every row of every table: not when nothing was
            # changed (every command runs the migrations, mostly to find none).
            if connection.dialect.name == "sqlite" and _sqlite_changes(connection) != before:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:10]}")


def _sqlite_changes(connection: Connection) -> tuple | None:
    """What changes when a SQLite transaction changes anything: rows
    written (``total_changes()``) and the schema (``schema_version``)."""
    if connection.dialect.name != "sqlite":
        return None
    rows = connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    return rows, connection.exec_driver_sql("PRAGMA schema_version").scalar_one()


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    # The sqlite3 connection is in autocommit mode (see _configure_sqlite), so
    # this runs outside any transaction, as the pragma requires.
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _create_sqlite_folder(url: URL) -> None:
    """Create the folder of a SQLite file (``data/`` for the default URL)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    """Pragmas on every new connection, and our own BEGIN (SQLAlchemy's pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Stop pysqlite issuing its own (DEFERRED) BEGIN, and its implicit
        # COMMIT before DDL; the "begin" listener below issues BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
