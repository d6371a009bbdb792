"""Audit trail: every change to the data, newest first, with filters and a CSV download.

Admins only once sign-in exists: the sign-in issue adds that check at the top
of this page. The sidebar's commitment filters do not apply here.
"""

from datetime import UTC, datetime
from types import MappingProxyType

import streamlit as st

from dashboard import auth, downloads
from dashboard.components import engine, pager
from dashboard.tables import show_table
from tracker import audit, i18n
from tracker.core.vocabulary import AUDIT_ACTION_LABELS, label
from tracker.figures.data import data_version
from tracker.i18n import N_, _, deferred, ngettext

auth.require("view_audit")

# The kinds of record the trail names (their tables), as a person calls them; another is shown as it is.
RECORD_TYPES = MappingProxyType(
    {
        "announcements": N_("Announcements"),
        "commitments": N_("Commitments"),
        "commitment_areas": N_("Commitment areas"),
        "commitment_baselines": N_("Commitment baselines"),
        "commitment_revisions": N_("Commitment revisions"),
        "profile_lines": N_("Profile lines"),
        "planned_budgets": N_("Planned budgets"),
        "activity_links": N_("Activity links"),
        "deliveries": N_("Deliveries"),
        "milestones": N_("Milestones"),
        "organisations": N_("Organisations"),
        "organisation_names": N_("Organisation names"),
        "progress_statuses": N_("Progress statuses"),
        "review_meetings": N_("Review meetings"),
        "review_snapshots": N_("Review snapshots"),
        "imports": N_("Imports"),
        "users": N_("Users"),
        "user_roles": N_("User roles"),
        "api_tokens": N_("API tokens"),
        "app_settings": N_("Settings"),
        "deflator_releases": N_("Deflator releases"),
        "deflator_indices": N_("Deflator indices"),
        "sign_in_sessions": N_("Sign-in sessions"),
        "sign_in_failures": N_("Failed sign-ins"),
    }
)


@st.cache_resource(show_spinner=False, max_entries=8)
def _events(_database, url: str, flt: audit.AuditFilter, version: int, language: str):
    """The events the filters select, read again when anything is saved
    (``version``, the newest audit event: the trail shows a change the moment
    it is saved); shared, never changed. Their summaries are in words, kept
    for each ``language`` apart."""
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
st.caption(_("Every change to the data, newest first. The database refuses to alter or delete these records."))

database = engine()
url, version = database.url.render_as_string(), data_version(database, every_event=True)  # users too
recorded = _span(database, url, version)
if not recorded.count or recorded.first is None or recorded.last is None:  # the times come with the first event
    st.info(_("No changes recorded yet."), icon=":material/info:")
    st.stop()

options = _choices(database, url, version)
# Audit times are real UTC times (TRACKER_TODAY moves as-at figures, not the clock).
today_utc = datetime.now(UTC).date()
first_day, last_day = recorded.first.date(), max(recorded.last.date(), today_utc)

left, middle, right = st.columns(3)
entities = left.multiselect(
    _("Record type"),
    options["entities"],
    format_func=lambda entity: label(RECORD_TYPES, entity),
    key="audit_entities",
    placeholder=_("All record types"),
)
actions = middle.multiselect(
    _("Action"),
    options["actions"],
    format_func=lambda action: label(AUDIT_ACTION_LABELS, action),
    key="audit_actions",
    placeholder=_("All actions"),
)
actors = right.multiselect(_("Who"), options["actors"], key="audit_actors", placeholder=_("Everyone"))
left, right = st.columns([1, 2])
days = left.date_input(
    _("Dates (UTC)"),
    value=(first_day, last_day),
    format="DD/MM/YYYY",
    key="audit_dates",
    help=_("Whole days in UTC, both included."),
)
text = right.text_input(
    _("Ref or value"),
    key="audit_text",
    placeholder=_("e.g. W2, Welsh Government or 500,000"),
    help=_("Finds a ref or any value before or after the change, ignoring case."),
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
frame = _events(database, url, flt, version, i18n.current())

if frame.empty:
    st.info(_("No changes match these filters."), icon=":material/filter_alt_off:")
    st.stop()

if len(frame) >= audit.LIMIT:
    st.markdown(
        _(
            "Showing the newest **{shown}** matching changes: narrow the filters to see older ones.",
            shown=format(len(frame), ","),
        )
    )
elif flt.is_empty:
    st.markdown(
        ngettext(
            "**{count}** change recorded.", "**{count}** changes recorded.", len(frame), count=format(len(frame), ",")
        )
    )
else:
    st.markdown(
        ngettext(
            "**{shown}** of {total} change matches these filters.",
            "**{shown}** of {total} changes match these filters.",
            recorded.count,
            shown=format(len(frame), ","),
            total=format(recorded.count, ","),
        )
    )

page = pager(len(frame), "audit_page", _("changes; the CSV holds every one listed"))
show_table(
    page.rows(frame),
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_order=["occurred_at", "actor", "action", "entity", "entity_id", "ref", "changes", "before", "after"],
    column_config={
        "occurred_at": st.column_config.DatetimeColumn(_("When (UTC)"), format="D MMM YYYY, HH:mm:ss", timezone="UTC"),
        "actor": _("Who"),
        "action": _("Action"),
        "entity": _("Record type"),
        "entity_id": st.column_config.NumberColumn(_("Record id"), format="%d"),
        "ref": _("Ref"),
        "changes": st.column_config.TextColumn(
            _("Changes"), width="large", help=_("Changed values, or for a new record the values that identify it")
        ),
        "before": st.column_config.JsonColumn(_("Before"), width="medium"),
        "after": st.column_config.JsonColumn(_("After"), width="medium"),
    },
)
st.download_button(
    _("Download these changes as CSV"),
    data=deferred(downloads.csv_of, audit.audit_table, frame),
    file_name=f"audit-trail-{today_utc.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="audit_csv",
)
