"""Overview: where the money stands, committed against delivered by financial year."""

from functools import partial

import streamlit as st

from dashboard import auth, charts, downloads
from dashboard.components import (
    current_view,
    filters_caption,
    illustrative_notice,
    milestones_table,
    money_column,
    pager,
    percent_column,
    stop_if_nothing_to_show,
)
from tracker.core.money import format_short, to_decimal
from tracker.figures.areas import shared_note as note_on_shared
from tracker.figures.data import breakdown, overview
from tracker.figures.delivery import qualified, unplaced_notes
from tracker.figures.finance_tables import yearly_table
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.table_cells import EMPTY, percent

auth.require("view")

shown = current_view()
as_at = shown.today
view = overview(shown.data, as_at)
figures = view.headline

st.title("Overview")
st.caption(
    f"Figures as at {as_at:%-d %B %Y}. Committed counts every pound once: re-announced money once, shares "
    'inside their pots, "over" amounts at their floor. New money leaves out money announced before.'
)
filters_caption(shown)

stop_if_nothing_to_show(shown, view.is_empty)

illustrative_notice(figures.illustrative_deliveries)

committed, delivered, share = st.columns(3)
committed.metric(
    "Committed (new money)" if figures.new_money == figures.committed else "Committed",
    qualified(format_short(figures.committed), figures.qualifier),
    help=(
        f"Exactly {to_decimal(figures.committed):,} pounds counted. Money is counted once: "
        f"{format_short(figures.reannounced)} of announcements restated earlier commitments or are shares inside "
        f"their pots. New money: {format_short(figures.new_money)}. 'Over' amounts count at their floor."
    ),
)
delivered.metric("Delivered to date", format_short(figures.delivered))
share.metric(
    "% delivered",
    percent(figures.pct_delivered),
    help="Delivered as a share of all committed money.",
)
outstanding, this_year, delivered_this_year = st.columns(3)
outstanding.metric("Outstanding", format_short(figures.outstanding), help="Committed minus delivered.")
shown_this_year = shown.filters.covers(figures.this_year)  # else its money is filtered out: say so, never £0
this_year.metric(
    f"Due in {figures.this_year}",
    format_short(figures.due_this_year) if shown_this_year else EMPTY,
    help="Money committed for the current financial year (unphased money is never due).",
)
delivered_this_year.metric(
    f"Delivered in {figures.this_year}", format_short(figures.delivered_this_year) if shown_this_year else EMPTY
)
if not shown_this_year:
    st.caption(
        f"{figures.this_year} is outside the financial years chosen in the sidebar, so nothing is shown as due or "
        "delivered in it."
    )

for note in unplaced_notes(figures):
    st.info(note, icon=":material/event_busy:")

st.subheader("Committed against delivered, by financial year")
if figures.unphased:
    st.caption("Money with no stated financial year is the last pair of bars, **unphased**: it is in no year's total.")
st.plotly_chart(charts.committed_vs_delivered(view.yearly), width="stretch")
if view.summaries:  # one list (one element to draw, and one list for a screen reader)
    st.markdown("\n".join(f"- {sentence}" for sentence in view.summaries))

money = ["committed", "new_money", "estimated", "delivered", "variance"]
table = view.yearly.assign(**{m: view.yearly[m].map(to_decimal) for m in money})
shown_columns = ["label", "qualifier", "committed"]
if figures.new_money != figures.committed:
    shown_columns.append("new_money")
if figures.estimated:
    shown_columns.append("estimated")
st.dataframe(
    table[[*shown_columns, "delivered", "variance", "pct_delivered"]],
    hide_index=True,
    width="stretch",
    column_config={
        "label": st.column_config.TextColumn("Financial year"),
        "qualifier": st.column_config.TextColumn(
            "Committed is", help="'at least' where an 'over' amount is counted at its floor"
        ),
        "committed": money_column("Committed"),
        "new_money": money_column("New money", help="Committed less money announced before."),
        "estimated": money_column(
            "Estimated", help="The part of committed placed in this year by a chosen spread, not as announced."
        ),
        "delivered": money_column("Delivered"),
        "variance": money_column("Variance", help="Delivered minus committed: negative when behind."),
        "pct_delivered": percent_column("% delivered"),
    },
)

st.download_button(
    "Download these yearly figures as CSV",
    data=partial(downloads.csv_of, yearly_table, shown.data),
    file_name=f"yearly-{as_at.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="overview_yearly_csv",
)

st.subheader("Milestones")
milestones = view.milestones
if milestones.empty:
    st.info("No milestones recorded yet.")
else:
    milestones_table(milestones)
st.caption(escape_markdown(view.milestone_summary()))  # milestone titles

st.subheader("Where the money goes")
by = (
    st.segmented_control(
        "Break down by",
        ["recipient", "programme", "funder", "area"],
        default="recipient",
        key="overview_breakdown",
        format_func=str.capitalize,
    )
    or "recipient"
)
split = breakdown(shown.data, by)
shared = note_on_shared(split)
if shared:
    st.caption(shared)
rows = pager(len(split), f"overview_breakdown_page_{by}", f"{by} lines, largest first").rows(split)
st.dataframe(
    rows.assign(**{m: rows[m].map(to_decimal) for m in ("committed", "delivered", "variance", "shared") if m in rows}),
    hide_index=True,
    width="stretch",
    column_config={
        by: st.column_config.TextColumn("Area code" if by == "area" else by.capitalize()),
        "area_name": st.column_config.TextColumn("Area"),
        "funder_id": st.column_config.TextColumn("Funder identifier"),
        "recipient_id": st.column_config.TextColumn("Recipient identifier"),
        "shared": money_column("Shared with other areas", help="Counted in full under each area it names."),
        "committed": money_column("Committed"),
        "delivered": money_column("Delivered"),
        "variance": money_column("Variance", help="Delivered minus committed: negative when behind."),
        "pct_delivered": percent_column("% delivered"),
    },
)
