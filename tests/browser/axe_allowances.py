"""The axe-core findings the accessibility test lets pass: each is in markup
Streamlit draws itself (its header, toolbar and page navigation), which the
tracker cannot change, with the reason and the upstream Streamlit issue.

The only place they are listed; docs/accessibility.md ("Known issues in
Streamlit's own markup") says the same to readers, and a test checks the two
agree. A finding is let pass only when its rule is the one named and the
element axe names lies inside ``within`` (a CSS selector for Streamlit's own
element); anything in the tracker's content, the sidebar's filters and account
included, is never let pass.
"""

from __future__ import annotations

from typing import NamedTuple


class Allowance(NamedTuple):
    rule: str  # the axe-core rule id
    within: str  # a CSS selector: the Streamlit element the finding lies inside
    reason: str
    issue: int  # github.com/streamlit/streamlit/issues/<issue>


_NAV_LIST = (
    "Streamlit's sidebar navigation (st.navigation with sections) puts each section, a <div> holding its "
    "<header> and its links' <li>, straight inside one <ul>: the <ul> has children that are not list items and "
    "the <li> have no list for a parent. Screen readers still read each link, its name and the current page "
    "(aria-current); only the list's count and grouping are lost. The markup is Streamlit's (SidebarNav), "
    "drawn on every signed-in page; no upstream issue names it yet, the nearest open one is 'Basic "
    "accessibility web features' (structure)."
)
ALLOWANCES: tuple[Allowance, ...] = (
    Allowance("list", '[data-testid="stSidebarNav"]', _NAV_LIST, 8399),
    Allowance("listitem", '[data-testid="stSidebarNav"]', _NAV_LIST, 8399),
)
