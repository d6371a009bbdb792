"""A link that takes keyboard focus straight to a form lower down the page.

On the Review page the status form sits in the last of four tabs, after the
meeting's headline figures (each with its help button) and the pack
downloads: 18 key presses from the top of the page, where issue 18 asks for
10 at most. This link, near the top, opens the form's tab and puts focus in
its first field (Enter on a link is a click), as an in-page "skip to" link
would. A pointer follows it the same way.

Streamlit puts a widget's key in a class of the element around it
(``st-key-<key>``), tabs' too: the script finds the tab by its label among
the tabs keyed ``tabs_key`` and the field by its key. A tab opened by a click
starts a rerun (``on_change="rerun"``); the field is focused once its tab
panel is shown.
"""

from __future__ import annotations

import html

import streamlit as st

_SCRIPT = """<script>
(() => {
  if (window.__trackerJumpLinks) return;
  window.__trackerJumpLinks = true;
  const shown = (element) => element && element.getClientRects().length > 0;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.tracker-jump-link");
    if (!link) return;
    event.preventDefault();
    const tabs = document.querySelector(".st-key-" + CSS.escape(link.dataset.tabs));
    const tab = tabs && [...tabs.querySelectorAll('[role="tab"]')].find((t) => t.innerText.trim() === link.dataset.tab);
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    const field = () => link.dataset.fields.split(" ").map((key) => {
      const box = document.querySelector(".st-key-" + CSS.escape(key));
      return box && box.querySelector('[role="combobox"], input:not([type="hidden"]), textarea');
    }).find(Boolean);
    const started = Date.now();
    const focus = () => {
      const input = field();
      if (shown(input)) {
        input.scrollIntoView({block: "center"});
        input.focus({preventScroll: true});
      } else if (Date.now() - started < 10000) {
        setTimeout(focus, 50);
      }
    };
    focus();
  });
})();
</script>"""


def jump_link(label: str, *, tabs_key: str, tab: str, field_keys: tuple[str, ...]) -> None:
    """A link labelled ``label`` that opens the tab ``tab`` (its label as
    shown) of the tabs keyed ``tabs_key`` and focuses the first of the widgets
    keyed ``field_keys`` the page draws (a picker's search box when it has one, else the picker)."""
    attributes = " ".join(
        f'data-{name}="{html.escape(value, quote=True)}"'
        for name, value in (("tabs", tabs_key), ("tab", tab), ("fields", " ".join(field_keys)))
    )
    st.html(
        f'<a class="tracker-jump-link" href="#" {attributes}>{html.escape(label)}</a>{_SCRIPT}',
        unsafe_allow_javascript=True,
    )
