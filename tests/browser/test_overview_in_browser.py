"""The Overview as a person sees it in Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import open_signed_in


def test_overview_shows_the_demo_figures_and_draws_the_chart(page, app_url, screenshot_dir):
    open_signed_in(page, app_url)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_contain_text("at least £13.3m")
    expect(page.get_by_text("Delivery figures are illustrative.")).to_be_visible()
    expect(page.get_by_text("In 2021-22, £5.4m was committed")).to_be_visible()
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    # Four series: committed and delivered bars, two cumulative lines.
    expect(page.locator('[data-testid="stPlotlyChart"] .legendtext')).to_have_count(4)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(screenshot_dir / "overview.png"), full_page=True)
