"""Every dashboard page in a real browser on 100,000 commitments: cold and warm time to a settled page, server memory.

    .venv/bin/python bench/pages.py [--n 100000] [--deliveries-per-commitment 3] [--timeout 120]
                                    [--pages overview delivery ...] [--rebuild] [--check-targets]

1. The database (``bench/out/pages/``): ``bench/generate.py N --as-said`` commitments and
   K deliveries for each (``generate.py --deliveries``), imported through the real command
   line (``python -m tracker.cli import commitments FILE``, ``import deliveries FILE``,
   ``TRACKER_DATABASE_URL=sqlite:///...``), and an admin (``users add bench-admin --role
   admin --password-stdin``). Reused while both files are the same bytes (SHA-256 in the
   marker beside it); ``--rebuild`` builds it again. Each run serves a copy, so sign-ins
   never change the database the next run starts from.
2. The real server: ``streamlit run dashboard/app.py --server.headless true`` on a free
   port with ``TRACKER_TODAY=2026-12-05``; Debian Chromium (``/usr/bin/chromium``) driven
   by Playwright signs in as the admin.
3. For every page of the navigation (or ``--pages``), a click on its link, timed until the
   page is settled: the address is the page's, the script run is over (``stApp`` connected
   with script state ``notRunning``), Streamlit's running indicator (``stStatusWidget``)
   is gone and the page's heading is visible. The time is taken in the page
   (``performance.now()``): from the click's ``pointerdown`` to the first frame after the
   page settled, so the harness's own waiting (Playwright's checks, polling) adds nothing;
   the harness's wall time is kept beside it (``waited_seconds``). ``cold`` is the first visit after the
   server started and the admin signed in (the Overview's is the sign-in itself: from the
   click on "Sign in" to the settled Overview, the first load of the figures included);
   ``warm`` is the second visit, right after a visit to the Account page. Plotly charts
   draw in the browser after the run: ``charts`` is the time until every chart on the page
   is drawn. After every visit the server's memory is read from ``/proc``: ``VmRSS`` now
   and ``VmHWM``, the peak since the server started (the Streamlit process and any
   children).
4. One filter change: on the Overview, a funder (``--funder``) chosen in the sidebar's
   "Funder" filter, timed from the click on the option until the page is settled again.
5. Real terms (issue 20): "Real terms" chosen in the Overview's Prices choice (timed from the
   click), then the Delivery and Finance tables pages, which open in real terms too
   (``--no-real-terms`` leaves this out). Targets as for a warm visit.

A page that is not settled within ``--timeout`` seconds is a ``timeout`` (not a crash):
the server is stopped and started again (and the admin signs in again) so the pages
after it are measured on a server that is not still busy with it; its warm visit is not
made. A settled page showing Streamlit's exception element (``stException``) is an
``exception``. Results: a table, and ``bench/out/pages.json``.

Targets (printed; they fail the run only with ``--check-targets``): every warm visit and
the filter change under 1 s, the server's memory under 1 GiB (RSS after each visit and
its peak). Exit 1 if a visit timed out, showed an exception or lacked its heading (or,
with ``--check-targets``, a target was missed); 2 if Chromium or Playwright is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import bench_common as common
import generate

WORK = common.OUT / "pages"
RESULTS = common.OUT / "pages.json"
APP = common.ROOT / "dashboard" / "app.py"
CHROMIUM = "/usr/bin/chromium"
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
RUNNING_INDICATOR = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
# A chart's element (Plotly, Vega-Lite, ...) on show: not in an inactive tab or a closed expander. The
# chart itself (stPlotlyChart) is drawn by code the browser loads lazily, so it is not there at once.
CHART = ".stPrintGraphic:not([data-st-inactive] *):not(details:not([open]) *)"
CHART_DRAWN = ".main-svg, canvas"  # Plotly's SVG; Vega-Lite and ECharts draw on a canvas
DEFAULT_TIMEOUT = 120.0
SERVER_START_TIMEOUT = 120.0
BUILD_TIMEOUT = 3600.0  # each step of building the database
BOUNCE_PAGE = "Account"  # visited between a page's cold and warm visits: every user has it
FIRST_PAGE = "Overview"  # where signing in lands
REAL_TERMS_PAGES = ("Delivery", "Finance tables")  # the pages the Prices choice holds on, after the Overview
RESTART_AFTER = ("timeout", "error")  # the server may still be busy with the page: start again
TARGET_WARM_SECONDS = 1.0
TARGET_RSS = common.GIB

# Marks, in the page, that a script run started after this point (see tests/browser/conftest.py).
_WATCH_RUNS = """() => {
  window.__benchRan = false;
  if (window.__benchRuns) window.__benchRuns.disconnect();
  window.__benchRuns = new MutationObserver(() => { window.__benchRan = true; });
  window.__benchRuns.observe(document.documentElement,
    {attributes: true, subtree: true, attributeFilter: ["data-test-script-state"]});
}"""
_CHARTS_DRAWN = f"""() => [...document.querySelectorAll('{CHART}')].every(c => c.querySelector('{CHART_DRAWN}'))"""
# Times taken in the page itself (``performance.now()``), so Playwright's waits, which poll the page
# at steps of up to half a second, add nothing to them: the pointerdown of the click that starts a
# visit; the moment the page is settled (a run was seen, and now the script state is notRunning
# and the running indicator gone: the last such moment, should another run follow), then the next
# frame; and the moment every chart on show is drawn after that.
_WATCH_TIMES = f"""() => {{
  const w = window;
  w.__benchClickAt = null; w.__benchSettledAt = null; w.__benchShownAt = null; w.__benchChartsAt = null;
  let ran = false;
  if (w.__benchTimes) w.__benchTimes.disconnect();
  if (w.__benchClick) document.removeEventListener("pointerdown", w.__benchClick, true);
  w.__benchClick = () => {{ if (w.__benchClickAt === null) w.__benchClickAt = performance.now(); }};
  document.addEventListener("pointerdown", w.__benchClick, true);
  const drawn = {_CHARTS_DRAWN};
  w.__benchTimes = new MutationObserver((records) => {{
    const now = performance.now();
    if (records.some(r => r.attributeName === "data-test-script-state")) ran = true;
    if (!ran) return;
    const settled = document.querySelector('{READY}') && !document.querySelector('{RUNNING_INDICATOR}');
    if (!settled) {{ w.__benchSettledAt = w.__benchShownAt = w.__benchChartsAt = null; return; }}
    if (w.__benchSettledAt === null) {{
      const at = w.__benchSettledAt = now;
      requestAnimationFrame(() => {{ if (w.__benchSettledAt === at) w.__benchShownAt = performance.now(); }});
    }}
    if (w.__benchChartsAt === null && drawn()) w.__benchChartsAt = now;
  }});
  w.__benchTimes.observe(document.documentElement, {{attributes: true, childList: true, subtree: true}});
}}"""
_RUN_OVER = f"""() => !!document.querySelector('{READY}') && !document.querySelector('{RUNNING_INDICATOR}')"""
_TIMES = "() => [window.__benchClickAt, window.__benchShownAt ?? window.__benchSettledAt, window.__benchChartsAt]"


# --- the database -----------------------------------------------------------------------------


def build_database(n: int, per_commitment: int, seed: int, rebuild: bool) -> tuple[Path, dict]:
    """The database of ``n`` as-said commitments with ``per_commitment`` deliveries each, and its
    marker: made, or reused while both generated files are the same bytes."""
    WORK.mkdir(parents=True, exist_ok=True)
    stem = f"as-said-{n}-seed{seed}"
    commitments_csv = WORK / f"commitments-{stem}.csv"
    deliveries_csv = WORK / f"deliveries-{per_commitment}x-{stem}.csv"
    db = WORK / f"tracker-{stem}-{per_commitment}x.db"
    marker = db.with_suffix(".json")
    start = time.perf_counter()
    generate.generate(n, commitments_csv, seed, as_said=True)
    generate.generate_deliveries(commitments_csv, deliveries_csv, per_commitment, seed + 1)
    files = {"commitments": common.sha256(commitments_csv), "deliveries": common.sha256(deliveries_csv)}
    generated = time.perf_counter() - start
    if not rebuild and marker.exists() and db.exists():
        info = json.loads(marker.read_text())
        if info.get("files") == files:
            print(f"reusing {db.relative_to(common.ROOT)} (built {info['built']})", flush=True)
            return db, info
    common.remove_sqlite(db)
    marker.unlink(missing_ok=True)
    env = common.tracker_env(common.sqlite_url(db))
    steps = {}
    for name, args, stdin in (
        ("db upgrade", ("db", "upgrade"), None),
        ("import commitments", ("import", "commitments", str(commitments_csv)), None),
        ("import deliveries", ("import", "deliveries", str(deliveries_csv)), None),
        ("users add", ("users", "add", common.ADMIN, "--role", "admin", "--password-stdin"), common.ADMIN_PASSWORD),
    ):
        print(f"building the database: {name} ...", flush=True)
        run = common.run_measured(
            common.tracker_cli(*args),
            env,
            WORK / f"build-{name.replace(' ', '-')}",
            stdin=stdin and stdin + "\n",
            timeout=BUILD_TIMEOUT,
        )
        print(f"  exit {run.rc}, {run.seconds:.1f} s, peak {common.mib(run.peak)}: {run.said(200)}", flush=True)
        if not run.ok:
            raise SystemExit(f"building the database failed at {name}: {(run.stderr or run.stdout)[-3000:]}")
        steps[name] = {"seconds": run.seconds, "peak_rss": run.peak, "said": run.said(1000)}
    info = {
        "built": time.strftime("%Y-%m-%d %H:%M"),
        "n": n,
        "deliveries": n * per_commitment,
        "seed": seed,
        "files": files,
        "generate_seconds": generated,
        "steps": steps,
        "database_bytes": db.stat().st_size,
    }
    common.write_json(marker, info)
    return db, info


def working_copy(db: Path) -> Path:
    """A copy of ``db`` for this run to serve (signing in writes to the database)."""
    return common.copy_sqlite(db, WORK / "serving.db")


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command() -> list[str]:
    """``streamlit`` beside this interpreter (the venv's), else ``python -m streamlit``."""
    script = Path(sys.executable).parent / "streamlit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "streamlit"]


class Server:
    """``streamlit run dashboard/app.py`` on a free port, on one database; its memory from ``/proc``."""

    def __init__(self, db: Path, number: int) -> None:
        self.db = db
        self.number = number
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = WORK / f"server-{number}.log"
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    def start(self) -> None:
        """Start the server and wait until its health check answers."""
        command = [
            *streamlit_command(),
            "run",
            str(APP),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]
        started = time.perf_counter()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=common.ROOT,
                env=common.tracker_env(common.sqlite_url(self.db)),
                start_new_session=True,
            )
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
            if self.process.poll() is not None or time.perf_counter() - started > SERVER_START_TIMEOUT:
                self.stop()
                raise SystemExit(f"the Streamlit server did not start: {self.log_tail()}")
            time.sleep(0.2)
        self.start_seconds = time.perf_counter() - started

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def memory(self) -> common.Memory:
        return common.Memory.of_tree(self.pid)

    def cpu(self) -> float:
        return sum(common.cpu_seconds(pid) for pid in self.tree())

    def tree(self) -> list[int]:
        return [self.pid, *common.descendants(self.pid)]

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            common.kill_group(self.process, grace=10)


def browser_cpu(server: Server) -> float:
    """CPU used so far by this process's children that are not the server: Chromium's
    processes and Playwright's driver."""
    server_tree = set(server.tree())
    return sum(common.cpu_seconds(pid) for pid in common.descendants(os.getpid()) if pid not in server_tree)


# --- visits -----------------------------------------------------------------------------------


@dataclass
class Visit:
    """One timed action in the browser and what the server looked like after it."""

    page: str  # the navigation's title of the page it ends on
    kind: str  # cold, warm, again (a later visit), filter
    server: int  # which server start (1, 2, ... after a timeout)
    status: str = "ok"  # ok, timeout, exception, no heading, error
    seconds: float | None = None  # from the click to the settled page (timed in the page)
    timed_in: str = ""  # "page" (performance.now() in the page) or "harness" (a page loaded afresh)
    waited_seconds: float | None = None  # the harness's own wait, Playwright's polling included
    charts: int = 0
    charts_seconds: float | None = None  # from the click until every chart is drawn
    rss: int = 0  # the server's VmRSS after it
    hwm: int = 0  # the server's VmHWM after it (its peak so far)
    server_cpu_seconds: float = 0.0  # CPU the server used meanwhile
    browser_cpu_seconds: float = 0.0  # CPU Chromium (and Playwright's driver) used meanwhile
    # seconds from the click to each step of settling: the address changed, a run was seen, the run
    # over (READY), the heading found
    phases: dict[str, float] = field(default_factory=dict)
    detail: str = ""
    server_log_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Settle:
    """Waits for a settled page after an action, within one deadline."""

    def __init__(self, page, timeout: float) -> None:
        self.page = page
        self.timeout = timeout
        self.started = 0.0
        self.phases: dict[str, float] = {}

    def _mark(self, step: str) -> None:
        self.phases.setdefault(step, round(time.perf_counter() - self.started, 3))

    def _left(self) -> float:
        """Milliseconds left before the deadline (at least 1)."""
        return max(1.0, (self.started + self.timeout - time.perf_counter()) * 1000)

    def act(self, action: Callable[[], object]) -> None:
        """Watch for script runs, then do ``action`` (a click) and start the clock."""
        self.page.evaluate(_WATCH_RUNS)
        self.page.evaluate(_WATCH_TIMES)
        self.started = time.perf_counter()
        action()

    def in_page(self) -> tuple[float | None, float | None]:
        """Seconds from the click's pointerdown to the settled page's next frame, and to every
        chart drawn, as the page timed them (None where it could not: a page loaded afresh)."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            click, shown, charts = self.page.evaluate(_TIMES)
        except PlaywrightError:  # the page is gone: nothing to read
            return None, None
        if click is None or shown is None:
            return None, None
        return (shown - click) / 1000, None if charts is None else max(charts - click, shown - click) / 1000

    def settled(self, heading: str, path: str | None = None) -> float:
        """Seconds from the action to a settled page with ``heading`` (and at ``path``, if given).
        Raises Playwright's TimeoutError past the deadline, ``LookupError`` when the run
        finished without the heading."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        if path is not None:
            page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/") == path.rstrip("/"), timeout=self._left())
            self._mark("address")
        for _ in range(5):  # a page may start another run just after one ends (st.rerun)
            with contextlib.suppress(PlaywrightTimeout):  # a run so quick it came and went between two frames
                page.wait_for_function("() => window.__benchRan", timeout=min(5_000, self._left()))
                self._mark("run seen")
            # Checked at every frame: Playwright's own waits for a selector poll at steps of up to 0.5 s.
            page.wait_for_function(_RUN_OVER, polling="raf", timeout=self._left())
            self._mark("run over")
            done = time.perf_counter() - self.started
            # By its text, not its role: an open drop-down hides the rest of the page from the accessibility tree.
            heading_found = page.locator("h1").filter(has_text=re.compile(rf"^\s*{re.escape(heading)}\s*$"))
            try:
                heading_found.first.wait_for(state="visible", timeout=min(10_000, self._left()))
                self._mark("heading")
            except PlaywrightTimeout:
                if not page.locator(READY).count():
                    continue  # another run began: wait for it
                raise LookupError(f"the run finished but no heading {heading!r} is on the page") from None
            page.evaluate(_WATCH_RUNS)
            page.wait_for_timeout(250)  # quiet for a moment: no new run starting
            if not page.evaluate("() => window.__benchRan") and page.locator(READY).count():
                return done
        return time.perf_counter() - self.started

    def charts_drawn(self) -> tuple[int, float | None]:
        """How many Plotly charts the page has, and the seconds from the action until all are drawn
        (None if they were not drawn before the deadline)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        count = self.page.locator(CHART).count()
        if not count:
            return 0, None
        try:
            self.page.wait_for_function(_CHARTS_DRAWN, timeout=self._left())
        except PlaywrightTimeout:
            return count, None
        return count, time.perf_counter() - self.started


class Dashboard:
    """The server and a signed-in browser tab; started again after a page times out."""

    def __init__(self, browser, db: Path, timeout: float) -> None:
        self.browser = browser
        self.db = db
        self.timeout = timeout
        self.server: Server | None = None
        self.context = None
        self.page = None
        self.starts: list[dict] = []
        self.visited: dict[str, int] = {}
        self.links: dict[str, str] = {}  # title: address path
        self.current = FIRST_PAGE  # the page on screen

    def start(self) -> Visit:
        """Start a server, open a tab, sign in as the admin: the Overview's cold visit."""
        self.server = Server(self.db, len(self.starts) + 1)
        self.server.start()
        self.starts.append({"server": self.server.number, "start_seconds": self.server.start_seconds})
        print(
            f"server {self.server.number} up in {self.server.start_seconds:.1f} s (pid {self.server.pid})", flush=True
        )
        self.visited = {}
        self.links = {}
        self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(self.timeout * 1000)
        visit = self._timed(FIRST_PAGE, self._sign_in, path=None)
        if visit.ok:
            self.links = nav_links(self.page)
        return visit

    def _sign_in(self, settle: Settle) -> None:
        """Load the sign-in page, fill it in, and click "Sign in" (the clock starts at the click)."""
        self.page.goto(self.server.url)
        self.page.wait_for_selector(READY)
        self.page.get_by_role("textbox", name="Username").fill(common.ADMIN)
        self.page.get_by_role("textbox", name="Password").fill(common.ADMIN_PASSWORD)
        settle.act(self.page.get_by_role("button", name="Sign in").click)

    def restart(self) -> Visit:
        self.close()
        return self.start()

    def close(self) -> None:
        if self.context is not None:
            with contextlib.suppress(Exception):
                self.context.close()
            self.context = None
        if self.server is not None:
            self.server.stop()
            self.server = None

    def open(self, title: str) -> Visit:
        """Follow the navigation's link to ``title`` and wait for the page to settle."""
        link = self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
        return self._timed(title, lambda settle: settle.act(link.click), path=self.links.get(title))

    def choose_funder(self, funder: str) -> Visit:
        """On the page on screen, choose ``funder`` (else the first funder offered) in the sidebar's
        "Funder" filter, timed from the click on the option."""
        box = self.page.get_by_test_id("stSidebar").get_by_role("combobox", name="Funder")
        box.click()
        self.page.get_by_role("option").first.wait_for(state="visible")
        offered = [text.strip() for text in self.page.get_by_role("option").all_inner_texts()]
        funders = [text for text in offered if text != "Select all"]  # the multiselect's own first option
        chosen = funder if funder in funders else funders[0]
        option = self.page.get_by_role("option", name=chosen, exact=True)
        visit = self._timed(self.current, lambda settle: settle.act(option.click), path=None, kind="filter")
        visit.detail = f"Funder: {chosen}" + (f"; {visit.detail}" if visit.detail else "")
        with contextlib.suppress(Exception):
            self.page.keyboard.press("Escape")
        return visit

    def choose_real_terms(self) -> Visit:
        """On the page on screen, choose "Real terms" in its Prices choice, timed from the click."""
        button = self.page.get_by_test_id("stMain").get_by_text("Real terms", exact=True)
        return self._timed(self.current, lambda settle: settle.act(button.click), path=None, kind="real")

    def _timed(self, title: str, action: Callable[[Settle], None], path: str | None, kind: str = "") -> Visit:
        """Do ``action``, wait for ``title`` settled, read the server: one Visit."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        assert self.server is not None
        count = self.visited.get(title, 0)
        kind = kind or ("cold", "warm", "again")[min(count, 2)]
        visit = Visit(title, kind, self.server.number)
        cpu, browser = self.server.cpu(), browser_cpu(self.server)
        settle = Settle(self.page, self.timeout)
        try:
            action(settle)
            visit.waited_seconds = settle.settled(title, path)
            visit.charts, charts_waited = settle.charts_drawn()
            shown, charts = settle.in_page()
            visit.seconds = shown if shown is not None else visit.waited_seconds
            visit.timed_in = "page" if shown is not None else "harness"
            if visit.charts:
                visit.charts_seconds = charts if shown is not None and charts is not None else charts_waited
            if visit.charts and visit.charts_seconds is None:
                visit.detail = f"{visit.charts} chart(s) not drawn within the timeout"
            exceptions = self.page.locator(EXCEPTION)
            if exceptions.count():
                visit.status = "exception"
                visit.detail = exceptions.first.inner_text()[:1000]
        except PlaywrightTimeout:
            visit.status = "timeout"
            visit.detail = f"not settled within {self.timeout:g} s"
        except LookupError as err:
            visit.status = "no heading"
            visit.detail = str(err)
        except PlaywrightError as err:
            visit.status = "error"
            visit.detail = str(err)[:1000]
        memory = self.server.memory()
        visit.rss, visit.hwm = memory.rss, memory.hwm
        visit.server_cpu_seconds = self.server.cpu() - cpu
        visit.browser_cpu_seconds = browser_cpu(self.server) - browser
        visit.phases = settle.phases
        if not visit.ok:
            visit.server_log_tail = self.server.log_tail()
        self.visited[title] = count + 1
        self.current = title
        return visit


def nav_links(page) -> dict[str, str]:
    """The navigation's pages, in order: title -> address path (the sign-out link left out)."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    found = {}
    for i in range(links.count()):
        link = links.nth(i)
        title = link.inner_text().strip().splitlines()[-1].strip()  # the text starts with the icon's name
        if title != "Sign out":
            found[title] = urlsplit(link.get_attribute("href") or "").path
    return found


# --- the run ----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return text.strip().lower().replace(" ", "-").replace("_", "-").strip("/")


def choose_pages(links: dict[str, str], wanted: list[str] | None) -> list[str]:
    """The titles to measure: every link, or those ``wanted`` names (a title or an address,
    any case, ``-`` or ``_`` for spaces)."""
    if not wanted:
        return list(links)
    by_name = {}
    for title, path in links.items():
        by_name[_slug(title)] = title
        by_name[_slug(path.rsplit("/", 1)[-1])] = title
    unknown = [w for w in wanted if _slug(w) not in by_name]
    if unknown:
        raise SystemExit(f"no such page: {', '.join(unknown)} (the navigation has: {', '.join(links)})")
    return list(dict.fromkeys(by_name[_slug(w)] for w in wanted))


class Run:
    """Every chosen page, cold then warm, then the filter change; every visit kept in order."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dash = dashboard
        self.visits: list[Visit] = []

    def record(self, visit: Visit) -> Visit:
        self.visits.append(visit)
        took = "-" if visit.seconds is None else f"{visit.seconds:.2f} s"
        charts = f", charts {visit.charts_seconds:.2f} s" if visit.charts_seconds is not None else ""
        if visit.waited_seconds is not None and visit.timed_in == "page":
            charts += f" (harness waited {visit.waited_seconds:.2f} s)"
        print(
            f"  {visit.page:<16} {visit.kind:<6} {visit.status:<10} {took:>9}{charts}  "
            f"CPU server {visit.server_cpu_seconds:.1f} s, browser {visit.browser_cpu_seconds:.1f} s; "
            f"server RSS {common.mib(visit.rss)}, peak {common.mib(visit.hwm)}"
            + (f"  {visit.detail[:200]}" if visit.detail else ""),
            flush=True,
        )
        return visit

    def start(self) -> None:
        """Start (or start again) and sign in."""
        visit = self.record(self.dash.restart())
        if not visit.ok:
            self.dash.links = {}  # not signed in: nothing more can be measured

    @property
    def alive(self) -> bool:
        """Signed in on a running server (the navigation's links are known)."""
        return bool(self.dash.links)

    def go(self, title: str) -> Visit:
        """Open ``title``; after a timeout (or a browser error) start the server again."""
        visit = self.record(self.dash.open(title))
        if visit.status in RESTART_AFTER:
            print("  starting the server again", flush=True)
            self.start()
        return visit

    def measure(self, title: str) -> None:
        """``title``'s cold visit (unless made already on this server: the Overview's is the
        sign-in) and its warm one, right after a visit to another page. No warm visit after
        a timeout: the server was started again."""
        if self.dash.visited.get(title, 0) == 0 and self.go(title).status in RESTART_AFTER:
            return
        if self.dash.visited.get(title, 0) == 1:
            other = BOUNCE_PAGE if title != BOUNCE_PAGE else FIRST_PAGE
            if other in self.dash.links and self.go(other).status in RESTART_AFTER:
                return
            self.go(title)

    def filter_change(self, funder: str) -> None:
        """Back to the Overview if elsewhere, then choose a funder in the sidebar."""
        if self.dash.current != FIRST_PAGE and self.go(FIRST_PAGE).status in RESTART_AFTER:
            return
        self.record(self.dash.choose_funder(funder))

    def real_terms(self) -> None:
        """Real terms chosen on the Overview, then the other pages the choice holds on, in real terms."""
        if self.dash.current != FIRST_PAGE and self.go(FIRST_PAGE).status in RESTART_AFTER:
            return
        if self.record(self.dash.choose_real_terms()).status in RESTART_AFTER:
            return
        for title in REAL_TERMS_PAGES:
            if title in self.dash.links:
                visit = self.dash.open(title)
                visit.kind = "real"
                if self.record(visit).status in RESTART_AFTER:
                    return


def summarise(visits: list[Visit], titles: list[str]) -> tuple[list[dict], list[str], list[str]]:
    """Per page its first cold and first warm visit; the failures; the targets missed."""
    pages, failures, missed = [], [], []
    for title in titles:
        cold = next((v for v in visits if v.page == title and v.kind == "cold"), None)
        warm = next((v for v in visits if v.page == title and v.kind == "warm"), None)
        pages.append({"page": title, "cold": cold and asdict(cold), "warm": warm and asdict(warm)})
        for kind, visit in (("cold", cold), ("warm", warm)):
            if visit is None:
                failures.append(f"{title} {kind}: not measured")
            elif not visit.ok:
                failures.append(f"{title} {kind}: {visit.status}")
        if warm is not None and warm.ok and warm.seconds is not None and warm.seconds >= TARGET_WARM_SECONDS:
            missed.append(f"{title} warm {warm.seconds:.2f} s (target < {TARGET_WARM_SECONDS:g} s)")
    for visit in visits:
        if visit.kind in ("filter", "real"):
            what = "filter change" if visit.kind == "filter" else f"{visit.page} in real terms"
            if not visit.ok:
                failures.append(f"{what}: {visit.status}")
            elif visit.seconds is not None and visit.seconds >= TARGET_WARM_SECONDS:
                missed.append(f"{what} {visit.seconds:.2f} s (target < {TARGET_WARM_SECONDS:g} s)")
        elif not visit.ok and visit.page not in titles:
            failures.append(f"{visit.page} {visit.kind} (on the way): {visit.status}")
        if visit.rss >= TARGET_RSS:
            missed.append(f"server RSS {common.mib(visit.rss)} after {visit.page} {visit.kind} (target < 1 GiB)")
    peak = max((v.hwm for v in visits), default=0)
    if peak >= TARGET_RSS:
        missed.append(f"server peak RSS (VmHWM) {common.mib(peak)} (target < 1 GiB)")
    return pages, list(dict.fromkeys(failures)), missed


def print_report(pages: list[dict], visits: list[Visit]) -> None:
    def cell(visit: dict | None, key: str) -> str:
        if visit is None:
            return "not measured"
        if visit["status"] != "ok":
            return visit["status"]
        return common.seconds(visit[key]) if key.endswith("seconds") else common.mib(visit[key])

    rows = [
        [
            p["page"],
            cell(p["cold"], "seconds"),
            cell(p["warm"], "seconds"),
            "-" if not p["cold"] or not p["cold"]["charts"] else cell(p["cold"], "charts_seconds"),
            "-" if not p["warm"] else common.mib(p["warm"]["rss"]),
            "-" if not p["warm"] else common.mib(p["warm"]["hwm"]),
        ]
        for p in pages
    ]
    for visit in visits:
        if visit.kind in ("filter", "real"):
            status = common.seconds(visit.seconds) if visit.ok else visit.status
            name = f"filter ({visit.detail[:30]})" if visit.kind == "filter" else f"{visit.page}, real terms"
            rows.append([name, "", status, "", common.mib(visit.rss), common.mib(visit.hwm)])
    print()
    common.print_table(["page", "cold", "warm", "charts (cold)", "RSS after", "peak so far"], rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="commitments (default 100,000)")
    parser.add_argument(
        "--deliveries-per-commitment",
        type=int,
        default=generate.DEFAULT_DELIVERIES_PER_COMMITMENT,
        metavar="K",
        help="deliveries for every commitment (default 3)",
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds for a page to settle (default 120)"
    )
    parser.add_argument(
        "--pages", nargs="+", metavar="PAGE", help="only these pages (titles or addresses, e.g. delivery)"
    )
    parser.add_argument("--funder", default="Welsh Government", help="the funder the filter change chooses")
    parser.add_argument("--no-filter", action="store_true", help="leave out the filter change")
    parser.add_argument(
        "--no-real-terms", action="store_true", help="leave out real terms (Overview, then Delivery and Finance tables)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it is current")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.n <= 0 or args.deliveries_per_commitment < 0 or args.timeout <= 0:
        parser.error("--n and --timeout must be positive, --deliveries-per-commitment zero or more")
    return args


def browser_available() -> str | None:
    """Why the browser cannot run, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium; never `playwright install`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (the test extra: pip install -c constraints.txt -e '.[test]')"
    return None


@contextlib.contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = browser_available()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    context = common.run_context()
    db, info = build_database(args.n, args.deliveries_per_commitment, args.seed, args.rebuild)
    for old_log in WORK.glob("server-*.log"):
        old_log.unlink()
    serving = working_copy(db)
    with chromium() as browser:
        dash = Dashboard(browser, serving, args.timeout)
        run = Run(dash)
        titles: list[str] = []
        try:
            run.start()
            titles = choose_pages(dash.links, args.pages) if run.alive else []
            for title in titles:
                if not run.alive:
                    break
                run.measure(title)
            if run.alive and not args.no_filter and FIRST_PAGE in dash.links:
                run.filter_change(args.funder)
            if run.alive and not args.no_real_terms and FIRST_PAGE in dash.links:
                run.real_terms()
        finally:
            dash.close()
            common.remove_sqlite(serving)
    pages, failures, missed = summarise(run.visits, titles or args.pages or [FIRST_PAGE])
    print_report(pages, run.visits)
    summary = {
        "failures": failures,
        "targets_missed": missed,
        "peak_rss": max((v.hwm for v in run.visits), default=0),
        "targets": {"warm_seconds": TARGET_WARM_SECONDS, "rss": TARGET_RSS},
    }
    common.write_json(
        RESULTS,
        {
            "context": context,
            "args": vars(args),
            "database": info,
            "servers": dash.starts,
            "pages": pages,
            "visits": [asdict(v) for v in run.visits],
            "summary": summary,
        },
    )
    print(f"\nserver peak RSS (VmHWM): {common.mib(summary['peak_rss'])}; results: {RESULTS.relative_to(common.ROOT)}")
    for line in failures:
        print(f"FAILED: {line}")
    for line in missed:
        print(f"target missed: {line}")
    if failures or (args.check_targets and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
