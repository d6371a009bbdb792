"""Reflow (WCAG 2.2, 1.4.10 and 1.4.4): at 320 CSS pixels wide, and at 200% zoom of a
1280-pixel window (640 CSS pixels), every page reads without scrolling sideways and no text
is cut off. Data tables and charts may scroll inside their own box (the criterion's exception
for content that needs two dimensions); nothing else may.
"""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES
from tests.browser.conftest import READY, open_signed_in

pytestmark = pytest.mark.markup

WIDTHS = {"320 px": (320, 1, 256), "200% zoom": (640, 2, 360)}  # CSS width, device pixels per CSS pixel, height

# What in the main area is wider than its box, and what text is cut off by a box that hides its overflow.
CUT_OFF = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const exempt = '[data-testid="stDataFrame"], [data-testid="stPlotlyChart"], .stPlotlyChart, .print-only, '
    + '[data-testid="stTable"], [data-testid="stHtml"]';
  const found = [];
  if (main.scrollWidth > main.clientWidth + 1)
    found.push(`the page scrolls sideways: ${main.scrollWidth} px in ${main.clientWidth} px`);
  for (const node of main.querySelectorAll('*')) {
    if (node.closest(exempt) || !node.offsetParent) continue;
    const style = getComputedStyle(node);
    const hides = ['hidden', 'clip'].includes(style.overflowX);
    const text = [...node.childNodes].some(child => child.nodeType === 3 && child.textContent.trim());
    if (hides && node.scrollWidth > node.clientWidth + 1 && (text || node.innerText.trim())) {
      found.push(`cut off: <${node.tagName.toLowerCase()} data-testid=${node.dataset.testid || ''}> `
        + `${JSON.stringify(node.innerText.trim().slice(0, 60))} (${node.scrollWidth} px in ${node.clientWidth} px)`);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_reflows(browser, app_url, width):
    css_width, scale, height = WIDTHS[width]
    context = browser.new_context(viewport={"width": css_width, "height": height}, device_scale_factor=scale)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_signed_in(page, app_url)
        problems = []
        for shown in PAGES:
            page.goto(f"{app_url}/{shown.url_path}")
            page.wait_for_selector(READY)
            page.get_by_role("heading", name=shown.title, exact=True, level=1).wait_for()
            problems += [f"{shown.title}: {problem}" for problem in page.evaluate(CUT_OFF)]
        assert not problems, "\n".join(problems)
    finally:
        context.close()
