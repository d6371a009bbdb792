"""Deleted records: everything deleted through the dashboard, and restoring it.

Nothing is erased: a deleted record only leaves the totals and lists.
Restoring is for admins (``tracker.records.deletion.restore`` checks the right;
the sign-in issue also takes this page out of other roles' navigation).
"""

import streamlit as st

from dashboard import auth
from dashboard.components import clear_data, engine
from dashboard.failure_page import guarded
from dashboard.form_flow import in_the_language_shown
from dashboard.tables import show_table
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _
from tracker.records import deletion
from tracker.records import listings as records
from tracker.records.problems import ServiceError

auth.require("view_deleted")

# Keyed by the kind of record (``listings.deleted``'s entity, lower case): what is shown, never compared.
KINDS = {
    "announcement": N_("Announcement"),
    "commitment": N_("Commitment"),
    "delivery": N_("Delivery record"),
    "milestone": N_("Milestone"),
}
RECORDS = {
    "announcement": N_("Announcement {ref}"),
    "commitment": N_("Commitment {ref}"),
    "delivery": N_("Delivery {ref}"),
    "milestone": N_("Milestone {ref}"),
}
RESTORED = {
    "announcement": N_("Restored announcement {ref}: it counts in the totals and lists again."),
    "commitment": N_("Restored commitment {ref}: it counts in the totals and lists again."),
    "delivery": N_("Restored delivery {ref}: it counts in the totals and lists again."),
    "milestone": N_("Restored milestone {ref}: it counts in the totals and lists again."),
}

db = engine()
state = st.session_state

st.title(_("Deleted records"))
st.caption(
    _(
        "Records deleted through the dashboard stay in the database and in the audit trail. Restoring one puts it "
        "back in every total, list and download. Only an admin may restore."
    )
)

restored = state.pop("deleted_restored", None)
if restored:
    entity, ref = restored
    st.success(escape_markdown(_(RESTORED[entity], ref=ref)), icon=":material/restore_from_trash:")
if state.get("deleted_error"):
    st.error(escape_markdown(state.pop("deleted_error")), icon=":material/error:")

# Not cached: the list must show a deletion the moment it is saved.
gone = records.deleted(db)
if gone.empty:
    st.info(_("Nothing has been deleted."), icon=":material/info:")
    st.stop()

show_table(
    gone.assign(entity=[_(KINDS[entity.lower()]) for entity in gone["entity"]]),
    hide_index=True,
    width="stretch",
    column_config={
        "entity": _("Record type"),
        "ref": _("Ref"),
        "description": st.column_config.TextColumn(_("What it is"), width="large"),
        "deleted_at": st.column_config.DatetimeColumn(_("Deleted (UTC)"), format="D MMM YYYY, HH:mm"),
        "deleted_by": _("Deleted by"),
        "note": st.column_config.TextColumn(_("Restoring it"), width="large"),
    },
)

options = {f"{row.entity.lower()}:{row.ref}": _(RECORDS[row.entity.lower()], ref=row.ref) for row in gone.itertuples()}


@guarded
@in_the_language_shown
def restore() -> None:
    entity, ref = state["deleted_pick"].split(":", 1)
    try:
        deletion.restore(entity, ref, engine=db, actor=auth.actor())
    except ServiceError as err:
        state["deleted_error"] = err.said()
        return
    clear_data()
    state["deleted_pick"] = None
    state["deleted_restored"] = (entity, ref)  # said when the page runs: a callback runs before the language is set


st.selectbox(
    _("Record to restore"),
    list(options),
    index=None,
    format_func=lambda pick: options[pick],
    key="deleted_pick",
    placeholder=_("Choose a deleted record"),
)
st.button(
    _("Restore it"), on_click=restore, type="primary", key="deleted_restore", disabled=not state.get("deleted_pick")
)
