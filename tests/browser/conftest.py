"""A real browser against the real app: Debian Chromium driven by Playwright.

One Streamlit server per test session, on a free port, on a fresh database
with the demo loaded (SQLite under a temporary folder, or the PostgreSQL test
database when the run uses PostgreSQL). ``TRACKER_TODAY`` is fixed so figures
do not move with the calendar.

The server is the one ``funding-tracker serve`` runs (``dashboard/app.py``:
the dashboard as an ``st.App`` with the tracker's own routes), so a sign-in
gives the browser its session cookie. The database holds one user per role
in ``USERS`` (username: password, roles). Each test has a browser context
of its own (no cookies): ``open_signed_in(page, app_url)`` loads the app and
signs in (as the admin unless told otherwise; a context signed in already
stays so), ``sign_in(page, username, password)`` fills
the sign-in form already on screen, ``go_to(page, name)`` follows a link of
the sidebar's navigation.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.services import require_chromium

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-27"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
ADMIN = "admin"
PASSWORD = "browser test passphrase 42"
# username: roles (every one with PASSWORD)
USERS = {ADMIN: ["admin"], "vera": ["viewer"], "fin": ["finance"], "ed": ["editor"], "rhys": ["reviewer"]}


_WATCH_RUNS = """() => {
  window.__trackerRan = false;
  if (window.__trackerRuns) window.__trackerRuns.disconnect();
  window.__trackerRuns = new MutationObserver(() => { window.__trackerRan = true; });
  // The whole document: the app's root element may be drawn anew by the run.
  window.__trackerRuns.observe(document.documentElement,
    {attributes: true, subtree: true, attributeFilter: ["data-test-script-state"]});
}"""


def rerun(page, action: Callable[[], object]) -> None:
    """Do ``action`` (a click, a key press) and wait until the script run it
    starts has finished.

    Waiting for READY alone can match before the run has even begun, and an
    action taken then may land on an element the run is about to draw again
    and be lost. The page's script state is watched instead: any change of it
    means a run started. A run so quick that the page never shows it running
    leaves nothing to watch: after a few seconds READY is trusted.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(_WATCH_RUNS)
    action()
    with contextlib.suppress(PlaywrightTimeout):  # the run (if any) came and went between two frames
        page.wait_for_function("() => window.__trackerRan", timeout=5_000)
    page.wait_for_selector(READY)


def _add_users(url: str) -> None:
    from db.session import ensure_schema
    from tracker import accounts
    from tracker.records.permissions import Actor

    engine = ensure_schema(url)
    try:
        for username, roles in USERS.items():
            accounts.add_user(
                username, roles, engine=engine, password=PASSWORD, actor=Actor("setup", frozenset({"admin"}))
            )
    finally:
        engine.dispose()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in form on screen and wait for the first page."""
    from playwright.sync_api import expect

    page.wait_for_selector(READY)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(READY)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    wait_for_sign_in_cookie(page)


def wait_for_sign_in_cookie(page, seconds: float = 10) -> None:
    """Wait until the browser holds the sign-in cookie: the page asks for it
    with a request of its own after the first run, so a test that opens
    another address at once could otherwise arrive signed out (a busy machine
    makes that request late). Gives up quietly: a test of a server without
    the cookie routes goes on and says what it sees."""
    from dashboard.session_routes import COOKIE

    for _ in range(int(seconds * 10)):
        if any(cookie["name"] == COOKIE for cookie in page.context.cookies()):
            return
        page.wait_for_timeout(100)


def open_signed_in(page, app_url: str, username: str = ADMIN) -> None:
    """Load the app and sign in; a browser context already signed in as
    ``username`` (its cookie) opens on the Overview without asking."""
    from playwright.sync_api import expect

    page.goto(app_url)
    page.wait_for_selector(READY)
    if page.get_by_role("button", name="Sign in").count():
        sign_in(page, username)
    else:
        expect(page.get_by_text(f"Signed in as {username} (")).to_be_visible()
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()


def go_to(page, name: str) -> None:
    """Follow a link of the sidebar's navigation, and wait for the page it
    opens to be drawn (not the one it leaves, still on screen at first): the
    address changes once the server runs the new page."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)
    target = urlsplit(link.get_attribute("href") or "").path
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/") == target.rstrip("/"))
    page.wait_for_selector(READY)


def download_committed_and_delivered(page, folder: Path) -> dict[str, dict[str, Decimal]]:
    """On the Finance tables page: download the Excel workbook and read its
    "Committed and delivered" sheet, {financial year: {column: amount}}, the
    amounts to the penny (the Total row left out)."""
    from openpyxl import load_workbook

    with page.expect_download() as download:
        page.get_by_role("button", name="Download every table as an Excel workbook (XLSX)").click()
    path = folder / "finance.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path)["Committed and delivered"]
    header = [cell.value for cell in sheet[1]]
    year = header.index("Financial year")
    return {
        row[year]: {
            name: Decimal(str(value)).quantize(Decimal("0.01"))
            for name, value in zip(header, row)
            if name in ("Committed", "Delivered")
        }
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[year] and row[year] != "Total"
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(folder: Path) -> str:
    """The server's database: on PostgreSQL one of its own (``<name>_browser``), since the
    server lives for the whole run while the other tests of its worker drop and make theirs."""
    configured = os.environ.get("TRACKER_DATABASE_URL", "")
    if configured.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        from tests.fresh_databases import empty_postgres
        from tests.services import require_postgres

        parsed = make_url(require_postgres(configured))
        return empty_postgres(parsed.set(database=f"{parsed.database}_browser").render_as_string(hide_password=False))
    return f"sqlite:///{folder / 'tracker.db'}"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="session")
def app_env(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment the app runs in: its own database, a fixed today."""
    folder = tmp_path_factory.mktemp("browser")
    return {**os.environ, "TRACKER_DATABASE_URL": _database_url(folder), "TRACKER_TODAY": TODAY}


def wait_until_up(url: str, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200, or fail the test with ``process``'s last words."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            err = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
            pytest.fail(f"{what} did not start: {err}")
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def running(command: list[str], health_url: str, what: str, **popen) -> Iterator[subprocess.Popen]:
    """Start ``command``, wait until ``health_url`` answers, stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen)
    try:
        wait_until_up(health_url, process, what)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def streamlit_server(
    env: dict[str, str], host: str = "127.0.0.1", port: int | None = None, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """The dashboard served by Streamlit on ``env``'s database as ``serve``
    runs it (``streamlit run dashboard/app.py``); yields its address."""
    port = port or free_port()
    url = f"http://{host}:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        *extra,
    ]
    with running(command, f"{url}/_stcore/health", "Streamlit", cwd=ROOT, env=env):
        yield url


@pytest.fixture(scope="session")
def app_url(app_env: dict[str, str]) -> Iterator[str]:
    env = app_env
    subprocess.run([sys.executable, "-m", "tracker.cli", "demo"], env=env, check=True, capture_output=True)
    _add_users(env["TRACKER_DATABASE_URL"])
    with streamlit_server(env) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url: str):
    from playwright.sync_api import expect

    # On 2 shared cores a rerun can take longer than expect()'s default 5 s.
    expect.set_options(timeout=30_000)
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = ROOT / "tests" / "browser" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
