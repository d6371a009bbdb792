"""The app makes no request to any address but its own: no fonts, icons or
scripts from a CDN (councils' networks often block outside addresses, and a
third party should not learn who opens the tracker). Every request the
browser makes while signing in and opening every page is recorded.

Stored text is no way out either: on a database whose every free-text field
holds a Markdown image and link to an outside address
(``tests/hostile_text.py``), every page and an announcement's detail make no
request to it (an image rendered from stored Markdown would be fetched)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from db.session import ensure_schema
from tests.browser.conftest import READY, _add_users, go_to, open_signed_in, rerun, streamlit_server
from tests.browser.test_every_page_in_browser import PAGES
from tests.hostile_text import overwrite_free_text


def _outside(requested: list[str], own: str) -> list[str]:
    return sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
        }
    )


def test_signing_in_and_every_page_request_only_the_apps_own_address(page, app_url):
    own = urlsplit(app_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_signed_in(page, app_url)
    for name, _heading in PAGES:
        go_to(page, name)
    page.wait_for_load_state("networkidle")
    assert requested, "no request was recorded"
    assert _outside(requested, own) == []
    # The page's icon is the app's own file, not a font's.
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href") or ""
    assert urlsplit(icon).netloc in ("", own) and not icon.startswith("data:font")


@pytest.fixture(scope="module")
def hostile_app_url(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo, its free text hostile (a SQLite file of its own), served by a server of its own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'tracker.db'}"
    env = {**app_env, "TRACKER_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "tracker.cli", "demo"], env=env, check=True, capture_output=True)
    _add_users(url)
    engine = ensure_schema(url)
    try:
        overwrite_free_text(engine)
    finally:
        engine.dispose()
    with streamlit_server(env) as served:
        yield served


def test_stored_markdown_images_and_links_make_no_request(page, hostile_app_url):
    own = urlsplit(hostile_app_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_signed_in(page, hostile_app_url)
    for name, _heading in PAGES:
        go_to(page, name)
    go_to(page, "Announcements")
    choose = page.get_by_test_id("stSelectbox").filter(has_text="Open an announcement")
    rerun(page, lambda: choose.click())
    rerun(page, lambda: page.get_by_role("option").first.click())
    page.wait_for_selector(READY)
    quote = page.get_by_test_id("stMarkdown").filter(has_text="evil.example").first
    quote.wait_for()
    assert "![y](http://evil.example/b.png)" in quote.inner_text()  # shown as typed
    # A chart's legend names the commitment as typed: Plotly drew the tag as text, not bold.
    legend = page.locator("[data-testid='stPlotlyChart'] .legendtext").first
    legend.wait_for()
    assert "<b>html</b>" in (legend.text_content() or "")
    page.wait_for_load_state("networkidle")
    assert "evil.example" in page.content()
    assert _outside(requested, own) == []
