"""Search: everything the tracker holds, found by the words in it.

Announcements, commitments, organisations, programmes and places, by words
in their titles, purposes, quoted words, names, other names, identifiers and
codes (tracker/figures/search.py). Results are grouped by kind, each a link
to its own page. The search is in the address (``/search?q=...``), so it can
be sent as a link too. The sidebar's filters do not narrow it: it finds what
exists.
"""

import pandas as pd
import streamlit as st

from dashboard import auth, links
from dashboard.components import engine, tracker_data
from dashboard.navigation import PAGES
from tracker.figures import search
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.register import read_announcements
from tracker.i18n import _
from tracker.records import listings

auth.require("view")

TEXT = "search_text"
FILES = {page.url_path: page.path for page in PAGES}


@st.cache_resource(show_spinner=False, max_entries=2)
def _index(_engine, url: str, version: int) -> search.SearchIndex:
    """The search index, built once per change of the data; shared, never changed."""
    data = tracker_data()
    announcements: pd.DataFrame = read_announcements(_engine)
    return search.build(data, announcements, listings.organisations(_engine))


st.title(_("Search"))
st.caption(
    _(
        "Find announcements, commitments, organisations, programmes and places by the words in their titles, "
        "purposes, quoted words, names, identifiers and codes. Every word typed must be there; case and accents "
        "do not matter. The sidebar's filters do not narrow a search."
    )
)

asked = links.asked_record("q", st.session_state.get(TEXT) or None)
if asked is not None:
    st.session_state[TEXT] = asked
text = st.text_input(
    _("Search for"),
    key=TEXT,
    icon=":material/search:",
    placeholder=_("e.g. digital squads, CDPS, Caerdydd, W06000015"),
)
links.show_record("q", text or None)
if not search.words(text):
    st.info(_("Type a word or two above, then press Enter."), icon=":material/search:")
    st.stop()

database = engine()
with st.spinner(_("Gathering the words of every record…")):
    index = _index(database, database.url.render_as_string(), data_version(database))
found = search.search(index, text)
if not found:
    st.info(
        escape_markdown(_("Nothing holds every word of “{text}”. Try fewer words, or another spelling.", text=text)),
        icon=":material/search_off:",
    )
    st.stop()

for group in found:
    shown = len(group.results)
    kind, total = _(search.KIND_LABELS[group.kind]), f"{group.total:,}"
    if group.total > shown:
        st.header(
            _(
                "{kind}: {total} (the first {shown} of {total}: add a word to narrow it)",
                kind=kind,
                total=total,
                shown=shown,
            )
        )
    else:
        st.header(_("{kind}: {total}", kind=kind, total=total))
    for result in group.results:
        st.page_link(  # names and titles as typed: never markdown
            FILES[result.page],
            label=f"{escape_markdown(result.label)} — :gray[{escape_markdown(result.detail)}]",
            query_params=result.query,
        )
