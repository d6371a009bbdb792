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
from tracker.core.vocabulary import ORGANISATION_KIND_LABELS, label
from tracker.figures.data import data_version
from tracker.figures.delivery import in_pounds, qualified
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.organisation_view import FUNDED, Side, organisation_view
from tracker.figures.search import organisation_key
from tracker.figures.table_cells import EMPTY
from tracker.i18n import _
from tracker.i18n.dates import short_date
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
    _(
        "Every funder and recipient: what it funded and received, committed against delivered, and the "
        "announcements it made. An organisation is told apart from another of the same name by its identifier."
    )
)
filters_caption(shown)
if table.empty:
    st.info(
        _("No organisations yet: they come with the announcements and commitments that name them (Record, or Import)."),
        icon=":material/info:",
    )
    st.stop()

keys = {
    organisation_key(int(row.organisation_id), row.identifier): int(row.organisation_id) for row in table.itertuples()
}
labels = {
    int(row.organisation_id): _("{name} ({identifier})", name=row.name, identifier=row.identifier or _("no identifier"))
    for row in table.itertuples()
}
asked = links.asked_record("id", st.session_state.get(PICK))
if asked is not None:
    if asked in keys:
        st.session_state[PICK] = keys[asked]
    else:
        st.warning(
            escape_markdown(
                _(
                    "No organisation {asked} is recorded: the link may be mistyped, or it was merged.",
                    asked=repr(asked),
                )
            ),
            icon=":material/link_off:",
        )  # it quotes the address, anyone's text
picked = pick_by_search(
    _("Organisation"), labels, PICK, _("organisations"), index=None, placeholder=_("Choose an organisation")
)
if picked is None:
    links.show_record("id", None)
    st.info(_("Choose an organisation above to see its page."), icon=":material/touch_app:")
    listed = pager(len(table), "organisations_list_page", _("organisations; choose one above to see its page"))
    show_table(
        listed.rows(table)[["name", "identifier", "other_names", "announcements", "commitments"]],
        hide_index=True,
        width="stretch",
        placeholder=EMPTY,
        column_config={
            "name": st.column_config.TextColumn(_("Name"), pinned=True),
            "identifier": _("Identifier"),
            "other_names": st.column_config.TextColumn(_("Other names"), width="medium"),
            "announcements": st.column_config.NumberColumn(_("Announcements made")),
            "commitments": st.column_config.NumberColumn(_("Commitments received")),
        },
    )
    st.stop()
row = table.loc[table["organisation_id"] == picked].iloc[0]
links.show_record("id", organisation_key(int(row.organisation_id), row.identifier))

view = organisation_view(shown.everything, shown.filters, int(picked), str(row["name"]), shown.today)
st.header(escape_markdown(view.name))
facts = [_("Identifier: {identifier}", identifier=row.identifier) if row.identifier else _("No identifier recorded")]
if row.other_names:
    facts.append(_("also known as {names}", names=row.other_names))
facts.append(_("kind: {kind}", kind=label(ORGANISATION_KIND_LABELS, row.kind).lower()))
st.caption(escape_markdown("; ".join(facts) + "."))


def _side(side: Side) -> None:
    """One side of the money: what it funded, or what it received."""
    st.markdown(escape_markdown(side.sentence(view.name)))
    if side.is_empty:
        return
    committed, delivered = st.columns(2)
    committed.metric(
        _("Committed"),
        qualified(format_short(side.headline.committed), side.headline.qualifier),
        help=_("Exactly {amount} pounds.", amount=format(to_decimal(side.headline.committed), ",")),
    )
    delivered.metric(
        _("Delivered"),
        format_short(side.headline.delivered),
        help=_("Exactly {amount} pounds.", amount=format(to_decimal(side.headline.delivered), ",")),
    )
    show_table(
        in_pounds(side.yearly, ["committed", "new_money", "delivered", "variance"])[
            ["label", "committed", "new_money", "delivered", "variance", "status"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn(_("Financial year"), pinned=True),
            "committed": money_column(_("Committed")),
            "new_money": money_column(_("New money"), help=_("Committed less money announced before.")),
            "delivered": money_column(_("Delivered")),
            "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
            "status": st.column_config.TextColumn(_("At year end")),
        },
    )
    page = pager(len(side.commitments), f"organisation_{side.role}_page", _("commitments"))
    show_table(
        in_pounds(page.rows(side.commitments), ["committed", "delivered"]),
        hide_index=True,
        width="stretch",
        column_config={
            "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
            "announcement_ref": st.column_config.TextColumn(_("Announcement")),
            "purpose": st.column_config.TextColumn(_("Purpose"), width="medium"),
            "other": st.column_config.TextColumn(_("Recipient") if side.role == FUNDED else _("Funder")),
            "committed": money_column(_("Committed")),
            "delivered": money_column(_("Delivered")),
        },
    )


FUNDED_TAB, RECEIVED_TAB = _("Funded"), _("Received")
funded, received = st.tabs([FUNDED_TAB, RECEIVED_TAB], default=RECEIVED_TAB if view.funded.is_empty else FUNDED_TAB)
with funded:
    _side(view.funded)
with received:
    _side(view.received)

st.subheader(_("Announcements it made"))
if view.announcements.empty:
    st.caption(_("None carrying money in the financial years and filters shown."))
for announcement in view.announcements.head(50).itertuples():
    when = short_date(announcement.announced_on) if announcement.announced_on else _("undated")
    st.page_link(
        ANNOUNCEMENTS,
        label=f"{escape_markdown(announcement.ref)}: {escape_markdown(announcement.title)} — :gray[{when}]",
        query_params={"ref": announcement.ref},
    )
if len(view.announcements) > 50:
    st.caption(
        _(
            "The first 50 of {total}; the Announcements page lists them all.",
            total=format(len(view.announcements), ","),
        )
    )
