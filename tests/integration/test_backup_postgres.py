"""``backup`` and ``restore`` on PostgreSQL alone: the client tools are found
on PATH (or Debian's version folders) and their absence is said in one line;
a restore is one transaction, so one that fails half way changes nothing;
tables a newer tracker added to the database do not survive a restore."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.backup_helpers import (
    Cli,
    backup_path,
    contents,
    demo_database,
    execute,
    figures,
    make_cli,
    scalar,
)
from tracker import backup_postgres

UNREACHABLE = "postgresql+psycopg://tracker:tracker@127.0.0.1:1/tracker"  # (nothing listens on port 1)
INSTALL = "install the PostgreSQL client tools (apt-get install postgresql-client)"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return make_cli(monkeypatch, capsys)


def without_client_tools(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A PATH with only an empty folder, and no Debian version folders."""
    (folder / "bin").mkdir()
    monkeypatch.setenv("PATH", str(folder / "bin"))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", folder / "no-such-folder")


def test_without_pg_dump_a_backup_says_how_to_install_it_and_writes_nothing(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    without_client_tools(monkeypatch, tmp_path)
    done = cli(UNREACHABLE, "backup", str(out / "tracker.dump"))
    assert done.code == 1 and done.out == ""
    assert done.err == f"funding-tracker backup: pg_dump not found: {INSTALL}\n"
    assert list(out.iterdir()) == []


def test_without_pg_restore_a_restore_says_how_to_install_it(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "tracker.dump"
    dump.write_bytes(b"PGDMP" + b"\0" * 100)
    without_client_tools(monkeypatch, tmp_path)
    done = cli(UNREACHABLE, "restore", str(dump))
    assert done.code == 1 and done.err == f"funding-tracker restore: pg_restore not found: {INSTALL}\n"


@pytest.mark.postgres
def test_the_tools_on_path_are_used(
    postgres_url: str, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other side of the tests above: the same PATH-only lookup, with the tools on PATH, works."""
    found = {tool: min(backup_postgres.candidates(tool)).path for tool in ("pg_dump", "pg_restore", "psql")}
    (tmp_path / "bin").mkdir()
    for tool, path in found.items():
        (tmp_path / "bin" / tool).symlink_to(path)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", tmp_path / "no-such-folder")
    demo_database(postgres_url)
    at_backup = figures(cli, postgres_url)
    path = backup_path(tmp_path, postgres_url)
    assert cli(postgres_url, "backup", str(path)).code == 0
    execute(postgres_url, "UPDATE deliveries SET amount_pence = amount_pence + 1")
    assert cli(postgres_url, "restore", str(path), "--force").code == 0
    assert figures(cli, postgres_url) == at_backup


@pytest.mark.postgres
def test_a_restore_that_fails_half_way_changes_nothing(postgres_url: str, tmp_path: Path, cli: Cli) -> None:
    url = postgres_url
    demo_database(url)
    path = backup_path(tmp_path, url)
    assert cli(url, "backup", str(path)).code == 0
    # A view where the backup has a table: the restore first drops every table,
    # then fails when its script comes to drop "deliveries" (not a table here).
    execute(url, "ALTER TABLE deliveries RENAME TO deliveries_kept")
    execute(url, "CREATE VIEW deliveries AS SELECT 1 AS one")
    before = contents(url)
    assert before["commitments"]

    failed = cli(url, "restore", str(path), "--force")
    assert failed.code == 1 and failed.out == ""
    (line,) = failed.err.splitlines()
    assert line.startswith("funding-tracker restore: psql failed: ")
    assert line.endswith("nothing was changed (the restore runs in one transaction)")
    assert contents(url) == before  # every table dropped before the failure is back, with its rows
    assert scalar(url, "SELECT count(*) FROM deliveries") == 1


@pytest.mark.postgres
def test_tables_a_newer_tracker_added_do_not_survive_a_restore(postgres_url: str, tmp_path: Path, cli: Cli) -> None:
    url = postgres_url
    demo_database(url)
    at_backup, rows_at_backup = figures(cli, url), contents(url)
    path = backup_path(tmp_path, url)
    assert cli(url, "backup", str(path)).code == 0
    execute(
        url, "CREATE TABLE later_feature (id integer PRIMARY KEY, commitment_id integer REFERENCES commitments(id))"
    )
    execute(url, "INSERT INTO later_feature SELECT id, id FROM commitments")

    restored = cli(url, "restore", str(path), "--force")
    assert restored.code == 0, restored.err
    assert "later feature" in restored.out  # what it replaced
    now = contents(url)
    assert "later_feature" not in now
    assert {k: v for k, v in now.items() if k != "audit_events"} == {
        k: v for k, v in rows_at_backup.items() if k != "audit_events"
    }
    assert figures(cli, url) == at_backup
