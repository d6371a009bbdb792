"""A backup taken while an import is saving restores to a consistent state,
on SQLite and PostgreSQL: all of the import's rows or none, their audit
events likewise, the figures of before or after the import, and (SQLite) a
sound file.

The first test holds the import inside its transaction, its rows saved and
not committed, while the backup runs: the backup must hold none of them.
The second lets a ``funding-tracker import`` run in its own process while
backups are taken one after another: each must hold all of it or none.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from db.session import make_engine, read_session, sqlite_file
from tests.actors import ADMIN
from tests.integration.backup_helpers import (
    TODAY,
    Cli,
    backup_path,
    commitments_csv,
    demo_database,
    figures,
    make_cli,
    scalar,
)
from tracker.imports.apply import import_file

ROWS = 3000
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return make_cli(monkeypatch, capsys)


def imported(url: str) -> tuple[int, int]:
    """The import's commitments, and the audit events that created them."""
    rows = scalar(url, "SELECT count(*) FROM commitments WHERE ref LIKE 'IMP-%'")
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            created = session.scalars(
                select(AuditEvent.after).where(AuditEvent.entity == "commitments", AuditEvent.action == "create")
            )
            events = sum(1 for after in created if after and str(after.get("ref", "")).startswith("IMP-"))
    finally:
        engine.dispose()
    assert isinstance(rows, int)
    return rows, events


def sound(url: str) -> None:
    """SQLite: PRAGMA integrity_check of the database file says ok."""
    path = sqlite_file(url)
    if path is None:
        return
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()


def held_line(output: str) -> str:
    """What a backup or a restore says the database holds."""
    return output.split("it holds ")[1].split(";")[0].strip()


def test_a_backup_taken_inside_an_import_holds_none_of_it_and_restores_soundly(
    each_database_url: str, tmp_path: Path, cli: Cli
) -> None:
    url = each_database_url
    demo_database(url)
    big = commitments_csv(tmp_path / "big.csv", ROWS, "IMP")
    # A change committed through a connection that stays open until the backups
    # are taken: on SQLite it is then only in the -wal file (a copy of the
    # database file alone would miss it).
    keeper = make_engine(url)
    try:
        with keeper.begin() as connection:
            connection.exec_driver_sql("UPDATE deliveries SET amount_pence = amount_pence + 100 WHERE ref = 'D1'")
        path = sqlite_file(url)
        assert path is None or path.with_name(path.name + "-wal").stat().st_size > 0
        at_start = figures(cli, url)
        during, taken = backed_up_inside_an_import(url, big, tmp_path, cli)
        at_end = figures(cli, url)
        assert at_end != at_start and imported(url) == (ROWS, ROWS)  # the import landed
        after = backup_path(tmp_path, url, "after")
        assert cli(url, "backup", str(after)).code == 0
    finally:
        keeper.dispose()  # a restore replaces a database nobody has open

    restored = cli(url, "restore", str(during), "--force")
    assert restored.code == 0, restored.err
    assert imported(url) == (0, 0)  # not committed when the backup was taken: none of it
    assert figures(cli, url) == at_start
    assert held_line(restored.out) == held_line(taken)  # what the backup said it holds
    sound(url)

    restored = cli(url, "restore", str(after), "--force")
    assert restored.code == 0, restored.err
    assert imported(url) == (ROWS, ROWS)
    assert figures(cli, url) == at_end
    sound(url)


def backed_up_inside_an_import(url: str, big: Path, tmp_path: Path, cli: Cli) -> tuple[Path, str]:
    """Import ``big`` in a thread, and take a backup while its rows are saved
    and not yet committed; the backup, and what the command printed."""
    inside, carry_on = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        if done and not inside.is_set():  # rows saved, the transaction not yet committed
            inside.set()
            assert carry_on.wait(120)

    def run_import() -> None:
        engine = make_engine(url)
        try:
            outcome["done"] = import_file("commitments", big, engine=engine, actor=ADMIN, progress=progress)
        except BaseException as error:  # shown by the test
            outcome["error"] = error
        finally:
            engine.dispose()

    importer = threading.Thread(target=run_import)
    importer.start()
    during = backup_path(tmp_path, url, "during")
    try:
        assert inside.wait(120), outcome
        taken = cli(url, "backup", str(during))
    finally:
        carry_on.set()
        importer.join(120)
    assert "error" not in outcome and taken.code == 0, (outcome, taken.err)
    return during, taken.out


def test_backups_taken_while_an_import_runs_in_another_process_hold_all_of_it_or_none(
    each_database_url: str, tmp_path: Path, cli: Cli
) -> None:
    url = each_database_url
    demo_database(url)
    at_start = figures(cli, url)
    big = commitments_csv(tmp_path / "big.csv", ROWS, "IMP")
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_TODAY": TODAY}
    importer = subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", "import", "commitments", str(big)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    backups = []
    try:
        while importer.poll() is None and len(backups) < 4:
            path = backup_path(tmp_path, url, f"while-{len(backups)}")
            assert cli(url, "backup", str(path)).code == 0
            backups.append(path)
    finally:
        _out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    at_end = figures(cli, url)

    for path in backups:
        restored = cli(url, "restore", str(path), "--force")
        assert restored.code == 0, restored.err
        rows, events = imported(url)
        assert rows in (0, ROWS) and events == rows
        assert figures(cli, url) == (at_start if rows == 0 else at_end)
        sound(url)
