"""The app makes no request to any address but its own: no fonts, icons or
scripts from a CDN (councils' networks often block outside addresses, and a
third party should not learn who opens the tracker). Every request the
browser makes while signing in and opening every page is recorded."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.conftest import go_to, open_signed_in
from tests.browser.test_every_page_in_browser import PAGES


def test_signing_in_and_every_page_request_only_the_apps_own_address(page, app_url):
    own = urlsplit(app_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_signed_in(page, app_url)
    for name, _heading in PAGES:
        go_to(page, name)
    page.wait_for_load_state("networkidle")
    assert requested, "no request was recorded"
    outside = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
        }
    )
    assert outside == [], outside
    # The page's icon is the app's own file, not a font's.
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href") or ""
    assert urlsplit(icon).netloc in ("", own) and not icon.startswith("data:font")
