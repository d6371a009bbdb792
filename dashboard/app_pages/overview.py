"""Overview: where the money stands, committed against delivered by financial year,
and what changed since the last review meeting (``/?since=2026-11-03``: since that day)."""

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from dashboard import auth, charts, downloads, links
from dashboard.chart_panel import chart_panel
from dashboard.components import (
    current_view,
    engine,
    filters_caption,
    illustrative_notice,
    milestones_table,
    money_column,
    pager,
    percent_column,
)
from dashboard.empty_states import stop_if_nothing_to_show
from dashboard.prices_choice import prices_choice, real_terms_or_default
from dashboard.tables import show_table
from tracker.core.money import format_short, to_decimal
from tracker.figures import changes_since, chart_summaries, chart_tables, view_links
from tracker.figures.areas import shared_note as note_on_shared
from tracker.figures.data import breakdown, data_version, overview
from tracker.figures.delivery import qualified, unplaced_notes
from tracker.figures.finance_tables import yearly_table
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.real_terms import PRICE_WORDS
from tracker.figures.table_cells import EMPTY, percent
from tracker.figures.yearly_prices import YEAR_ON_YEAR, drawn, left_out, sentences, year_on_year, yearly_in_prices
from tracker.i18n import N_, _, current, deferred
from tracker.i18n.dates import long_date
from tracker.review import meetings as review

me = auth.require("view")
YEAR_ON_YEAR_MONEY = YEAR_ON_YEAR[1:]


def _pounds(values):
    return values.map(lambda pence: None if pd.isna(pence) else to_decimal(int(pence)))


shown = current_view()
as_at = shown.today
view = overview(shown.data, as_at)
figures = view.headline

st.title(_("Overview"))
st.caption(
    _(
        "Figures as at {day}. Committed counts every pound once: re-announced money once, shares "
        'inside their pots, "over" amounts at their floor. New money leaves out money announced before.',
        day=long_date(as_at),
    )
)
filters_caption(shown)

stop_if_nothing_to_show(shown, view.is_empty)

illustrative_notice(figures.illustrative_deliveries)

committed, delivered, share = st.columns(3)
committed.metric(
    _("Committed (new money)") if figures.new_money == figures.committed else _("Committed"),
    qualified(format_short(figures.committed), figures.qualifier),
    help=_(
        "Exactly {pounds} pounds counted. Money is counted once: {reannounced} of announcements restated earlier "
        "commitments or are shares inside their pots. New money: {new_money}. 'Over' amounts count at their floor.",
        pounds=format(to_decimal(figures.committed), ","),
        reannounced=format_short(figures.reannounced),
        new_money=format_short(figures.new_money),
    ),
)
delivered.metric(_("Delivered to date"), format_short(figures.delivered))
share.metric(
    _("% delivered"),
    percent(figures.pct_delivered),
    help=_("Delivered as a share of all committed money."),
)
outstanding, this_year, delivered_this_year = st.columns(3)
outstanding.metric(_("Outstanding"), format_short(figures.outstanding), help=_("Committed minus delivered."))
shown_this_year = shown.filters.covers(figures.this_year)  # else its money is filtered out: say so, never £0
this_year.metric(
    _("Due in {year}", year=str(figures.this_year)),
    format_short(figures.due_this_year) if shown_this_year else EMPTY,
    help=_("Money committed for the current financial year (unphased money is never due)."),
)
delivered_this_year.metric(
    _("Delivered in {year}", year=str(figures.this_year)),
    format_short(figures.delivered_this_year) if shown_this_year else EMPTY,
)
if not shown_this_year:
    st.caption(
        _(
            "{year} is outside the financial years chosen in the sidebar, so nothing is shown as due or "
            "delivered in it.",
            year=str(figures.this_year),
        )
    )

for note in unplaced_notes(figures):
    st.info(note, icon=":material/event_busy:")

st.header(_("Committed against delivered, by financial year"))
prices = prices_choice("overview")
yearly = yearly_in_prices(view.yearly, prices)
for why, years in left_out(yearly, prices).items():
    st.caption(
        _(
            "No real-terms value for {years} ({why}): shown blank, never deflated by guess.",
            years=", ".join(years),
            why=_(PRICE_WORDS[why]),
        )
    )
if figures.unphased and not prices.is_real:
    st.caption(
        _("Money with no stated financial year is the last pair of bars, **unphased**: it is in no year's total.")
    )
chart_panel(
    charts.committed_vs_delivered(drawn(yearly), prices.in_short() if prices.is_real else None),
    chart_summaries.committed_vs_delivered(drawn(yearly)),
    chart_tables.committed_vs_delivered(drawn(yearly)),
    key="overview_yearly_chart",
    details=sentences(yearly),
)

money = ["committed", "new_money", "estimated", "delivered", "variance"]
table = yearly.assign(**{m: _pounds(yearly[m]) for m in money})
shown_columns = ["label", "qualifier", "committed"]
if figures.new_money != figures.committed:
    shown_columns.append("new_money")
if figures.estimated:
    shown_columns.append("estimated")
show_table(
    table[[*shown_columns, "delivered", "variance", "pct_delivered"]],
    hide_index=True,
    placeholder=EMPTY,
    width="stretch",
    column_config={
        "label": st.column_config.TextColumn(_("Financial year")),
        "qualifier": st.column_config.TextColumn(
            _("Committed is"), help=_("'at least' where an 'over' amount is counted at its floor")
        ),
        "committed": money_column(_("Committed")),
        "new_money": money_column(_("New money"), help=_("Committed less money announced before.")),
        "estimated": money_column(
            _("Estimated"), help=_("The part of committed placed in this year by a chosen spread, not as announced.")
        ),
        "delivered": money_column(_("Delivered")),
        "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
        "pct_delivered": percent_column(_("% delivered")),
    },
)

st.download_button(
    _("Download these yearly figures as CSV"),
    data=deferred(downloads.csv_of, yearly_table, shown.data, prices, prices=prices),
    file_name=f"yearly-{'real-' if prices.is_real else ''}{as_at.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="overview_yearly_csv",
)

st.header(_("Year on year, in cash and in real terms"))
compared = real_terms_or_default(prices)
st.caption(
    escape_markdown(  # a release's name is anyone's text
        _(
            "Committed and delivered each year in cash and in {prices}, with the change from the year before. "
            "Unphased money is in no year.",
            prices=compared.label(),
        )
    )
)
show_table(
    year_on_year(view.yearly, compared).assign(**{c: lambda f, c=c: _pounds(f[c]) for c in YEAR_ON_YEAR_MONEY})[
        ["label", *YEAR_ON_YEAR_MONEY]
    ],
    hide_index=True,
    width="stretch",
    placeholder=EMPTY,
    column_config={
        "label": st.column_config.TextColumn(_("Financial year")),
        "committed_cash": money_column(_("Committed, cash")),
        "committed_cash_change": money_column(_("Change, cash")),
        "committed_real": money_column(_("Committed, real terms")),
        "committed_real_change": money_column(_("Change, real terms")),
        "delivered_cash": money_column(_("Delivered, cash")),
        "delivered_cash_change": money_column(_("Change, cash")),
        "delivered_real": money_column(_("Delivered, real terms")),
        "delivered_real_change": money_column(_("Change, real terms")),
    },
)

st.header(_("Milestones"))
milestones = view.milestones
if milestones.empty:
    st.info(_("No milestones recorded yet."))
else:
    milestones_table(milestones)
st.caption(escape_markdown(view.milestone_summary()))  # milestone titles

# What the money can be broken down by (the value code keeps), its name shown, and what its lines are.
BREAKDOWNS = {
    "recipient": (N_("Recipient"), N_("recipient lines, largest first")),
    "programme": (N_("Programme"), N_("programme lines, largest first")),
    "funder": (N_("Funder"), N_("funder lines, largest first")),
    "area": (N_("Area"), N_("area lines, largest first")),
}

st.header(_("Where the money goes"))
by = (
    st.segmented_control(
        _("Break down by"),
        list(BREAKDOWNS),
        default="recipient",
        key="overview_breakdown",
        format_func=lambda key: _(BREAKDOWNS[key][0]),
    )
    or "recipient"
)
split = breakdown(shown.data, by)
shared = note_on_shared(split)
if shared:
    st.caption(shared)
rows = pager(len(split), f"overview_breakdown_page_{by}", _(BREAKDOWNS[by][1])).rows(split)
show_table(
    rows.assign(**{m: rows[m].map(to_decimal) for m in ("committed", "delivered", "variance", "shared") if m in rows}),
    hide_index=True,
    width="stretch",
    column_config={
        by: st.column_config.TextColumn(_("Area code") if by == "area" else _(BREAKDOWNS[by][0])),
        "area_name": st.column_config.TextColumn(_("Area")),
        "funder_id": st.column_config.TextColumn(_("Funder identifier")),
        "recipient_id": st.column_config.TextColumn(_("Recipient identifier")),
        "shared": money_column(_("Shared with other areas"), help=_("Counted in full under each area it names.")),
        "committed": money_column(_("Committed")),
        "delivered": money_column(_("Delivered")),
        "variance": money_column(_("Variance"), help=_("Delivered minus committed: negative when behind.")),
        "pct_delivered": percent_column(_("% delivered")),
    },
)


# --- what changed since a day (the last review meeting's, unless another is chosen) ---------------

SINCE_PICK, SINCE_DEFAULT, SINCE_KEPT = "overview_since", "_overview_since_default", "_overview_since_kept"
EARLIEST = date(2000, 1, 1)


@st.cache_resource(show_spinner=False, max_entries=2)
def _default_since(_db, url: str, version: int, today: date) -> changes_since.DefaultSince:
    """The last review meeting's day (or 30 days back), read again when anything is saved."""
    return changes_since.default_since(review.meetings(_db), today)


@st.cache_resource(show_spinner=False, max_entries=4)
def _changes(_db, _data, url: str, version: int, since: date, language: str) -> changes_since.Changes:
    """What changed since ``since``, read again when anything is saved; shared, never changed. Its rows
    hold words ("Changed"): ``language`` (the one in use) keeps each language's apart."""
    return changes_since.changes_since(_db, _data, since)


def _when(label: str):
    return st.column_config.DatetimeColumn(label, format="D MMM YYYY, HH:mm", timezone="UTC")


def _day(label: str):
    return st.column_config.DateColumn(label, format="D MMM YYYY")


def _more(listed: changes_since.Listed, said: str) -> None:
    """``said``: a message with ``{shown}`` and ``{count}``, when only the latest rows are listed."""
    if listed.more:
        st.caption(_(said, shown=format(len(listed.rows), ","), count=format(listed.count, ",")))


st.header(_("Changes since"))
database = engine()
url, version = database.url.render_as_string(), data_version(database)
latest = max(as_at, datetime.now(UTC).date())  # audit times are real UTC times; as-at may be a set day
default = _default_since(database, url, version, as_at)
state = st.session_state
if state.get(SINCE_PICK) is None and SINCE_KEPT in state:  # back from another page, which forgets the widget's day
    state[SINCE_PICK] = state[SINCE_KEPT]  # (left to itself, the date picker would say today)
if state.get(SINCE_DEFAULT) != default.day:  # first run, or a meeting held since: follow the new default
    if state.get(SINCE_PICK) in (None, state.get(SINCE_DEFAULT)):
        state[SINCE_PICK] = default.day
    state[SINCE_DEFAULT] = default.day
asked = links.asked_record(view_links.SINCE, state.get(SINCE_PICK))
if asked is not None:
    day, refused = view_links.since_from_param(asked, EARLIEST, latest)
    if day is not None:
        state[SINCE_PICK] = day
    else:
        st.warning(
            escape_markdown(_("{refused} Showing the changes {reason}.", refused=refused, reason=default.reason)),
            icon=":material/link_off:",
        )
        state[SINCE_PICK] = default.day
picker, _space = st.columns([1, 2])
since = picker.date_input(
    _("Since"),
    min_value=EARLIEST,
    max_value=latest,
    format="DD/MM/YYYY",
    key=SINCE_PICK,
    help=_("Changes saved on or after this day (UTC). The sidebar's filters do not apply here."),
)
since = since or default.day
state[SINCE_KEPT] = since
links.show_record(view_links.SINCE, None if since == default.day else since.isoformat())
with st.spinner(_("Reading what changed…")):
    found = _changes(database, shown.everything, url, version, since, current())
st.caption(
    _("Showing the changes {reason}.", reason=default.reason)
    if since == default.day
    else _("A day chosen; by default the changes {reason}.", reason=default.reason)
)
st.markdown(f"**{found.sentence()}**")
if auth.allows(me, "view_audit"):
    st.page_link(
        "app_pages/audit.py",
        label=_(
            "Every change in the Audit trail (set its dates to start on {day})", day=changes_since.day_words(since)
        ),
        icon=":material/history:",
    )

LINK = st.column_config.LinkColumn(_("Announcement"), display_text=r"ref=(.*)$", help=_("The page that shows it"))

if found.announcements.count:
    with st.expander(_("New announcements: {count}", count=format(found.announcements.count, ","))):
        rows = found.announcements.rows
        show_table(
            rows.assign(total_pence=_pounds(rows["total_pence"])),
            hide_index=True,
            width="stretch",
            placeholder=EMPTY,
            column_order=["address", "title", "funder", "announced_on", "total_pence", "recorded_at"],
            column_config={
                "address": st.column_config.LinkColumn(_("Ref"), display_text=r"ref=(.*)$", pinned=True),
                "title": st.column_config.TextColumn(_("Title"), width="large"),
                "funder": _("Funder"),
                "announced_on": _day(_("Announced")),
                "total_pence": money_column(_("Total announced"), help=_("What its commitments announced, in full.")),
                "recorded_at": _when(_("Recorded (UTC)")),
            },
        )
        _more(found.announcements, N_("The latest {shown} of {count} new announcements."))
if found.commitments.count:
    with st.expander(_("Commitments new, changed or deleted: {count}", count=format(found.commitments.count, ","))):
        show_table(
            found.commitments.rows,
            hide_index=True,
            width="stretch",
            placeholder=EMPTY,
            column_order=["ref", "address", "purpose", "change", "what", "changed_at"],
            column_config={
                "ref": st.column_config.TextColumn(_("Ref"), pinned=True),
                "purpose": st.column_config.TextColumn(_("Purpose"), width="medium"),
                "change": _("Change"),
                "what": st.column_config.TextColumn(_("What changed"), width="large"),
                "changed_at": _when(_("When (UTC)")),
                "address": LINK,
            },
        )
        _more(found.commitments, N_("The latest {shown} of {count} commitments changed."))
if found.deliveries.count:
    with st.expander(_("Deliveries recorded: {count}", count=format(found.deliveries.count, ","))):
        rows = found.deliveries.rows
        show_table(
            rows.assign(amount_pence=_pounds(rows["amount_pence"])),
            hide_index=True,
            width="stretch",
            placeholder=EMPTY,
            column_order=["commitment_ref", "address", "ref", "paid_on", "amount_pence", "kind", "recorded_at"],
            column_config={
                "commitment_ref": st.column_config.TextColumn(_("Commitment"), pinned=True),
                "ref": _("Delivery"),
                "paid_on": _day(_("Paid on")),
                "amount_pence": money_column(_("Amount"), help=_("A negative amount is a correction or clawback.")),
                "kind": _("Kind"),
                "recorded_at": _when(_("Recorded (UTC)")),
                "address": LINK,
            },
        )
        _more(found.deliveries, N_("The latest {shown} of {count} deliveries."))
if found.milestones.count:
    with st.expander(_("Milestones added or met: {count}", count=format(found.milestones.count, ","))):
        show_table(
            found.milestones.rows,
            hide_index=True,
            width="stretch",
            placeholder=EMPTY,
            column_order=["title", "commitment_ref", "address", "change", "due_on", "achieved_on", "changed_at"],
            column_config={
                "title": st.column_config.TextColumn(_("Milestone"), pinned=True),
                "commitment_ref": _("Commitment"),
                "change": _("Change"),
                "due_on": _day(_("Due")),
                "achieved_on": _day(_("Achieved")),
                "changed_at": _when(_("When (UTC)")),
                "address": LINK,
            },
        )
        _more(found.milestones, N_("The latest {shown} of {count} milestones added or met."))
