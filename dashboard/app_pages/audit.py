"""Audit trail: every change to the data, newest first, with filters and a CSV download.

Admins only once sign-in exists: the sign-in issue adds that check at the top
of this page. The sidebar's commitment filters do not apply here.
"""

from datetime import UTC, datetime

import streamlit as st

from dashboard import auth, downloads
from dashboard.components import engine, pager
from dashboard.tables import show_table
from tracker import audit
from tracker.figures.data import data_version
from tracker.i18n import _, deferred

auth.require("view_audit")


@st.cache_resource(show_spinner=False, max_entries=8)
def _events(_database, url: str, flt: audit.AuditFilter, version: int):
    """The events the filters select, read again when anything is saved
    (``version``, the newest audit event: the trail shows a change the moment
    it is saved); shared, never changed."""
    return audit.events(_database, flt)


@st.cache_resource(show_spinner=False, max_entries=2)
def _span(_database, url: str, version: int) -> audit.AuditSpan:
    """How many events and when the first and last happened, counted again
    only when something is saved (``version``); shared, never changed."""
    return audit.span(_database)


@st.cache_resource(show_spinner=False, max_entries=2)
def _choices(_database, url: str, version: int) -> dict[str, list[str]]:
    """The entities, actions and actors the filters offer, read again only
    when something is saved (``version``); shared, never changed."""
    return audit.choices(_database)


st.title(_("Audit trail"))
st.caption("Every change to the data, newest first. The database refuses to alter or delete these records.")

database = engine()
url, version = database.url.render_as_string(), data_version(database, every_event=True)  # users too
recorded = _span(database, url, version)
if not recorded.count or recorded.first is None or recorded.last is None:  # the times come with the first event
    st.info("No changes recorded yet.", icon=":material/info:")
    st.stop()

options = _choices(database, url, version)
# Audit times are real UTC times (TRACKER_TODAY moves as-at figures, not the clock).
today_utc = datetime.now(UTC).date()
first_day, last_day = recorded.first.date(), max(recorded.last.date(), today_utc)

left, middle, right = st.columns(3)
entities = left.multiselect("Record type", options["entities"], key="audit_entities", placeholder="All record types")
actions = middle.multiselect("Action", options["actions"], key="audit_actions", placeholder="All actions")
actors = right.multiselect("Who", options["actors"], key="audit_actors", placeholder="Everyone")
left, right = st.columns([1, 2])
days = left.date_input(
    "Dates (UTC)",
    value=(first_day, last_day),
    format="DD/MM/YYYY",
    key="audit_dates",
    help="Whole days in UTC, both included.",
)
text = right.text_input(
    "Ref or value",
    key="audit_text",
    placeholder="e.g. W2, Welsh Government or 500,000",
    help="Finds a ref or any value before or after the change, ignoring case.",
)

# While a range is being picked the widget holds only its start.
since = days[0] if len(days) > 0 else None
until = days[1] if len(days) > 1 else None
flt = audit.AuditFilter(
    entities=tuple(entities),
    actions=tuple(actions),
    actors=tuple(actors),
    since=None if since is not None and since <= first_day else since,
    # An end of today or later means "up to now", so changes saved later still show.
    until=None if until is not None and until >= today_utc else until,
    text=text.strip(),
)
frame = _events(database, url, flt, version)

if frame.empty:
    st.info("No changes match these filters.", icon=":material/filter_alt_off:")
    st.stop()

if len(frame) >= audit.LIMIT:
    st.markdown(f"Showing the newest **{len(frame):,}** matching changes: narrow the filters to see older ones.")
elif flt.is_empty:
    st.markdown(f"**{len(frame):,}** changes recorded.")
else:
    st.markdown(f"**{len(frame):,}** of {recorded.count:,} changes match these filters.")

page = pager(len(frame), "audit_page", "changes; the CSV holds every one listed")
show_table(
    page.rows(frame),
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_order=["occurred_at", "actor", "action", "entity", "entity_id", "ref", "changes", "before", "after"],
    column_config={
        "occurred_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss", timezone="UTC"),
        "actor": "Who",
        "action": "Action",
        "entity": "Record type",
        "entity_id": st.column_config.NumberColumn("Record id", format="%d"),
        "ref": "Ref",
        "changes": st.column_config.TextColumn(
            "Changes", width="large", help="Changed values, or for a new record the values that identify it"
        ),
        "before": st.column_config.JsonColumn("Before", width="medium"),
        "after": st.column_config.JsonColumn("After", width="medium"),
    },
)
st.download_button(
    "Download these changes as CSV",
    data=deferred(downloads.csv_of, audit.audit_table, frame),
    file_name=f"audit-trail-{today_utc.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="audit_csv",
)
