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
    _(
        "The money that names a place: a Welsh council area, Wales, the UK or any other ONS area code. "
        "Money naming several areas is under each in full, so areas do not add up to the whole."
    )
)
filters_caption(shown)

with_money = area_choices(shown.data)
others = sorted(set(principal_areas()) - set(with_money), key=lambda code: area_label(code).casefold())
options = with_money + others
if not options:
    st.info(_("No money recorded names an area yet."), icon=":material/info:")
    st.stop()
asked = (links.asked_record("code", st.session_state.get(PICK)) or "").upper()
if asked in options:
    st.session_state[PICK] = asked
elif asked:
    st.warning(
        escape_markdown(
            _("No area {asked} is known here: showing {area} instead.", asked=repr(asked), area=area_label(options[0]))
        )
    )  # the address is anyone's text
code = st.selectbox(
    _("Area"),
    options,
    format_func=lambda code: (
        area_label(code) if code in with_money else _("{area} (no money recorded)", area=area_label(code))
    ),
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
    _("Committed"),
    qualified(format_short(view.headline.committed), view.headline.qualifier),
    help=_("Exactly {amount} pounds, shared money in full.", amount=format(to_decimal(view.headline.committed), ",")),
)
delivered.metric(
    _("Delivered"),
    format_short(view.headline.delivered),
    help=_("Exactly {amount} pounds.", amount=format(to_decimal(view.headline.delivered), ",")),
)
shared.metric(
    _("Shared with other areas"),
    format_short(view.shared),
    help=_("Money that also names other areas: counted in full under each of them too."),
)

st.markdown(_("**By financial year**"))
show_table(
    in_pounds(view.yearly, ["committed", "new_money", "estimated", "delivered", "variance"])[
        ["label", "committed", "new_money", "estimated", "delivered", "variance", "status"]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "label": st.column_config.TextColumn(_("Financial year")),
        "committed": money_column(_("Committed")),
        "new_money": money_column(_("New money"), help=_("Committed less money announced before.")),
        "estimated": money_column(_("Estimated"), help=_("Placed in this year by a chosen spread, not as announced.")),
        "delivered": money_column(_("Delivered")),
        "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
        "status": st.column_config.TextColumn(_("At year end")),
    },
)

st.markdown(_("**Announcements with money naming this area**"))
announcements = pager(len(view.announcements), f"areas_announcements_page_{code}", _("announcements"))
show_table(
    in_pounds(announcements.rows(view.announcements), ["committed"]),
    hide_index=True,
    width="stretch",
    placeholder=EMPTY,
    column_order=["address", "announced_on", "title", "funder", "committed"],
    column_config={
        "address": st.column_config.LinkColumn(_("Ref"), display_text=r"ref=(.*)$", pinned=True),
        "announced_on": st.column_config.DateColumn(_("Announced"), format="D MMM YYYY"),
        "title": st.column_config.TextColumn(_("Title"), width="large"),
        "funder": st.column_config.TextColumn(_("Funder")),
        "committed": money_column(
            _("Committed here"), help=_("The money of its commitments that name this area, in full even when shared.")
        ),
    },
)

st.markdown(_("**Commitments naming this area**"))
page = pager(len(view.commitments), f"areas_page_{code}", _("commitments; the CSV holds every one"))
show_table(
    in_pounds(page.rows(view.commitments), ["committed", "delivered"]),
    hide_index=True,
    width="stretch",
    column_config={
        "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
        "purpose": st.column_config.TextColumn(_("Purpose")),
        "recipient": st.column_config.TextColumn(_("Recipient")),
        "funder": st.column_config.TextColumn(_("Funder")),
        "committed": money_column(_("Committed"), help=_("In full, even when shared with other areas.")),
        "delivered": money_column(_("Delivered")),
        "shared_with": st.column_config.NumberColumn(_("Shared with"), help=_("How many other areas the money names.")),
        "other_areas": st.column_config.TextColumn(_("Other areas")),
    },
)
st.download_button(
    escape_markdown(_("Download the commitments for {area} (CSV)", area=view.label)),
    deferred(downloads.area_commitments_csv, view.commitments),
    file_name=f"area-{code}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="areas_download",
)
