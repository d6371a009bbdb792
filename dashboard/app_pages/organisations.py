"""Organisations: a page per funder and recipient, for everyone.

What it funded and what it received, committed against delivered by
financial year and by commitment, the announcements it made, and its
identifier and other names. Each organisation has its own address:
``/organisations?id=GB-CHC-1234567`` (its identifier), or its number in the
tracker when it has none. An admin corrects and merges organisations on the
Manage organisations page.
"""

import streamlit as st

from dashboard import auth, links
from dashboard.components import (
    current_view,
    engine,
    filters_caption,
    money_column,
    pager,
    pick_by_search,
)
from dashboard.navigation import PAGES
from dashboard.tables import show_table
from tracker.core.money import format_short, to_decimal
from tracker.figures.data import data_version
from tracker.figures.delivery import in_pounds, qualified
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.organisation_view import FUNDED, Side, organisation_view
from tracker.figures.search import organisation_key
from tracker.figures.table_cells import EMPTY
from tracker.i18n import _
from tracker.records import listings

auth.require("view")

PICK = "organisation_pick"
ANNOUNCEMENTS = next(page.path for page in PAGES if page.url_path == "announcements")


@st.cache_resource(show_spinner=False, max_entries=2)
def _organisations(_db, url: str, version: int):
    """Every organisation with its identifier and other names; shared, never changed."""
    return listings.organisations(_db)


shown = current_view()
db = engine()
table = _organisations(db, db.url.render_as_string(), data_version(db))

st.title(_("Organisations"))
st.caption(
    "Every funder and recipient: what it funded and received, committed against delivered, and the "
    "announcements it made. An organisation is told apart from another of the same name by its identifier."
)
filters_caption(shown)
if table.empty:
    st.info(
        "No organisations yet: they come with the announcements and commitments that name them (Record, or Import).",
        icon=":material/info:",
    )
    st.stop()

keys = {
    organisation_key(int(row.organisation_id), row.identifier): int(row.organisation_id) for row in table.itertuples()
}
labels = {int(row.organisation_id): f"{row.name} ({row.identifier or 'no identifier'})" for row in table.itertuples()}
asked = links.asked_record("id", st.session_state.get(PICK))
if asked is not None:
    if asked in keys:
        st.session_state[PICK] = keys[asked]
    else:
        st.warning(
            escape_markdown(f"No organisation {asked!r} is recorded: the link may be mistyped, or it was merged."),
            icon=":material/link_off:",
        )  # it quotes the address, anyone's text
picked = pick_by_search("Organisation", labels, PICK, "organisations", index=None, placeholder="Choose an organisation")
if picked is None:
    links.show_record("id", None)
    st.info("Choose an organisation above to see its page.", icon=":material/touch_app:")
    listed = pager(len(table), "organisations_list_page", "organisations; choose one above to see its page")
    show_table(
        listed.rows(table)[["name", "identifier", "other_names", "announcements", "commitments"]],
        hide_index=True,
        width="stretch",
        placeholder=EMPTY,
        column_config={
            "name": st.column_config.TextColumn("Name", pinned=True),
            "identifier": "Identifier",
            "other_names": st.column_config.TextColumn("Other names", width="medium"),
            "announcements": st.column_config.NumberColumn("Announcements made"),
            "commitments": st.column_config.NumberColumn("Commitments received"),
        },
    )
    st.stop()
row = table.loc[table["organisation_id"] == picked].iloc[0]
links.show_record("id", organisation_key(int(row.organisation_id), row.identifier))

view = organisation_view(shown.everything, shown.filters, int(picked), str(row["name"]), shown.today)
st.header(escape_markdown(view.name))
facts = [f"Identifier: {row.identifier}" if row.identifier else "No identifier recorded"]
if row.other_names:
    facts.append(f"also known as {row.other_names}")
facts.append(f"kind: {row.kind}")
st.caption(escape_markdown("; ".join(facts) + "."))


def _side(side: Side) -> None:
    """One side of the money: what it funded, or what it received."""
    st.markdown(escape_markdown(side.sentence(view.name)))
    if side.is_empty:
        return
    committed, delivered = st.columns(2)
    committed.metric(
        "Committed",
        qualified(format_short(side.headline.committed), side.headline.qualifier),
        help=f"Exactly {to_decimal(side.headline.committed):,} pounds.",
    )
    delivered.metric(
        "Delivered",
        format_short(side.headline.delivered),
        help=f"Exactly {to_decimal(side.headline.delivered):,} pounds.",
    )
    show_table(
        in_pounds(side.yearly, ["committed", "new_money", "delivered", "variance"])[
            ["label", "committed", "new_money", "delivered", "variance", "status"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn("Financial year", pinned=True),
            "committed": money_column("Committed"),
            "new_money": money_column("New money", help="Committed less money announced before."),
            "delivered": money_column("Delivered"),
            "variance": money_column("Variance", help="Delivered minus committed: negative when behind."),
            "status": st.column_config.TextColumn("At year end"),
        },
    )
    page = pager(len(side.commitments), f"organisation_{side.role}_page", "commitments")
    show_table(
        in_pounds(page.rows(side.commitments), ["committed", "delivered"]),
        hide_index=True,
        width="stretch",
        column_config={
            "ref": st.column_config.TextColumn("Ref", pinned=True),
            "announcement_ref": st.column_config.TextColumn("Announcement"),
            "purpose": st.column_config.TextColumn("Purpose", width="medium"),
            "other": st.column_config.TextColumn("Recipient" if side.role == FUNDED else "Funder"),
            "committed": money_column("Committed"),
            "delivered": money_column("Delivered"),
        },
    )


funded, received = st.tabs(["Funded", "Received"], default="Received" if view.funded.is_empty else "Funded")
with funded:
    _side(view.funded)
with received:
    _side(view.received)

st.subheader("Announcements it made")
if view.announcements.empty:
    st.caption("None carrying money in the financial years and filters shown.")
for announcement in view.announcements.head(50).itertuples():
    when = f"{announcement.announced_on:%-d %b %Y}" if announcement.announced_on else "undated"
    st.page_link(
        ANNOUNCEMENTS,
        label=f"{escape_markdown(announcement.ref)}: {escape_markdown(announcement.title)} — :gray[{when}]",
        query_params={"ref": announcement.ref},
    )
if len(view.announcements) > 50:
    st.caption(f"The first 50 of {len(view.announcements):,}; the Announcements page lists them all.")
