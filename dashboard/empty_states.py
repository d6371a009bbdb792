"""What a page says when it has nothing to show: what is missing, and what to
do about it in the app, with links to the pages where it is done.

One wording for every page. Someone who may record or import is sent to the
Record or Import page (links only to the pages their roles open); someone who
may not is told which role can ("Ask someone with the editor role to…").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import streamlit as st

from dashboard import auth
from dashboard.components import View
from tracker.core.vocabulary import ROLE_LABELS, label
from tracker.i18n import N_, _

RECORD_PAGE, IMPORT_PAGE = "app_pages/record.py", "app_pages/import_data.py"


class Way(NamedTuple):
    action: str  # the permission it needs (tracker.records.permissions)
    page: str
    doing: str  # what to do, after "To add them," / "Ask ... to"
    link: str  # the link's words


WAYS = {
    "commitments": (
        Way(
            "create_announcement",
            RECORD_PAGE,
            N_("record an announcement and its money on the Record page"),
            N_("Record"),
        ),
        Way("import_commitments", IMPORT_PAGE, N_("import a commitments file on the Import page"), N_("Import")),
    ),
    "its commitments": (  # of an announcement recorded without them
        Way(
            "import_commitments",
            IMPORT_PAGE,
            N_("import a commitments file naming it on the Import page"),
            N_("Import"),
        ),
    ),
    "deliveries": (
        Way("record_delivery", RECORD_PAGE, N_("record a payment on the Record page"), N_("Record")),
        Way("import_deliveries", IMPORT_PAGE, N_("import a deliveries file on the Import page"), N_("Import")),
    ),
}
ICONS = {RECORD_PAGE: ":material/edit_note:", IMPORT_PAGE: ":material/upload_file:"}


def advice(what: str) -> tuple[str, tuple[Way, ...]]:
    """What to do to add ``what`` ("commitments", "deliveries"), in words, and
    the ways the signed-in user may take (none: who to ask)."""
    ways = WAYS[what]
    yours = tuple(way for way in ways if auth.may(way.action))
    if yours:
        return _("To add them, {ways}.", ways=_either(_(way.doing) for way in yours)), yours
    roles = _either(label(ROLE_LABELS, role).lower() for role in auth.roles_needed(*(way.action for way in ways)))
    doing = _either(_(way.doing) for way in ways)
    return _("Ask someone with the {roles} role to {ways}.", roles=roles, ways=doing), ()


def _either(choices: Iterable[str]) -> str:
    """``a``, ``a or b``, ``a or b or c`` (each already in the language in use)."""
    first, *more = choices
    for choice in more:
        first = _("{first} or {second}", first=first, second=choice)
    return first


def empty_state(said: str, what: str = "commitments", icon: str = ":material/info:") -> None:
    """``said`` (what is missing, markdown, in the language in use), what to do in the app, and a link to each
    page to do it on."""
    words, ways = advice(what)
    st.info(_("{said} {advice}", said=said, advice=words), icon=icon)
    if ways:
        for column, way in zip(st.columns(len(ways) + 2), ways):
            with column:
                st.page_link(way.page, label=_(way.link), icon=ICONS[way.page])


def stop_if_nothing_to_show(view: View, nothing: bool) -> None:
    """The empty state: say what to do, then stop the page."""
    if not nothing:
        return
    if view.everything.commitments.empty:
        empty_state(_("No commitments recorded yet."))
    else:
        filtered_out(_("No money matches these filters."))
    st.stop()


def filtered_out(said: str) -> None:
    """``said`` (there is data, but the sidebar's filters leave none of it, in the language in use), and how to
    see it."""
    st.info(_("{said} Widen the years or clear a filter in the sidebar.", said=said), icon=":material/filter_alt_off:")
