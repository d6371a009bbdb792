"""Manage organisations: every funder and recipient, corrected and merged by an admin.

(What each organisation funded and received is on the Organisations page, for everyone.)

Imports match organisations by identifier, then by name; when one body was
recorded twice (two spellings, or before its identifier was known) an admin
merges the two here. Every change is audited (tracker.records.organisation_changes).
"""

import streamlit as st

from dashboard import auth
from dashboard.components import clear_data, engine, pager, pick_by_search
from dashboard.error_sentences import Name
from dashboard.failure_page import guarded
from dashboard.form_errors import Drawn, FormErrors
from dashboard.form_flow import in_the_language_shown
from dashboard.tables import show_table
from tracker.core.vocabulary import ORGANISATION_KIND_LABELS
from tracker.figures.data import data_version
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import _, ngettext
from tracker.records import listings
from tracker.records.organisation_changes import merge_organisations, update_organisation
from tracker.records.problems import ServiceError, ValidationFailed

auth.require("manage_organisations")

db = engine()
state = st.session_state
NO_PROBLEMS = ValidationFailed([])
# Each form's fields, by their names in a refused save's problems.
CORRECT_FIELDS = {
    "name": Drawn(Name(_("Name"), _("the name")), "organisations_name"),
    "identifier": Drawn(Name(_("Identifier")), "organisations_identifier"),
    "other_names": Drawn(Name(_("Other names")), "organisations_other_names"),
}
MERGE_FIELDS = {
    "merge": Drawn(Name(_("Merge into it and remove"), _("the organisation to merge"), True), "organisations_merge")
}
MANY = _("organisations")

st.title(_("Manage organisations"))
st.caption(
    _(
        "Funders and recipients as the records name them. An identifier (org-id style, e.g. {example}) tells "
        "apart two organisations with one name; other names are matched on import like the name itself.",
        example="GB-CHC-1234567",
    )
)
if state.get("organisations_saved"):  # a message and its values, kept by a button: said in the language in use
    what, name, moved = state.pop("organisations_saved")
    said = (
        ngettext("Merged: {n} record now names {name}.", "Merged: {n} records now name {name}.", moved, name=name)
        if what == "merged"
        else _("Saved {name}.", name=name)
    )
    st.success(escape_markdown(said))  # names, as typed or stored
if state.get("organisations_error"):
    st.error(escape_markdown(state.pop("organisations_error")))


@st.cache_resource(show_spinner=False, max_entries=2)
def _organisations(_db, url: str, version: int):
    """Every organisation with its counts, read again when the data changes; shared, never changed."""
    return listings.organisations(_db)


table = _organisations(db, db.url.render_as_string(), data_version(db))
if table.empty:
    st.info(_("No organisations yet: they are added with the announcements and commitments that name them."))
    st.stop()

shown = pager(len(table), "organisations_page", MANY).rows(table).drop(columns=["organisation_id", "version"])
show_table(
    shown.assign(kind=[_(ORGANISATION_KIND_LABELS[k]) if k in ORGANISATION_KIND_LABELS else k for k in shown["kind"]]),
    hide_index=True,
    width="stretch",
    column_config={
        "name": _("Name"),
        "identifier": _("Identifier"),
        "other_names": st.column_config.TextColumn(_("Other names"), width="medium"),
        "kind": _("Kind"),
        "announcements": st.column_config.NumberColumn(_("Announcements funded")),
        "commitments": st.column_config.NumberColumn(_("Commitments received")),
    },
)
names = {
    int(row.organisation_id): _("{name} ({identifier})", name=row.name, identifier=row.identifier)
    if row.identifier
    else _("{name} (no identifier)", name=row.name)
    for row in table.itertuples()
}


@guarded
@in_the_language_shown
def save() -> None:
    row = table.loc[table["organisation_id"] == state["organisations_pick"]].iloc[0]
    try:
        update_organisation(
            int(row.organisation_id),
            name=state["organisations_name"],
            identifier=state["organisations_identifier"],
            other_names=state["organisations_other_names"].splitlines(),
            expected_version=int(row.version),
            engine=db,
            actor=auth.actor(),
        )
    except ValidationFailed as failed:
        state["organisations_problems"] = failed
        return
    except ServiceError as err:
        state["organisations_error"] = err.said()
        return
    clear_data()
    state.pop("organisations_problems", None)
    state["organisations_saved"] = ("saved", state["organisations_name"], 0)


def fill() -> None:
    state.pop("organisations_problems", None)  # another organisation: what was said of the last one goes
    row = table.loc[table["organisation_id"] == state["organisations_pick"]].iloc[0]
    state["organisations_name"] = row["name"]
    state["organisations_identifier"] = row["identifier"]
    state["organisations_other_names"] = "\n".join(n for n in row["other_names"].split("; ") if n)


@guarded
@in_the_language_shown
def merge() -> None:
    try:
        moved = merge_organisations(
            state["organisations_keep"], state["organisations_merge"], engine=db, actor=auth.actor()
        )
    except ValidationFailed as failed:
        state["organisations_merge_problems"] = failed
        return
    except ServiceError as err:
        state["organisations_error"] = err.said()
        return
    clear_data()
    state.pop("organisations_merge_problems", None)
    state["organisations_saved"] = ("merged", names[state["organisations_keep"]], moved)


st.header(_("Correct an organisation"))
pick_by_search(_("Organisation"), names, "organisations_pick", MANY, index=None, on_change=fill)
if state.get("organisations_pick") is not None:
    errors = FormErrors(state.get("organisations_problems", NO_PROBLEMS), CORRECT_FIELDS)
    errors.summary()
    st.text_input(_("Name"), key="organisations_name", max_chars=200)
    errors.beside("name")
    st.text_input(
        _("Identifier (optional)"),
        key="organisations_identifier",
        max_chars=100,
        placeholder=_("e.g. {example}", example="GB-CHC-1234567"),
    )
    errors.beside("identifier")
    st.text_area(_("Other names (one a line)"), key="organisations_other_names")
    errors.beside("other_names")
    st.button(_("Save the organisation"), on_click=save, type="primary", key="organisations_save")

st.header(_("Merge two organisations that are one body"))
st.caption(
    _(
        "Every announcement and commitment of the second moves to the first; its names are kept as other names. "
        "Each change is in the audit trail, which says how to undo it."
    )
)
merge_errors = FormErrors(state.get("organisations_merge_problems", NO_PROBLEMS), MERGE_FIELDS)
merge_errors.summary()
keep_col, merge_col = st.columns(2)
with keep_col:
    pick_by_search(_("Keep"), names, "organisations_keep", MANY, index=None)
with merge_col:
    pick_by_search(_("Merge into it and remove"), names, "organisations_merge", MANY, index=None)
    merge_errors.beside("merge")
st.button(
    _("Merge"),
    on_click=merge,
    disabled=state.get("organisations_keep") is None or state.get("organisations_merge") is None,
    key="organisations_do_merge",
)
