"""Every page as a person reaches it: through the navigation, in Chromium."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import download_committed_and_delivered, go_to, open_signed_in

PAGES = [
    ("Overview", "Committed against delivered, by financial year"),
    ("Announcements", "Announcements"),
    ("Headlines", "Headlines"),
    ("New and recycled", "New and recycled"),
    ("Delivery", "Delivery"),
    ("Review", "Review"),
    ("Finance tables", "Finance tables"),
    ("Areas", "Areas"),
    ("Organisations", "Organisations"),
    ("Search", "Search"),
    ("Record", "Record"),
    ("Change a record", "Change a record"),
    ("Import", "Import"),
    ("Audit trail", "Audit trail"),
    ("Deleted records", "Deleted records"),
    ("Manage organisations", "Manage organisations"),
    ("Users", "Users"),
    ("Deflators", "Deflators"),
    ("Account", "Account"),
]


def _open(page, app_url: str, name: str) -> None:
    open_signed_in(page, app_url)
    go_to(page, name)


@pytest.mark.parametrize(("name", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_opens_from_the_navigation_without_an_error(page, app_url, screenshot_dir, name, heading):
    _open(page, app_url, name)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    expect(page.locator("h1").first).to_have_text(name)  # each page's first heading is its name
    if page.locator('[data-testid="stPlotlyChart"]').count():
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Traceback").count() == 0
    page.screenshot(path=str(screenshot_dir / f"{name.lower().replace(' ', '-')}.png"), full_page=True)


def test_the_finance_workbook_download_matches_the_command_line_totals(page, app_url, app_env, tmp_path):
    _open(page, app_url, "Finance tables")
    workbook = {
        year: (amounts["Committed"], amounts["Delivered"])
        for year, amounts in download_committed_and_delivered(page, tmp_path).items()
    }

    cli = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "totals", "--format", "csv"],
        env=app_env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = {
        row["financial_year"]: (Decimal(row["committed"]), Decimal(row["delivered"]))
        for row in csv.DictReader(io.StringIO(cli.stdout))
    }
    assert workbook == expected
    assert expected["2021-22"][0] == Decimal("5400000.00")
