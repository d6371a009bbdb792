"""``funding-tracker api`` as a real server: it starts on a free port and answers; it
refuses a database that is missing or not upgraded; and the dashboard's server
answers the API too when started from ``dashboard/with_api.py`` (``serve --with-api``).

Each server is a subprocess polled until it answers, then stopped by its PID.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.session import SCHEMA_HEAD, downgrade, stored_revision
from tests.actors import ADMIN
from tracker import accounts
from tracker.api import access
from tracker.demo import load_demo
from tracker.figures import totals_data

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextmanager
def _server(argv: list[str], database_url: str, cwd: Path, ready: str) -> Iterator[subprocess.Popen]:
    """Start ``argv``, wait until ``ready`` answers 200 (or fail with what it said), stop it after."""
    log = cwd / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, "TRACKER_DATABASE_URL": database_url},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped (exit {proc.returncode}):\n{log.read_text()}")
            try:
                if _get(ready)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 90 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def demo_token(engine: Engine) -> str:
    load_demo(engine, actor=ADMIN)
    accounts.add_user("reader", ["viewer"], engine=engine, actor=ADMIN)
    return access.issue_token("reader", engine=engine, actor=ADMIN)


def test_the_api_command_starts_and_answers(engine, demo_token, database_url, tmp_path):
    port = _free_port()
    argv = [sys.executable, "-m", "tracker.cli", "api", "--port", str(port), "--address", "127.0.0.1"]
    base = f"http://127.0.0.1:{port}/api"
    with _server(argv, database_url, tmp_path, f"{base}/openapi.json"):
        status, body = _get(f"{base}/totals?by=recipient", demo_token)
        assert status == 200
        expected = totals_data.report(totals_data.load(engine, by="recipient"), by="recipient", form="json")
        assert json.loads(body)["rows"] == json.loads(expected)
        assert _get(f"{base}/totals")[0] == 401
        status, body = _get(f"{base}/commitments?per_page=2", demo_token)
        assert status == 200 and json.loads(body)["total"] == 6
    assert "Public mode: off" in (tmp_path / "server.log").read_text()


def test_the_api_applies_pending_migrations_first_as_every_command_does(engine, database_url, tmp_path):
    downgrade(engine, "0007")  # (the API's own tables go)
    assert stored_revision(engine) == "0007"
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api"
    argv = [sys.executable, "-m", "tracker.cli", "api", "--port", str(port)]
    with _server(argv, database_url, tmp_path, f"{base}/openapi.json"):
        assert _get(f"{base}/totals")[0] == 401  # tokens are read again: the schema is whole
    assert stored_revision(engine) == SCHEMA_HEAD


def test_the_api_refuses_a_missing_sqlite_file(tmp_path):
    missing = tmp_path / "nowhere" / "tracker.db"
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "api", "--port", str(_free_port())],
        cwd=tmp_path,
        env={**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{missing}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "no database at" in done.stderr
    assert not missing.exists()


def test_the_dashboard_server_answers_the_api_too(engine, demo_token, database_url, tmp_path):
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "with_api.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    base = f"http://127.0.0.1:{port}"
    with _server(argv, database_url, tmp_path, f"{base}/_stcore/health"):
        status, body = _get(f"{base}/api/totals?fy=2021-22", demo_token)
        assert status == 200 and json.loads(body)["rows"][0]["committed"] == "5400000.00"
        status, body = _get(f"{base}/api/commitments?per_page=4", demo_token)
        assert json.loads(body)["next"] == f"{base}/api/commitments?per_page=4&page=2"
        assert _get(f"{base}/api/commitments")[0] == 401
        status, body = _get(f"{base}/")
        assert status == 200 and b"<html" in body.lower()  # the dashboard itself


def test_serve_with_api_starts_the_dashboard_with_the_api_mounted(tmp_path, monkeypatch, capsys):
    from tracker import serve

    home = tmp_path / "home"
    home.mkdir()
    started: list[list[str]] = []
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(serve, "launch", lambda command: started.append(command) or 0)

    assert serve.serve(port=8597, with_api=True) == 0
    assert started[0][4] == str(ROOT / "dashboard" / "with_api.py")
    assert "JSON API: http://localhost:8597/api" in capsys.readouterr().out
    assert serve.serve(port=8597) == 0 and started[1][4] == str(
        ROOT / "dashboard" / "app.py"
    )  # which holds the st.App with the sign-in routes
