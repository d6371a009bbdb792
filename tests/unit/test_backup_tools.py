"""Which PostgreSQL client tools a backup or restore uses (tracker.backup_postgres),
what kind of backup a file is, and how what a database holds is said
(tracker.backup_contents). The tools here are small scripts that print a
version, as the real ones do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker import backup_postgres
from tracker.backup_contents import BackupRefused, Holdings, kind_of
from tracker.backup_postgres import Tool, candidates, choose


def fake_tool(folder: Path, name: str, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version} (fake)'\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pg_dump 14.9 on PATH; Debian's folders hold 15.2 and 16.1."""
    on_path = fake_tool(tmp_path / "bin", "pg_dump", "14.9")
    fake_tool(tmp_path / "lib" / "15" / "bin", "pg_dump", "15.2")
    fake_tool(tmp_path / "lib" / "16" / "bin", "pg_dump", "16.1")
    monkeypatch.setenv("PATH", str(on_path.parent))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", tmp_path / "lib")
    return tmp_path


def test_every_copy_on_path_and_in_debians_folders_is_found_with_its_version(tools: Path) -> None:
    found = sorted(candidates("pg_dump"))
    assert [(tool.version, Path(tool.path)) for tool in found] == [
        ((14, 9), tools / "bin" / "pg_dump"),
        ((15, 2), tools / "lib" / "15" / "bin" / "pg_dump"),
        ((16, 1), tools / "lib" / "16" / "bin" / "pg_dump"),
    ]


@pytest.mark.parametrize(
    ("server", "chosen"), [(15, "lib/15/bin"), (16, "lib/16/bin"), (14, "bin"), (13, "lib/16/bin")]
)
def test_the_servers_own_major_version_is_preferred_else_the_newest_later_one(
    tools: Path, server: int, chosen: str
) -> None:
    assert choose("pg_dump", candidates("pg_dump"), server) == str(tools / chosen / "pg_dump")


def test_the_newest_of_the_servers_major_version_wins() -> None:
    found = [Tool((15, 2), "/a/pg_dump"), Tool((15, 10), "/b/pg_dump"), Tool((16, 0), "/c/pg_dump")]
    assert choose("pg_dump", found, 15) == "/b/pg_dump"


def test_tools_older_than_the_server_are_refused_with_what_to_install(tools: Path) -> None:
    with pytest.raises(BackupRefused) as refused:
        choose("pg_dump", candidates("pg_dump"), 17)
    assert str(refused.value) == (
        "pg_dump 16 is older than the PostgreSQL 17 server: install the PostgreSQL 17 client tools "
        "(apt-get install postgresql-client-17)"
    )


def test_no_tool_anywhere_says_how_to_install_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", tmp_path / "none")
    with pytest.raises(BackupRefused) as refused:
        backup_postgres.require("pg_dump")
    assert str(refused.value) == (
        "pg_dump not found: install the PostgreSQL client tools (apt-get install postgresql-client)"
    )


def test_a_tool_that_does_not_run_is_not_a_candidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "pg_dump"
    broken.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", tmp_path / "none")
    assert candidates("pg_dump") == []


def test_the_password_goes_in_the_environment_never_in_the_connection_string() -> None:
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://tracker:s3cret@db.example:5433/funding?sslmode=require")
    info = backup_postgres.conninfo(url)
    assert "s3cret" not in info
    assert sorted(info.split()) == ["dbname=funding", "host=db.example", "port=5433", "sslmode=require", "user=tracker"]
    assert backup_postgres.tool_env(url)["PGPASSWORD"] == "s3cret"


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (b"SQLite format 3\x00" + bytes(84), "sqlite"),
        (b"PGDMP\x01\x0e\x00", "postgresql"),
        (b"PGDM", None),
        (b"", None),
    ],
)
def test_the_kind_of_a_backup_is_read_from_its_first_bytes(tmp_path: Path, start: bytes, kind: str | None) -> None:
    path = tmp_path / "backup"
    path.write_bytes(start)
    assert kind_of(path) == kind


def test_what_a_database_holds_is_said_table_by_table_and_empty_means_no_row() -> None:
    held = Holdings("0009", {"audit_events": 1200, "announcements": 6, "users": 0}, {"announcements": 5})
    assert not held.empty and Holdings("0009", {"users": 0, "announcements": 0}).empty
    assert held.rows_said() == "6 announcements, 1,200 audit events"
    assert held.records_said() == "5 announcements, 0 commitments, 0 deliveries"


def test_tools_are_looked_up_in_each_path_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fake_tool(tmp_path / "one", "psql", "15.1")
    second = fake_tool(tmp_path / "two", "psql", "15.4")
    monkeypatch.setenv("PATH", os.pathsep.join([str(first.parent), "", str(second.parent)]))
    monkeypatch.setattr(backup_postgres, "DEBIAN_CLIENTS", tmp_path / "none")
    assert choose("psql", candidates("psql"), 15) == str(second)
