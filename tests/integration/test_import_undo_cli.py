"""``funding-tracker import list`` and ``funding-tracker import undo ID``, as a
subprocess; ``import KIND FILE`` itself is unchanged (tests/integration/test_import.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import select

from db.models import AuditEvent, Commitment
from db.session import ensure_schema, read_session
from tests.integration.cli_runner import ok, run_cli
from tests.integration.test_import_undo import NEW_COMMITMENTS


def _cli(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as ann runs it from her shell."""
    return run_cli(database_url, *args, cwd=cwd, TRACKER_ACTOR="shell:ann")


def _live_commitments(database_url: str) -> list[str]:
    engine = ensure_schema(database_url)
    try:
        with read_session(engine) as session:
            return list(session.scalars(select(Commitment.ref).where(Commitment.deleted_at.is_(None))))
    finally:
        engine.dispose()


def test_list_then_undo_an_import_from_the_command_line(database_url: str, tmp_path: Path):
    ensure_schema(database_url).dispose()
    assert ok(_cli(database_url, "import", "list", cwd=tmp_path)) == "no imports yet\n"
    path = tmp_path / "new.csv"
    path.write_text(NEW_COMMITMENTS, encoding="utf-8", newline="")

    said = ok(_cli(database_url, "import", "commitments", str(path), cwd=tmp_path)).splitlines()
    assert said[0].startswith("created 4 commitments, updated 0 commitments")
    assert said[1] == "recorded as import 1 (funding-tracker import undo 1 undoes it)"
    listed = ok(_cli(database_url, "import", "list", cwd=tmp_path)).splitlines()
    assert listed[0].split() == ["id", "started", "(UTC)", "who", "kind", "file", "created", "updated", "undone"]
    assert listed[2].split()[0] == "1" and listed[2].split()[3:] == [
        "shell:ann",
        "commitments",
        "new.csv",
        "4",
        "0",
        "-",
    ]
    assert len(_live_commitments(database_url)) == 4

    undone = ok(_cli(database_url, "import", "undo", "1", cwd=tmp_path))

    assert undone.startswith(
        "undid import 1 (commitments, new.csv): deleted 4 commitments, 3 announcements; kept 4 organisations"
    )
    assert _live_commitments(database_url) == []
    listed = ok(_cli(database_url, "import", "list", cwd=tmp_path)).splitlines()
    assert listed[2].endswith("UTC by shell:ann")
    engine = ensure_schema(database_url)
    try:
        with read_session(engine) as session:
            actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "delete")))
    finally:
        engine.dispose()
    assert actors == {"shell:ann"}

    again = _cli(database_url, "import", "undo", "1", cwd=tmp_path)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith("funding-tracker import undo: import 1 was undone already, by shell:ann at ")


def test_a_bad_import_command_line_is_refused_with_exit_2(database_url: str, tmp_path: Path):
    ensure_schema(database_url).dispose()
    for args, said in (
        (("import", "undo"), "import undo needs the number of an import"),
        (("import", "undo", "one"), "import undo needs the number of an import"),
        (("import", "list", "x.csv"), "import list takes no FILE"),
        (("import", "commitments"), "import commitments needs the FILE to import"),
        (("import", "undo", "1", "--reason", "slippage"), "--reason, --reason-text and --spread are for importing"),
        (("import", "commitments", "x.csv", "--limit", "3"), "--limit is for import list"),
    ):
        result = _cli(database_url, *args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.startswith(f"funding-tracker import: error: {said}"), result.stderr
    missing = _cli(database_url, "import", "undo", "7", cwd=tmp_path)
    assert missing.returncode == 1
    assert (
        missing.stderr == "funding-tracker import undo: there is no import 7 (funding-tracker import list shows them)\n"
    )
