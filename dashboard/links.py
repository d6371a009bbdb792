"""The address bar: the view (page, its record, the filters) as a link anyone can be sent.

The query string's contract is ``tracker/figures/view_links.py``. Here:

- ``filters_from_address``: before the sidebar's widgets are drawn, when the
  address names filters this session did not write (a link was opened, or a
  link in the app followed), the widgets are set to them.
- ``write_filters``: after, the address is made to say the filters chosen.
  Streamlit clears the query string when the navigation changes page; the
  filters stay in the widgets and are written back on the new page.
- ``asked_record`` and ``show_record``: a page's own key for one record
  (``ref``, ``id``, ``code``), read when a link names it, written as it changes.
- ``copy_link_button``: "Copy link to this view", at the top of every page.
- After a single sign-on the identity provider sends the browser back to
  ``/``; the address asked for before is kept in the tab (``sessionStorage``)
  and opened again (``remember_address_for_sso``, ``return_after_sso``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

import streamlit as st

from tracker.figures import view_links
from tracker.figures.filters import Filters
from tracker.i18n import _

WRITTEN = "_address_filters"  # st.session_state: the filters this session last wrote into the address
YEARS_KEY, NAMED_KEYS = (
    "filter_years",
    {  # the sidebar's widget keys, by query key
        "funder": "filter_funders",
        "recipient": "filter_recipients",
        "programme": "filter_programmes",
        "area": "filter_areas",
    },
)
RETURN_KEY = "tracker-return"  # sessionStorage: the address asked for before a single sign-on
RETURNED = "_returned_after_sso"  # st.session_state: this session already went back to it
COPY_ID = "tracker-copy-link"


def _address_filters() -> dict[str, list[str]]:
    return {key: values for key in view_links.KEYS if (values := st.query_params.get_all(key))}


def filters_from_address(options: Mapping[str, list], year_labels: Sequence[str]) -> tuple[str, ...]:
    """Set the sidebar's widgets to the filters the address names, when this
    session did not write them itself; what was asked for and left out, in words."""
    asked_for = _address_filters()
    if not asked_for or asked_for == st.session_state.get(WRITTEN):
        return ()
    asked = view_links.from_params(asked_for, options)
    state = st.session_state
    if year_labels:
        first, last = asked.filters.first_year, asked.filters.last_year
        state[YEARS_KEY] = (first.label if first else year_labels[0], last.label if last else year_labels[-1])
    for key, widget in NAMED_KEYS.items():
        state[widget] = list(getattr(asked.filters, view_links.NAMED[key]))
    return asked.notes


def write_filters(filters: Filters) -> None:
    """Make the address say ``filters`` (a page's own keys are kept)."""
    wanted = view_links.to_params(filters)
    if _address_filters() != wanted:
        for key in view_links.KEYS:
            if key in wanted:
                st.query_params[key] = wanted[key]
            elif key in st.query_params:
                del st.query_params[key]
    st.session_state[WRITTEN] = wanted


def asked_record(key: str, shown: object) -> str | None:
    """The record the address names under ``key`` (``ref``, ``code``...), when a
    link asked for it: this session did not write it there itself, or the page
    shows no record (``shown`` is None); else None."""
    value = st.query_params.get(key)
    if not value or (value == st.session_state.get(f"_address_{key}") and shown is not None):
        return None
    return value


def show_record(key: str, value: str | None) -> None:
    """Make the address name the record a page shows (None: no record)."""
    st.session_state[f"_address_{key}"] = value
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


# The button copies the address as it is when clicked (the page may have changed it since it was drawn).
# navigator.clipboard needs a secure context (https, or localhost); on plain http inside a council's
# network the older execCommand("copy") still works.
_COPY = """<div class="tracker-copy-link">
<button type="button" id="{id}" title="{title}">{label}</button>
<span id="{id}-said" role="status" aria-live="polite"></span>
</div>
<script>
(() => {{
  const button = document.getElementById({id_json});
  const said = document.getElementById({said_json});
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "1";
  const fallback = (text) => {{
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    const done = document.execCommand("copy"); area.remove(); return done;
  }};
  button.addEventListener("click", async () => {{
    const text = window.location.href;
    let copied = false;
    try {{
      if (navigator.clipboard && window.isSecureContext) {{ await navigator.clipboard.writeText(text); copied = true; }}
    }} catch (e) {{ copied = false; }}
    if (!copied) copied = fallback(text);
    said.textContent = copied ? {copied_json} : {failed_json}.replace("%LINK%", text);
    button.dataset.copied = copied ? text : "";
  }});
}})();
</script>
<style>
.tracker-copy-link button {{
  font: inherit; font-size: 0.875rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.4); background: transparent; color: inherit; min-height: 2.25rem;
}}
.tracker-copy-link button:hover {{ border-color: currentColor; }}
.tracker-copy-link button:focus-visible {{ outline: 3px solid #1c5fa8; outline-offset: 2px; }}
.tracker-copy-link {{ text-align: right; margin-bottom: -1.5rem; }}
.tracker-copy-link span {{ display: block; font-size: 0.8rem; margin-top: 0.25rem; overflow-wrap: anywhere; }}
</style>"""


def copy_link_button() -> None:
    """A "Copy link to this view" button (it copies the address bar: page, record and filters)."""
    element_id = COPY_ID
    st.html(
        _COPY.format(
            id=element_id,
            id_json=json.dumps(element_id),
            said_json=json.dumps(f"{element_id}-said"),
            label=html.escape(_("Copy link to this view"), quote=False),
            title=html.escape(_("Copies the address of this page with its filters"), quote=True),
            copied_json=json.dumps(_("Link copied.")),
            failed_json=json.dumps(_("Copy this link: {link}", link="%LINK%")),
        ),
        unsafe_allow_javascript=True,
    )


_REMEMBER = """<script>
(() => {{
  const here = window.location.pathname + window.location.search;
  if (here === "/" || here === "") sessionStorage.removeItem({key});
  else sessionStorage.setItem({key}, here);
}})();
</script>"""
_RETURN = """<script>
(() => {{
  const wanted = sessionStorage.getItem({key});
  sessionStorage.removeItem({key});
  if (wanted && wanted.startsWith("/") && !wanted.startsWith("//")
      && wanted !== window.location.pathname + window.location.search) window.location.replace(wanted);
}})();
</script>"""


def remember_address_for_sso() -> None:
    """On the sign-in page, before a single sign-on: keep the address asked for, in this tab."""
    st.html(_REMEMBER.format(key=json.dumps(RETURN_KEY)), unsafe_allow_javascript=True, width="content")


def return_after_sso() -> None:
    """On the first signed-in run of a single sign-on session: open the address kept before it."""
    if st.session_state.get(RETURNED):
        return
    st.session_state[RETURNED] = True
    st.html(_RETURN.format(key=json.dumps(RETURN_KEY)), unsafe_allow_javascript=True, width="content")
