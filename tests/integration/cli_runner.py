"""The ``funding-tracker`` command run as a subprocess against a test's own
database, as a user runs it: one place for how the integration tests start it.

``TRACKER_DATABASE_URL`` names the test's database (SQLite file, or the
PostgreSQL server in the PostgreSQL run) and ``TRACKER_TODAY`` fixes today
(``TODAY`` unless told otherwise; None leaves it unset). The working folder
is the test's own, never the project folder: a stray default database would
land in ``data/``. Standard input is empty unless ``stdin`` is given, so a
command that asks for something fails rather than waits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TODAY = "2026-11-27"


def run_cli(
    database_url: str | None,
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    today: str | None = TODAY,
    timeout: int = 180,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run ``funding-tracker ARGS``; ``env`` adds variables (``TRACKER_ACTOR="shell:ann"``).
    ``database_url`` None: no ``TRACKER_DATABASE_URL`` (the default database, in ``cwd``)."""
    variables = {k: v for k, v in os.environ.items() if k != "TRACKER_DATABASE_URL"}
    if database_url is not None:
        variables["TRACKER_DATABASE_URL"] = database_url
    variables.update(env)
    if today is not None:
        variables["TRACKER_TODAY"] = today
    return subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args],
        env=variables,
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """Its standard output, after checking it exited 0 (else both outputs, to see why)."""
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout
