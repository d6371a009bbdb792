"""Deleted records: everything deleted through the dashboard, and restoring it.

Nothing is erased: a deleted record only leaves the totals and lists.
Restoring is for admins (``tracker.records.deletion.restore`` checks the right;
the sign-in issue also takes this page out of other roles' navigation).
"""

import streamlit as st

from dashboard import auth
from dashboard.components import clear_data, engine
from dashboard.failure_page import guarded
from dashboard.tables import show_table
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _
from tracker.records import deletion
from tracker.records import listings as records
from tracker.records.problems import ServiceError

auth.require("view_deleted")

db = engine()
state = st.session_state

st.title(_("Deleted records"))
st.caption(
    "Records deleted through the dashboard stay in the database and in the audit trail. Restoring one puts it "
    "back in every total, list and download. Only an admin may restore."
)

restored = state.pop("deleted_restored", None)
if restored:
    st.success(escape_markdown(restored), icon=":material/restore_from_trash:")
if state.get("deleted_error"):
    st.error(escape_markdown(state.pop("deleted_error")), icon=":material/error:")

# Not cached: the list must show a deletion the moment it is saved.
gone = records.deleted(db)
if gone.empty:
    st.info("Nothing has been deleted.", icon=":material/info:")
    st.stop()

show_table(
    gone,
    hide_index=True,
    width="stretch",
    column_config={
        "entity": "Record type",
        "ref": "Ref",
        "description": st.column_config.TextColumn("What it is", width="large"),
        "deleted_at": st.column_config.DatetimeColumn("Deleted (UTC)", format="D MMM YYYY, HH:mm"),
        "deleted_by": "Deleted by",
        "note": st.column_config.TextColumn("Restoring it", width="large"),
    },
)

options = {f"{row.entity.lower()}:{row.ref}": f"{row.entity} {row.ref}" for row in gone.itertuples()}


@guarded
def restore() -> None:
    entity, ref = state["deleted_pick"].split(":", 1)
    try:
        deletion.restore(entity, ref, engine=db, actor=auth.actor())
    except ServiceError as err:
        state["deleted_error"] = str(err)
        return
    clear_data()
    state["deleted_pick"] = None
    state["deleted_restored"] = f"Restored {entity} {ref}: it counts in the totals and lists again."


st.selectbox(
    "Record to restore",
    list(options),
    index=None,
    format_func=lambda pick: options[pick],
    key="deleted_pick",
    placeholder="Choose a deleted record",
)
st.button("Restore it", on_click=restore, type="primary", key="deleted_restore", disabled=not state.get("deleted_pick"))
