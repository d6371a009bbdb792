"""WCAG 2.2 AA in Chromium: axe-core on every page, signed in as each role
that may open it, and on the sign-in page signed out; the keyboard's focus
seen at every tab stop; the skip link; tables' toolbars shown.

axe-core (pinned in tests/browser/axe/package-lock.json, installed by ``npm
ci``) runs its WCAG 2.0, 2.1 and 2.2 A and AA rules over the whole document;
any serious or critical finding fails the test, named by page, role, rule,
element and axe's summary, except the few in Streamlit's own header, toolbar
and page navigation listed in tracker/accessibility.py. The same pass
checks that headings never skip a level (h1 then h3), in the main area and in
the sidebar: axe's own rule for that is not a WCAG one.

One browser context per role, signed in once for the whole module; a role's
pages are opened from the sidebar's navigation, in one browser tab (opening
each by its address loads the whole app again: three times slower).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from dashboard import auth
from dashboard.accessible_style import FOCUS_RING, FOCUS_WIDTH_PX, RINGED
from dashboard.navigation import PAGES, Page
from tests.browser.conftest import READY, USERS, go_to, open_signed_in
from tests.browser.png_pixels import pixels
from tests.services import require_axe
from tracker.accessibility import ALLOWANCES, AXE_VERSION
from tracker.accounts import SignedIn
from tracker.core.vocabulary import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.markup]

ROOT = Path(__file__).resolve().parents[2]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# role: the user of conftest.USERS who holds it alone
ROLE_USERS = {roles[0]: username for username, roles in USERS.items() if len(roles) == 1}
VIEWPORT = {"width": 1400, "height": 1000}

# axe over the document; the serious and critical findings, each element but
# those an allowance lets pass ("within" is a selector the element lies inside).
_AXE = """async ({tags, allowances}) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const found = [];
  for (const rule of results.violations) {
    for (const node of rule.nodes) {
      const impact = node.impact || rule.impact;
      if (impact !== "serious" && impact !== "critical") continue;
      const element = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
      if (element && allowances.some(a => a.rule === rule.id && element.closest(a.within))) continue;
      found.push({rule: rule.id, impact, target: node.target.join(" > "), summary: node.failureSummary || rule.help});
    }
  }
  return found;
}"""

# Each heading whose level is more than one below the heading before it, in
# the sidebar and in the main area (each read on its own, in document order).
_SKIPPED_HEADINGS = """() => {
  const skipped = [];
  for (const area of document.querySelectorAll('[data-testid="stSidebar"], [data-testid="stMain"]')) {
    let level = area.matches('[data-testid="stSidebar"]') ? 1 : 0;
    for (const heading of area.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      const now = Number(heading.tagName[1]);
      if (now > level + 1) skipped.push(`h${now} "${heading.textContent.trim()}" after h${level}`);
      level = now;
    }
  }
  return skipped;
}"""

_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .every(chart => chart.querySelector(".main-svg"))"""

# What has the focus, named, and the box its ring is drawn on (accessible_style.RINGED, else itself).
_FOCUSED = """async (ringed) => {
  const fading = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(fading.map(a => a.finished.catch(() => null)));  // a ring fading in is measured once in
  const active = document.activeElement;
  if (!active || active === document.body) return null;
  const box = (document.querySelector(ringed) || active).getBoundingClientRect();
  const name = active.getAttribute("aria-label") || active.innerText || active.getAttribute("title") || "";
  const where = active.closest("[data-testid]");
  return {name: `${active.tagName.toLowerCase()} "${name.trim().slice(0, 40)}" in ${where && where.dataset.testid}`,
          x: box.x, y: box.y, width: box.width, height: box.height, skip: active.dataset.testid === "stSkipToContent",
          main: !!active.closest('[data-testid="stMain"]'),
          kind: `${active.tagName} ${active.getAttribute("role")} ${where && where.dataset.testid} ${box.width}x${box.height}`};
}"""

# The pages (and the role that opens them) whose tab stops are checked for a
# visible focus ring: between them every kind of widget the tracker draws. The
# first is checked from the page's start, sidebar included; the others from
# the skip link on, in the main area only (the sidebar is the same on each).
KEYBOARD_PAGES = [("Finance tables", "admin"), ("Record", "editor"), ("Import", "editor"), ("Review", "reviewer")]


def _opens(page: Page, role: str) -> bool:
    """Whether the navigation shows ``page`` to a user holding ``role`` alone (as dashboard/frame.py decides)."""
    return auth.allows(SignedIn(user_id=0, username=ROLE_USERS[role], roles=frozenset({role})), *page.actions)


def _open(tab, shown: Page) -> None:
    """Open ``shown`` from the sidebar's navigation and wait until it is drawn, charts too."""
    go_to(tab, shown.title)
    tab.get_by_role("heading", level=1, name=shown.title, exact=True).wait_for()
    tab.wait_for_function(_CHARTS_DRAWN)


def _from_the_start(tab) -> None:
    """Move the keyboard's starting point to the top of the document, as a page load leaves it
    (a page opened from the navigation leaves it on the link followed)."""
    tab.evaluate(
        "() => { document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex'); }"
    )


def _page(title: str) -> Page:
    return next(shown for shown in PAGES if shown.title == title)


@pytest.fixture(scope="module")
def axe_source() -> str:
    return require_axe().read_text()


@pytest.fixture(scope="module")
def signed_in(browser, app_url) -> Iterator[Callable[[str], object]]:
    """``signed_in(role)``: a browser tab signed in as ``role``'s user, one context per role for the module."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    tabs: dict[str, object] = {}
    contexts = []

    def tab_for(role: str):
        if role not in tabs:
            context = browser.new_context(viewport=VIEWPORT)
            contexts.append(context)
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            open_signed_in(tab, app_url, ROLE_USERS[role])  # (it waits for the sign-in cookie)
            tabs[role] = tab
        return tabs[role]

    yield tab_for
    for context in contexts:
        context.close()


def _problems(tab, axe_source: str, where: str) -> list[str]:
    """What axe and the headings check find on the page on screen, each line naming ``where``."""
    if not tab.evaluate("() => !!window.axe"):
        tab.add_script_tag(content=axe_source)
    allowances = [{"rule": a.rule, "within": a.within} for a in ALLOWANCES]
    found = tab.evaluate(_AXE, {"tags": TAGS, "allowances": allowances})
    problems = [f"{where}: {f['impact']} {f['rule']} at {f['target']}: {' '.join(f['summary'].split())}" for f in found]
    problems += [f"{where}: heading skips a level: {skip}" for skip in tab.evaluate(_SKIPPED_HEADINGS)]
    if tab.get_by_test_id("stException").count():
        problems.append(f"{where}: the page failed to draw")
    return problems


def test_the_roles_cover_every_role():
    assert set(ROLE_USERS) == set(ROLES)


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_page_a_role_opens_has_no_serious_accessibility_failure(signed_in, axe_source, role):
    tab = signed_in(role)
    opened = [shown for shown in PAGES if _opens(shown, role)]
    assert len(opened) >= 9  # the figures and the account, at least
    problems = []
    for shown in opened:
        _open(tab, shown)
        problems += _problems(tab, axe_source, f"{shown.title} as {role}")
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_has_no_serious_accessibility_failure(browser, app_url, axe_source):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(app_url)
        tab.wait_for_selector(READY)
        tab.get_by_role("heading", level=1, name="Sign in", exact=True).wait_for()
        problems = _problems(tab, axe_source, "Sign in, signed out")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def _ring_pixels(tab, box: dict) -> tuple[int, int]:
    """(pixels of FOCUS_RING's colour on screen around ``box``'s edges, how many a whole ring has).

    Read from a screenshot of each edge's band (of the whole box when it is
    small). Chromium draws a colour a few units off in some layers, hence the
    tolerance: nothing else on the pages is that dark a blue."""
    reach = FOCUS_WIDTH_PX + 5  # the ring is 2 px outside the edge (or its width inside)
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    if width * height < 40_000:
        bands = [(x - reach, y - reach, width + 2 * reach, height + 2 * reach)]
    else:
        bands = [
            (x - reach, y - reach, width + 2 * reach, 2 * reach),  # top
            (x - reach, y + height - reach, width + 2 * reach, 2 * reach),  # bottom
            (x - reach, y + reach, 2 * reach, height - 2 * reach),  # left, between the corners
            (x + width - reach, y + reach, 2 * reach, height - 2 * reach),  # right
        ]
    ring = np.array([int(FOCUS_RING[i : i + 2], 16) for i in (1, 3, 5)])
    found = 0
    for left, top, wide, high in bands:
        right, bottom = min(VIEWPORT["width"], left + wide), min(VIEWPORT["height"], top + high)
        left, top = max(0, left), max(0, top)
        if right - left >= 1 and bottom - top >= 1:
            shot = tab.screenshot(clip={"x": left, "y": top, "width": right - left, "height": bottom - top})
            found += int((np.abs(pixels(shot).astype(int) - ring).max(axis=2) <= 24).sum())
    return found, round(2 * (width + height) * FOCUS_WIDTH_PX)


@pytest.mark.parametrize(("title", "role"), KEYBOARD_PAGES, ids=[f"{t}-{r}" for t, r in KEYBOARD_PAGES])
def test_every_tab_stop_shows_the_focus_ring(signed_in, title, role):
    """Tab to every stop in turn: each shows at least half a ring of FOCUS_RING
    on screen (a ring clipped away, or on something hidden, fails). Stops of
    one kind and size (the navigation's links, a grid's cells) are measured once."""
    tab = signed_in(role)
    _open(tab, _page(title))
    _from_the_start(tab)
    ringed = ", ".join(RINGED)
    whole_page = (title, role) == KEYBOARD_PAGES[0]
    if not whole_page:
        tab.keyboard.press("Tab")
        tab.keyboard.press("Enter")  # the skip link: into the main area
    faint, seen, kinds = [], [], set()
    for stop in range(200):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(_FOCUSED, ringed)
        if focused is None or (stop and focused["skip"]) or (not whole_page and not focused["main"]):
            break  # back at the start, or out of the main area
        seen.append(focused["name"])
        if focused["kind"] in kinds:
            continue
        kinds.add(focused["kind"])
        found, whole = _ring_pixels(tab, focused)
        if found * 2 < whole:
            faint.append(f"{title} as {role}, tab stop {stop + 1}, {focused['name']}: {found} of {whole} ring pixels")
    assert len(seen) >= 5, seen
    assert not faint, "\n".join(faint)


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_the_main_area(signed_in, app_url):
    tab = signed_in("viewer")
    tab.goto(f"{app_url}/delivery")  # a page as loaded: nothing has had the focus yet
    tab.wait_for_selector(READY)
    tab.get_by_role("heading", level=1, name="Delivery", exact=True).wait_for()
    tab.keyboard.press("Tab")
    assert tab.evaluate("() => document.activeElement.innerText") == "Skip to main content"
    tab.keyboard.press("Enter")
    assert tab.evaluate("() => document.activeElement.dataset.testid") == "stMain"
    tab.keyboard.press("Tab")  # the next stop is the main area's first control, not the sidebar's
    assert tab.evaluate("() => document.activeElement.id") == "tracker-copy-link"


def test_a_tables_toolbar_shows_without_hovering_and_nothing_covers_it(signed_in):
    tab = signed_in("viewer")
    _open(tab, _page("Finance tables"))
    tab.mouse.move(0, 0)
    toolbar = tab.get_by_test_id("stElementToolbar").first
    assert toolbar.evaluate("e => getComputedStyle(e).opacity") == "1"
    buttons = toolbar.get_by_role("button").all()
    assert len(buttons) >= 3  # columns, download, search, full screen
    for button in buttons:
        covered = button.evaluate(
            "b => { const r = b.getBoundingClientRect(); const at = document.elementFromPoint(r.x + r.width / 2, "
            "r.y + r.height / 2); return !b.contains(at); }"
        )
        assert not covered, f"the table's {button.get_attribute('aria-label')} button is under something else"


def test_the_allowances_are_in_streamlits_header_toolbar_and_navigation_only():
    own = ('[data-testid="stHeader"]', '[data-testid="stToolbar"]', '[data-testid="stSidebarNav"]')
    for allowance in ALLOWANCES:
        assert allowance.issue.why and allowance.issue.upstream.startswith("https://github.com/streamlit/"), allowance
        assert allowance.within in own, allowance


def test_docs_list_every_allowance():
    text = (ROOT / "docs" / "accessibility.md").read_text()
    known = text.split("## Known issues in Streamlit's own markup", 1)[1]
    for allowance in ALLOWANCES:
        assert allowance.issue.upstream in known and f"`{allowance.rule}`" in known, allowance


def test_the_statement_names_the_axe_core_that_is_pinned():
    pinned = json.loads((ROOT / "tests" / "browser" / "axe" / "package.json").read_text())
    assert pinned["dependencies"]["axe-core"] == AXE_VERSION
