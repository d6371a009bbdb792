"""Layout at the widths people use: 1024 px (a laptop with the sidebar open)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_signed_in

pytestmark = pytest.mark.markup


def test_headline_figures_are_whole_at_1024_px(page, app_url):
    page.set_viewport_size({"width": 1024, "height": 900})
    open_signed_in(page, app_url)
    values = page.get_by_test_id("stMetricValue")
    expect(values.first).to_be_visible()
    for index in range(values.count()):
        value = values.nth(index)
        text = value.inner_text()
        assert "…" not in text and "..." not in text, text
        cut = value.evaluate("e => [...e.querySelectorAll('*'), e].some(n => n.scrollWidth > n.clientWidth + 1)")
        assert not cut, f"metric {index} ({text!r}) is wider than its box"
