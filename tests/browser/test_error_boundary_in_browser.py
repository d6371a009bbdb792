"""The real server, its database unreachable: the browser shows the tracker's
words with a reference, and the server's own log (its standard error, as
Streamlit writes it) holds the traceback under that same reference.
Streamlit sets up only its own loggers: without the handler
``dashboard/failure_page.py`` gives ``tracker.failures``, the line would be
Python's bare last-resort output, or lost if something else configured
logging."""

from __future__ import annotations

import re
import sys

from tests.browser.conftest import READY, ROOT, free_port, running

UNREACHABLE = "postgresql+psycopg://tracker:tracker@127.0.0.1:1/tracker"  # nothing listens on port 1


def test_the_reference_on_screen_is_in_the_servers_log_with_the_traceback(browser, app_env):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
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
    ]
    env = {**app_env, "TRACKER_DATABASE_URL": UNREACHABLE}
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        with running(command, f"{url}/_stcore/health", "Streamlit", cwd=ROOT, env=env) as server:
            page.goto(f"{url}/delivery")
            page.wait_for_selector(READY)
            alert = page.get_by_test_id("stAlertContentError").first
            alert.wait_for()
            assert "The database cannot be reached. Check that the database server is running" in alert.inner_text()
            body = page.locator("body").inner_text()
            (reference,) = re.findall(r"Reference ([0-9a-f]{8})", body)
            assert "Streamlit Cloud" not in body and "Traceback" not in body
            assert page.get_by_test_id("stException").count() == 0
        log = server.stderr.read().decode(errors="replace") if server.stderr else ""
    finally:
        context.close()
    line = next(line for line in log.splitlines() if f"(reference {reference})" in line)
    # In Streamlit's log format (a time first), as the server's other log lines.
    assert re.match(
        rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{{3}} .*the dashboard failed \(reference {reference}\)$", line
    ), line
    after = log[log.index(line) :]
    assert "Traceback (most recent call last)" in after and "Connection refused" in after
