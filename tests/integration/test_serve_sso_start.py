"""``funding-tracker serve`` with good single sign-on settings gets as far as
starting Streamlit: it opens (and migrates) the database first, so this is
not a unit test. The settings checks themselves are in tests/unit/test_serve_sso.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_serve_sso import GOOD, write_secrets
from tracker import serve
from tracker.serve import PROJECT


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    """``serve.serve`` on a SQLite file under tmp_path; the Streamlit commands it would have run."""
    home = tmp_path / "home"
    home.mkdir()
    commands: list = []
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(PROJECT)
    monkeypatch.setattr(serve, "launch", lambda command: commands.append(command) or 0)
    return commands


def test_serve_says_whether_single_sign_on_is_on(tmp_path, started, capsys):
    passed = write_secrets(tmp_path, GOOD)
    assert serve.serve(port=8595, extra=["--", f"--secrets.files={passed}"]) == 0
    out = capsys.readouterr().out
    assert f"Single sign-on: on, with {GOOD['server_metadata_url']}" in out
    assert started and f"--secrets.files={passed}" in started[0]
