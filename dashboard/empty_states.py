"""What a page says when it has nothing to show: what is missing, and what to
do about it in the app, with links to the pages where it is done.

One wording for every page. Someone who may record or import is sent to the
Record or Import page (links only to the pages their roles open); someone who
may not is told which role can ("Ask someone with the editor role to…").
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from dashboard import auth
from dashboard.components import View

RECORD_PAGE, IMPORT_PAGE = "app_pages/record.py", "app_pages/import_data.py"


class Way(NamedTuple):
    action: str  # the permission it needs (tracker.records.permissions)
    page: str
    doing: str  # what to do, after "To add them," / "Ask ... to"
    link: str  # the link's words


WAYS = {
    "commitments": (
        Way("create_announcement", RECORD_PAGE, "record an announcement and its money on the Record page", "Record"),
        Way("import_commitments", IMPORT_PAGE, "import a commitments file on the Import page", "Import"),
    ),
    "its commitments": (  # of an announcement recorded without them
        Way("import_commitments", IMPORT_PAGE, "import a commitments file naming it on the Import page", "Import"),
    ),
    "deliveries": (
        Way("record_delivery", RECORD_PAGE, "record a payment on the Record page", "Record"),
        Way("import_deliveries", IMPORT_PAGE, "import a deliveries file on the Import page", "Import"),
    ),
}
ICONS = {RECORD_PAGE: ":material/edit_note:", IMPORT_PAGE: ":material/upload_file:"}


def advice(what: str) -> tuple[str, tuple[Way, ...]]:
    """What to do to add ``what`` ("commitments", "deliveries"), in words, and
    the ways the signed-in user may take (none: who to ask)."""
    ways = WAYS[what]
    yours = tuple(way for way in ways if auth.may(way.action))
    if yours:
        return f"To add them, {' or '.join(way.doing for way in yours)}.", yours
    roles = " or ".join(auth.roles_needed(*(way.action for way in ways)))
    return f"Ask someone with the {roles} role to {' or '.join(way.doing for way in ways)}.", ()


def empty_state(said: str, what: str = "commitments", icon: str = ":material/info:") -> None:
    """``said`` (what is missing, markdown), what to do in the app, and a link to each page to do it on."""
    words, ways = advice(what)
    st.info(f"{said} {words}", icon=icon)
    if ways:
        for column, way in zip(st.columns(len(ways) + 2), ways):
            with column:
                st.page_link(way.page, label=way.link, icon=ICONS[way.page])


def stop_if_nothing_to_show(view: View, nothing: bool) -> None:
    """The empty state: say what to do, then stop the page."""
    if not nothing:
        return
    if view.everything.commitments.empty:
        empty_state("No commitments recorded yet.")
    else:
        filtered_out("No money matches these filters.")
    st.stop()


def filtered_out(said: str) -> None:
    """``said`` (there is data, but the sidebar's filters leave none of it), and how to see it."""
    st.info(f"{said} Widen the years or clear a filter in the sidebar.", icon=":material/filter_alt_off:")
