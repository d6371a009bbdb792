"""Headlines: the announcements whose headline claim does not add up.

Each headline recorded as stated ("£14.3m for digital", "over £1bn",
"multi-million") is read into a claim and checked against its announcement's
money: all of it, every pound once, and the new money, leaving out money
announced before (tracker/figures/headlines.py; docs/headlines.md). The page
lists those that differ, or count money announced before as new; a switch
shows every recorded headline. The sidebar's filters do not narrow it: a
headline is checked against all its announcement's money.
"""

import pandas as pd
import streamlit as st

from dashboard import auth, downloads
from dashboard.components import engine, tracker_data
from dashboard.table_style import money_column, percent_column
from dashboard.tables import show_table
from tracker.figures.data import data_version
from tracker.figures.headlines import report, report_table, shown_rows
from tracker.figures.register import read_announcements
from tracker.i18n import _, deferred, ngettext

auth.require("view")


@st.cache_resource(show_spinner=False, max_entries=2)
def _announcements(_engine, url: str, version: int) -> pd.DataFrame:
    """Every announcement with its headline claim, shared and never changed."""
    return read_announcements(_engine)


database = engine()
announcements = _announcements(database, database.url.render_as_string(), data_version(database))

st.title(_("Headlines"))
st.caption(
    _(
        "Each headline claim recorded on an announcement, as stated, checked against the money its commitments "
        "state: **all money**, every pound once, and **new money**, leaving out money announced before. 'Over' "
        "adds up at the amount or more, 'up to' at the amount or less, 'about' within 10%, an exact figure to the "
        "penny. The sidebar's filters do not narrow this page."
    )
)

recorded = int(announcements["headline"].notna().sum()) if not announcements.empty else 0
if not recorded:
    st.info(
        _(
            "No headline claim is recorded yet. Add one to an announcement (its headline claim, as stated) on the "
            "Record or Change a record page, or in the headline column of a commitments file."
        ),
        icon=":material/campaign:",
    )
    st.stop()

every = st.toggle(_("Show every recorded headline, those that add up too"), key="headlines_every")
frame = report(tracker_data(), announcements, every=every)
if frame.empty:
    st.success(
        ngettext("The {n} recorded headline adds up.", "All {n} recorded headlines add up.", recorded, n=recorded),
        icon=":material/check_circle:",
    )
    st.stop()

st.caption(
    ngettext(
        "{shown} of {n} recorded headline shown.",
        "{shown} of {n} recorded headlines shown.",
        recorded,
        shown=len(frame),
        n=recorded,
    )
)
show_table(
    shown_rows(frame),
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config={
        "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
        "announced_on": st.column_config.DateColumn(_("Announced"), format="D MMM YYYY"),
        "title": st.column_config.TextColumn(_("Title"), width="medium"),
        "headline": st.column_config.TextColumn(_("Headline claim"), width="medium"),
        "claim": _("Amount claimed"),
        "all_money": money_column(_("All money recorded"), help=_("Every pound its commitments state, once.")),
        "new_money": money_column(_("New money"), help=_("Leaving out money announced before.")),
        "new_share": percent_column(_("Share new")),
        "verdict": _("Verdict"),
    },
)
st.download_button(
    _("Download the headlines (CSV)"),
    deferred(downloads.csv_of, report_table, frame),
    file_name="headlines.csv",
    mime="text/csv",
    icon=":material/download:",
    key="headlines_download",
)
