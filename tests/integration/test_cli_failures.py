"""A command that fails in a way nobody handled says so in one line, in the
tracker's words, with a reference, and exits 1; ``--debug`` adds the
traceback. Nothing else reaches the terminal."""

from __future__ import annotations

import os
import subprocess
import sys

UNREACHABLE = "postgresql+psycopg://tracker:tracker@127.0.0.1:1/tracker"  # (nothing listens on port 1)


def _cli(*args: str, url: str = UNREACHABLE) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_an_unreachable_database_is_one_line_with_what_to_do_and_a_reference():
    done = _cli("totals")
    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("funding-tracker totals: the database cannot be reached; check that the database server")
    assert "(reference " in line and "--debug" in line
    assert "Traceback" not in done.stderr and "psycopg" not in done.stderr


def test_debug_adds_the_traceback_under_the_same_reference():
    done = _cli("--debug", "totals")
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    reference = done.stderr.split("(reference ")[1][:8]
    assert done.stderr.count(reference) >= 2  # the log line and the sentence name the same reference


def test_a_read_only_sqlite_database_is_said_so(tmp_path):
    if os.geteuid() == 0:
        # root writes through file permissions: make the file system refuse instead, by a read-only URI.
        url = f"sqlite:///file:{tmp_path / 'tracker.db'}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    made = _cli("db", "upgrade", url=f"sqlite:///{tmp_path / 'tracker.db'}")
    assert made.returncode == 0, made.stderr
    if os.geteuid() != 0:
        (tmp_path / "tracker.db").chmod(0o444)
        tmp_path.chmod(0o555)
    done = _cli("demo", url=url)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert "the database cannot be written" in line, done.stderr
