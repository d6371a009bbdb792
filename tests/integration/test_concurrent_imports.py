"""Imports side by side: they queue instead of failing (SQLite and PostgreSQL).

Eight ``funding-tracker import`` processes started at the same moment, each
with 250 commitments naming the same two organisations that are new to the
database, all land: every row, one organisation of each name, an audit event
per row, no traceback. Eight sign-ins beside three imports all answer.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from db.models import AuditEvent, Commitment, Organisation
from db.session import ensure_schema, read_session
from tests.actors import admin
from tracker import accounts
from tracker.imports import apply
from tracker.imports.apply import import_file

PROCESSES = 8
ROWS = 250
PASSWORD = "quiet harbour lantern"
HEADER = ["ref", "announcement_ref", "announced_on", "funder", "recipient", "purpose", "kind", "amount", "first_year"]


def commitments_file(folder: Path, n: int) -> Path:
    """250 commitments, refs of their own, naming the funder and recipient every file names."""
    path = folder / f"commitments-{n}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(ROWS):
            writer.writerow(
                [
                    f"F{n}-C{i}",
                    f"F{n}-A{i // 50}",
                    "2024-05-01",
                    "Concurrent Fund for Wales",
                    "Shared Recipient Council",
                    f"purpose {i}",
                    "one-off",
                    f"£{1000 + i}.{n:02d}",
                    "2024-25",
                ]
            )
    return path


def count(engine: Engine, model, *where) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_eight_imports_at_once_all_land(each_database_url: str, tmp_path: Path) -> None:
    ensure_schema(each_database_url).dispose()
    files = [commitments_file(tmp_path, n) for n in range(PROCESSES)]
    env = {**os.environ, "TRACKER_DATABASE_URL": each_database_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", "import", "commitments", str(path)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    finished = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    for code, out, err in finished:
        assert code == 0, f"exit {code}\n{out}\n{err}"
        assert "Traceback" not in err
    engine = ensure_schema(each_database_url)
    try:
        assert count(engine, Commitment) == PROCESSES * ROWS
        assert count(engine, Organisation, Organisation.name == "Concurrent Fund for Wales") == 1
        assert count(engine, Organisation, Organisation.name == "Shared Recipient Council") == 1
        assert count(engine, AuditEvent, AuditEvent.entity == "commitments") == PROCESSES * ROWS
        with read_session(engine) as session:
            total = session.scalar(select(func.sum(Commitment.amount_pence)))
        assert total == sum((1000 + i) * 100 + n for n in range(PROCESSES) for i in range(ROWS))
    finally:
        engine.dispose()


def test_imports_that_overlap_add_each_new_organisation_once(each_engine: Engine, tmp_path: Path, monkeypatch) -> None:
    """Every import checks its file while the others check theirs (each check
    is slowed down so that they overlap): on PostgreSQL, which runs writers
    side by side, each would otherwise add the new funder itself."""
    engine = each_engine
    checking = apply.planning.check

    def slow_check(*args, **kwargs):
        checked = checking(*args, **kwargs)
        time.sleep(0.5)
        return checked

    monkeypatch.setattr(apply.planning, "check", slow_check)
    files = [commitments_file(tmp_path, n) for n in range(PROCESSES)]
    errors: list[BaseException] = []
    start = threading.Barrier(PROCESSES)

    def importing(path: Path) -> None:
        start.wait()
        try:
            import_file("commitments", path, engine=engine, actor=admin("test:importer"))
        except BaseException as error:  # collected, so the test shows them all
            errors.append(error)

    threads = [threading.Thread(target=importing, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(engine, Commitment) == PROCESSES * ROWS
    assert count(engine, Organisation, Organisation.name == "Concurrent Fund for Wales") == 1
    assert count(engine, Organisation, Organisation.name == "Shared Recipient Council") == 1


def test_eight_sign_ins_beside_three_imports_all_answer(each_engine: Engine, tmp_path: Path) -> None:
    engine = each_engine
    for n in range(8):
        accounts.add_user(f"user{n}", ["viewer"], engine=engine, password=PASSWORD, actor=admin("test:admin"))
    files = [commitments_file(tmp_path, n) for n in range(3)]
    errors: list[BaseException] = []
    signed_in: list[str] = []
    start = threading.Barrier(len(files) + 8)

    def importing(path: Path) -> None:
        start.wait()
        try:
            import_file("commitments", path, engine=engine, actor=admin("test:importer"))
        except BaseException as error:  # collected, so the test shows them all
            errors.append(error)

    def signing_in(n: int) -> None:
        start.wait()
        try:
            for _ in range(3):
                # a wrong password (a failure written) then the right one (a sign-in written), each from its own address
                try:
                    accounts.sign_in(f"user{n}", "not the password", engine=engine, client=f"192.0.2.{n + 1}")
                except accounts.SignInThrottled as error:
                    errors.append(error)
                except accounts.SignInFailed:
                    pass
                signed_in.append(
                    accounts.sign_in(f"user{n}", PASSWORD, engine=engine, client=f"192.0.2.{n + 1}").username
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=importing, args=(path,)) for path in files]
    threads += [threading.Thread(target=signing_in, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(signed_in) == sorted(f"user{n}" for n in range(8) for _ in range(3))
    assert count(engine, Commitment) == 3 * ROWS
