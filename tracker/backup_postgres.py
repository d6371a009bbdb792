"""Backing up and restoring a PostgreSQL database with the PostgreSQL client
tools (``tracker.backup`` chooses this for PostgreSQL).

A backup is ``pg_dump --format=custom`` of a snapshot this module holds open:
a repeatable-read transaction exports its snapshot, counts what the
database holds in it, and ``pg_dump --snapshot`` dumps exactly that, so
the figures printed are those of the file.

A restore reads the backup's migration revision with ``pg_restore`` first
(nothing is touched before it is known), then runs in one transaction:
``psql --single-transaction`` drops every table of the schemas the backup
holds tables in (tables a newer tracker added would otherwise be left
behind and trip the upgrade), and runs the script ``pg_restore --clean
--if-exists --no-owner`` writes. Any error rolls all of it back. The script
is written to a temporary file and checked complete before ``psql`` reads
it, so a backup that cannot be read to its end changes nothing either.

The tools: each of ``PATH``'s folders, and Debian's version folders
``/usr/lib/postgresql/<version>/bin`` (``DEBIAN_CLIENTS``). The newest of the
server's major version is used, else the newest of a later version (they
read older servers). The password goes to the tools in ``PGPASSWORD``, never
on their command line; they never prompt for one (``--no-password``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from db.session import make_engine
from tracker.backup_contents import BackupRefused, Holdings, check_revision, connection_holdings, sync_file

DEBIAN_CLIENTS = Path("/usr/lib/postgresql")
MISSING = "{tool} not found: install the PostgreSQL client tools (apt-get install postgresql-client)"
_VERSION = re.compile(r"\)\s+(\d+)(?:\.(\d+))?")
_ERROR = re.compile(r"\b(ERROR|FATAL|error):")
_TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) ")
# How long the restore waits for the tables (another program reading or writing them) before giving up.
LOCK_TIMEOUT = "60s"


@dataclass(frozen=True, order=True)
class Tool:
    version: tuple[int, int]
    path: str


def candidates(tool: str) -> list[Tool]:
    """Every copy of ``tool`` on ``PATH`` and in Debian's version folders, with its version."""
    paths: list[str] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        found = shutil.which(tool, path=folder) if folder else None
        if found and os.path.realpath(found) not in {os.path.realpath(p) for p in paths}:
            paths.append(found)
    if DEBIAN_CLIENTS.is_dir():
        for found_path in sorted(DEBIAN_CLIENTS.glob(f"*/bin/{tool}")):
            if os.access(found_path, os.X_OK):
                paths.append(str(found_path))
    tools = []
    for path in paths:
        version = _version(path)
        if version is not None:
            tools.append(Tool(version, path))
    return tools


def require(tool: str) -> list[Tool]:
    """``candidates(tool)``, or ``BackupRefused`` saying how to install the tools."""
    found = candidates(tool)
    if not found:
        raise BackupRefused(MISSING.format(tool=tool))
    return found


def choose(tool: str, found: list[Tool], server_major: int) -> str:
    """The path of the copy to use for a server of ``server_major``."""
    same = [t for t in found if t.version[0] == server_major]
    later = [t for t in found if t.version[0] > server_major]
    if same or later:
        return max(same or later).path
    newest = max(found)
    raise BackupRefused(
        f"{tool} {newest.version[0]} is older than the PostgreSQL {server_major} server: install the PostgreSQL "
        f"{server_major} client tools (apt-get install postgresql-client-{server_major})"
    )


def _version(path: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None:
        return None
    return int(match[1]), int(match[2] or 0)


# --- connecting ------------------------------------------------------------------


def conninfo(url: URL) -> str:
    """A libpq connection string for ``url``, without its password."""
    from psycopg.conninfo import make_conninfo

    params = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    params.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return make_conninfo(**{key: str(value) for key, value in params.items() if value is not None})


def tool_env(url: URL) -> dict[str, str]:
    """The environment the tools run in: the password in ``PGPASSWORD``."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return env


def server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10_000


def _run(command: list[str], url: URL, what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, env=tool_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{Path(command[0]).name} failed: {_first_error(done.stderr, done.returncode)}; {what}")
    return done


def _first_error(stderr: str, returncode: int) -> str:
    """The line that says what went wrong, without the script's name and line number."""
    lines = [" ".join(line.split()) for line in stderr.splitlines() if line.strip()]
    for line in lines:
        match = _ERROR.search(line)
        if match:
            return line[match.start() :]
    return lines[-1] if lines else f"exit status {returncode}"


# --- backup ----------------------------------------------------------------------


def back_up(url: URL, temporary: Path) -> Holdings:
    """``pg_dump`` the database at ``url`` into ``temporary``; what the dump holds."""
    dumpers = require("pg_dump")
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                held = connection_holdings(connection)
                pg_dump = choose("pg_dump", dumpers, server_major(connection))
                # The transaction stays open while pg_dump reads its snapshot.
                command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
                _run(
                    [*command, f"--file={temporary}", f"--dbname={conninfo(url)}"],
                    url,
                    "no backup was written",
                )
    finally:
        engine.dispose()
    sync_file(temporary)
    return held


# --- restore ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A checked PostgreSQL restore, ready to run."""

    pg_restore: str
    psql: str
    revision: str
    target: Holdings


def plan(url: URL, backup: Path) -> Plan:
    """Check the tools, the backup's revision and what the target holds, touching nothing."""
    restorers, clients = require("pg_restore"), require("psql")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            major = server_major(connection)
            target = connection_holdings(connection)
    finally:
        engine.dispose()
    pg_restore, psql = choose("pg_restore", restorers, major), choose("psql", clients, major)
    revision = archive_revision(pg_restore, backup, url)
    check_revision(revision, backup)
    assert revision is not None
    return Plan(pg_restore, psql, revision, target)


def archive_revision(pg_restore: str, backup: Path, url: URL) -> str | None:
    """The migration revision stored in the archive (its ``alembic_version`` row)."""
    nothing = "nothing was changed"
    done = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(backup)], url, nothing)
    lines = done.stdout.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            rows = []
            for row in lines[at + 1 :]:
                if row == "\\.":
                    break
                rows.append(row)
            return rows[0].strip() if len(rows) == 1 else None
    return None


def run(restore: Plan, url: URL, backup: Path) -> None:
    """Replace what the database at ``url`` holds with ``backup``, in one transaction."""
    nothing = "nothing was changed"
    listing = _run([restore.pg_restore, "--list", str(backup)], url, nothing).stdout
    schemas = sorted({match[1] for line in listing.splitlines() if (match := _TABLE_ENTRY.match(line))})
    with tempfile.TemporaryDirectory(prefix="funding-tracker-restore-") as folder:
        script = Path(folder) / "restore.sql"
        command = [restore.pg_restore, "--clean", "--if-exists", "--no-owner", f"--file={script}", str(backup)]
        _run(command, url, nothing)
        _run(
            [
                restore.psql,
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--command={_drop_tables(schemas)}",
                f"--file={script}",
                f"--dbname={conninfo(url)}",
            ],
            url,
            f"{nothing} (the restore runs in one transaction)",
        )


def _drop_tables(schemas: list[str]) -> str:
    """SQL that drops every table of ``schemas`` (with what depends on them)."""
    names = ", ".join("'" + schema.replace("'", "''") + "'" for schema in schemas) or "'public'"
    return (
        f"SET client_min_messages = warning; SET lock_timeout = '{LOCK_TIMEOUT}';\n"
        "DO $$ DECLARE found record; BEGIN\n"
        f"  FOR found IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ({names}) LOOP\n"
        "    EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', found.schemaname, found.tablename);\n"
        "  END LOOP;\n"
        "END $$;"
    )
