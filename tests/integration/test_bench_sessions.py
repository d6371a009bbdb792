"""The load harness (``bench/sessions.py``) and its protocol client (``bench/streamlit_client.py``)
against a real ``funding-tracker serve`` on the demo data.

The client speaks Streamlit's websocket protocol without a browser: it must really sign in
(the run after the form's submit draws the Overview and the navigation, not the form again),
open Overview, Delivery and Finance tables by the navigation's links, and say so when a
sign-in fails. The harness itself runs two sessions end to end and counts every run, and
stops with an error when its sessions cannot sign in. No timing is asserted.

Always SQLite (the harness serves a copy of a SQLite file), whatever database the run uses.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import streamlit_client as client
from tests.browser.conftest import free_port, running

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-27"
USER = "harness-viewer"
OTHER = "harness-other"  # signs in with a wrong password (a failure may slow that user's next sign-ins)
PASSWORD = "a long passphrase for the harness test"
PAGES = ("Overview", "Delivery", "Finance tables")


def _env(db: Path) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{db}", "TRACKER_TODAY": TODAY}
    env.pop("TRACKER_IDLE_MINUTES", None)
    return env


def _cli(db: Path, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tracker.cli", *args],
        env=_env(db),
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr or done.stdout


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data and two viewers with a known password; never served itself (copies are)."""
    db = tmp_path_factory.mktemp("sessions") / "demo.db"
    _cli(db, "demo")
    for name in (USER, OTHER):
        _cli(db, "users", "add", name, "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    return db


@pytest.fixture(scope="module")
def app_url(demo_file: Path) -> Iterator[str]:
    """``funding-tracker serve`` on a copy of the demo file, on a free port."""
    served = demo_file.with_name("served.db")
    shutil.copyfile(demo_file, served)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tracker.cli",
        "serve",
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
        "--",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/_stcore/health", "funding-tracker serve", cwd=ROOT, env=_env(served)):
        yield url


async def _person(url: str) -> tuple[str, list[client.Run]]:
    """Open the app, sign in, open Delivery and Finance tables: the session's id and its runs."""
    async with client.StreamlitSession(url, timeout=60) as session:
        form = await session.open_app()
        signed_in = await session.sign_in(USER, PASSWORD)
        runs = [form, signed_in]
        for title in PAGES[1:]:
            runs.append(await session.open_page(title))
        return session.session_id, runs


def run_apart(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` in a thread of its own: a browser test's Playwright (sync API) may have
    left its event loop running in this thread, where asyncio.run is refused."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main).result()


def test_two_sessions_sign_in_and_open_overview_delivery_and_finance(app_url: str) -> None:
    async def both() -> list[tuple[str, list[client.Run]]]:
        return list(await asyncio.gather(_person(app_url), _person(app_url)))

    people = run_apart(both())

    assert len({session_id for session_id, _ in people}) == 2  # two sessions on the server, not one
    for _, (form, signed_in, delivery, finance) in people:
        assert form.title == "Sign in"
        assert all(form.widget_id(key) for key in ("sign_in_username", "sign_in_password", "sign_in_submit"))
        assert "Overview" not in form.pages  # signed out: the sign-in page only
        assert [signed_in.title, delivery.title, finance.title] == list(PAGES)
        assert set(PAGES) <= set(signed_in.pages)  # the navigation a signed-in viewer gets
        for run in (form, signed_in, delivery, finance):
            assert run.status == ForwardMsg.FINISHED_SUCCESSFULLY
            assert run.exceptions == [] and run.error_alerts == []
            assert run.seconds > 0 and run.messages > 0
        assert delivery.page_script_hash == signed_in.pages["Delivery"]
        assert finance.page_script_hash == signed_in.pages["Finance tables"]


def test_a_wrong_password_is_a_failed_sign_in(app_url: str) -> None:
    async def wrong() -> client.StreamlitSession:
        async with client.StreamlitSession(app_url, timeout=60) as session:
            await session.open_app()
            with pytest.raises(client.SignInFailed, match="'Sign in', not 'Overview'") as failed:
                await session.sign_in(OTHER, PASSWORD + " but wrong")
            assert failed.value.kind == "sign-in failed"
            return session

    session = run_apart(wrong())
    assert session.last is not None and session.last.title == "Sign in"
    assert session.last.error_alerts  # the page said why
    assert "Overview" not in session.pages


def _harness(demo_file: Path, folder: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DATABASE_URL"}
    out = ["--work", str(folder / "work"), "--results", str(folder / "sessions.json")]
    harness = [sys.executable, str(ROOT / "bench" / "sessions.py"), "--database", str(demo_file)]
    return subprocess.run(
        [*harness, *out, "--sessions", "2", "--think", "0", *extra],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_harness_drives_two_sessions_and_counts_every_run(demo_file: Path, tmp_path: Path) -> None:
    done = _harness(demo_file, tmp_path, "--rounds", "2")

    assert done.returncode == 0, done.stdout + done.stderr
    level = json.loads((tmp_path / "sessions.json").read_text())["levels"][0]
    assert (level["sessions"], level["signed_in"], level["completed"], level["errors"]) == (2, 2, 2, 0)
    # each session: the app, sign in (the first Overview), Delivery, Finance tables, then a second round
    assert level["runs"] == 2 * 7
    assert {step: s["runs"] for step, s in level["by_step"].items()} == {
        "open app": 2,
        "sign in": 2,
        "Overview": 2,
        "Delivery": 4,
        "Finance tables": 4,
    }
    assert 0 < level["p50"] <= level["p95"] <= level["max"]
    assert not (tmp_path / "work" / "serving.db").exists()  # the served copy is removed after


def test_the_harness_stops_when_its_sessions_cannot_sign_in(demo_file: Path, tmp_path: Path) -> None:
    done = _harness(demo_file, tmp_path, "--password", "not the password")

    assert done.returncode != 0
    assert "warm-up session failed (sign-in failed)" in done.stdout + done.stderr
    assert not (tmp_path / "sessions.json").exists()
