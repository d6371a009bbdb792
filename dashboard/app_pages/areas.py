"""Areas: the money for one place (a council area, Wales, the UK), by financial
year, by announcement and by commitment. Each area has its own address
(``/areas?code=W06000015``); each announcement listed links to its own."""

import streamlit as st

from dashboard import auth, downloads, links
from dashboard.components import current_view, filters_caption, money_column, pager
from dashboard.tables import show_table
from tracker.core.money import format_short, to_decimal
from tracker.core.places import principal_areas
from tracker.figures.area_view import area_view
from tracker.figures.areas import area_label
from tracker.figures.areas import identity_line as area_identity
from tracker.figures.delivery import in_pounds, qualified
from tracker.figures.filters import area_choices
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.table_cells import EMPTY
from tracker.i18n import _, deferred

auth.require("view")

PICK = "areas_pick"
shown = current_view()

st.title(_("Areas"))
st.caption(
    "The money that names a place: a Welsh council area, Wales, the UK or any other ONS area code. "
    "Money naming several areas is under each in full, so areas do not add up to the whole."
)
filters_caption(shown)

with_money = area_choices(shown.data)
others = sorted(set(principal_areas()) - set(with_money), key=lambda code: area_label(code).casefold())
options = with_money + others
if not options:
    st.info("No money recorded names an area yet.", icon=":material/info:")
    st.stop()
asked = (links.asked_record("code", st.session_state.get(PICK)) or "").upper()
if asked in options:
    st.session_state[PICK] = asked
elif asked:
    st.warning(
        escape_markdown(f"No area {asked!r} is known here: showing {area_label(options[0])} instead.")
    )  # the address is anyone's text
code = st.selectbox(
    "Area",
    options,
    format_func=lambda code: area_label(code) + ("" if code in with_money else " (no money recorded)"),
    key=PICK,
)
links.show_record("code", code)
view = area_view(shown.data, code, shown.today)

st.header(escape_markdown(view.label))
st.caption(escape_markdown(area_identity(code)))
st.markdown(escape_markdown(view.sentence()))
if view.is_empty:
    st.stop()

committed, delivered, shared = st.columns(3)
committed.metric(
    "Committed",
    qualified(format_short(view.headline.committed), view.headline.qualifier),
    help=f"Exactly {to_decimal(view.headline.committed):,} pounds, shared money in full.",
)
delivered.metric(
    "Delivered", format_short(view.headline.delivered), help=f"Exactly {to_decimal(view.headline.delivered):,} pounds."
)
shared.metric(
    "Shared with other areas",
    format_short(view.shared),
    help="Money that also names other areas: counted in full under each of them too.",
)

st.markdown("**By financial year**")
show_table(
    in_pounds(view.yearly, ["committed", "new_money", "estimated", "delivered", "variance"])[
        ["label", "committed", "new_money", "estimated", "delivered", "variance", "status"]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "label": st.column_config.TextColumn("Financial year"),
        "committed": money_column("Committed"),
        "new_money": money_column("New money", help="Committed less money announced before."),
        "estimated": money_column("Estimated", help="Placed in this year by a chosen spread, not as announced."),
        "delivered": money_column("Delivered"),
        "variance": money_column("Variance", help="Delivered minus committed: negative when behind."),
        "status": st.column_config.TextColumn("At year end"),
    },
)

st.markdown("**Announcements with money naming this area**")
announcements = pager(len(view.announcements), f"areas_announcements_page_{code}", "announcements")
show_table(
    in_pounds(announcements.rows(view.announcements), ["committed"]),
    hide_index=True,
    width="stretch",
    placeholder=EMPTY,
    column_order=["address", "announced_on", "title", "funder", "committed"],
    column_config={
        "address": st.column_config.LinkColumn("Ref", display_text=r"ref=(.*)$", pinned=True),
        "announced_on": st.column_config.DateColumn("Announced", format="D MMM YYYY"),
        "title": st.column_config.TextColumn("Title", width="large"),
        "funder": st.column_config.TextColumn("Funder"),
        "committed": money_column(
            "Committed here", help="The money of its commitments that name this area, in full even when shared."
        ),
    },
)

st.markdown("**Commitments naming this area**")
page = pager(len(view.commitments), f"areas_page_{code}", "commitments; the CSV holds every one")
show_table(
    in_pounds(page.rows(view.commitments), ["committed", "delivered"]),
    hide_index=True,
    width="stretch",
    column_config={
        "ref": st.column_config.TextColumn("Ref", pinned=True),
        "purpose": st.column_config.TextColumn("Purpose"),
        "recipient": st.column_config.TextColumn("Recipient"),
        "funder": st.column_config.TextColumn("Funder"),
        "committed": money_column("Committed", help="In full, even when shared with other areas."),
        "delivered": money_column("Delivered"),
        "shared_with": st.column_config.NumberColumn("Shared with", help="How many other areas the money names."),
        "other_areas": st.column_config.TextColumn("Other areas"),
    },
)
st.download_button(
    escape_markdown(f"Download the commitments for {view.label} (CSV)"),
    deferred(downloads.area_commitments_csv, view.commitments),
    file_name=f"area-{code}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="areas_download",
)
