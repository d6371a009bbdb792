"""The facts the accessibility statement states (``/accessibility``; docs/accessibility.md).

The Public Sector Bodies (Websites and Mobile Applications) (No. 2)
Accessibility Regulations 2018 ask for a statement saying how far a service
meets the standard, what is not yet accessible and why, how to report a
problem, the enforcement procedure, and how the service was tested. The
facts are kept here, in one place, so that the page and its tests agree; the
browser test that checks every page (tests/browser/test_accessibility_in_browser.py)
allows exactly ``KNOWN_ISSUES`` and nothing more.
"""

from __future__ import annotations

import os
from datetime import date
from typing import NamedTuple

from tracker.i18n import N_

STANDARD = "WCAG 2.2 AA"
CONTACT_VARIABLE = "TRACKER_ACCESSIBILITY_CONTACT"  # where to report a problem: set by whoever runs the tracker
PREPARED_ON = date(2026, 12, 6)
TESTED_ON = date(2026, 12, 6)
AXE_VERSION = "4.14.1"  # tests/browser/axe/package.json pins the same (a test checks)


# How it was tested: each a check that runs again on every change (tests/browser/); the statement lists these.
METHODS: tuple[str, ...] = (
    N_("with axe-core {axe} in Chromium (every WCAG 2.0, 2.1 and 2.2 A and AA rule)"),
    N_("at 320 pixels wide and at 200% zoom, checking that no page scrolls sideways and no text is cut off"),
    N_(
        "by keyboard alone: recording an announcement, reviewing a commitment and downloading the finance "
        "workbook, each form's first field within 10 key presses of the top of its page"
    ),
    N_(
        "in Welsh as well as English: every page's words checked against the message catalogue, and in "
        "Chromium the page titles, headings, a chart, a form's errors and the language the page declares"
    ),
)


class KnownIssue(NamedTuple):
    """Something not yet accessible, in Streamlit's own markup, and why it stays for now."""

    what: str  # in English, marked for the catalogue
    why: str
    upstream: str  # the Streamlit issue that tracks it (or the nearest open one)


NAVIGATION_LIST = KnownIssue(
    N_("The list of pages in the sidebar is not marked up as one list."),
    N_(
        "Streamlit puts each section of its page navigation, a heading and its links, straight inside one list, "
        "so the list holds things that are not list items. Screen readers still read every link, its name and "
        "which page is current; only the count of links and their grouping are lost."
    ),
    "https://github.com/streamlit/streamlit/issues/8399",
)
DOCUMENT_LANGUAGE = KnownIssue(
    N_("The document's language is first announced as English on every page."),
    N_(
        "Streamlit writes the language into its page before the tracker runs; the tracker corrects it as "
        "soon as the page is drawn, so a screen reader may start reading a Welsh page with English sounds."
    ),
    "https://github.com/streamlit/streamlit/issues/15726",
)
CALENDAR_NAMES = KnownIssue(
    N_('The calendar of a date field names its month and year buttons "month" and "year".'),
    N_(
        'Once the calendar is opened, its buttons show the month and year ("November", "2026") but are '
        'named only "month" and "year", so a person using voice control cannot say what they see. A date '
        "can always be typed into the field instead."
    ),
    "https://github.com/streamlit/streamlit/issues/8399",
)
KNOWN_ISSUES: tuple[KnownIssue, ...] = (NAVIGATION_LIST, DOCUMENT_LANGUAGE, CALENDAR_NAMES)


class Allowance(NamedTuple):
    """An axe-core finding the browser test lets pass: only its rule, only inside Streamlit's own element."""

    rule: str  # the axe-core rule id
    within: str  # a CSS selector: the Streamlit element the finding lies inside
    issue: KnownIssue


# Only Streamlit's header, toolbar and page navigation, which the tracker does not draw.
ALLOWANCES: tuple[Allowance, ...] = (
    Allowance("list", '[data-testid="stSidebarNav"]', NAVIGATION_LIST),
    Allowance("listitem", '[data-testid="stSidebarNav"]', NAVIGATION_LIST),
)


def contact() -> str | None:
    """Where to report an accessibility problem (an email address or a web address), if set."""
    value = os.environ.get(CONTACT_VARIABLE, "").strip()
    return value or None
